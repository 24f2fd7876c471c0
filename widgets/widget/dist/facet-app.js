/* Facet widget app, built from widgets/widget/src/app by build.py. */
(function () {
'use strict';
if (!window.Facet || !window.Facet._ctx || window.Facet._app) return;
var CTX = window.Facet._ctx;
var CSS = ":host{all:initial;position:fixed;inset:0;z-index:2147483646;display:block;--fc-text:#16181d;--fc-muted:#555c69;--fc-line:#e2e5ea;--fc-surface:#f5f6f8;--fc-warn:#8a5300;--fc-warn-bg:#fff6e6;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif;color:var(--fc-text);-webkit-font-smoothing:antialiased}*,*::before,*::after{box-sizing:border-box}[hidden]{display:none!important}.bd{position:fixed;inset:0;background:rgba(15,18,24,.58);animation:fc-fade .18s ease-out}.dlg{position:fixed;left:50%;top:50%;transform:translate(-50%,-50%);width:min(1000px,calc(100vw - 32px));max-height:calc(100vh - 32px);max-height:calc(100dvh - 32px);display:flex;flex-direction:column;background:#fff;border-radius:20px;box-shadow:0 24px 64px rgba(0,0,0,.28),0 2px 8px rgba(0,0,0,.12);overflow:hidden;outline:none;animation:fc-pop .22s cubic-bezier(.2,.8,.2,1)}.hd{display:flex;align-items:center;gap:12px;padding:12px 12px 12px 22px;border-bottom:1px solid var(--fc-line)}.hd h2{margin:0;flex:1;font-size:16px;font-weight:650;letter-spacing:.005em}.brand{display:inline-block;width:10px;height:10px;border-radius:50%;background:var(--fc-accent);margin-right:10px}.body{flex:1;overflow:auto;padding:24px;overscroll-behavior:contain}.ft{display:flex;align-items:center;gap:6px;justify-content:center;padding:8px 16px;border-top:1px solid var(--fc-line);font-size:12px;color:var(--fc-muted)}.ft svg{width:14px;height:14px}button{font:inherit;color:inherit}a{color:var(--fc-accent-text)}.iconbtn{all:unset;box-sizing:border-box;display:inline-grid;place-items:center;width:40px;height:40px;border-radius:50%;cursor:pointer;color:var(--fc-text)}.iconbtn:hover{background:var(--fc-surface)}:focus-visible{outline:3px solid var(--fc-accent-text);outline-offset:2px}.btn{display:inline-flex;align-items:center;justify-content:center;gap:8px;min-height:46px;padding:0 22px;border-radius:999px;border:1.5px solid transparent;font-weight:620;font-size:15px;cursor:pointer;text-decoration:none;white-space:nowrap;transition:background .15s,box-shadow .15s,transform .15s}.btn.primary{background:var(--fc-accent);color:var(--fc-accent-ink);box-shadow:0 1px 2px rgba(0,0,0,.14)}.btn.primary:hover{box-shadow:0 4px 14px rgba(0,0,0,.18);transform:translateY(-1px)}.btn.secondary{background:#fff;color:var(--fc-text);border-color:#c9ced6}.btn.secondary:hover{border-color:var(--fc-text)}.btn.small{min-height:38px;padding:0 14px;font-size:14px}.btn.link{min-height:auto;padding:4px 2px;border:0;background:none;color:var(--fc-accent-text);text-decoration:underline}.row{display:flex;flex-wrap:wrap;gap:12px;align-items:center}.center{text-align:center}.screen{max-width:560px;margin:0 auto}.screen:focus{outline:none}h3.big{font-size:26px;line-height:1.2;margin:4px 0 8px;font-weight:700;letter-spacing:-.01em}p.lead{margin:0 0 20px;color:var(--fc-muted);font-size:16px}.hero{display:grid;place-items:center;height:148px;margin:0 auto 18px;border-radius:18px;background:linear-gradient(135deg,var(--fc-accent-soft),#fff 70%)}.hero svg{width:120px;height:120px;color:var(--fc-accent-text)}.privacy{display:flex;gap:12px;text-align:left;padding:14px 16px;border-radius:14px;background:var(--fc-surface);margin:0 0 20px;font-size:14px}.privacy svg{flex:none;margin-top:2px;color:var(--fc-accent-text)}.privacy strong{display:block;margin-bottom:2px}.privacy p{margin:0 0 4px;color:var(--fc-muted)}.actions{display:grid;grid-template-columns:1fr 1fr;gap:12px}.actions.one{grid-template-columns:1fr}.note{font-size:13px;color:var(--fc-muted);margin:14px 0 0}.vh{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);border:0}.cam{position:relative;width:100%;aspect-ratio:4/3;max-height:58vh;margin:0 auto 16px;background:#111;border-radius:18px;overflow:hidden}.cam video{width:100%;height:100%;object-fit:cover;transform:scaleX(-1);display:block}.cam svg.guide{position:absolute;inset:0;width:100%;height:100%;pointer-events:none}.light-hint{margin:-6px auto 14px;max-width:34em;padding:8px 12px;border-radius:12px;background:#fff4d6;color:#5a4300;font-size:14px}.cam .status{position:absolute;inset:auto 0 14px;text-align:center;color:#fff;font-size:14px;text-shadow:0 1px 3px rgba(0,0,0,.6)}.work{display:grid;justify-items:center;gap:18px;padding:8px 0}.thumb{position:relative;width:min(280px,70vw);border-radius:18px;overflow:hidden;background:var(--fc-surface);box-shadow:0 6px 24px rgba(0,0,0,.12)}.thumb canvas,.thumb img{display:block;width:100%;height:auto}.thumb .scan{position:absolute;left:0;right:0;height:28%;top:-30%;background:linear-gradient(180deg,transparent,var(--fc-accent-glow),transparent);animation:fc-scan 1.8s ease-in-out infinite}.bar{width:min(320px,80vw);height:8px;border-radius:99px;background:var(--fc-line);overflow:hidden}.bar i{display:block;height:100%;width:10%;border-radius:99px;background:var(--fc-accent-text);transition:width .6s ease}.statusline{font-weight:600;font-size:16px;margin:0;text-align:center}.alert{display:grid;place-items:center;width:64px;height:64px;margin:8px auto 12px;border-radius:50%;background:var(--fc-warn-bg);color:var(--fc-warn)}.alert svg{width:30px;height:30px}ul.tips{list-style:none;padding:0;margin:0 0 20px;display:grid;gap:8px;text-align:left}ul.tips li{display:flex;gap:10px;align-items:center;padding:10px 14px;border-radius:12px;background:var(--fc-surface);font-weight:550}ul.tips li::before{content:\"\";flex:none;width:8px;height:8px;border-radius:50%;background:var(--fc-warn)}.banner{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:center;padding:12px 16px;margin:0 0 18px;border-radius:14px;background:var(--fc-warn-bg);color:#5c3900;font-size:14px}.banner.ok{background:var(--fc-accent-soft);color:inherit;font-weight:600;justify-content:center}.banner>div{flex:1 1 200px}.banner strong{display:block}.banner .tips-line{display:block;margin-top:4px;font-weight:600}.results{display:grid;grid-template-columns:minmax(0,1.05fr) minmax(0,1fr);gap:24px;align-items:start}.stagecol{position:sticky;top:0;background:#fff;z-index:1}.stage{position:relative;border-radius:18px;overflow:hidden;background:var(--fc-surface)}.stage canvas{display:block;width:100%;height:auto;max-height:62vh;object-fit:contain}.stage .note{position:absolute;left:50%;top:12px;transform:translateX(-50%);padding:6px 12px;border-radius:99px;font-size:13px;font-weight:600;background:rgba(255,255,255,.94);color:var(--fc-text);box-shadow:0 2px 10px rgba(0,0,0,.18);white-space:nowrap}.stage .note[hidden]{display:none}.seg{position:absolute;left:12px;bottom:12px;display:inline-flex;padding:3px;border-radius:99px;background:rgba(255,255,255,.94);box-shadow:0 2px 10px rgba(0,0,0,.18)}.seg button{all:unset;cursor:pointer;padding:6px 14px;border-radius:99px;font-size:13px;font-weight:620;color:var(--fc-text)}.seg button[aria-pressed=\"true\"]{background:var(--fc-text);color:#fff}.seg button:focus-visible{outline:3px solid var(--fc-accent-text);outline-offset:1px}.badge{display:inline-flex;align-items:center;gap:6px;padding:4px 10px;border-radius:99px;font-size:12.5px;font-weight:620;background:#e9f6ee;color:#17603a}.badge.warn{background:var(--fc-warn-bg);color:var(--fc-warn)}.current{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:center;justify-content:space-between;margin:12px 2px 0}.current strong{font-size:15px}.strip{display:flex;gap:10px;overflow-x:auto;padding:12px 2px 6px;scroll-snap-type:x proximity}.frame{all:unset;box-sizing:border-box;cursor:pointer;flex:none;width:96px;scroll-snap-align:start;text-align:center;font-size:12px;color:var(--fc-muted)}.frame span.pic{display:grid;place-items:center;height:60px;border-radius:12px;background:var(--fc-surface);border:2px solid transparent;margin-bottom:4px;padding:6px}.frame img{max-width:100%;max-height:100%;object-fit:contain}.frame[aria-pressed=\"true\"] span.pic{border-color:var(--fc-accent-text);background:#fff}.frame[aria-pressed=\"true\"]{color:var(--fc-text);font-weight:620}.frame:focus-visible span.pic{outline:3px solid var(--fc-accent-text);outline-offset:1px}.frame .t{display:block;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}h3.sec{font-size:13px;letter-spacing:.06em;text-transform:uppercase;color:var(--fc-muted);margin:0 0 10px;font-weight:650}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(210px,100%),1fr));gap:12px}.card{border:1px solid var(--fc-line);border-radius:16px;padding:16px;background:#fff}.card.wide{grid-column:1/-1}.card h4{margin:0 0 6px;font-size:12.5px;font-weight:650;color:var(--fc-muted);letter-spacing:.04em;text-transform:uppercase}.card .v{font-size:20px;font-weight:700;margin:0 0 6px;letter-spacing:-.01em;color:var(--fc-text)}.card p{margin:0;font-size:14px;color:var(--fc-muted)}.monk{display:grid;grid-template-columns:repeat(10,1fr);gap:3px;margin:10px 0 4px}.monk i{display:block;height:22px;border-radius:5px;position:relative}.monk i.on{transform:scaleY(1.35);box-shadow:0 0 0 2px #fff,0 0 0 4px var(--fc-text)}.ends{display:flex;justify-content:space-between;font-size:11.5px;color:var(--fc-muted)}.you{display:flex;align-items:center;gap:8px;margin-top:10px;font-size:13px;color:var(--fc-muted)}.dot{display:inline-block;width:22px;height:22px;border-radius:50%;border:1px solid rgba(0,0,0,.12);flex:none}.sw{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0 10px}.sw i{display:block;width:26px;height:26px;border-radius:50%;border:1px solid rgba(0,0,0,.1)}.sw.avoid i{width:20px;height:20px;opacity:.9}.sub{font-size:12.5px;color:var(--fc-muted);margin:0}.meter{display:grid;grid-template-columns:110px 1fr 34px;gap:10px;align-items:center;font-size:14px;margin:8px 0}.meter .track{height:8px;border-radius:99px;background:var(--fc-line);overflow:hidden}.meter .track i{display:block;height:100%;border-radius:99px;background:#4b5363}.meter b{font-weight:620;text-align:right;font-variant-numeric:tabular-nums}.kv{display:flex;flex-wrap:wrap;justify-content:space-between;gap:2px 8px;font-size:14px;padding:4px 0;border-bottom:1px dashed var(--fc-line)}.kv:last-child{border:0}.kv b{font-weight:650;font-variant-numeric:tabular-nums;white-space:nowrap;margin-left:auto}.recs{margin-top:28px}.vh+.recs{margin-top:0}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:14px}.rec{display:flex;flex-direction:column;border:1px solid var(--fc-line);border-radius:16px;overflow:hidden;background:#fff}.rec .img{display:grid;place-items:center;aspect-ratio:4/3;background:var(--fc-surface);padding:10px}.rec .img img{max-width:100%;max-height:100%;object-fit:contain}.rec .img .ini{font-size:40px;font-weight:700;color:#9aa1ad}.rec .in{display:flex;flex-direction:column;gap:6px;padding:12px 14px 14px;flex:1}.rec h4{margin:0;font-size:14.5px;line-height:1.3;font-weight:650}.rec h4 a{color:var(--fc-text);text-decoration:none}.rec h4 a:hover{text-decoration:underline}.price{font-weight:650;font-size:14px}.rec ul{margin:0;padding:0;list-style:none;display:grid;gap:3px;font-size:12.5px;color:var(--fc-muted);flex:1}.rec ul li{display:flex;gap:6px}.rec ul li::before{content:\"\";flex:none;width:5px;height:5px;margin-top:.55em;border-radius:50%;background:#8a919c}.rec .row{gap:8px;margin-top:6px}.rec .btn.small{flex:1}.end{display:flex;flex-wrap:wrap;gap:12px;justify-content:center;margin:26px 0 4px}@keyframes fc-fade{from{opacity:0}}@keyframes fc-pop{from{opacity:0;transform:translate(-50%,-48%) scale(.98)}}@keyframes fc-scan{0%{top:-30%}100%{top:100%}}@media (max-width:760px){.results{grid-template-columns:minmax(0,1fr)}.stagecol{position:static}}@media (max-width:600px),(max-height:500px){.dlg{left:0;top:0;transform:none;width:100vw;height:100vh;height:100dvh;max-height:none;border-radius:0;animation:fc-fade .18s}.body{padding:16px}h3.big{font-size:22px}.screen>.actions{position:sticky;bottom:-16px;z-index:2;margin:0 -16px;padding:12px 16px 16px;background:#fff;box-shadow:0 -1px 0 var(--fc-line)}}@media (max-width:600px),(max-height:500px){.dlg{padding:env(safe-area-inset-top,0px) env(safe-area-inset-right,0px) 0 env(safe-area-inset-left,0px)}.ft{padding-bottom:max(8px,env(safe-area-inset-bottom,0px))}}@media (max-height:500px) and (orientation:landscape){.hd{padding:2px 8px 2px 16px}.ft{padding-top:4px;padding-bottom:max(4px,env(safe-area-inset-bottom,0px))}.body{padding:12px 16px 16px}.screen .hero{display:none}h3.big{margin:0 0 4px}p.lead{margin-bottom:12px}.cam{width:auto;max-width:100%;max-height:none;height:max(110px,calc(100vh - 215px));height:max(110px,calc(100dvh - 215px))}.screen>.actions:not(.one){grid-template-columns:1fr 1fr}.dlg[data-state=\"camera\"] p.lead{display:none}.stage canvas{max-height:calc(100vh - 140px);max-height:calc(100dvh - 140px)}}@media (max-width:600px){.actions{grid-template-columns:1fr}.hero{height:110px}.hero svg{width:88px;height:88px}.cam{aspect-ratio:3/4;max-height:max(200px,calc(100vh - 370px));max-height:max(200px,calc(100dvh - 370px))}.grid{grid-template-columns:repeat(2,minmax(0,1fr));gap:10px}.rec .in{padding:10px}.rec .row{flex-direction:column;align-items:stretch}.rec .btn{white-space:normal;padding:6px 10px;font-size:14px;line-height:1.2;text-align:center}.meter{grid-template-columns:96px 1fr 30px}}@media (pointer:coarse){.iconbtn{width:44px;height:44px}.btn.small,.btn.link{min-height:44px}.seg button{min-height:44px;min-width:44px;padding:0 16px;display:inline-flex;align-items:center;justify-content:center}}@media (max-width:340px){.btn,.stage .note{white-space:normal;text-align:center}.kv b{white-space:normal;text-align:right}.btn{line-height:1.25;padding:8px 16px}.stage .note{width:max-content;max-width:calc(100% - 24px)}.grid{grid-template-columns:minmax(0,1fr)}.meter{grid-template-columns:minmax(0,1fr) 30px}.meter .track{grid-column:1/-1;grid-row:2}}@media (prefers-reduced-motion:reduce){*,*::before,*::after{animation:none!important;transition:none!important}.thumb .scan{display:none}.btn.primary:hover{transform:none}}.match{display:flex;flex-direction:column;align-items:flex-start;gap:6px;margin:0 0 16px;padding:14px 16px;border:2px solid var(--fc-accent);border-radius:12px;background:var(--fc-accent-soft)}.match strong{font-size:1.05rem}.match.plain{border:1px solid var(--fc-line);background:var(--fc-surface)}";
var STRINGS = {
en: {
title: 'Virtual try-on',
title_match: 'Find your match',
close: 'Close',
intro_h: 'See it on you',
intro_p: 'Take a selfie or upload a photo to try on frames and get your shade, undertone and face-shape analysis.',
intro_match_p: 'Take a selfie or upload a photo to see whether this product suits you, and find your shade, undertone and colours.',
intro_p_upload: 'Upload a photo of your face to try on frames and get your shade, undertone and face-shape analysis.',
intro_match_p_upload: 'Upload a photo of your face to see whether this product suits you, and find your shade, undertone and colours.',
privacy_h: 'Your photo, your privacy',
privacy_deleted: 'Your photo is used only for this analysis and deleted as soon as it finishes.',
privacy_kept: 'This store keeps your photo for {days} days for its records and quality checks, then it is deleted.',
privacy_results: 'Your results (skin tone, face shape, measurements) are kept for {days} days unless you delete them on the results screen. A new photo deletes the previous results.',
privacy_results_nodays: 'Your results (skin tone, face shape, measurements) are kept for a limited time unless you delete them on the results screen. A new photo deletes the previous results.',
privacy_nopii: 'We never ask for your name or email, and the photo is not used for anything else.',
consent: 'By continuing you agree to this use of your photo.',
take_selfie: 'Take a selfie',
upload: 'Upload a photo',
upload_instead: 'Upload a photo instead',
tips: 'For the best result: face the camera, use soft even light, take off your glasses.',
camera_h: 'Line up your face',
camera_hint: 'Fit your face inside the oval and look straight at the camera.',
camera_starting: 'Starting the camera…',
light_too_bright: 'Too bright: your face is washed out. Step away from direct light or a window.',
light_backlit: 'Bright light behind you can throw off your shade. Turn to face the light.',
light_too_dark: 'Too dark for an accurate shade. Face a window or turn on a light.',
capture: 'Take photo',
back: 'Back',
camera_denied_h: 'Camera access is off',
camera_denied_p: 'No problem: you can upload a photo from your device instead.',
camera_missing_h: 'No camera found',
camera_missing_p: 'Upload a photo from your device instead.',
camera_failed_h: 'The camera didn’t start',
uploading: 'Uploading your photo…',
queued: 'Waiting for a free spot…',
running: 'Analysing your face…',
finishing: 'Preparing your results…',
offline: 'You’re offline. Your photo is being analysed: the results come as soon as you’re back online.',
cancel: 'Cancel',
retake: 'Retake photo',
another_photo: 'Choose another photo',
try_again: 'Try again',
err_noface_h: 'We couldn’t find a face',
err_noface_p: 'Make sure your whole face is in the photo, facing the camera, with good light.',
err_notimage_h: 'That file isn’t a photo',
err_notimage_p: 'Please choose a JPEG, PNG, WebP or HEIC image from your device.',
err_type_h: 'That file type isn’t supported',
err_type_p: 'Please use a JPEG, PNG, WebP or HEIC photo.',
err_big_h: 'That photo is too large',
err_big_p: 'Please choose a smaller photo (under 10 MB).',
err_small_h: 'That photo is too small',
err_small_p: 'Please choose a larger photo of your face, a few hundred pixels across or more.',
err_unread_h: 'We couldn’t read that photo',
err_unread_p: 'The file may be damaged. Please take or choose another photo.',
err_busy_h: 'Lots of shoppers right now',
err_busy_p: 'Please try again in a few seconds.',
err_wait_h: 'Time for a short break',
err_wait_p: 'You’ve sent several photos in a few minutes. You can send another in about {minutes} min.',
err_net_h: 'We couldn’t reach the try-on service',
err_net_p: 'Check your connection and try again.',
err_denied_h: 'Try-on isn’t available here',
err_denied_p: 'This store hasn’t enabled try-on for this page.',
err_slow_h: 'This is taking longer than usual',
err_slow_p: 'Please try again in a moment.',
err_server_h: 'Our service is having trouble',
err_server_p: 'This is on our side, not your photo. Please try again in a moment.',
err_generic_h: 'Something went wrong',
err_generic_p: 'Please try again with another photo.',
quality_h: 'A better photo gives better results',
quality_low: 'We can’t measure your skin reliably from this photo, so no shade is shown. Try-on still works.',
show_anyway: 'See try-on anyway',
before: 'Before',
after: 'After',
show_before: 'Show photo without frames',
tryon_h: 'Try-on',
tryon_alt: 'Your photo wearing {title}',
photo_alt: 'Your photo',
frames_h: 'More frames to try',
frame_loading: 'Loading frame…',
frame_failed: 'This frame couldn’t be drawn.',
no_tryon: 'No frames in this store can be tried on yet.',
fit_fits: 'Good fit for your face',
fit_narrow: 'May feel narrow on your face',
fit_wide: 'May look wide on your face',
analysis_h: 'Your analysis',
results_h: 'Your results',
monk_h: 'Skin tone',
monk_v: 'Monk {n} of 10',
monk_scale: 'Monk Skin Tone scale, lightest to deepest',
measured: 'Measured skin colour',
confidence_low: 'Low confidence: lighting may be affecting this.',
undertone_h: 'Undertone',
undertone_warm: 'Warm',
close_to_shape: 'Borderline {x}: another photo may read as {x}.',
close_to_undertone: 'On the edge of {x}: another photo may read as {x}.',
colon: ': ',
face_oval: 'Oval',
face_round: 'Round',
face_square: 'Square',
face_heart: 'Heart-shaped',
face_oblong: 'Oblong',
face_diamond: 'Diamond',
face_triangle: 'Triangular',
undertone_cool: 'Cool',
undertone_neutral: 'Neutral',
undertone_olive: 'Olive',
undertone_warm_p: 'Golden, peachy hues suit you: gold-toned metals and earthy colours.',
undertone_cool_p: 'Pink, rosy hues suit you: silver-toned metals and jewel colours.',
undertone_neutral_p: 'A balance of warm and cool: most colours work for you.',
undertone_olive_p: 'A green-grey cast: muted, earthy colours flatter you.',
season_h: 'Colour season',
best: 'Your best colours',
avoid: 'Colours to go easy on',
frames_best: 'Frame colours for you',
shape_h: 'Face shape',
shape_oval: 'Balanced proportions: most frame shapes suit you.',
shape_round: 'Soft curves and similar width and length: angular frames add definition.',
shape_square: 'A strong jaw and broad forehead: round or oval frames soften the lines.',
shape_heart: 'Wider at the forehead, narrow at the chin: bottom-heavy or light rimless frames balance it.',
shape_oblong: 'Longer than it is wide: deep frames with a strong bridge shorten the face.',
shape_long: 'Longer than it is wide: deep frames with a strong bridge shorten the face.',
shape_rectangle: 'Long with a strong jaw: tall, rounded frames soften and shorten the face.',
shape_diamond: 'Wide cheekbones with a narrow forehead and chin: cat-eye and oval frames suit you.',
shape_triangle: 'Wider at the jaw: frames with strong top lines, like browlines, balance it.',
fit_h: 'Fit',
pd: 'Pupil distance',
pd_v: '{pd} mm (± {u} mm)',
face_width: 'Face width',
mm: '{v} mm',
fit_unknown: 'Frame size unknown for this product.',
concerns_h: 'Skin appearance',
concerns_note: 'Cosmetic appearance indices from this photo, 0–100 (higher means more visible). Not a medical assessment: lighting and camera affect them.',
c_redness: 'Redness',
c_uneven_tone: 'Uneven tone',
c_texture: 'Texture',
c_shine: 'Shine',
c_dark_circles: 'Dark circles',
c_wrinkles: 'Fine lines',
c_pores: 'Visible pores',
recs_h: 'Picked for you',
your_match: 'Your closest shade',
this_is_match: 'Your closest shade is on this page',
this_product: 'This product for you',
about_this_product: 'About this product',
recs_none: 'We have no suggestions for this photo yet.',
view: 'View',
try_this: 'Try on',
add_to_cart: 'Add to cart',
added_to_cart: 'Added to cart',
view_cart: 'View cart',
view_options: 'Choose options',
done: 'Done',
delete_results: 'Delete my results',
deleting: 'Deleting your results…',
deleted: 'Your results were deleted.',
delete_failed_h: 'Your results couldn’t be deleted',
powered: 'Try-on by Facet',
q_too_dark: 'Find more light',
q_too_bright: 'Move out of direct light',
q_blurry: 'Hold the camera steady',
q_face_cut_off: 'Fit your whole face in the frame',
q_head_tilted: 'Hold your head level',
q_eyes_closed: 'Keep your eyes open',
q_too_small: 'Move closer',
q_face_too_small: 'Move closer',
q_too_close: 'Move back a little',
q_face_too_large: 'Move back a little',
q_off_center: 'Centre your face in the frame',
q_pose: 'Face the camera',
q_not_frontal: 'Face the camera',
q_head_turned: 'Face the camera',
q_tilted: 'Keep your head level',
q_uneven_light: 'Use even light on both sides of your face',
q_colour_cast: 'Avoid coloured light',
q_no_colour: 'Use a colour photo without a filter',
q_glasses_on: 'Take off your glasses so the try-on shows only the frames you choose',
q_multiple_faces: 'Make sure only your face is in the photo',
q_occluded: 'Keep your face uncovered',
q_low_resolution: 'Use a sharper, larger photo',
q_blurry_upload: 'Choose a sharper photo',
q_face_too_small_upload: 'Choose a photo where your face is larger',
q_face_cut_off_upload: 'Choose a photo showing your whole face',
q_too_dark_upload: 'Choose a brighter photo',
q_too_bright_upload: 'Choose a photo without harsh direct light',
q_colour_cast_upload: 'Choose a photo taken in daylight or white light',
q_no_colour_upload: 'Choose a colour photo without a filter (not black-and-white or sepia)',
q_glasses_on_upload: 'Choose a photo without glasses, so the try-on shows only the frames you choose',
q_head_turned_upload: 'Choose a photo where you face the camera',
q_pose_upload: 'Choose a photo where you face the camera',
q_head_tilted_upload: 'Choose a photo where your head is level',
q_eyes_closed_upload: 'Choose a photo with your eyes open',
season_spring: 'Spring',
season_summer: 'Summer',
season_autumn: 'Autumn',
season_winter: 'Winter'
},
fr: {
title: 'Essayage virtuel',
title_match: 'Trouvez ce qui vous va',
close: 'Fermer',
intro_h: 'Voyez le résultat sur vous',
intro_p: 'Prenez un selfie ou importez une photo pour essayer des montures et découvrir votre teinte, votre sous-ton et la forme de votre visage.',
intro_match_p: 'Prenez un selfie ou importez une photo pour savoir si ce produit vous va, et découvrir votre teinte, votre sous-ton et vos couleurs.',
intro_p_upload: 'Importez une photo de votre visage pour essayer des montures et découvrir votre teinte, votre sous-ton et la forme de votre visage.',
intro_match_p_upload: 'Importez une photo de votre visage pour savoir si ce produit vous va, et découvrir votre teinte, votre sous-ton et vos couleurs.',
privacy_h: 'Votre photo reste privée',
privacy_deleted: 'Votre photo sert uniquement à cette analyse et est supprimée dès qu’elle est terminée.',
privacy_kept: 'Cette boutique conserve votre photo {days} jours pour ses archives et ses contrôles de qualité, puis elle est supprimée.',
privacy_results: 'Vos résultats (carnation, forme du visage, mesures) sont conservés {days} jours, sauf si vous les supprimez depuis l’écran des résultats. Une nouvelle photo supprime les résultats précédents.',
privacy_results_nodays: 'Vos résultats (carnation, forme du visage, mesures) sont conservés pour une durée limitée, sauf si vous les supprimez depuis l’écran des résultats. Une nouvelle photo supprime les résultats précédents.',
privacy_nopii: 'Nous ne demandons ni votre nom ni votre e-mail, et la photo ne sert à rien d’autre.',
consent: 'En continuant, vous acceptez cette utilisation de votre photo.',
take_selfie: 'Prendre un selfie',
upload: 'Importer une photo',
upload_instead: 'Importer une photo à la place',
tips: 'Pour un meilleur résultat\u00a0: regardez l’objectif, sous une lumière douce et uniforme, sans lunettes.',
camera_h: 'Placez votre visage',
camera_hint: 'Placez votre visage dans l’ovale et regardez droit vers la caméra.',
camera_starting: 'Démarrage de la caméra…',
light_too_bright: 'Trop de lumière : votre visage est délavé. Éloignez-vous de la lumière directe ou d’une fenêtre.',
light_backlit: 'Une lumière vive derrière vous peut fausser votre teinte. Tournez-vous vers la lumière.',
light_too_dark: 'Trop sombre pour une teinte exacte. Placez-vous face à une fenêtre ou allumez une lumière.',
capture: 'Prendre la photo',
back: 'Retour',
camera_denied_h: 'L’accès à la caméra est désactivé',
camera_denied_p: 'Aucun souci\u00a0: vous pouvez importer une photo depuis votre appareil.',
camera_missing_h: 'Aucune caméra trouvée',
camera_missing_p: 'Importez plutôt une photo depuis votre appareil.',
camera_failed_h: 'La caméra n’a pas démarré',
uploading: 'Envoi de votre photo…',
queued: 'En attente d’une place libre…',
running: 'Analyse de votre visage…',
finishing: 'Préparation de vos résultats…',
offline: 'Vous êtes hors ligne. Votre photo est en cours d’analyse : les résultats arrivent dès votre retour en ligne.',
cancel: 'Annuler',
retake: 'Reprendre la photo',
another_photo: 'Choisir une autre photo',
try_again: 'Réessayer',
err_noface_h: 'Nous n’avons pas trouvé de visage',
err_noface_p: 'Vérifiez que tout votre visage est sur la photo, face à la caméra, bien éclairé.',
err_notimage_h: 'Ce fichier n’est pas une photo',
err_notimage_p: 'Choisissez une image JPEG, PNG, WebP ou HEIC sur votre appareil.',
err_type_h: 'Ce type de fichier n’est pas pris en charge',
err_type_p: 'Utilisez une photo JPEG, PNG, WebP ou HEIC.',
err_big_h: 'Cette photo est trop lourde',
err_big_p: 'Choisissez une photo plus légère (moins de 10 Mo).',
err_small_h: 'Cette photo est trop petite',
err_small_p: 'Choisissez une photo de votre visage plus grande, de quelques centaines de pixels ou plus.',
err_unread_h: 'Nous n’avons pas pu lire cette photo',
err_unread_p: 'Le fichier est peut-être endommagé. Prenez ou choisissez une autre photo.',
err_busy_h: 'Beaucoup de visiteurs en ce moment',
err_busy_p: 'Réessayez dans quelques secondes.',
err_wait_h: 'Une petite pause',
err_wait_p: 'Vous avez envoyé plusieurs photos en quelques minutes. Vous pourrez en envoyer une autre dans {minutes} min environ.',
err_net_h: 'Le service d’essayage est injoignable',
err_net_p: 'Vérifiez votre connexion et réessayez.',
err_denied_h: 'L’essayage n’est pas disponible ici',
err_denied_p: 'Cette boutique n’a pas activé l’essayage sur cette page.',
err_slow_h: 'Cela prend plus de temps que prévu',
err_slow_p: 'Réessayez dans un instant.',
err_server_h: 'Notre service rencontre un problème',
err_server_p: 'Le problème vient de notre côté, pas de votre photo. Réessayez dans un instant.',
err_generic_h: 'Un problème est survenu',
err_generic_p: 'Réessayez avec une autre photo.',
quality_h: 'Une meilleure photo donne de meilleurs résultats',
quality_low: 'Cette photo ne permet pas de mesurer votre peau de façon fiable\u00a0: aucune teinte n’est affichée. L’essayage fonctionne toujours.',
show_anyway: 'Voir l’essayage quand même',
before: 'Avant',
after: 'Après',
show_before: 'Afficher la photo sans monture',
tryon_h: 'Essayage',
tryon_alt: 'Votre photo avec {title}',
photo_alt: 'Votre photo',
frames_h: 'Autres montures à essayer',
frame_loading: 'Chargement de la monture…',
frame_failed: 'Cette monture n’a pas pu être affichée.',
no_tryon: 'Aucune monture de cette boutique ne peut encore être essayée.',
fit_fits: 'Taille adaptée à votre visage',
fit_narrow: 'Risque d’être étroite pour votre visage',
fit_wide: 'Risque d’être large pour votre visage',
analysis_h: 'Votre analyse',
results_h: 'Vos résultats',
monk_h: 'Carnation',
monk_v: 'Monk {n} sur 10',
monk_scale: 'Échelle de carnation Monk, de la plus claire à la plus foncée',
measured: 'Couleur de peau mesurée',
confidence_low: 'Confiance faible\u00a0: l’éclairage peut influencer ce résultat.',
undertone_h: 'Sous-ton',
undertone_warm: 'Chaud',
close_to_shape: 'Proche d’un visage «\u00a0{x}\u00a0»\u00a0: une autre photo pourrait donner ce résultat.',
close_to_undertone: 'Proche du sous-ton «\u00a0{x}\u00a0»\u00a0: une autre photo pourrait donner ce résultat.',
colon: '\u00a0: ',
face_oval: 'Ovale',
face_round: 'Rond',
face_square: 'Carré',
face_heart: 'En cœur',
face_oblong: 'Allongé',
face_diamond: 'En losange',
face_triangle: 'Triangulaire',
undertone_cool: 'Froid',
undertone_neutral: 'Neutre',
undertone_olive: 'Olive',
undertone_warm_p: 'Les nuances dorées et pêche vous vont\u00a0: métaux dorés et couleurs terre.',
undertone_cool_p: 'Les nuances roses vous vont\u00a0: métaux argentés et couleurs joyaux.',
undertone_neutral_p: 'Un équilibre entre chaud et froid\u00a0: la plupart des couleurs vous vont.',
undertone_olive_p: 'Un reflet vert-gris\u00a0: les couleurs douces et terreuses vous flattent.',
season_h: 'Saison colorimétrique',
best: 'Vos meilleures couleurs',
avoid: 'Couleurs à doser',
frames_best: 'Couleurs de monture pour vous',
shape_h: 'Forme du visage',
shape_oval: 'Proportions équilibrées\u00a0: la plupart des montures vous vont.',
shape_round: 'Courbes douces, largeur et longueur proches\u00a0: des montures anguleuses structurent le visage.',
shape_square: 'Mâchoire marquée et front large\u00a0: des montures rondes ou ovales adoucissent les lignes.',
shape_heart: 'Plus large au front, fin au menton\u00a0: des montures légères ou plus marquées en bas équilibrent le visage.',
shape_oblong: 'Plus long que large\u00a0: des montures hautes avec un pont marqué raccourcissent le visage.',
shape_long: 'Plus long que large\u00a0: des montures hautes avec un pont marqué raccourcissent le visage.',
shape_rectangle: 'Long avec une mâchoire marquée\u00a0: des montures hautes et arrondies adoucissent le visage.',
shape_diamond: 'Pommettes larges, front et menton fins\u00a0: les montures papillon et ovales vous vont.',
shape_triangle: 'Plus large à la mâchoire\u00a0: des montures marquées en haut, type browline, équilibrent le visage.',
fit_h: 'Ajustement',
pd: 'Écart pupillaire',
pd_v: '{pd} mm (± {u} mm)',
face_width: 'Largeur du visage',
mm: '{v} mm',
fit_unknown: 'Taille de monture inconnue pour ce produit.',
concerns_h: 'Aspect de la peau',
concerns_note: 'Indices cosmétiques d’apparence sur cette photo, de 0 à 100 (plus haut = plus visible). Ce n’est pas un avis médical\u00a0: l’éclairage et la caméra les influencent.',
c_redness: 'Rougeurs',
c_uneven_tone: 'Teint irrégulier',
c_texture: 'Texture',
c_shine: 'Brillance',
c_dark_circles: 'Cernes',
c_wrinkles: 'Ridules',
c_pores: 'Pores visibles',
recs_h: 'Sélectionnés pour vous',
your_match: 'Votre teinte la plus proche',
this_is_match: 'Votre teinte la plus proche est sur cette page',
this_product: 'Ce produit pour vous',
about_this_product: 'À propos de ce produit',
recs_none: 'Pas encore de suggestions pour cette photo.',
view: 'Voir',
try_this: 'Essayer',
add_to_cart: 'Ajouter au panier',
added_to_cart: 'Ajouté au panier',
view_cart: 'Voir le panier',
view_options: 'Choisir les options',
done: 'Terminé',
delete_results: 'Supprimer mes résultats',
deleting: 'Suppression de vos résultats…',
deleted: 'Vos résultats ont été supprimés.',
delete_failed_h: 'Vos résultats n’ont pas pu être supprimés',
powered: 'Essayage par Facet',
q_too_dark: 'Trouvez plus de lumière',
q_too_bright: 'Évitez la lumière directe',
q_blurry: 'Tenez l’appareil immobile',
q_face_cut_off: 'Cadrez tout votre visage',
q_head_tilted: 'Gardez la tête droite',
q_eyes_closed: 'Gardez les yeux ouverts',
q_too_small: 'Rapprochez-vous',
q_face_too_small: 'Rapprochez-vous',
q_too_close: 'Reculez un peu',
q_face_too_large: 'Reculez un peu',
q_blurry_upload: 'Choisissez une photo plus nette',
q_face_too_small_upload: 'Choisissez une photo où votre visage est plus grand',
q_face_cut_off_upload: 'Choisissez une photo montrant tout votre visage',
q_too_dark_upload: 'Choisissez une photo plus lumineuse',
q_too_bright_upload: 'Choisissez une photo sans lumière directe trop forte',
q_colour_cast_upload: 'Choisissez une photo prise à la lumière du jour ou sous une lumière blanche',
q_no_colour_upload: 'Choisissez une photo en couleur, sans filtre (ni noir et blanc ni sépia)',
q_glasses_on_upload: 'Choisissez une photo sans lunettes, pour que l’essayage ne montre que la monture choisie',
q_head_turned_upload: 'Choisissez une photo où vous êtes de face',
q_pose_upload: 'Choisissez une photo où vous êtes de face',
q_head_tilted_upload: 'Choisissez une photo où votre tête est droite',
q_eyes_closed_upload: 'Choisissez une photo où vos yeux sont ouverts',
q_off_center: 'Centrez votre visage',
q_pose: 'Regardez la caméra',
q_not_frontal: 'Regardez la caméra',
q_head_turned: 'Regardez la caméra',
q_tilted: 'Gardez la tête droite',
q_uneven_light: 'Éclairez les deux côtés du visage',
q_colour_cast: 'Évitez la lumière colorée',
q_no_colour: 'Utilisez une photo en couleur, sans filtre',
q_glasses_on: 'Retirez vos lunettes pour que l’essayage ne montre que la monture choisie',
q_multiple_faces: 'Vérifiez que seul votre visage est sur la photo',
q_occluded: 'Gardez le visage dégagé',
q_low_resolution: 'Utilisez une photo plus nette et plus grande',
season_spring: 'Printemps',
season_summer: 'Été',
season_autumn: 'Automne',
season_winter: 'Hiver'
}
};
var LANG = 'en';
function t(key, vars) {
var s = (STRINGS[LANG] && STRINGS[LANG][key]) || STRINGS.en[key] || key;
if (vars) {
s = s.replace(/\{(\w+)\}/g, function (m, k) { return vars[k] == null ? m : String(vars[k]); });
}
return s;
}
function hasString(key) {
return !!STRINGS.en[key];
}

function h(tag, attrs, kids) {
var el = document.createElement(tag);
if (attrs) {
for (var k in attrs) {
var v = attrs[k];
if (v == null || v === false) continue;
if (k === 'class') el.className = v;
else if (k === 'text') el.textContent = v;
else if (k === 'style') el.style.cssText = v;
else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), CTX.guard(v, 'ui:' + k));
else el.setAttribute(k, v === true ? '' : v);
}
}
append(el, kids);
return el;
}
function append(el, kids) {
if (kids == null) return el;
if (!Array.isArray(kids)) kids = [kids];
for (var i = 0; i < kids.length; i++) {
var c = kids[i];
if (c == null || c === false) continue;
el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
}
return el;
}
function clear(el) {
while (el.firstChild) el.removeChild(el.firstChild);
return el;
}
var SVG_NS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, kids) {
var el = document.createElementNS(SVG_NS, tag);
for (var k in attrs || {}) el.setAttribute(k, attrs[k]);
(kids || []).forEach(function (c) { el.appendChild(c); });
return el;
}
function icon(name) {
var paths = {
camera: 'M4 8h3l2-2.5h6L17 8h3v11H4zM12 16.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7',
upload: 'M12 16V4m0 0L7.5 8.5M12 4l4.5 4.5M4 15v4h16v-4',
lock: 'M7 11V8a5 5 0 0 1 10 0v3M5.5 11h13v9h-13z',
close: 'M6 6l12 12M18 6L6 18',
alert: 'M12 4l9 16H3zM12 10v4.5M12 17.2v.3',
face: 'M12 3.5c4.2 0 7 3.4 7 8.2 0 4.6-3.1 8.8-7 8.8s-7-4.2-7-8.8c0-4.8 2.8-8.2 7-8.2zM9.2 10.5v.5m5.6-.5v.5M9.5 15.5c1.4 1.1 3.6 1.1 5 0',
swap: 'M7 7h11l-3-3m3 13H6l3 3',
cart: 'M3 4h2l2.2 11h10.6L20 8H6.2M9.5 19.5h.01M16.5 19.5h.01',
check: 'M5 12.5l4.5 4.5L19 7'
};
return svg('svg', { viewBox: '0 0 24 24', width: '20', height: '20', 'aria-hidden': 'true', focusable: 'false' }, [
svg('path', { d: paths[name] || '', fill: 'none', stroke: 'currentColor', 'stroke-width': '1.8',
'stroke-linecap': 'round', 'stroke-linejoin': 'round' })
]);
}
function hexRgb(hex) {
var m = /^#?([0-9a-f]{6})$/i.exec(hex || '');
if (!m) return null;
var n = parseInt(m[1], 16);
return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
function rgbHex(c) {
return '#' + c.map(function (x) { return (Math.max(0, Math.min(255, Math.round(x))) + 256).toString(16).slice(1); }).join('');
}
function relLum(c) {
var v = c.map(function (x) {
x /= 255;
return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
});
return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
function contrast(a, b) {
var la = relLum(a), lb = relLum(b);
return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}
function storeLang() {
var page = (document.documentElement.lang || '').toLowerCase();
return page && page.split('-')[0] !== LANG ? page : null;
}
function readableOnWhite(hex) {
var c = hexRgb(hex) || [31, 78, 121];
for (var i = 0; i < 20 && contrast(c, [255, 255, 255]) < 4.6; i++) c = c.map(function (x) { return x * 0.88; });
return rgbHex(c);
}
function fmtNum(v, digits) {
var n = Number(v);
if (!isFinite(n)) return '';
try {
return n.toLocaleString(LANG, { maximumFractionDigits: digits, minimumFractionDigits: digits });
} catch (e) {
return n.toFixed(digits);
}
}
function fmtPrice(p, currency) {
if (p == null || p === '') return '';
if (typeof p === 'object') {
currency = p.currency || p.currency_code || currency;
p = p.amount != null ? p.amount : p.value;
}
var n = Number(p);
if (!isFinite(n)) return String(p);
if (currency) {
try {
return new Intl.NumberFormat(LANG, { style: 'currency', currency: currency }).format(n);
} catch (e) {
}
}
return fmtNum(n, 2);
}
function cap(s) {
s = String(s || '');
return s.charAt(0).toUpperCase() + s.slice(1);
}
function absUrl(u) {
if (!u) return u;
try {
return new URL(u, CTX.origin + '/').href;
} catch (e) {
return u;
}
}
function sleep(ms, signal) {
return new Promise(function (resolve, reject) {
var id = setTimeout(resolve, ms);
if (signal) {
signal.addEventListener('abort', function () {
clearTimeout(id);
reject(abortError());
});
}
});
}
function whenOnline(signal) {
return new Promise(function (resolve, reject) {
if (navigator.onLine !== false) return resolve();
function back() {
window.removeEventListener('online', back);
resolve();
}
window.addEventListener('online', back);
if (signal) {
signal.addEventListener('abort', function () {
window.removeEventListener('online', back);
reject(abortError());
});
}
});
}
function abortError() {
var e = new Error('aborted');
e.name = 'AbortError';
return e;
}
function reducedMotion() {
return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
}

function ApiError(kind, status, code, message, retryAfter) {
this.name = 'ApiError';
this.kind = kind; // 'http' | 'network' | 'failed' | 'timeout' | 'client'
this.status = status || 0;
this.code = code || '';
this.message = message || code || kind;
this.retryAfter = retryAfter || 0;
}
ApiError.prototype = Object.create(Error.prototype);
function apiUrl(path) {
return CTX.api + path + (path.indexOf('?') >= 0 ? '&' : '?') + 'key=' + encodeURIComponent(CTX.key);
}
function readJson(resp) {
return resp.text().then(function (txt) {
try {
return txt ? JSON.parse(txt) : {};
} catch (e) {
return {};
}
});
}
function httpError(resp, body) {
var err = (body && body.error) || {};
var ra = parseFloat(resp.headers.get('Retry-After') || '0') || 0;
return new ApiError('http', resp.status, err.code || '', err.message || ('HTTP ' + resp.status), ra);
}
function postWithProgress(url, body, onProgress) {
if (!window.XMLHttpRequest || !onProgress) return fetch(url, { method: 'POST', body: body, credentials: 'omit' });
return new Promise(function (resolve, reject) {
var xhr = new XMLHttpRequest();
xhr.open('POST', url);
xhr.withCredentials = false;
xhr.upload.onprogress = function (ev) {
if (ev.lengthComputable && ev.total) onProgress(ev.loaded / ev.total);
};
xhr.onload = function () {
resolve({ ok: xhr.status >= 200 && xhr.status < 300, status: xhr.status,
headers: { get: function (k) { return xhr.getResponseHeader(k); } },
text: function () { return Promise.resolve(xhr.responseText); } });
};
xhr.onerror = xhr.ontimeout = function () { reject(new TypeError('upload failed')); };
xhr.onabort = function () { reject(abortError()); };
xhr.send(body);
});
}
function uploadPhoto(blob, productId, onProgress) {
var fd = new FormData();
fd.append('image', blob, 'photo.jpg');
if (productId) fd.append('product_id', productId);
if (CTX.sid) fd.append('session_id', CTX.sid);
fd.append('lang', LANG); // the recommendations' reasons come back in the widget's language
return postWithProgress(apiUrl('/analyses?lang=' + encodeURIComponent(LANG)), fd, onProgress)
.catch(unreachable)
.then(function (resp) {
return readJson(resp).then(function (body) {
if (!resp.ok) throw refused(resp, body);
return body;
});
});
}
function unreachable(e) {
if (e && e.name === 'AbortError') throw e;
throw new ApiError('network', 0, 'network', String(e && e.message));
}
function refused(resp, body) {
var err = httpError(resp, body);
CTX.beacon('photo_refused', { code: err.code || 'http_' + err.status, status: err.status });
return err;
}
function convertPhoto(file) {
var fd = new FormData();
fd.append('image', file, file.name || 'photo.heic');
return fetch(apiUrl('/photo-conversions?lang=' + encodeURIComponent(LANG)), { method: 'POST', body: fd, credentials: 'omit' })
.catch(unreachable)
.then(function (resp) {
if (resp.ok) return resp.blob();
return readJson(resp).then(function (body) { throw refused(resp, body); });
});
}
function deleteAnalysis(id) {
return fetch(apiUrl('/analyses/' + encodeURIComponent(id)), { method: 'DELETE', credentials: 'omit' })
.catch(unreachable)
.then(function (resp) {
if (resp.ok || resp.status === 404) return true;
return readJson(resp).then(function (body) { throw httpError(resp, body); });
});
}
function pollUrl(job) {
var u = job.poll_url || ('/api/v1/widget/analyses/' + encodeURIComponent(job.id));
u = absUrl(u);
return u + (u.indexOf('?') >= 0 ? '&' : '?') + 'key=' + encodeURIComponent(CTX.key);
}
function waitForResult(job, onStatus, signal) {
var started = Date.now();
var delay = 400;
var netFailures = 0;
var serverFailures = 0;
function settle(body) {
if (body.status === 'done' && body.result) return body;
if (body.status === 'failed') {
var e = body.error || {};
throw new ApiError('failed', 200, e.code || body.error_code || 'failed', e.message || body.error_message || '');
}
return null;
}
function step() {
if (Date.now() - started > 120000) return Promise.reject(new ApiError('timeout', 0, 'timeout', 'analysis timed out'));
return sleep(delay, signal).then(function () {
delay = Math.min(1500, delay * 1.4);
return fetch(pollUrl(job), { credentials: 'omit', signal: signal }).then(function (resp) {
return readJson(resp).then(function (body) {
if (resp.status >= 500 && ++serverFailures >= 5) throw httpError(resp, body);
if (resp.status === 429 || resp.status >= 500) return step();
if (!resp.ok) throw httpError(resp, body);
netFailures = serverFailures = 0;
onStatus(body.status);
return settle(body) || step();
});
}, function (e) {
if (e && e.name === 'AbortError') throw e;
if (navigator.onLine === false) {
var away = Date.now();
onStatus('offline');
return whenOnline(signal).then(function () {
started += Date.now() - away;
delay = 400;
return step();
});
}
if (++netFailures > 4) throw new ApiError('network', 0, 'network', String(e && e.message));
return step();
});
});
}
try {
var ready = settle(job);
if (ready) return Promise.resolve(ready);
} catch (e) {
return Promise.reject(e);
}
if (!job.id && !job.poll_url) return Promise.reject(new ApiError('http', 200, 'bad_response', 'no analysis id'));
onStatus(job.status || 'queued');
return step();
}
var SERVER_FAULTS = /^(timed_out|analysis_error|internal_error|unavailable|service_unavailable)$/;
function describeError(err) {
var code = (err && err.code) || '';
var status = (err && err.status) || 0;
var kind = (err && err.kind) || '';
function msg(k, extra) {
var out = { title: t('err_' + k + '_h'), text: t('err_' + k + '_p'), code: code || k, retake: true };
for (var x in extra || {}) out[x] = extra[x];
return out;
}
if (kind === 'client' && code === 'not_image') return msg('notimage');
if (code === 'no_face' || code === 'face_not_found') return msg('noface', { tips: true });
if (status === 413 || code === 'file_too_large') return msg('big');
if (status === 415 || code === 'unsupported_media_type') return msg('type');
if (code === 'image_too_small') return msg('small');
if (code === 'image_unreadable' || code === 'image_too_large' || status === 422) return msg('unread');
if (code === 'rate_limited') {
var minutes = Math.max(1, Math.ceil((err.retryAfter || 60) / 60));
return msg('wait', { retake: false, later: true, text: t('err_wait_p', { minutes: minutes }) });
}
if (status === 429) return msg('busy', { retake: false });
if (status === 401 || status === 403) return msg('denied', { retake: false });
if (kind === 'network') return msg('net', { retake: false });
if (kind === 'timeout') return msg('slow', { retake: false });
if (status >= 500 || SERVER_FAULTS.test(code)) return msg('server', { retake: false });
if (kind === 'failed' && err.message && err.message !== code) {
return { title: t('err_generic_h'), text: err.message, code: code, retake: true, tips: true };
}
return msg('generic');
}

var MAX_SIDE = 1024;
function cameraAvailable() {
return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia) && CTX.features.camera !== false;
}
function startCamera(video) {
return navigator.mediaDevices.getUserMedia({
audio: false,
video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 960 } }
}).then(function (stream) {
video.srcObject = stream;
video.muted = true;
video.setAttribute('playsinline', '');
return new Promise(function (resolve, reject) {
var done = false;
function ok() {
if (done || !video.videoWidth) return;
done = true;
resolve(stream);
}
video.addEventListener('loadedmetadata', ok);
video.addEventListener('playing', ok);
var p = video.play();
if (p && p.catch) p.catch(function () { /* autoplay quirks: loadedmetadata still fires */ });
setTimeout(function () {
if (!done) {
done = true;
stopStream(stream);
reject(Object.assign(new Error('camera produced no frames'), { name: 'NotReadableError' }));
}
}, 8000);
});
});
}
function stopStream(stream) {
if (!stream) return;
stream.getTracks().forEach(function (tr) {
try {
tr.stop();
} catch (e) {
}
});
}
function cameraErrorKind(err) {
var n = (err && err.name) || '';
if (n === 'NotAllowedError' || n === 'SecurityError' || n === 'PermissionDeniedError') return 'denied';
if (n === 'NotFoundError' || n === 'OverconstrainedError' || n === 'DevicesNotFoundError') return 'missing';
return 'failed';
}
var LIGHT_SAMPLE_WIDTH = 160;
var CLIPPED_8BIT = 250;
var TOO_BRIGHT_FACE = 0.05;
var BACKLIT_SCENE = 0.20;
var BACKLIT_FACE_MAX = 0.05;
var DARK_WHITE_PATCH = 195;
var FACE_SCALE = 0.7;
var SCENE_SCALE = 1.15;
var GUIDE_CX = 50;
var GUIDE_CY = 47;
var GUIDE_RX = 21;
var GUIDE_RY = 29;
function ovalInFrame(vw, vh, boxW, boxH) {
var unit = Math.max(boxW, boxH) / 100;
var cx = boxW / 2 + (GUIDE_CX - 50) * unit, cy = boxH / 2 + (GUIDE_CY - 50) * unit;
var fit = Math.max(boxW / vw, boxH / vh);
return {
cx: (cx - boxW / 2) / fit + vw / 2,
cy: (cy - boxH / 2) / fit + vh / 2,
rx: GUIDE_RX * unit / fit,
ry: GUIDE_RY * unit / fit
};
}
function lightingHint(px, width, height, oval) {
var face = 0, faceClipped = 0, scene = 0, sceneClipped = 0, hist = new Uint32Array(256);
for (var y = 0; y < height; y++) {
var dy = (y + 0.5 - oval.cy) / oval.ry;
for (var x = 0; x < width; x++) {
var i = (y * width + x) * 4, g = px[i + 1];
var dx = (x + 0.5 - oval.cx) / oval.rx;
hist[Math.max(px[i], g, px[i + 2])]++;
var r2 = dx * dx + dy * dy;
if (r2 <= FACE_SCALE * FACE_SCALE) {
face++;
if (g >= CLIPPED_8BIT) faceClipped++;
} else if (r2 > SCENE_SCALE * SCENE_SCALE) {
scene++;
if (g >= CLIPPED_8BIT) sceneClipped++;
}
}
}
if (!face) return null;
var faceShare = faceClipped / face;
if (faceShare >= TOO_BRIGHT_FACE) return 'too_bright';
if (scene && sceneClipped / scene >= BACKLIT_SCENE && faceShare < BACKLIT_FACE_MAX) return 'backlit';
var above = 0, top = Math.ceil(0.005 * width * height), brightest = 255;
while (brightest > 0 && above + hist[brightest] < top) above += hist[brightest--];
return brightest < DARK_WHITE_PATCH ? 'too_dark' : null;
}
function watchLighting(video, box, onHint, every) {
var canvas = document.createElement('canvas');
var g = canvas.getContext('2d', { willReadFrequently: true });
var shown = null, pending = null, timer = null;
function sample() {
if (!box.isConnected) return stop();  // the dialog closed or moved on
var vw = video.videoWidth, vh = video.videoHeight, rect = box.getBoundingClientRect();
if (!vw || !vh || !rect.width || !rect.height || video.readyState < 2) return;
var w = LIGHT_SAMPLE_WIDTH, hgt = Math.max(1, Math.round(vh * w / vw));
canvas.width = w;
canvas.height = hgt;
g.drawImage(video, 0, 0, w, hgt);
var o = ovalInFrame(vw, vh, rect.width, rect.height), k = w / vw;
var hint = lightingHint(g.getImageData(0, 0, w, hgt).data, w, hgt,
{ cx: o.cx * k, cy: o.cy * k, rx: o.rx * k, ry: o.ry * k });
if (hint === shown) { pending = null; return; }
if (hint !== pending) { pending = hint; return; }
shown = hint;
pending = null;
onHint(hint);
}
function stop() {
clearInterval(timer);
}
timer = setInterval(CTX.guard(sample, 'lighting'), every || 400);
return stop;
}
function grabFrame(video) {
var vw = video.videoWidth, vh = video.videoHeight;
return toJpeg(video, vw, vh, true);
}
function decodeFile(file) {
if (window.createImageBitmap) {
return createImageBitmap(file, { imageOrientation: 'from-image' }).then(function (bmp) {
return { src: bmp, width: bmp.width, height: bmp.height };
}, function () {
return decodeWithImg(file);
});
}
return decodeWithImg(file);
}
function decodeWithImg(file) {
return new Promise(function (resolve, reject) {
var url = URL.createObjectURL(file);
var img = new Image();
img.onload = function () {
resolve({ src: img, width: img.naturalWidth, height: img.naturalHeight, url: url });
};
img.onerror = function () {
URL.revokeObjectURL(url);
reject(new Error('not decodable'));
};
img.src = url;
});
}
function makeOpaque(g, w, h) {
var img = g.getImageData(0, 0, w, h), px = img.data;
for (var i = 0; i < px.length; i += 4) {
if (px[i + 3] === 0) { px[i] = 255; px[i + 1] = 255; px[i + 2] = 255; }
px[i + 3] = 255;
}
g.putImageData(img, 0, 0);
}
function toJpeg(src, w, h, mirror, seeThrough) {
var scale = Math.min(1, MAX_SIDE / Math.max(w, h));
var cw = Math.max(1, Math.round(w * scale)), ch = Math.max(1, Math.round(h * scale));
var canvas = document.createElement('canvas');
canvas.width = cw;
canvas.height = ch;
var g = canvas.getContext('2d');
g.imageSmoothingEnabled = true;
g.imageSmoothingQuality = 'high';
if (mirror) {
g.translate(cw, 0);
g.scale(-1, 1);
}
g.drawImage(src, 0, 0, cw, ch);
if (seeThrough) makeOpaque(g, cw, ch);
return new Promise(function (resolve, reject) {
canvas.toBlob(function (blob) {
if (!blob) return reject(new Error('could not encode JPEG'));
resolve({ blob: blob, canvas: canvas, width: cw, height: ch });
}, 'image/jpeg', 0.9);
});
}
var DECODABLE = /^image\/(jpeg|png|webp|gif|bmp)$/;
var TAIL_BYTES = 65536;
var MAGIC = { 'image/jpeg': [0xff, 0xd8], 'image/png': [0x89, 0x50, 0x4e, 0x47], 'image/webp': [0x52, 0x49, 0x46, 0x46] };
function looksComplete(file) {
var type = file.type || '';
if (!MAGIC[type] || !file.slice || !window.Uint8Array) return Promise.resolve(true);
var jpeg = type === 'image/jpeg';
var rest = jpeg ? file : file.slice(Math.max(0, file.size - TAIL_BYTES));
return Promise.all([readBytes(file.slice(0, 12)), readBytes(rest)]).then(function (parts) {
var head = parts[0], bytes = parts[1];
if (!startsWith(head, 0, MAGIC[type])) return true;
if (type === 'image/webp') return head.length < 12 || (head[4] | (head[5] << 8) | (head[6] << 16) | (head[7] << 24)) + 8 <= file.size;
if (!jpeg) return lastIndexOf(bytes, [0x49, 0x45, 0x4e, 0x44]) >= 0;
for (var i = bytes.length - 2; i >= 0; i--) {
if (bytes[i] !== 0xff) continue;
if (bytes[i + 1] === 0xd9) return true;
if (bytes[i + 1] === 0xda) return false;
}
return true;
}, function () { return true; });
}
function lastIndexOf(bytes, marker) {
for (var i = bytes.length - marker.length; i >= 0; i--) if (startsWith(bytes, i, marker)) return i;
return -1;
}
function startsWith(bytes, at, marker) {
for (var j = 0; j < marker.length; j++) if (bytes[at + j] !== marker[j]) return false;
return true;
}
function readBytes(blob) {
if (blob.arrayBuffer) return blob.arrayBuffer().then(function (buf) { return new Uint8Array(buf); });
return new Promise(function (resolve, reject) {
var reader = new FileReader();
reader.onload = function () { resolve(new Uint8Array(reader.result)); };
reader.onerror = reject;
reader.readAsArrayBuffer(blob);
});
}
function prepareFile(file) {
return looksComplete(file).then(function (complete) {
if (complete) return decodeAndEncode(file);
CTX.beacon('photo_refused', { code: 'image_cut_short', status: 0 });
throw new ApiError('client', 0, 'image_unreadable', 'the photo is cut short');
});
}
function decodeAndEncode(file) {
return decodeFile(file).then(function (d) {
var seeThrough = /^image\/(png|webp|gif)$/.test(file.type || '');
return toJpeg(d.src, d.width, d.height, false, seeThrough).then(function (out) {
if (d.src.close) d.src.close();
if (d.url) URL.revokeObjectURL(d.url);
return out;
});
}, function () {
var type = file.type || '';
if (/^image\/hei[cf]/.test(type) || /\.hei[cf]$/i.test(file.name || '')) {
return convertPhoto(file).then(decodeAndEncode);
}
if (!/^image\//.test(type) || DECODABLE.test(type)) {
CTX.beacon('photo_refused', { code: 'not_image', status: 0 });
throw new ApiError('client', 0, 'not_image', 'not an image');
}
return { blob: file, canvas: null, width: 0, height: 0 };
});
}

function inv3(m) {
var a = m[0][0], b = m[0][1], c = m[0][2], d = m[1][0], e = m[1][1], f = m[1][2];
var g = m[2][0], hh = m[2][1], i = m[2][2];
var A = e * i - f * hh, B = -(d * i - f * g), C = d * hh - e * g;
var det = a * A + b * B + c * C;
if (!det || !isFinite(det)) return null;
return [
[A / det, -(b * i - c * hh) / det, (b * f - c * e) / det],
[B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
[C / det, -(a * hh - b * g) / det, (a * e - b * d) / det]
];
}
function applyH(H, x, y) {
var w = H[2][0] * x + H[2][1] * y + H[2][2];
return [(H[0][0] * x + H[0][1] * y + H[0][2]) / w, (H[1][0] * x + H[1][1] * y + H[1][2]) / w, w];
}
function mul3(A, B) {
var out = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
for (var r = 0; r < 3; r++) {
for (var c = 0; c < 3; c++) out[r][c] = A[r][0] * B[0][c] + A[r][1] * B[1][c] + A[r][2] * B[2][c];
}
return out;
}
function rescaleH(H, s) {
if (Math.abs(s - 1) < 1e-9) return H;
var o = 0.5 * s - 0.5;
return mul3([[s, 0, o], [0, s, o], [0, 0, 1]], H);
}
var assetCache = {};
function loadAsset(url) {
if (assetCache[url]) return assetCache[url];
function load(cors) {
return new Promise(function (resolve, reject) {
var img = new Image();
if (cors) img.crossOrigin = 'anonymous';
img.decoding = 'async';
img.onload = function () { resolve(img); };
img.onerror = function () { reject(new Error('asset failed to load')); };
img.src = url;
});
}
var p = load(true).catch(function () { return load(false); }).then(function (img) {
return { img: img, w: img.naturalWidth, h: img.naturalHeight, pixels: readPixels(img) };
});
p.catch(function () { delete assetCache[url]; });
assetCache[url] = p;
return p;
}
function readPixels(img) {
try {
var c = document.createElement('canvas');
c.width = img.naturalWidth;
c.height = img.naturalHeight;
var g = c.getContext('2d');
g.drawImage(img, 0, 0);
return g.getImageData(0, 0, c.width, c.height).data;
} catch (e) {
return null; // tainted (no CORS): use the mesh path
}
}
function warpLayer(asset, H, W, Hgt) {
var aw = asset.w, ah = asset.h;
var xs = [], ys = [];
var corners = [[-0.5, -0.5], [aw - 0.5, -0.5], [aw - 0.5, ah - 0.5], [-0.5, ah - 0.5]];
for (var k = 0; k < 4; k++) {
var p = applyH(H, corners[k][0], corners[k][1]);
if (!(p[2] > 0) || !isFinite(p[0]) || !isFinite(p[1])) return null; // behind the camera: not drawable
xs.push(p[0]);
ys.push(p[1]);
}
var x0 = Math.max(0, Math.floor(Math.min.apply(null, xs)) - 1);
var y0 = Math.max(0, Math.floor(Math.min.apply(null, ys)) - 1);
var x1 = Math.min(W, Math.ceil(Math.max.apply(null, xs)) + 2);
var y1 = Math.min(Hgt, Math.ceil(Math.max.apply(null, ys)) + 2);
if (x1 <= x0 || y1 <= y0) return null;
var layer = document.createElement('canvas');
layer.width = x1 - x0;
layer.height = y1 - y0;
if (asset.pixels) warpExact(layer, asset, H, x0, y0);
else warpMesh(layer, asset, H, x0, y0);
return { canvas: layer, x: x0, y: y0 };
}
function octaveFor(H, w, h) {
var c = applyH(H, w / 2, h / 2), px = applyH(H, w / 2 + 1, h / 2), py = applyH(H, w / 2, h / 2 + 1);
var cross = (px[0] - c[0]) * (py[1] - c[1]) - (px[1] - c[1]) * (py[0] - c[0]);
var onScreen = Math.sqrt(Math.abs(cross)), k = 0;
while (onScreen < Math.pow(0.5, k + 1) * 1.1 && k < 5) k++;
return k;
}
function areaResize(src, w, h, nw, nh) {
function taps(n, nn) {
var out = [], sc = n / nn;
for (var i = 0; i < nn; i++) {
var a = i * sc, b = Math.min(n, (i + 1) * sc), list = [];
for (var c = Math.floor(a); c < b; c++) list.push([c, (Math.min(c + 1, b) - Math.max(c, a)) / sc]);
out.push(list);
}
return out;
}
var tx = taps(w, nw), ty = taps(h, nh);
var tmp = new Float32Array(nw * h * 4), out = new Float32Array(nw * nh * 4);
for (var y = 0; y < h; y++) {
for (var x = 0; x < nw; x++) {
var o = (y * nw + x) * 4, list = tx[x];
for (var t = 0; t < list.length; t++) {
var q = (y * w + list[t][0]) * 4, wt = list[t][1];
tmp[o] += src[q] * wt; tmp[o + 1] += src[q + 1] * wt; tmp[o + 2] += src[q + 2] * wt; tmp[o + 3] += src[q + 3] * wt;
}
}
}
for (var yy = 0; yy < nh; yy++) {
var ly = ty[yy];
for (var xx = 0; xx < nw; xx++) {
var oo = (yy * nw + xx) * 4;
for (var u = 0; u < ly.length; u++) {
var qq = (ly[u][0] * nw + xx) * 4, wy = ly[u][1];
out[oo] += tmp[qq] * wy; out[oo + 1] += tmp[qq + 1] * wy; out[oo + 2] += tmp[qq + 2] * wy; out[oo + 3] += tmp[qq + 3] * wy;
}
}
}
return out;
}
function premultiplied(asset) {
var px = asset.pixels, n = asset.w * asset.h, pre = new Float32Array(n * 4);
for (var i = 0; i < n * 4; i += 4) {
var a = px[i + 3] / 255;
pre[i] = px[i] * a; pre[i + 1] = px[i + 1] * a; pre[i + 2] = px[i + 2] * a; pre[i + 3] = px[i + 3];
}
return pre;
}
function assetLevel(asset, k) {
asset.levels = asset.levels || {};
if (asset.levels[k]) return asset.levels[k];
var s = Math.pow(0.5, k), lvl;
if (k === 0) {
lvl = { data: premultiplied(asset), w: asset.w, h: asset.h, s: 1 };
} else {
var nw = Math.max(1, Math.round(asset.w * s)), nh = Math.max(1, Math.round(asset.h * s));
var base = asset.levels[0] ? asset.levels[0].data : premultiplied(asset);
lvl = { data: areaResize(base, asset.w, asset.h, nw, nh), w: nw, h: nh, s: s };
}
asset.levels[k] = lvl;
return lvl;
}
function warpExact(layer, asset, H, x0, y0) {
var lvl = assetLevel(asset, octaveFor(H, asset.w, asset.h));
var Hi = inv3(mul3(H, [[1 / lvl.s, 0, 0], [0, 1 / lvl.s, 0], [0, 0, 1]]));
if (!Hi) return;
var src = lvl.data, aw = lvl.w, ah = lvl.h;
var bw = layer.width, bh = layer.height;
var g = layer.getContext('2d');
var out = g.createImageData(bw, bh);
var o = out.data;
for (var j = 0; j < bh; j++) {
var Y = y0 + j;
for (var i = 0; i < bw; i++) {
var X = x0 + i;
var wz = Hi[2][0] * X + Hi[2][1] * Y + Hi[2][2];
var sx = (Hi[0][0] * X + Hi[0][1] * Y + Hi[0][2]) / wz;
var sy = (Hi[1][0] * X + Hi[1][1] * Y + Hi[1][2]) / wz;
if (!(sx > -1 && sy > -1 && sx < aw && sy < ah)) continue;
var ix = Math.floor(sx), iy = Math.floor(sy), fx = sx - ix, fy = sy - iy;
var r = 0, gg = 0, b = 0, a = 0;
for (var t = 0; t < 4; t++) {
var px = ix + (t & 1), py = iy + (t >> 1);
if (px < 0 || py < 0 || px >= aw || py >= ah) continue;
var wt = ((t & 1) ? fx : 1 - fx) * ((t >> 1) ? fy : 1 - fy);
var q = (py * aw + px) * 4;
r += src[q] * wt;
gg += src[q + 1] * wt;
b += src[q + 2] * wt;
a += src[q + 3] * wt;
}
if (a <= 0.01) continue;
var idx = (j * bw + i) * 4, k = 255 / a;
o[idx] = r * k;
o[idx + 1] = gg * k;
o[idx + 2] = b * k;
o[idx + 3] = a;
}
}
g.putImageData(out, 0, 0);
}
function warpMesh(layer, asset, H, x0, y0) {
var g = layer.getContext('2d');
g.imageSmoothingQuality = 'high';
var k = octaveFor(H, asset.w, asset.h), s = Math.pow(0.5, k), img = asset.img, aw = asset.w, ah = asset.h;
if (k > 0) {
var small = document.createElement('canvas');
small.width = Math.max(1, Math.round(aw * s));
small.height = Math.max(1, Math.round(ah * s));
var sg = small.getContext('2d');
sg.imageSmoothingQuality = 'high';
sg.drawImage(img, 0, 0, small.width, small.height);
img = small;
aw = small.width;
ah = small.height;
H = mul3(H, [[1 / s, 0, 0], [0, 1 / s, 0], [0, 0, 1]]);
}
var nx = Math.max(8, Math.min(48, Math.round(aw / 8))), ny = Math.max(4, Math.min(24, Math.round(ah / 8)));
function dst(u, v) {
var p = applyH(H, u - 0.5, v - 0.5);
return [p[0] + 0.5 - x0, p[1] + 0.5 - y0];
}
for (var j = 0; j < ny; j++) {
for (var i = 0; i < nx; i++) {
var u0 = i * aw / nx, u1 = (i + 1) * aw / nx, v0 = j * ah / ny, v1 = (j + 1) * ah / ny;
var s00 = [u0, v0], s10 = [u1, v0], s01 = [u0, v1], s11 = [u1, v1];
var d00 = dst(u0, v0), d10 = dst(u1, v0), d01 = dst(u0, v1), d11 = dst(u1, v1);
drawTri(g, img, s00, s10, s11, d00, d10, d11);
drawTri(g, img, s00, s11, s01, d00, d11, d01);
}
}
}
function drawTri(g, img, s0, s1, s2, d0, d1, d2) {
var den = (s1[0] - s0[0]) * (s2[1] - s0[1]) - (s2[0] - s0[0]) * (s1[1] - s0[1]);
if (!den) return;
var a = ((d1[0] - d0[0]) * (s2[1] - s0[1]) - (d2[0] - d0[0]) * (s1[1] - s0[1])) / den;
var c = ((d2[0] - d0[0]) * (s1[0] - s0[0]) - (d1[0] - d0[0]) * (s2[0] - s0[0])) / den;
var b = ((d1[1] - d0[1]) * (s2[1] - s0[1]) - (d2[1] - d0[1]) * (s1[1] - s0[1])) / den;
var d = ((d2[1] - d0[1]) * (s1[0] - s0[0]) - (d1[1] - d0[1]) * (s2[0] - s0[0])) / den;
var e = d0[0] - a * s0[0] - c * s0[1], f = d0[1] - b * s0[0] - d * s0[1];
var cx = (d0[0] + d1[0] + d2[0]) / 3, cy = (d0[1] + d1[1] + d2[1]) / 3;
function grow(p) {
var dx = p[0] - cx, dy = p[1] - cy, len = Math.sqrt(dx * dx + dy * dy) || 1;
return [p[0] + dx / len * 0.6, p[1] + dy / len * 0.6];
}
var p0 = grow(d0), p1 = grow(d1), p2 = grow(d2);
g.save();
g.beginPath();
g.moveTo(p0[0], p0[1]);
g.lineTo(p1[0], p1[1]);
g.lineTo(p2[0], p2[1]);
g.closePath();
g.clip();
g.transform(a, b, c, d, e, f);
g.drawImage(img, 0, 0);
g.restore();
}
function paintTryOn(canvas, photo, asset, H, bare) {
var W = photo.width, Hgt = photo.height;
if (canvas.width !== W) canvas.width = W;
if (canvas.height !== Hgt) canvas.height = Hgt;
var g = canvas.getContext('2d');
g.clearRect(0, 0, W, Hgt);
g.drawImage(photo, 0, 0);
if (bare || !asset || !H) return true;
var layer = warpLayer(asset, H, W, Hgt);
if (!layer) return false;
g.save();
g.shadowColor = 'rgba(0,0,0,0.28)';
g.shadowBlur = Math.max(2, W / 220);
g.shadowOffsetY = Math.max(1, W / 360);
g.drawImage(layer.canvas, layer.x, layer.y);
g.restore();
return true;
}

var S = null; // the open dialog's state; null when closed
var LAST = null;
var KEEP_RESULTS_MS = 30 * 60 * 1000;
var HIST = { id: 0, leaving: false, push: false };
function historyEntry() {
var st = window.history && history.state;
return st && typeof st === 'object' && st.facetDialog ? st.facetDialog : 0;
}
function pushHistory() {
if (!window.history || !history.pushState || !window.matchMedia || !matchMedia('(pointer:coarse)').matches) return;
if (HIST.leaving) { HIST.push = true; return; } // our previous entry is still being taken off
var st = history.state;
try {
history.pushState(Object.assign({}, st && typeof st === 'object' ? st : {}, { facetDialog: ++HIST.id }), '');
} catch (e) {
return; // a page that forbids it (sandboxed frame): the dialog works as before
}
S.hist = HIST.id;
}
window.addEventListener('popstate', CTX.guard(function () {
if (HIST.leaving) {
HIST.leaving = false;
if (HIST.push && S) { HIST.push = false; pushHistory(); }
return;
}
if (S && S.hist && historyEntry() !== S.hist) closeDialog(true);
}, 'history'));
function dropHistory(s) {
HIST.push = false;
if (s.hist && historyEntry() === s.hist) {
HIST.leaving = true;
history.back();
}
}
var FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]):not([type="hidden"]),select,textarea,[tabindex]:not([tabindex="-1"])';
function openDialog(opts) {
if (S) return;
var host = document.createElement('div');
host.setAttribute('data-facet-dialog', '');
host.style.cssText = 'position:fixed;inset:0;z-index:2147483646;';
var root = host.attachShadow({ mode: 'open' });
root.appendChild(h('style', { text: CSS }));
var accent = (CTX.config.theme && CTX.config.theme.color) || '#1f4e79';
var accentText = readableOnWhite(accent);
var rgb = hexRgb(accent) || [31, 78, 121];
host.style.setProperty('--fc-accent', rgbHex(rgb));
host.style.setProperty('--fc-accent-ink', CTX.ink(rgbHex(rgb)));
host.style.setProperty('--fc-accent-text', accentText);
host.style.setProperty('--fc-accent-soft', 'rgba(' + rgb.join(',') + ',0.16)');
host.style.setProperty('--fc-accent-glow', 'rgba(' + rgb.join(',') + ',0.35)');
var body = h('div', { class: 'body', 'data-fc': 'body' });
var live = h('div', { class: 'vh', 'aria-live': 'polite', role: 'status' });
var dlg = h('div', { class: 'dlg', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'fc-title', tabindex: '-1',
'data-state': 'intro', lang: LANG }, [
h('div', { class: 'hd' }, [
h('h2', { id: 'fc-title' }, [h('span', { class: 'brand', 'aria-hidden': 'true' }),
openedForMatch(opts.productId) ? t('title_match') : t('title')]),
h('button', { class: 'iconbtn', type: 'button', 'aria-label': t('close'), 'data-fc': 'close', onclick: closeDialog },
icon('close'))
]),
body,
h('div', { class: 'ft' }, [icon('lock'), t('powered')]),
live
]);
root.appendChild(h('div', { class: 'bd', onclick: closeDialog }));
root.appendChild(dlg);
var fileInput = h('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp,image/heic,image/heif,image/*', class: 'vh',
tabindex: '-1', 'aria-hidden': 'true', 'data-fc': 'file' });
fileInput.addEventListener('change', CTX.guard(function () {
var f = fileInput.files && fileInput.files[0];
fileInput.value = '';
if (f) onFile(f);
}, 'file'));
root.appendChild(fileInput);
root.addEventListener('keydown', CTX.guard(onKey, 'key'));
S = { host: host, root: root, dlg: dlg, body: body, live: live, file: fileInput, trigger: opts.trigger,
productId: opts.productId, stream: null, abort: null, photo: null, result: null, source: null,
overflow: document.documentElement.style.overflow, prevFocus: document.activeElement };
document.body.appendChild(host);
document.documentElement.style.overflow = 'hidden';
pushHistory();
if (resumePending()) return;
if (LAST && LAST.productId === opts.productId && Date.now() - LAST.at < KEEP_RESULTS_MS) {
S.photo = LAST.photo;
S.result = LAST.result;
S.analysisId = LAST.analysisId;
S.source = LAST.source;
if (LAST.gate) showQualityGate(LAST.result);
else showResults(LAST.result, LAST.lowQuality);
} else {
showIntro();
}
}
function keepResults(r, lowQuality, gate) {
if (LAST && LAST.result === r) {
LAST.gate = !!gate; // past the quality gate ("See try-on anyway"): reopened, the results show
return;
}
LAST = { photo: S.photo, result: r, lowQuality: lowQuality, analysisId: S.analysisId, source: S.source,
productId: S.productId, at: Date.now(), frame: null, added: {}, gate: !!gate };
}
function finishDialog() {
LAST = null;
closeDialog();
}
function closeDialog(back) {
if (!S) return;
var s = S;
S = null;
if (back !== true) dropHistory(s);
stopStream(s.stream);
if (s.stopLighting) s.stopLighting();
if (s.abort && !(s.job && s.job === PENDING && s.abort === s.job.abort)) s.abort.abort();
document.documentElement.style.overflow = s.overflow;
if (s.host.parentNode) s.host.parentNode.removeChild(s.host);
var back = s.trigger || s.prevFocus;
if (back && back.focus) {
try {
back.focus();
} catch (e) {
}
}
}
function onKey(ev) {
if (!S) return;
if (ev.key === 'Escape') {
ev.preventDefault();
closeDialog();
return;
}
if (ev.key !== 'Tab') return;
var items = Array.prototype.filter.call(S.dlg.querySelectorAll(FOCUSABLE), function (el) {
return el.offsetParent !== null || el === S.root.activeElement;
});
if (!items.length) return;
var first = items[0], last = items[items.length - 1], active = S.root.activeElement;
if (ev.shiftKey && (active === first || !S.dlg.contains(active))) {
ev.preventDefault();
last.focus();
} else if (!ev.shiftKey && (active === last || !S.dlg.contains(active))) {
ev.preventDefault();
first.focus();
}
}
function announce(text) {
if (S) S.live.textContent = text;
}
function setScreen(name, node) {
if (!S) return;
if (name !== 'camera') {
stopStream(S.stream);
S.stream = null;
if (S.stopLighting) S.stopLighting();
S.stopLighting = null;
}
S.dlg.setAttribute('data-state', name);
S.live.textContent = '';
clear(S.body);
S.body.scrollTop = 0;
S.body.appendChild(node);
var focusEl = node.querySelector('[data-autofocus]') || node;
if (!focusEl.hasAttribute('tabindex') && !focusEl.matches(FOCUSABLE)) focusEl.setAttribute('tabindex', '-1');
focusEl.focus({ preventScroll: true });
}
function faceArt() {
return svg('svg', { viewBox: '0 0 120 120', 'aria-hidden': 'true' }, [
svg('ellipse', { cx: '60', cy: '60', rx: '34', ry: '44', fill: 'none', stroke: 'currentColor', 'stroke-width': '3',
'stroke-dasharray': '6 6' }),
svg('path', { d: 'M26 52h8m52 0h8M34 52a12 11 0 1 0 24 0 12 11 0 1 0-24 0m28 0a12 11 0 1 0 24 0 12 11 0 1 0-24 0M56 50c2.5-2 5.5-2 8 0',
fill: 'none', stroke: 'currentColor', 'stroke-width': '3.2', 'stroke-linecap': 'round' }),
svg('path', { d: 'M50 84c6 4 14 4 20 0', fill: 'none', stroke: 'currentColor', 'stroke-width': '3', 'stroke-linecap': 'round' })
]);
}
function privacyBox() {
var p = CTX.config.privacy || {};
var days = p.retention_days || 0;
var kept = p.analysis_retention_days || 0;
return h('div', { class: 'privacy', 'data-fc': 'privacy' }, [
icon('lock'),
h('div', null, [
h('strong', { text: t('privacy_h') }),
h('p', { text: days > 0 ? t('privacy_kept', { days: days }) : t('privacy_deleted') }),
h('p', { text: kept > 0 ? t('privacy_results', { days: kept }) : t('privacy_results_nodays') }),
h('p', { text: t('privacy_nopii') })
])
]);
}
function uploadButton(primary, label) {
return h('button', { class: 'btn ' + (primary ? 'primary' : 'secondary'), type: 'button', 'data-fc': 'upload',
onclick: function () { S.file.click(); } }, [icon('upload'), label || t('upload')]);
}
function showIntro(notice) {
var cam = cameraAvailable();
notice = typeof notice === 'string' ? notice : '';
var node = h('section', { class: 'screen center', 'aria-labelledby': 'fc-intro-h' }, [
notice ? h('p', { class: 'banner ok', role: 'status', tabindex: '-1', 'data-autofocus': true, 'data-fc': 'notice',
text: notice }) : null,
h('div', { class: 'hero' }, faceArt()),
h('h3', { class: 'big', id: 'fc-intro-h', tabindex: '-1', 'data-autofocus': true, text: t('intro_h') }),
h('p', { class: 'lead', text: t((openedForMatch(S.productId) && CTX.features.recommendations !== false ? 'intro_match_p' : 'intro_p') +
(cam ? '' : '_upload')) }),
privacyBox(),
h('div', { class: 'actions' + (cam ? '' : ' one') }, [
cam ? h('button', { class: 'btn primary', type: 'button', 'data-fc': 'camera', onclick: showCamera },
[icon('camera'), t('take_selfie')]) : null,
uploadButton(!cam)
]),
h('p', { class: 'note', text: t('consent') + ' ' + t('tips') })
]);
setScreen('intro', node);
}
function ovalGuide() {
return svg('svg', { class: 'guide', viewBox: '0 0 100 100', preserveAspectRatio: 'xMidYMid slice', 'aria-hidden': 'true' }, [
svg('defs', {}, [svg('mask', { id: 'fc-m' }, [
svg('rect', { x: '0', y: '0', width: '100', height: '100', fill: '#fff' }),
svg('ellipse', { cx: GUIDE_CX, cy: GUIDE_CY, rx: GUIDE_RX, ry: GUIDE_RY, fill: '#000' })
])]),
svg('rect', { x: '0', y: '0', width: '100', height: '100', fill: 'rgba(0,0,0,.45)', mask: 'url(#fc-m)' }),
svg('ellipse', { cx: GUIDE_CX, cy: GUIDE_CY, rx: GUIDE_RX, ry: GUIDE_RY, fill: 'none', stroke: '#fff', 'stroke-width': '.7',
'stroke-dasharray': '2 1.4' })
]);
}
function showCamera() {
var video = h('video', { autoplay: true, playsinline: true, muted: true, 'aria-label': t('camera_hint') });
var status = h('div', { class: 'status', text: t('camera_starting') });
var shoot = h('button', { class: 'btn primary', type: 'button', 'data-fc': 'capture', disabled: true }, [icon('camera'), t('capture')]);
var light = h('p', { class: 'light-hint', 'data-fc': 'light-hint', role: 'status', 'aria-live': 'polite', hidden: true });
var cam = h('div', { class: 'cam' }, [video, ovalGuide(), status]);
var node = h('section', { class: 'screen center' }, [
h('h3', { class: 'big', tabindex: '-1', 'data-autofocus': true, text: t('camera_h') }),
h('p', { class: 'lead', text: t('camera_hint') }),
cam,
light,
h('div', { class: 'actions' }, [shoot, uploadButton(false)]),
h('p', { class: 'note' }, h('button', { class: 'btn link', type: 'button', onclick: showIntro, text: t('back') }))
]);
setScreen('camera', node);
var mine = S;
startCamera(video).then(function (stream) {
if (S !== mine || S.dlg.getAttribute('data-state') !== 'camera') return stopStream(stream);
S.stream = stream;
status.textContent = '';
shoot.disabled = false;
var stopWatching = watchLighting(video, cam, function (hint) {
if (S !== mine || S.dlg.getAttribute('data-state') !== 'camera') return stopWatching();
light.hidden = !hint;
light.textContent = hint ? t('light_' + hint) : '';
if (hint) light.setAttribute('data-hint', hint);
else light.removeAttribute('data-hint');
});
S.stopLighting = stopWatching;
shoot.addEventListener('click', CTX.guard(function () {
shoot.disabled = true;
CTX.mark('photo-chosen');
grabFrame(video).then(function (prep) {
S.source = 'camera';
submit(prep);
}).catch(function (e) {
CTX.report(e, 'capture');
showCameraProblem('failed');
});
}, 'capture'));
}, function (err) {
if (S === mine) showCameraProblem(cameraErrorKind(err));
});
}
function showCameraProblem(kind) {
var title = kind === 'denied' ? t('camera_denied_h') : kind === 'missing' ? t('camera_missing_h') : t('camera_failed_h');
var text = kind === 'denied' ? t('camera_denied_p') : t('camera_missing_p');
var node = h('section', { class: 'screen center', 'data-camera-problem': kind }, [
h('div', { class: 'alert' }, icon('camera')),
h('h3', { class: 'big', tabindex: '-1', 'data-autofocus': true, text: title }),
h('p', { class: 'lead', text: text }),
h('div', { class: 'actions one' }, uploadButton(true)),
h('p', { class: 'note' }, h('button', { class: 'btn link', type: 'button', onclick: showIntro, text: t('back') }))
]);
setScreen('camera-problem', node);
announce(title);
}
function onFile(file) {
CTX.mark('photo-chosen');
S.source = 'upload';
showWorking(null);
var from = S;
prepareFile(file).then(function (prep) {
if (S === from) return submit(prep);
if (S && S.job) return; // closed and reopened, and another photo chosen since: that one wins
submit(prep, from);
if (S) resumePending();
}).catch(function (err) {
if (S && (S === from || !S.job)) showError(describeError(err));
});
}
function showWorking(canvas) {
var bar = h('i');
var line = h('p', { class: 'statusline', text: t('uploading') });
var thumb = h('div', { class: 'thumb' }, [canvas ? canvas : null, h('span', { class: 'scan', 'aria-hidden': 'true' })]);
if (!canvas) thumb.style.height = '200px';
var node = h('section', { class: 'screen work', 'aria-busy': 'true' }, [
thumb,
h('div', { class: 'bar', role: 'progressbar', 'aria-label': t('running'), 'aria-valuemin': '0', 'aria-valuemax': '100' }, bar),
h('p', { class: 'vh', tabindex: '-1', 'data-autofocus': true, text: t('uploading') }),
line,
h('button', { class: 'btn secondary small', type: 'button', 'data-fc': 'cancel', onclick: function () {
if (S && S.abort) S.abort.abort();
if (S && S.job && !S.job.body && !S.job.failed) dropJob(S.job);
if (S && S.job === PENDING) PENDING = null;
showIntro();
},
text: t('cancel') })
]);
setScreen('working', node);
return function (key, pct) {
line.textContent = t(key);
bar.style.width = pct + '%';
bar.parentNode.setAttribute('aria-valuenow', String(pct));
announce(t(key));
};
}
var PENDING = null;
var MINE = null;
var DOOMED = [];
function dropAnalysis(id) {
if (MINE === id) MINE = null;
deleteAnalysis(id).catch(function () { if (DOOMED.indexOf(id) < 0) DOOMED.push(id); });
}
function dropJob(job) {
job.dropped = true;
if (job.abort) job.abort.abort();
if (job.id) dropAnalysis(job.id);
}
function submit(prep, from) {
var at = from || S;
if (!at) return;
LAST = null; // a new photo replaces the kept results, whatever its outcome
if (PENDING) dropJob(PENDING);
if (MINE) dropAnalysis(MINE);
DOOMED.splice(0).forEach(dropAnalysis);
var job = { prep: prep, source: at.source, productId: at.productId, body: null, failed: false, tick: 0,
abort: window.AbortController ? new AbortController() : null, progress: function () {} };
PENDING = job;
if (S === at) {
S.photo = prep.canvas;
S.sent = prep; // what "Try again" sends again after a fault that was not the photo's
S.abort = job.abort;
S.job = job;
watch(job);
}
function step(key, pct) {
job.stage = key;
job.pct = pct;
job.progress(key, pct);
}
step('uploading', 12);
var signal = job.abort ? job.abort.signal : undefined;
CTX.beacon('photo_submitted', { source: at.source, width: prep.width, height: prep.height,
kb: Math.round(prep.blob.size / 1024), product_id: at.productId });
uploadPhoto(prep.blob, at.productId, function (sent) {
var pct = 12 + Math.floor(sent * 16);
if (pct > job.pct && job.stage === 'uploading') step('uploading', pct);
}).then(function (upload) {
job.id = upload.id;
if (job.dropped) {
if (upload.id) dropAnalysis(upload.id);
throw { name: 'AbortError' };
}
MINE = upload.id || null;
step(upload.status === 'running' ? 'running' : 'queued', 30);
return waitForResult(upload, function (status) {
job.tick++;
if (status === 'running') step('running', Math.min(88, 45 + job.tick * 6));
else if (status === 'queued') step('queued', Math.min(40, 30 + job.tick * 2));
else if (status === 'offline') step('offline', job.pct);
}, signal);
}).then(function (body) {
job.body = body;
if (!S || S.job !== job) return; // closed: kept in PENDING for the dialog's next opening
PENDING = null;
step('finishing', 100);
return onResult(body);
}).catch(function (err) {
job.failed = true;
job.error = err && err.name === 'AbortError' ? null : err;
if (!S || S.job !== job || !job.error) return; // closed: said at the next opening (`resumePending`)
PENDING = null;
if (!(err instanceof ApiError)) CTX.report(err, 'submit');
showError(describeError(err));
});
}
function watch(job) {
var shown = job.prep.canvas ? job.prep.canvas.cloneNode(false) : null;
if (shown) shown.getContext('2d').drawImage(job.prep.canvas, 0, 0);
var progress = showWorking(shown);
var owner = S;
job.progress = function (key, pct) { if (S === owner && S.job === job) progress(key, pct); };
}
function resumePending() {
var job = PENDING;
if (!job || job.productId !== S.productId || (job.failed && !job.error)) return false;
S.photo = job.prep.canvas;
S.sent = job.prep;
S.source = job.source;
S.abort = job.abort;
S.job = job;
if (job.error) { // failed while closed: say so, with "Try again" sending the same photo
PENDING = null;
if (!(job.error instanceof ApiError)) CTX.report(job.error, 'submit');
showError(describeError(job.error));
} else if (job.body) {
PENDING = null;
onResult(job.body);
} else {
watch(job);
job.progress(job.stage || 'uploading', job.pct || 12);
}
return true;
}
function showError(desc) {
if (!S) return;
var kids = [
h('div', { class: 'alert' }, icon(desc.code === 'no_face' ? 'face' : 'alert')),
h('h3', { class: 'big', tabindex: '-1', 'data-autofocus': true, 'data-fc': 'error-title', text: desc.title }),
h('p', { class: 'lead', 'data-fc': 'error-text', text: desc.text })
];
if (desc.tips) {
var uploaded = S.source === 'upload';
kids.push(h('ul', { class: 'tips' }, ['q_face_too_small', 'q_pose', 'q_too_dark'].map(function (k) {
return h('li', { text: uploaded && hasString(k + '_upload') ? t(k + '_upload') : t(k) });
})));
}
kids.push(h('div', { class: 'actions' + (desc.retake ? '' : ' one') }, againButtons(desc)));
setScreen('error', h('section', { class: 'screen center', role: 'alert', 'data-error-code': desc.code }, kids));
}
function againButtons(desc) {
if (desc.buttons) return desc.buttons;
if (desc.later) { // trying again now would be refused again: back to the start, the text says when
return [h('button', { class: 'btn primary', type: 'button', 'data-fc': 'back', onclick: showIntro, text: t('back') })];
}
if (!desc.retake) {
var again = S.sent ? function () { submit(S.sent); } : retake;
return [h('button', { class: 'btn primary', type: 'button', 'data-fc': 'retake', onclick: again, text: t('try_again') })];
}
if (S.source === 'upload') {
return [uploadButton(true, t('another_photo')),
h('button', { class: 'btn secondary', type: 'button', 'data-fc': 'retake', onclick: showIntro, text: t('back') })];
}
return [h('button', { class: 'btn primary', type: 'button', 'data-fc': 'retake', onclick: retake }, retakeLabel()),
uploadButton(false)];
}
function retakeLabel() {
return S && S.source === 'upload' ? [icon('upload'), t('another_photo')] : [icon('camera'), t('retake')];
}
function retake() {
if (S && S.source === 'camera' && cameraAvailable()) showCamera();
else showIntro();
}
function deleteButton() {
return h('button', { class: 'btn link', type: 'button', 'data-fc': 'delete-results', onclick: function (ev) {
deleteResults(ev.currentTarget);
}, text: t('delete_results') });
}
function deleteResults(button) {
var id = S && S.analysisId;
var mine = S;
function deleted() {
if (LAST && LAST.analysisId === id) LAST = null;
if (MINE === id) MINE = null;
if (S !== mine) return;
S.result = S.analysisId = S.photo = S.sent = S.job = null;
showIntro(t('deleted'));
}
if (!id) return deleted();
if (button) {
button.disabled = true;
button.textContent = t('deleting');
}
announce(t('deleting'));
deleteAnalysis(id).then(deleted, function (err) {
if (S !== mine) return;
var desc = describeError(err);
desc.title = t('delete_failed_h');
desc.buttons = [
h('button', { class: 'btn primary', type: 'button', 'data-fc': 'delete-again', onclick: function () { deleteResults(); },
text: t('try_again') }),
h('button', { class: 'btn secondary', type: 'button', 'data-fc': 'back', onclick: backToResults, text: t('back') })
];
showError(desc);
});
}
function backToResults() {
if (!LAST) return showIntro();
if (LAST.gate) showQualityGate(LAST.result);
else showResults(LAST.result, LAST.lowQuality);
}
function onResult(body) {
S.result = body.result;
S.analysisId = body.id || null;
var r = body.result || {};
if (!r.face && r.faces_found === 0) return showError(describeError({ kind: 'failed', code: 'no_face' }));
if (!S.photo) return showError(describeError({ kind: 'failed', code: 'image_unreadable' }));
var q = r.quality = withoutMootIssues(r);
CTX.beacon('analysis_shown', { analysis_id: S.analysisId, quality_ok: q.ok !== false,
tryon_items: ((r.tryon && r.tryon.items) || []).length, recommendations: (r.recommendations || []).length,
product_id: S.productId });
CTX.mark('analysis-received');
if (q.ok === false) return showQualityGate(r);
showResults(r, false);
}
function withoutMootIssues(r) {
var q = r.quality || {};
if (((r.tryon && r.tryon.items) || []).length) return q;
var issues = (q.issues || []).filter(function (it) { return it.code !== 'glasses_on'; });
if (issues.length === (q.issues || []).length) return q;
return Object.assign({}, q, { issues: issues, ok: issues.length ? q.ok : true });
}
function qualityInstructions(q) {
var uploaded = S && S.source === 'upload';
return (q.issues || []).map(function (it) {
var key = 'q_' + it.code;
if (uploaded && hasString(key + '_upload')) return t(key + '_upload');
return hasString(key) ? t(key) : (it.message || it.code);
}).filter(function (s, i, arr) { return s && arr.indexOf(s) === i; });
}
function showQualityGate(r) {
keepResults(r, true, true); // reopened, the dialog comes back to this screen, not to an empty intro
var items = qualityInstructions(r.quality || {});
var node = h('section', { class: 'screen center', 'data-fc': 'quality-gate' }, [
h('div', { class: 'alert' }, icon('alert')),
h('h3', { class: 'big', tabindex: '-1', 'data-autofocus': true, text: t('quality_h') }),
h('ul', { class: 'tips' }, items.map(function (s) { return h('li', { text: s }); })),
h('div', { class: 'actions' }, [
h('button', { class: 'btn primary', type: 'button', 'data-fc': 'retake', onclick: retake }, retakeLabel()),
h('button', { class: 'btn secondary', type: 'button', onclick: function () { showResults(r, true); }, text: t('show_anyway') })
]),
h('p', { class: 'note' }, deleteButton())
]);
setScreen('quality', node);
}

var MONK = ['#f6ede4', '#f3e7db', '#f7ead0', '#eadaba', '#d7bd96', '#a07e56', '#825c43', '#604134', '#3a312a', '#292420'];
function showResults(r, lowQuality) {
var feats = CTX.features;
var items = (feats.tryon !== false && r.tryon && r.tryon.items) || [];
var recs = feats.recommendations !== false ? (r.recommendations || []) : [];
var left = h('div', { class: 'stagecol' });
var right = h('div', null);
var node = h('section', { class: 'results-wrap', 'data-fc': 'results' });
var instructions = qualityInstructions(r.quality || {});
var skinShown = skinTrusted(r.skin, lowQuality);
if (instructions.length || lowQuality) {
var tips = !skinShown && instructions.length ? h('span', { class: 'tips-line', text: instructions.join(' · ') }) : null;
node.appendChild(h('div', { class: 'banner', 'data-fc': 'quality' }, [
h('div', null, [
h('strong', { text: !skinShown ? t('quality_low') : t('quality_h') + t('colon') + instructions.join(' · ') }),
tips
]),
h('button', { class: 'btn secondary small', type: 'button', onclick: retake }, retakeLabel()[1])
]));
}
var heading = h('h3', { class: 'vh', tabindex: '-1', 'data-autofocus': true, text: t('results_h') });
node.appendChild(heading);
var matchFirst = feats.recommendations !== false && (recs.length || r.this_product) && openedForMatch(S.productId);
if (matchFirst) buildRecs(node, recs, items, r.this_product || true);
node.appendChild(h('div', { class: 'results' }, [left, right]));
buildTryOn(left, r, items, recs);
if (feats.analysis !== false) buildCards(right, r, skinShown);
if (feats.recommendations !== false && !matchFirst) buildRecs(node, recs, items);
node.appendChild(h('div', { class: 'end' }, [
h('button', { class: 'btn secondary', type: 'button', 'data-fc': 'retake', onclick: retake }, retakeLabel()),
h('button', { class: 'btn primary', type: 'button', 'data-fc': 'done', onclick: finishDialog, text: t('done') })
]));
node.appendChild(h('p', { class: 'note center' }, deleteButton()));
setScreen('results', node);
keepResults(r, lowQuality);
}
function openedForMatch(productId) {
var cfg = CTX.config || {};
if (!productId || !cfg.frames_complete) return false;
return !(cfg.frames || []).some(function (f) { return String(f.product_id) === String(productId); });
}
function buildTryOn(col, r, items, recs) {
var photo = S.photo;
var canvas = h('canvas', { 'data-fc': 'tryon-canvas', role: 'img', 'aria-label': t('photo_alt'), tabindex: '-1' });
var beforeBtn = h('button', { type: 'button', 'aria-pressed': 'false', 'data-fc': 'before', text: t('before') });
var afterBtn = h('button', { type: 'button', 'aria-pressed': 'true', 'data-fc': 'after', text: t('after') });
var stage = h('div', { class: 'stage' }, [canvas]);
var current = h('div', { class: 'current', 'data-fc': 'current-frame' });
col.appendChild(stage);
col.appendChild(current);
var scale = r.image && r.image.width ? photo.width / r.image.width : 1;
var state = { item: null, bare: false, token: 0 };
var full = document.createElement('canvas');
var view = faceView(r, photo, scale);
canvas.setAttribute('data-photo-size', photo.width + 'x' + photo.height);
function show(asset, H, bare) {
var ok = paintTryOn(full, photo, asset, H, bare);
canvas.width = view.w;
canvas.height = view.h;
canvas.getContext('2d').drawImage(full, view.x, view.y, view.w, view.h, 0, 0, view.w, view.h);
return ok;
}
show(null, null, true);
if (!items.length) {
current.appendChild(h('p', { class: 'sub', text: t('no_tryon') }));
return;
}
stage.appendChild(h('div', { class: 'seg', role: 'group', 'aria-label': t('show_before') }, [beforeBtn, afterBtn]));
var note = h('p', { class: 'note', role: 'status', 'data-fc': 'frame-note', hidden: true });
stage.appendChild(note);
function say(key) {
note.hidden = !key;
note.textContent = key ? t(key) : '';
}
function draw() {
var it = state.item, my = ++state.token;
canvas.setAttribute('data-product-id', it.product_id || '');
canvas.setAttribute('data-drawn', 'pending');
var slow = setTimeout(function () { if (my === state.token && !state.bare) say('frame_loading'); }, 300);
return loadAsset(absUrl(it.asset_url)).then(function (asset) {
if (my !== state.token) return;
var ok = show(asset, rescaleH(it.homography, scale), state.bare);
canvas.setAttribute('data-drawn', state.bare ? 'bare' : ok ? 'frame' : 'failed');
say(ok || state.bare ? null : 'frame_failed');
CTX.mark(state.bare ? 'drawn-bare' : 'drawn-frame');
canvas.setAttribute('aria-label', state.bare ? t('photo_alt') : t('tryon_alt', { title: it.title || '' }));
}).catch(function (e) {
if (my !== state.token) return;
canvas.setAttribute('data-drawn', 'failed');
say(state.bare ? null : 'frame_failed');
CTX.report(e, 'asset');
show(null, null, true);
}).then(function () {
clearTimeout(slow);
if (my === state.token) showThumbnails();
});
}
var thumbnails = [];
function showThumbnails() {
thumbnails.forEach(function (img) { if (!img.src) img.src = img.getAttribute('data-src'); });
}
function setBare(bare) {
state.bare = bare;
beforeBtn.setAttribute('aria-pressed', String(bare));
afterBtn.setAttribute('aria-pressed', String(!bare));
draw();
}
beforeBtn.addEventListener('click', CTX.guard(function () { setBare(true); }, 'before'));
afterBtn.addEventListener('click', CTX.guard(function () { setBare(false); }, 'after'));
var buttons = [];
function select(it, userAction) {
var prev = state.item;
state.item = it;
state.bare = false;
beforeBtn.setAttribute('aria-pressed', 'false');
afterBtn.setAttribute('aria-pressed', 'true');
buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b._item === it)); });
renderCurrent(current, it, recs);
if (userAction) {
var fit = fitBadge(it.fit);
announce((it.title || '') + (fit ? ': ' + fit.textContent : ''));
}
if (userAction && LAST && LAST.result === r) LAST.frame = it.product_id;
if (userAction && (!prev || String(prev.product_id) !== String(it.product_id))) {
CTX.beacon('tryon_switched', { product_id: it.product_id, from: prev && prev.product_id, analysis_id: S.analysisId });
}
return draw();
}
function thumbnail(url) {
var img = h('img', { alt: '', loading: 'lazy', 'data-src': url });
thumbnails.push(img);
return img;
}
var strip = h('div', { class: 'strip', role: 'group', 'aria-label': t('frames_h'), 'data-fc': 'frames' });
items.forEach(function (it) {
var b = h('button', { class: 'frame', type: 'button', 'aria-pressed': 'false', 'data-product-id': it.product_id || '',
title: it.title || '' }, [
h('span', { class: 'pic' }, thumbnail(absUrl(it.asset_url))),
h('span', { class: 't', lang: storeLang(), text: it.title || '' })
]);
b._item = it;
b.addEventListener('click', CTX.guard(function () { if (state.item !== it) select(it, true); }, 'frame'));
buttons.push(b);
strip.appendChild(b);
});
if (items.length > 1) {
col.appendChild(h('h3', { class: 'sec', style: 'margin-top:18px', text: t('frames_h') }));
col.appendChild(strip);
swipeFrames(stage, function (step) {
var at = items.indexOf(state.item) + step;
if (at < 0 || at >= items.length) return;
select(items[at], true);
var b = buttons[at];
strip.scrollLeft = Math.max(0, b.offsetLeft - strip.offsetLeft - (strip.clientWidth - b.offsetWidth) / 2);
});
}
function byId(pid) {
return items.filter(function (it) { return pid && String(it.product_id) === String(pid); })[0];
}
var first = byId(LAST && LAST.result === r && LAST.frame) || byId(S.productId) || items[0];
select(first, false);
S.selectFrame = function (pid) {
var it = byId(pid);
if (it) {
select(it, true);
stage.scrollIntoView({ block: 'nearest', behavior: reducedMotion() ? 'auto' : 'smooth' });
var photo = stage.querySelector('[data-fc="tryon-canvas"]');
if (photo) photo.focus({ preventScroll: true });
}
return !!it;
};
}
function swipeFrames(stage, go) {
var start = null;
stage.style.touchAction = 'pan-y pinch-zoom';
stage.addEventListener('pointerdown', function (ev) {
start = ev.pointerType === 'touch' && ev.isPrimary ? { x: ev.clientX, y: ev.clientY } : null;
});
stage.addEventListener('pointercancel', function () { start = null; });
stage.addEventListener('pointerup', CTX.guard(function (ev) {
if (!start) return;
var dx = ev.clientX - start.x, dy = ev.clientY - start.y;
start = null;
if (Math.abs(dx) >= 48 && Math.abs(dx) > 2 * Math.abs(dy)) go(dx < 0 ? 1 : -1);
}, 'swipe'));
}
function faceView(r, photo, scale) {
var W = photo.width, H = photo.height, box = r.face && r.face.box;
if (!box || box.length !== 4) return { x: 0, y: 0, w: W, h: H };
var bw = (box[2] - box[0]) * scale, bh = (box[3] - box[1]) * scale;
var side = Math.round(Math.max(bw, bh) * 2.4);
if (side >= Math.min(W, H) * 0.85) return { x: 0, y: 0, w: W, h: H };
var cx = (box[0] + box[2]) / 2 * scale, cy = (box[1] + box[3]) / 2 * scale;
var x = Math.round(Math.max(0, Math.min(W - side, cx - side / 2)));
var y = Math.round(Math.max(0, Math.min(H - side, cy - side * 0.45)));
return { x: x, y: y, w: side, h: side };
}
function fitBadge(fit) {
if (!fit || !hasString('fit_' + fit)) return null;
return h('span', { class: 'badge' + (fit === 'fits' ? '' : ' warn'), 'data-fc': 'fit', text: t('fit_' + fit) });
}
function renderCurrent(el, it, recs) {
clear(el);
var rec = recs.filter(function (x) { return String(x.product_id) === String(it.product_id); })[0];
el.appendChild(h('strong', { lang: storeLang(), text: it.title || '' }));
el.appendChild(fitBadge(it.fit) || h('span'));
var frame = (CTX.config.frames || []).filter(function (f) { return String(f.product_id) === String(it.product_id); })[0];
var url = (rec && rec.url) || it.url || (frame && frame.url);
var buyable = rec && rec.add_to_cart ? rec : (it.add_to_cart ? { product_id: it.product_id, title: it.title, add_to_cart: it.add_to_cart } : null);
var cart = buyable ? cartButton(buyable, -1, 'tryon') : null;
if (url || cart) {
el.appendChild(h('div', { class: 'row' }, [
url ? h('a', { class: 'btn secondary small', href: url, target: '_top', text: t('view'),
'aria-label': named(t('view'), it.title) }) : null,
cart
]));
}
}
function closeTo(near, prefix, fc, sentence) {
if (!near) return null;
var key = prefix ? prefix + String(near).toLowerCase() : null;
var name = key && hasString(key) ? t(key) : String(near);
return h('p', { class: 'sub', 'data-fc': fc, text: t(sentence, { x: name.toLowerCase() }) });
}
function card(title, kids, extra) {
return h('div', { class: 'card' + (extra ? ' ' + extra : '') }, [h('h4', { text: title })].concat(kids));
}
function skinTrusted(skin, lowQuality) {
if (!skin || !skin.monk) return false;
return skin.reliable != null ? skin.reliable === true : !lowQuality;
}
function buildCards(col, r, skinShown) {
col.appendChild(h('h3', { class: 'sec', text: t('analysis_h') }));
var cards = h('div', { class: 'cards', 'data-fc': 'cards' });
col.appendChild(cards);
var skin = r.skin || null;
if (skinShown) {
var n = Math.max(1, Math.min(10, Math.round(skin.monk)));
cards.appendChild(card(t('monk_h'), [
h('p', { class: 'v', 'data-fc': 'monk', 'data-monk': String(n), text: t('monk_v', { n: n }) }),
h('div', { class: 'monk', role: 'img', 'aria-label': t('monk_scale') + t('colon') + t('monk_v', { n: n }) },
MONK.map(function (hex, i) { return h('i', { class: i + 1 === n ? 'on' : '', style: 'background:' + hex }); })),
h('div', { class: 'ends', 'aria-hidden': 'true' }, [h('span', { text: '1' }), h('span', { text: '10' })]),
skin.hex ? h('div', { class: 'you' }, [h('span', { class: 'dot', 'aria-hidden': 'true', style: 'background:' + skin.hex }), t('measured')]) : null,
skin.confidence != null && skin.confidence < 0.5 ? h('p', { class: 'sub', text: t('confidence_low') }) : null
]));
if (skin.undertone) {
var u = String(skin.undertone).toLowerCase();
cards.appendChild(card(t('undertone_h'), [
h('p', { class: 'v', 'data-fc': 'undertone', text: hasString('undertone_' + u) ? t('undertone_' + u) : cap(u) }),
hasString('undertone_' + u + '_p') ? h('p', { text: t('undertone_' + u + '_p') }) : null,
closeTo(skin.undertone_close_to, 'undertone_', 'undertone-near', 'close_to_undertone')
]));
}
if (skin.season && skin.season.name) cards.appendChild(seasonCard(skin));
} else {
cards.appendChild(card(t('monk_h'), [h('p', { 'data-fc': 'monk-withheld', text: t('quality_low') })], 'wide'));
}
if (r.face_shape && r.face_shape.label) {
var shape = String(r.face_shape.label).toLowerCase();
cards.appendChild(card(t('shape_h'), [
h('p', { class: 'v', 'data-fc': 'face-shape', text: hasString('face_' + shape) ? t('face_' + shape) : cap(shape) }),
hasString('shape_' + shape) ? h('p', { text: t('shape_' + shape) }) : null,
closeTo(r.face_shape.close_to, 'face_', 'shape-near', 'close_to_shape')
]));
}
var fit = r.fit || {};
if (fit.pd_mm || fit.face_width_mm) {
var u2 = fit.uncertainty_mm != null ? fmtNum(fit.uncertainty_mm, 1) : '?';
cards.appendChild(card(t('fit_h'), [
fit.pd_mm ? h('div', { class: 'kv' }, [h('span', { text: t('pd') }),
h('b', { 'data-fc': 'pd', text: t('pd_v', { pd: fmtNum(fit.pd_mm, 1), u: u2 }) })]) : null,
fit.face_width_mm ? h('div', { class: 'kv' }, [h('span', { text: t('face_width') }),
h('b', { text: t('mm', { v: fmtNum(fit.face_width_mm, 0) }) })]) : null
]));
}
var cc = CTX.features.concerns !== false && r.concerns && skinShown ? concernsCard(r.concerns) : null;
if (cc) cards.appendChild(cc);
}
function seasonName(season) {
var name = String(season.name || '').toLowerCase();
var label = hasString('season_' + name) ? t('season_' + name) : cap(name);
return season.label ? cap(season.label) : season.subtype ? cap(season.subtype) : label;
}
function swatches(list, names, cls, limit) {
return h('div', { class: 'sw' + (cls ? ' ' + cls : ''), role: 'list' }, (list || []).slice(0, limit).map(function (hex, i) {
var name = (names && names[i]) || hex;
return h('i', { role: 'listitem', title: name, 'aria-label': name, style: 'background:' + hex });
}));
}
function seasonCard(skin) {
var pal = skin.palette || {};
var sellsFrames = ((CTX.config || {}).frames || []).length > 0;
return card(t('season_h'), [
h('p', { class: 'v', 'data-fc': 'season', text: seasonName(skin.season) }),
pal.best && pal.best.length ? h('p', { class: 'sub', text: t('best') }) : null,
pal.best && pal.best.length ? swatches(pal.best, pal.best_names, '', 10) : null,
pal.avoid && pal.avoid.length ? h('p', { class: 'sub', text: t('avoid') }) : null,
pal.avoid && pal.avoid.length ? swatches(pal.avoid, pal.avoid_names, 'avoid', 6) : null,
sellsFrames && pal.frame_best && pal.frame_best.length ? h('p', { class: 'sub', text: t('frames_best') }) : null,
sellsFrames && pal.frame_best && pal.frame_best.length ? swatches(pal.frame_best, pal.frame_best_names, 'frames', 8) : null
], 'wide');
}
function concernsCard(c) {
var rows = Object.keys(c).filter(function (k) { return typeof c[k] === 'number' && isFinite(c[k]); }).map(function (k) {
var v = Math.max(0, Math.min(100, Math.round(c[k])));
var label = hasString('c_' + k) ? t('c_' + k) : cap(k.replace(/_/g, ' '));
return h('div', { class: 'meter' }, [
h('span', { text: label }),
h('span', { class: 'track', role: 'meter', 'aria-label': label, 'aria-valuemin': '0', 'aria-valuemax': '100',
'aria-valuenow': String(v) }, h('i', { style: 'width:' + v + '%' })),
h('b', { text: String(v) })
]);
});
if (!rows.length) return null;
return card(t('concerns_h'), rows.concat([h('p', { class: 'sub', style: 'margin-top:8px', text: t('concerns_note') })]), 'wide');
}
function cartButton(rec, rank, where) {
var a = rec.add_to_cart;
if (!a || !a.url) return null;
var productPage = a.method === 'LINK' || a.style === 'product_page' || a.kind === 'product_page';
var label = productPage ? t('view_options') : t('add_to_cart');
var key = where + ':' + rec.product_id;
var button = h('button', { class: 'btn primary small', type: 'button', 'data-fc': 'add-to-cart', 'data-product-id': rec.product_id,
'aria-label': named(label, rec.title), 'data-title': rec.title || null,
onclick: function () {
CTX.beacon('add_to_cart_clicked', { product_id: rec.product_id, rank: rank, where: where, analysis_id: S.analysisId,
action: productPage ? 'product_page' : 'add' });
addToCart(a, this, key);
} }, [icon('cart'), label]);
var kept = LAST && LAST.result === S.result && LAST.added[key];
if (kept) {
showAdded(button, kept, false);
setTimeout(function () { addViewCart(button, a.cart_url); }, 0);
}
return button;
}
function named(action, title) {
return title ? action + t('colon') + title : null;
}
function addToCart(a, button, key) {
var method = String(a.method || 'GET').toUpperCase();
var fields = a.fields || a.params || a.body || a.form || null;
if (a.ajax_url && button && window.fetch) {
if (button.getAttribute('aria-busy') === 'true') return;
button.setAttribute('aria-busy', 'true');
var q = new URLSearchParams();
for (var f in fields || {}) q.append(f, String(fields[f]));
var target = method === 'GET' ? a.ajax_url + (a.ajax_url.indexOf('?') >= 0 ? '&' : '?') + q.toString() : a.ajax_url;
fetch(target, { method: method, body: method === 'GET' ? null : q, credentials: 'same-origin', redirect: 'follow' })
.then(function (r) {
if (!r.ok) throw new Error('cart ' + r.status);
button.removeAttribute('aria-busy');
markAdded(button, a.cart_url, key);
})
.catch(function () { button.removeAttribute('aria-busy'); navigateToCart(a, method, fields); });
return;
}
navigateToCart(a, method, fields);
}
function markAdded(button, cartUrl, key) {
var count = (parseInt(button.getAttribute('data-added-count'), 10) || 0) + 1;
showAdded(button, count, true);
if (key && LAST && LAST.result === S.result) LAST.added[key] = count;
document.dispatchEvent(new CustomEvent('facet:cart-updated', { detail: { product_id: button.getAttribute('data-product-id') } }));
addViewCart(button, cartUrl);
}
function showAdded(button, count, say) {
var title = button.getAttribute('data-title');
var text = t('added_to_cart') + (count > 1 ? ' (' + count + ')' : '');
clear(button);
button.appendChild(icon('check'));
button.appendChild(document.createTextNode(text));
button.setAttribute('data-added', 'true');
button.setAttribute('data-added-count', String(count));
if (title) button.setAttribute('aria-label', named(text, title));
if (say) announce(title ? named(text, title) : text);
}
function addViewCart(button, cartUrl) {
if (cartUrl && button.parentNode && !button.parentNode.querySelector('[data-fc="view-cart"]')) {
button.parentNode.appendChild(h('a', { class: 'btn secondary small', href: cartUrl, target: '_top',
'data-fc': 'view-cart', text: t('view_cart') }));
}
}
function navigateToCart(a, method, fields) {
if (method === 'POST') {
var form = document.createElement('form');
form.method = 'POST';
form.action = a.url;
form.target = '_top';
form.style.display = 'none';
for (var k in fields || {}) {
var inp = document.createElement('input');
inp.type = 'hidden';
inp.name = k;
inp.value = String(fields[k]);
form.appendChild(inp);
}
document.body.appendChild(form);
form.submit();
return;
}
var url = a.url;
if (fields && typeof fields === 'object') {
var q = Object.keys(fields).map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(fields[k]); }).join('&');
if (q) url += (url.indexOf('?') >= 0 ? '&' : '?') + q;
}
window.location.assign(url);
}
function verdictCard(rec, label, where) {
var cls = rec.suits === false ? 'match plain' : 'match';
return h('div', { class: cls, 'data-fc': where, 'data-product-id': rec.product_id }, [
h('span', { class: 'sub', text: label }),
h('strong', { text: rec.title || '' }),
(rec.reasons || []).length ? h('span', { text: rec.reasons.slice(0, 2).map(cap).join(' · ') }) : null,
cartButton(rec, 1, where === 'your-match' ? 'match' : 'this_product')
]);
}
function buildRecs(container, recs, items, matchFirst) {
var sec = h('section', { class: 'recs', 'aria-labelledby': 'fc-recs-h', 'data-fc': 'recs' }, [
h('h3', { class: 'sec', id: 'fc-recs-h', text: t('recs_h') })
]);
var page = matchFirst && matchFirst.product_id ? matchFirst : null;
var pageLabel = page && (page.suits === false ? 'about_this_product' : page.closest_shade ? 'this_is_match' : 'this_product');
if (page) sec.appendChild(verdictCard(page, t(pageLabel), 'this-product'));
var match = null;
if (page && !page.closest_shade) {
match = recs.filter(function (x) { return x.closest_shade && x.category === page.category; })[0] || null;
} else if (matchFirst && !page && recs[0] && recs[0].closest_shade) {
match = recs[0]; // the page's product is not offered now: the list leads with its category
}
if (match) sec.appendChild(verdictCard(match, t('your_match'), 'your-match'));
if (!recs.length) {
sec.appendChild(h('p', { class: 'sub', text: t('recs_none') }));
container.appendChild(sec);
return;
}
var tryable = {};
items.forEach(function (it) { tryable[String(it.product_id)] = true; });
var grid = h('div', { class: 'grid' });
recs.forEach(function (rec, i) {
var click = function () {
CTX.beacon('recommendation_clicked', { product_id: rec.product_id, rank: i + 1, analysis_id: S.analysisId });
};
var link = rec.url || null;
grid.appendChild(h('article', { class: 'rec', 'data-fc': 'rec', 'data-product-id': rec.product_id }, [
h(link ? 'a' : 'div', { class: 'img', href: link, target: link ? '_top' : null, onclick: click, tabindex: link ? '-1' : null,
'aria-hidden': link ? 'true' : null }, rec.image_url ? h('img', { src: absUrl(rec.image_url), alt: '', loading: 'lazy' })
: h('span', { class: 'ini', text: String(rec.title || '?').charAt(0) })),
h('div', { class: 'in' }, [
h('h4', { lang: storeLang() }, link ? h('a', { href: link, target: '_top', onclick: click, text: rec.title || '' })
: (rec.title || '')),
rec.price != null ? h('div', { class: 'price', text: fmtPrice(rec.price, rec.currency) }) : null,
h('ul', null, (rec.reasons || []).slice(0, 3).map(function (s) { return h('li', { text: cap(s) }); })),
h('div', { class: 'row' }, [
tryable[String(rec.product_id)] ? h('button', { class: 'btn secondary small', type: 'button', 'data-fc': 'try-rec',
onclick: function () { S.selectFrame(rec.product_id); }, text: t('try_this'),
'aria-label': named(t('try_this'), rec.title) }) : null,
cartButton(rec, i + 1, 'recommendations')
])
])
]));
});
sec.appendChild(grid);
container.appendChild(sec);
}

function initApp() {
CTX.features = (CTX.config && CTX.config.features) || {};
CTX.origin = new URL(CTX.api).origin;
LANG = STRINGS[CTX.lang] ? CTX.lang : 'en';
}
window.Facet._app = {
open: CTX.guard(function (opts) {
initApp();
openDialog(opts || {});
}, 'app.open'),
close: closeDialog,
loadAsset: loadAsset,
warpLayer: warpLayer,
strings: STRINGS
};

})();
