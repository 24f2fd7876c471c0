/* The results screen: the try-on (drawn here from the photo + asset + homography), the frames strip, the
 * analysis cards and the recommendations. Switching frames never uploads anything again. */

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
    // Without a shade, the banner says so first, then what to change (the gate's tips, for a shopper who
    // chose "see anyway").
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
  // Opened from a product that cannot be tried on ("Find my match" on a foundation or a lipstick), the
  // matches are the answer: they come first, not below a sunglasses try-on the shopper did not ask for.
  var matchFirst = feats.recommendations !== false && (recs.length || r.this_product) && openedForMatch(S.productId);
  if (matchFirst) buildRecs(node, recs, items, r.this_product || true);
  node.appendChild(h('div', { class: 'results' }, [left, right]));
  buildTryOn(left, r, items, recs);
  if (feats.analysis !== false) buildCards(right, r, skinShown);
  // Below the two columns (not inside them), so the sticky try-on column never scrolls over the grid.
  if (feats.recommendations !== false && !matchFirst) buildRecs(node, recs, items);
  node.appendChild(h('div', { class: 'end' }, [
    h('button', { class: 'btn secondary', type: 'button', 'data-fc': 'retake', onclick: retake }, retakeLabel()),
    h('button', { class: 'btn primary', type: 'button', 'data-fc': 'done', onclick: finishDialog, text: t('done') })
  ]));
  node.appendChild(h('p', { class: 'note center' }, deleteButton()));
  setScreen('results', node);
  keepResults(r, lowQuality);
}

// The same test the loader's button label uses ("Find my match" vs "Try on").
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
  // Not a live region: it holds buttons too, which would be read out at every switch. The switch says the
  // frame's name and fit once instead (`select`).
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
  // Said on the photo while a frame loads (on a slow phone the bare face sat under "After" for 16 s) and
  // when it cannot be drawn, instead of leaving the bare face to look like the try-on.
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
  // The strip's pictures are the try-on images themselves: they wait for the frame on the face, which
  // loaded last behind them on a slow connection.
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
    // Pressing "Try on" for the frame already on the face changes nothing: no switch to count.
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
  // Reopened: the frame the shopper last chose; else the page's own frame; else the best.
  var first = byId(LAST && LAST.result === r && LAST.frame) || byId(S.productId) || items[0];
  select(first, false);
  S.selectFrame = function (pid) {
    var it = byId(pid);
    if (it) {
      select(it, true);
      stage.scrollIntoView({ block: 'nearest', behavior: reducedMotion() ? 'auto' : 'smooth' });
      // Focus follows to the photo ("Your photo wearing …"): the button pressed is now far below it.
      var photo = stage.querySelector('[data-fc="tryon-canvas"]');
      if (photo) photo.focus({ preventScroll: true });
    }
    return !!it;
  };
}

// On a phone the photo itself is where the thumb is: a sideways swipe on it tries on the next (right to left)
// or previous frame, as the strip below would. Up and down still scroll the page.
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

// Frame the face: in a half-body photo the glasses would be a few pixels wide on a phone. The crop is a
// square around the detected face (2.4× its size), clamped to the photo; a close-up is shown whole.
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
  // A frame that is not among the recommendations (e.g. the product page the widget was opened on) still
  // carries its own add-to-cart action.
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

// A reading near the edge of its class says so ("Close to warm"): another photo may read the neighbour.
function closeTo(near, prefix, fc, sentence) {
  if (!near) return null;
  var key = prefix ? prefix + String(near).toLowerCase() : null;
  var name = key && hasString(key) ? t(key) : String(near);
  return h('p', { class: 'sub', 'data-fc': fc, text: t(sentence, { x: name.toLowerCase() }) });
}

function card(title, kids, extra) {
  return h('div', { class: 'card' + (extra ? ' ' + extra : '') }, [h('h4', { text: title })].concat(kids));
}

// Whether the skin shade (and the concerns read from the same skin) may be shown. The analysis says so in
// `skin.reliable` (false when the lighting, the face size or blur falsify colour; a tilted head does not).
// Without that field (an older API), a photo shown despite its quality issues withholds the shade.
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
  // `label` is the subtype in the shopper's language ("automne doux"), added by the server.
  return season.label ? cap(season.label) : season.subtype ? cap(season.subtype) : label;
}

// Each swatch is named ("rust", from the analysis) for screen readers and hover; the hex is the fallback.
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
    // Where the store sells frames: the colours its frames are judged by ("gold frame suits your warm spring
    // colouring"), so a frame's reason points at something the shopper can see.
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
      // `action`: whether this puts the item in the cart, or only opens its product page ("View options").
      CTX.beacon('add_to_cart_clicked', { product_id: rec.product_id, rank: rank, where: where, analysis_id: S.analysisId,
        action: productPage ? 'product_page' : 'add' });
      addToCart(a, this, key);
    } }, [icon('cart'), label]);
  // Reopened results say what was already added from here (and "View cart" once the button is placed).
  var kept = LAST && LAST.result === S.result && LAST.added[key];
  if (kept) {
    showAdded(button, kept, false);
    setTimeout(function () { addViewCart(button, a.cart_url); }, 0);
  }
  return button;
}

// "Add to cart: Round Tortoise": a list of identical "Add to cart" buttons tells a screen reader nothing.
function named(action, title) {
  return title ? action + t('colon') + title : null;
}

// Add to cart the store platform's own way: Shopify POSTs /cart/add, WooCommerce GETs ?add-to-cart=,
// Magento (and anything needing options) opens the product page. Runs in the store page, so cookies apply.
// Where the platform has a background twin (`ajax_url`) the item is added in place: the shopper keeps their
// results and can add more (a walkthrough lost them on every add). Any failure falls back to the page way.
function addToCart(a, button, key) {
  var method = String(a.method || 'GET').toUpperCase();
  var fields = a.fields || a.params || a.body || a.form || null;
  if (a.ajax_url && button && window.fetch) {
    // Busy, not disabled: a disabled button drops keyboard focus out of the dialog (Escape stopped working).
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-busy', 'true');
    var q = new URLSearchParams();
    for (var f in fields || {}) q.append(f, String(fields[f]));
    var target = method === 'GET' ? a.ajax_url + (a.ajax_url.indexOf('?') >= 0 ? '&' : '?') + q.toString() : a.ajax_url;
    // The page's own fetch: during a holdout test the loader's cart-URL watcher counts this add (once the store
    // answers 2xx) exactly as it counts the store's own, so both groups' add-to-carts are measured one way.
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
  // Pressed again, the button adds one more: it says how many are in the cart from here ("Added to cart (2)"),
  // so a second add is never silent.
  var count = (parseInt(button.getAttribute('data-added-count'), 10) || 0) + 1;
  showAdded(button, count, true);
  if (key && LAST && LAST.result === S.result) LAST.added[key] = count;
  // The store's own cart count (a theme's header, a drawer) can listen for this and refresh itself.
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

// A card answering one question about one product, with its first reasons (a shade's name is the second)
// and its add-to-cart.
// A verdict that is no endorsement (`suits` false) sits in a plain card, not the highlighted one.
function verdictCard(rec, label, where) {
  var cls = rec.suits === false ? 'match plain' : 'match';
  return h('div', { class: cls, 'data-fc': where, 'data-product-id': rec.product_id }, [
    h('span', { class: 'sub', text: label }),
    h('strong', { text: rec.title || '' }),
    (rec.reasons || []).length ? h('span', { text: rec.reasons.slice(0, 2).map(cap).join(' · ') }) : null,
    cartButton(rec, 1, where === 'your-match' ? 'match' : 'this_product')
  ]);
}

// `matchFirst`: opened for a match (a foundation's or a lipstick's page): true, or the page's own product as
// the analysis judged it for this shopper (`result.this_product`).
function buildRecs(container, recs, items, matchFirst) {
  var sec = h('section', { class: 'recs', 'aria-labelledby': 'fc-recs-h', 'data-fc': 'recs' }, [
    h('h3', { class: 'sec', id: 'fc-recs-h', text: t('recs_h') })
  ]);
  // Opened from a product, the first answer is about that product ("is this one right for me?"), then, on a
  // foundation's page, "which shade is mine?" if it is another one (a foundation is no answer on a
  // lipstick's page, nor on a concealer's).
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
    // Product pages and carts belong to the store: a relative URL resolves against the store page (its own
    // domain), while images and assets (absUrl) are Facet's.
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
