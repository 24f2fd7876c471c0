/* Small DOM and colour helpers shared by the app modules. No innerHTML with data: every text from the API
 * goes through textContent, so a product title can never inject markup into the store page. */

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

// The store's own words (product titles) are in the page's language, which the widget's may not be: say so,
// or a French widget reads "Browline Navy Glasses" as French. Null when both are the same language.
function storeLang() {
  var page = (document.documentElement.lang || '').toLowerCase();
  return page && page.split('-')[0] !== LANG ? page : null;
}

// The merchant's colour as text on white must still pass WCAG AA (4.5:1): darken it until it does.
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
      /* unknown currency code: fall through */
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

// Resolves when the browser is back online (at once if it is); rejects with an AbortError on `signal`.
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
