/* Talking to Facet: upload the (already downscaled) photo, then poll until the analysis is done or failed.
 * The key travels as ?key= so requests stay CORS-"simple" (no preflight) from any storefront. */

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

// POST with the upload's progress (fetch has none): on a slow phone connection the photo takes seconds to
// send, and a bar that sat still that long looked stuck. Resolves with what fetch would (the parts used here).
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

// `onProgress(fraction sent)`, optional.
function uploadPhoto(blob, productId, onProgress) {
  var fd = new FormData();
  fd.append('image', blob, 'photo.jpg');
  if (productId) fd.append('product_id', productId);
  if (CTX.sid) fd.append('session_id', CTX.sid);
  fd.append('lang', LANG); // the recommendations' reasons come back in the widget's language
  // The language also travels in the query: the server answers a refused upload before reading the form.
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

// A photo turned away before any analysis: only this beacon tells the merchant's dashboard (and why).
function refused(resp, body) {
  var err = httpError(resp, body);
  CTX.beacon('photo_refused', { code: err.code || 'http_' + err.status, status: err.status });
  return err;
}

// A photo this browser cannot decode (HEIC), as the JPEG Facet would store: nothing is kept server-side.
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

// Delete an analysis ("Delete my results", a cancelled or replaced one). One already gone counts as deleted.
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

// Resolves with the finished analysis body ({id, status: 'done', result}); rejects with ApiError otherwise.
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
          // A failing service is said to be failing within seconds, not waited on for two minutes under
          // "Waiting for a free spot…" (a walkthrough sat through 75 answers of 500).
          if (resp.status >= 500 && ++serverFailures >= 5) throw httpError(resp, body);
          if (resp.status === 429 || resp.status >= 500) return step();
          if (!resp.ok) throw httpError(resp, body);
          netFailures = serverFailures = 0;
          onStatus(body.status);
          return settle(body) || step();
        });
      }, function (e) {
        if (e && e.name === 'AbortError') throw e;
        // Offline (a train's tunnel, a lift): the analysis goes on on the server, so the shopper is told and
        // the check waits for the connection, instead of failing within seconds with a "Try again" that sent
        // the photo again (the finished analysis deleted, one more photo taken from the shopper's allowance).
        // Time offline does not count towards the two minutes.
        if (navigator.onLine === false) {
          var away = Date.now();
          onStatus('offline');
          return whenOnline(signal).then(function () {
            started += Date.now() - away;
            delay = 400;
            return step();
          });
        }
        // A blip on a phone connection should not lose the analysis: retry a few times.
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

// Map any failure to the copy the shopper sees: a heading, a sentence, whether retaking helps.
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
  // Faults on Facet's side are never blamed on the photo, nor answered with photo tips.
  if (status >= 500 || SERVER_FAULTS.test(code)) return msg('server', { retake: false });
  if (kind === 'failed' && err.message && err.message !== code) {
    return { title: t('err_generic_h'), text: err.message, code: code, retake: true, tips: true };
  }
  return msg('generic');
}
