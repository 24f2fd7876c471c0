/* The dialog and its screens: intro/consent → camera or file → working → results, or a clear error with a
 * retake. Lives in its own Shadow DOM host; focus is trapped inside while open and restored on close. */

var S = null; // the open dialog's state; null when closed
// The last results shown on this page, so closing the dialog by accident (Escape, a stray click on the
// backdrop) does not throw them away: reopening shows them again without another upload. "Done" forgets
// them (on a shared or in-store device the next shopper must not see this one's face). Memory only.
var LAST = null;
var KEEP_RESULTS_MS = 30 * 60 * 1000;

/* On a phone the dialog fills the screen and looks like a page, so shoppers close it with the back button or
 * gesture, which used to leave the store's page (the product, the results, an analysis in flight). On touch
 * screens the open dialog is a history entry of its own (same URL, the page's own state kept alongside): back
 * closes it, and closing it otherwise takes that entry off again. */
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

// Closed by its own buttons: take its history entry off, so back then leaves the page as it would have.
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

// Called by showResults: what reopening the dialog on this page shows again (kept from when it was first
// shown: reopening does not extend it), with the frame last chosen (`frame`) and what was added to the cart
// from each button (`added`), so the shopper comes back to where they left.
function keepResults(r, lowQuality, gate) {
  if (LAST && LAST.result === r) {
    LAST.gate = !!gate; // past the quality gate ("See try-on anyway"): reopened, the results show
    return;
  }
  LAST = { photo: S.photo, result: r, lowQuality: lowQuality, analysisId: S.analysisId, source: S.source,
    productId: S.productId, at: Date.now(), frame: null, added: {}, gate: !!gate };
}

// "Done": the shopper is finished with these results.
function finishDialog() {
  LAST = null;
  closeDialog();
}

// `back`: closed by the back button (its history entry is already gone).
function closeDialog(back) {
  if (!S) return;
  var s = S;
  S = null;
  if (back !== true) dropHistory(s);
  stopStream(s.stream);
  if (s.stopLighting) s.stopLighting();
  // An analysis in flight goes on (`PENDING`); anything else in flight stops.
  if (s.abort && !(s.job && s.job === PENDING && s.abort === s.job.abort)) s.abort.abort();
  document.documentElement.style.overflow = s.overflow;
  if (s.host.parentNode) s.host.parentNode.removeChild(s.host);
  var back = s.trigger || s.prevFocus;
  if (back && back.focus) {
    try {
      back.focus();
    } catch (e) {
      /* element gone */
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

// Swap the body content; focus the new screen's heading so keyboard and screen-reader users follow along.
function setScreen(name, node) {
  if (!S) return;
  if (name !== 'camera') {
    stopStream(S.stream);
    S.stream = null;
    if (S.stopLighting) S.stopLighting();
    S.stopLighting = null;
  }
  S.dlg.setAttribute('data-state', name);
  // A new screen is announced by its focused heading; an old status line ("Preparing your results…") must
  // not linger in the live region for screen readers.
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

// What is kept and for how long: the photo (deleted once analysed, unless the store keeps uploads) and the
// results (the server's FACET_ANALYSIS_RETENTION_DAYS), which the shopper can delete.
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

// `notice`: a confirmation shown above the start ("Your results were deleted"); as a click handler, an event.
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
  // What the preview's light says (`watchLighting`): announced politely, shown under the preview.
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

// Camera refused or missing: the upload path is always offered, as the main action.
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
    // Closed while the photo was being prepared (a HEIC conversion takes a round trip): it is sent all the
    // same, and a dialog reopened meanwhile on the same page follows it.
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
      // A cancelled analysis is not kept: deleted on the server, now or as soon as its upload is answered.
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

// The analysis in flight. Closing the dialog does not throw it away: it goes on, and reopening on the same
// page shows it still working, or its result (a walkthrough closed the dialog mid-analysis and found the
// intro again, the photo gone, while the server finished the job).
var PENDING = null;
// The id of this page's latest analysis, deleted when another photo is sent (the notice says so), and ids
// whose delete failed, tried again then.
var MINE = null;
var DOOMED = [];

function dropAnalysis(id) {
  if (MINE === id) MINE = null;
  deleteAnalysis(id).catch(function () { if (DOOMED.indexOf(id) < 0) DOOMED.push(id); });
}

// Stop following `job` and delete its analysis (once the upload answers, if it has not yet).
function dropJob(job) {
  job.dropped = true;
  if (job.abort) job.abort.abort();
  if (job.id) dropAnalysis(job.id);
}

// Send `prep` for analysis from the open dialog (or, closed meanwhile, from the one it was chosen in: `from`).
function submit(prep, from) {
  var at = from || S;
  if (!at) return;
  LAST = null; // a new photo replaces the kept results, whatever its outcome
  // ...and deletes the previous analysis on the server, finished or still running.
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
  // Each step is kept on the job, so a reopened dialog shows where it is.
  function step(key, pct) {
    job.stage = key;
    job.pct = pct;
    job.progress(key, pct);
  }
  step('uploading', 12);
  var signal = job.abort ? job.abort.signal : undefined;
  CTX.beacon('photo_submitted', { source: at.source, width: prep.width, height: prep.height,
    kb: Math.round(prep.blob.size / 1024), product_id: at.productId });
  // The upload is not aborted with the rest: what the server accepted is known, so a dropped one is deleted.
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

// Show `job`'s progress on the open dialog's working screen (again, after a reopening).
function watch(job) {
  var shown = job.prep.canvas ? job.prep.canvas.cloneNode(false) : null;
  if (shown) shown.getContext('2d').drawImage(job.prep.canvas, 0, 0);
  var progress = showWorking(shown);
  var owner = S;
  job.progress = function (key, pct) { if (S === owner && S.job === job) progress(key, pct); };
}

// Reopened on the page of an analysis still in flight or finished while closed: back to it.
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
    // An uploaded photo gets advice about choosing another photo, not about holding the camera.
    var uploaded = S.source === 'upload';
    kids.push(h('ul', { class: 'tips' }, ['q_face_too_small', 'q_pose', 'q_too_dark'].map(function (k) {
      return h('li', { text: uploaded && hasString(k + '_upload') ? t(k + '_upload') : t(k) });
    })));
  }
  kids.push(h('div', { class: 'actions' + (desc.retake ? '' : ' one') }, againButtons(desc)));
  setScreen('error', h('section', { class: 'screen center', role: 'alert', 'data-error-code': desc.code }, kids));
}

// After a failed photo: an uploaded one is followed by choosing another file (one click), a camera one by
// the camera; the other way stays one button away.
function againButtons(desc) {
  if (desc.buttons) return desc.buttons;
  if (desc.later) { // trying again now would be refused again: back to the start, the text says when
    return [h('button', { class: 'btn primary', type: 'button', 'data-fc': 'back', onclick: showIntro, text: t('back') })];
  }
  if (!desc.retake) {
    // The photo was fine (the network, a busy or failing service): "Try again" sends the same photo again
    // instead of asking the shopper to find or take it again.
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

// The "again" button says what it leads to: the camera for a camera photo, another file for an uploaded one.
function retakeLabel() {
  return S && S.source === 'upload' ? [icon('upload'), t('another_photo')] : [icon('camera'), t('retake')];
}

function retake() {
  if (S && S.source === 'camera' && cameraAvailable()) showCamera();
  else showIntro();
}

// "Delete my results": the analysis (result, measurements, any kept photo) is deleted on the server, then the
// shopper is back at the start with a confirmation. Failing, it says why, like any other network error.
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

// "Take off your glasses" is for the try-on: where the store has no frames to try on, it asks for nothing.
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

// A photo the analysis flags as unusable: say what to change before showing anything that could mislead.
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
