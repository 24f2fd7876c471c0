/* Facet widget loader fa270b174a, built from widgets/widget/src/loader.js by build.py. */
(function () {
'use strict';
var w = window;
var d = document;
var F = (w.Facet = w.Facet || {});
if (F.loaded) return;
F.loaded = true;
F.version = 'fa270b174a';
F.errors = [];
var LABEL = { en: 'Try on', fr: 'Essayer', es: 'Probar' };
var MATCH_LABEL = { en: 'Find my match', fr: 'Trouver ce qui me va', es: 'Encontrar lo que me queda' };
var ctx = (F._ctx = { ready: false });
var appPromise = null;
var SCRIPT = d.currentScript; // only set while this file first runs
function noop() {}
function mark(name) {
try {
if (w.performance && performance.mark) performance.mark('facet-' + name);
} catch (e) {
}
}
function report(err, where) {
var msg = String((err && err.message) || err).slice(0, 200);
F.errors.push({ where: where, message: msg });
try {
if (w.console) console.warn('[Facet] ' + where + ': ' + msg);
beacon('widget_error', { where: where, message: msg });
} catch (e) {
}
}
function guard(fn, where) {
return function () {
try {
return fn.apply(this, arguments);
} catch (e) {
report(e, where);
}
};
}
function sessionId() {
var id = null;
try {
id = w.sessionStorage.getItem('facet_sid');
} catch (e) {
}
if (!id) {
var b = new Uint8Array(12);
(w.crypto || w.msCrypto).getRandomValues(b);
id = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
try {
w.sessionStorage.setItem('facet_sid', id);
} catch (e) {
}
}
return id;
}
function beacon(type, props) {
if (!ctx.api) return;
props = props || {};
if (ctx.exp && props.experiment === undefined) {
props.experiment = ctx.exp;
props.group = ctx.group;
}
var body = JSON.stringify({
type: type,
session_id: ctx.sid,
product_id: props.product_id || ctx.productId || null,
analysis_id: props.analysis_id || null,
properties: props
});
var url = ctx.api + '/events?key=' + encodeURIComponent(ctx.key);
var sent = false;
try {
sent = !!(navigator.sendBeacon && navigator.sendBeacon(url, body));
} catch (e) {
sent = false;
}
if (!sent && w.fetch) {
fetch(url, { method: 'POST', body: body, keepalive: true, credentials: 'omit' }).catch(noop);
}
}
function fnv(text) {
var b = w.TextEncoder ? new TextEncoder().encode(text) : text.split('').map(function (c) { return c.charCodeAt(0) & 255; });
var h = 0x811c9dc5;
for (var i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
return h;
}
function pageProduct() {
var el = ctx.productId ? null : d.querySelector('[data-facet-tryon][data-product-id]');
return ctx.productId || (el && el.getAttribute('data-product-id')) || null;
}
var lastAdd = 0;
function storeAdd(pid) {
var now = Date.now();
if (now - lastAdd < 3000) return;
lastAdd = now;
beacon('store_add_to_cart', { product_id: pid || pageProduct() });
}
function words(s) {
return String(s || '').split(/[\s,]+/).filter(Boolean);
}
function watchCart(hints) {
var sel = hints.forms;
try {
if (sel) d.querySelector(sel);
} catch (e) {
report(e, 'cart-forms');
sel = null;
}
if (sel) {
w.addEventListener('submit', guard(function (e) {
var f = e.target;
if (!e.defaultPrevented && f && f.matches && f.matches(sel)) storeAdd(f.getAttribute('data-product-id'));
}, 'cart-form'));
}
var names = words(hints.events);
var seen = guard(function () { storeAdd(null); }, 'cart-event');
names.forEach(function (n) {
d.addEventListener(n, seen);
d.body.addEventListener(n, seen);
});
if (names.length) {
var jq = false;
var wait = 250;
var bindJq = guard(function () {
if (jq || !w.jQuery) return;
jq = true;
d.removeEventListener('click', bindJq, true);
d.removeEventListener('submit', bindJq, true);
w.jQuery(d).on(names.join(' '), seen);
}, 'cart-jquery');
var retry = function () {
bindJq();
if (!jq && (wait *= 2) <= 4000) setTimeout(retry, wait);
};
d.addEventListener('click', bindJq, true);
d.addEventListener('submit', bindJq, true);
retry();
}
var parts = words(hints.urls);
if (!parts.length) return;
var adds = function (url) {
url = String(url || '');
return parts.some(function (p) { return url.indexOf(p) >= 0; });
};
var ok = function (status) { if (status >= 200 && status < 300) storeAdd(null); };
var f = w.fetch;
w.fetch = function (input) {
var res = f.apply(w, arguments);
try {
if (adds(w.Request && input instanceof w.Request ? input.url : String(input))) {
res.then(function (r) { ok(r.status); }, noop);
}
} catch (e) {
}
return res;
};
var X = w.XMLHttpRequest && w.XMLHttpRequest.prototype;
if (!X) return;
var xOpen = X.open;
var xSend = X.send;
X.open = function (method, url) {
try {
this._facetAdd = adds(url);
} catch (e) {
}
return xOpen.apply(this, arguments);
};
X.send = function () {
var x = this;
if (x._facetAdd) x.addEventListener('load', function () { ok(x.status); });
return xSend.apply(x, arguments);
};
}
function rgb(hex) {
var m = /^#?([0-9a-f]{6})$/i.exec(hex || '');
if (!m) return null;
var n = parseInt(m[1], 16);
return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
function lum(c) {
var v = c.map(function (x) {
x /= 255;
return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
});
return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
function ink(hex) {
var c = rgb(hex);
if (!c) return '#fff';
var l = lum(c);
return (1.05 / (l + 0.05)) >= ((l + 0.05) / 0.0625) ? '#ffffff' : '#14171a';
}
function pickLang(cfg) {
var have = cfg.languages || ['en'];
var wants = [ctx.langAttr, cfg.language !== 'auto' && cfg.language, d.documentElement.lang]
.concat(navigator.languages || [navigator.language]);
for (var i = 0; i < wants.length; i++) {
var want = wants[i] && String(wants[i]).slice(0, 2).toLowerCase();
if (want && have.indexOf(want) >= 0) return want;
}
return 'en';
}
var ICON = '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">' +
'<path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" ' +
'd="M2 11h2m16 0h2M4 11a4 4 0 1 0 8 0 4 4 0 1 0-8 0m8 0a4 4 0 1 0 8 0 4 4 0 1 0-8 0M10.5 10.2c.9-.6 2.1-.6 3 0"/></svg>';
function css(cfg, floating) {
var accent = (cfg.theme && cfg.theme.color) || '#1f4e79';
return ':host{all:initial;display:block}' +
'button{all:unset;box-sizing:border-box;display:inline-flex;align-items:center;gap:8px;cursor:pointer;' +
'font:600 15px/1.2 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;letter-spacing:.01em;' +
'min-height:44px;padding:11px 20px;border-radius:999px;background:' + accent + ';color:' + ink(accent) + ';' +
'box-shadow:0 1px 2px rgba(0,0,0,.12),0 4px 14px rgba(0,0,0,.14);transition:transform .15s,box-shadow .15s}' +
'button:hover{transform:translateY(-1px);box-shadow:0 2px 4px rgba(0,0,0,.14),0 8px 22px rgba(0,0,0,.18)}' +
'button:focus-visible{outline:3px solid #14171a;outline-offset:2px;box-shadow:0 0 0 2px #fff}' +
(floating ? '' : 'button{width:100%;justify-content:center}') +
'button[aria-busy=true]{cursor:progress;animation:fcb .6s ease-in-out infinite alternate}@keyframes fcb{to{opacity:.55}}' +
'@media (prefers-reduced-motion:reduce){button{transition:none}button:hover{transform:none}' +
'button[aria-busy=true]{animation:none;opacity:.7}}';
}
function tryable(cfg, productId) {
var frames = cfg.frames || [];
for (var i = 0; i < frames.length; i++) if (String(frames[i].product_id) === String(productId)) return true;
return false;
}
function makeButton(host, cfg, productId, floating) {
if (host.shadowRoot && host.shadowRoot.querySelector('button')) return;
var root = host.shadowRoot || host.attachShadow({ mode: 'open' });
var labels = productId && cfg.frames_complete && !tryable(cfg, productId) ? MATCH_LABEL : LABEL;
var own = cfg.button && cfg.button.label;
var label = own || labels[ctx.lang] || labels.en;
root.innerHTML = '<style>' + css(cfg, floating) + '</style><button type="button" part="button" ' +
'aria-haspopup="dialog">' + ICON + '<span></span></button>';
var btn = root.querySelector('button');
btn.querySelector('span').textContent = label;
if (!own) btn.setAttribute('lang', labels[ctx.lang] ? ctx.lang : 'en');
host.setAttribute('data-facet-ready', '');
btn.addEventListener('click', guard(function () { open(productId, btn); }, 'click'));
var warm = guard(function () { loadApp().catch(noop); }, 'warm');
btn.addEventListener('pointerenter', warm);
btn.addEventListener('focus', warm);
btn.addEventListener('touchstart', warm, { passive: true });
}
function mountPlacements(cfg) {
var nodes = d.querySelectorAll('[data-facet-tryon]');
for (var i = 0; i < nodes.length; i++) {
var pid = nodes[i].getAttribute('data-product-id') || null;
if (pid && !ctx.productId) ctx.productId = pid;
makeButton(nodes[i], cfg, pid, false);
}
return nodes.length;
}
function mountFloating(cfg) {
var pos = (cfg.button && cfg.button.position) || 'bottom-right';
var host = d.createElement('div');
host.setAttribute('data-facet-floating', '');
var side = pos.indexOf('left') >= 0 ? 'left' : 'right';
var vert = pos.indexOf('top') === 0 ? 'top' : 'bottom';
side = side + ':calc(20px + env(safe-area-inset-' + side + ',0px));';
vert = vert + ':calc(20px + env(safe-area-inset-' + vert + ',0px));';
host.style.cssText = 'position:fixed;z-index:2147483000;' + side + vert;
d.body.appendChild(host);
makeButton(host, cfg, ctx.productId, true);
}
function loadApp() {
if (appPromise) return appPromise;
appPromise = new Promise(function (resolve, reject) {
if (F._app) return resolve(F._app);
var s = d.createElement('script');
s.src = ctx.base + 'facet-app.js?v=' + F.version;
s.async = true;
s.onload = function () {
if (F._app) resolve(F._app);
else reject(new Error('widget bundle did not initialise'));
};
s.onerror = function () {
appPromise = null;
reject(new Error('widget bundle failed to load'));
};
d.head.appendChild(s);
});
return appPromise;
}
function open(productId, trigger) {
if (!ctx.ready) return Promise.resolve(false);
beacon('opened', { product_id: productId || ctx.productId || null });
if (trigger) trigger.setAttribute('aria-busy', 'true');
function idle() {
if (trigger) trigger.removeAttribute('aria-busy');
}
return loadApp().then(function (app) {
idle();
app.open({ productId: productId || ctx.productId || null, trigger: trigger || null });
return true;
}).catch(function (e) {
idle();
report(e, 'open');
return false;
});
}
function fetchConfig() {
var ctl = w.AbortController ? new AbortController() : null;
var timer = setTimeout(function () { if (ctl) ctl.abort(); }, 6000);
return fetch(ctx.api + '/config?key=' + encodeURIComponent(ctx.key), {
credentials: 'omit',
signal: ctl ? ctl.signal : undefined
}).then(function (r) {
clearTimeout(timer);
if (!r.ok) throw new Error('config HTTP ' + r.status);
return r.json();
});
}
function start() {
var script = SCRIPT || d.querySelector('script[src*="/widget/v1/facet.js"]');
if (!script || !w.fetch || !w.Promise || !d.body || !d.body.attachShadow) return;
var src = new URL(script.src, location.href);
ctx.base = src.href.split('?')[0].replace(/[^/]*$/, '');
ctx.api = src.origin + '/api/v1/widget';
ctx.key = script.getAttribute('data-key') || '';
ctx.langAttr = script.getAttribute('data-lang') || '';
ctx.productId = script.getAttribute('data-product-id') || null;
var hints = {
forms: script.getAttribute('data-cart-forms'),
events: script.getAttribute('data-cart-events'),
urls: script.getAttribute('data-cart-urls')
};
ctx.sid = sessionId();
ctx.beacon = beacon;
ctx.report = report;
ctx.guard = guard;
ctx.ink = ink;
ctx.mark = mark;
F.open = function (productId) { return open(productId, null); };
fetchConfig().then(guard(function (cfg) {
if (!cfg || cfg.enabled === false) return;
ctx.config = cfg;
var exp = cfg.experiment;
if (exp && exp.id) {
ctx.exp = String(exp.id);
ctx.group = fnv(ctx.sid + ':' + ctx.exp) % 100 < (exp.holdout_percent | 0) ? 'holdout' : 'exposed';
beacon('storefront_view', { product_id: pageProduct() });
guard(watchCart, 'cart')(hints);
if (ctx.group === 'holdout') return;
}
ctx.lang = pickLang(cfg);
ctx.ready = true;
var n = mountPlacements(cfg);
if (!n || (cfg.button && cfg.button.floating === true)) mountFloating(cfg);
F.ready = true;
mark('button-visible');
if (w.MutationObserver) {
var queued = false;
new MutationObserver(function () {
if (queued) return;
queued = true;
setTimeout(guard(function () { queued = false; mountPlacements(cfg); }, 'observe'), 200);
}).observe(d.body, { childList: true, subtree: true });
}
try {
d.dispatchEvent(new CustomEvent('facet:ready'));
} catch (e) {
}
}, 'mount')).catch(function (e) {
ctx.ready = false;
F.errors.push({ where: 'config', message: String(e && e.message) });
if (w.console) console.info('[Facet] widget disabled: ' + (e && e.message));
});
}
try {
if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', guard(start, 'start'));
else start();
} catch (e) {
report(e, 'start');
}
})();
