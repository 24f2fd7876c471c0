/* Getting a photo: the front camera (with a face-oval guide) or a file, always downscaled on the device to at
 * most 1024 px on the long side and re-encoded as JPEG, which also drops EXIF/GPS metadata before upload. */

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
      /* already stopped */
    }
  });
}

function cameraErrorKind(err) {
  var n = (err && err.name) || '';
  if (n === 'NotAllowedError' || n === 'SecurityError' || n === 'PermissionDeniedError') return 'denied';
  if (n === 'NotFoundError' || n === 'OverconstrainedError' || n === 'DevicesNotFoundError') return 'missing';
  return 'failed';
}

/* Live lighting check on the camera preview. Exposure is the reading's weakest point: one stop over, medium and
 * deep skin clips nothing and reads as lighter skin, and no correction can tell (benchmarks/README.md, issue 7).
 * So the shopper is told before the photo, while moving is still free. The rules follow the analysis' cues:
 * - too_bright: 5 % of the face clipped in green (the analysis proves over-exposure at 35 % of the face);
 * - backlit: a fifth of the background clipped in green while the face is not, the cue behind the analysis'
 *   `skin.overexposure_doubt`;
 * - too_dark: even the frame's brightest surfaces below 195 (0.55 linear), the analysis' under-exposure
 *   trigger.
 * A face lined up in the guide does not fill it: "face" is the guide's inner part (FACE_SCALE of its radii:
 * cheeks, nose, forehead) and "background" what lies beyond SCENE_SCALE of them (past hair and ears), so a
 * window seen beside the cheeks is not read as a washed-out face.
 * benchmarks/calibrate_capture_hints.py frames real portraits as a shopper lines up in the guide and applies
 * these constants, read from this file: a hint shows on 5.0 % of 221 as shot (2.3 % too dark: photos the
 * analysis brightens), on 63.8 % one stop over and on every photo one stop under. The shopper can still take
 * the photo: a hint, never a gate. */
var LIGHT_SAMPLE_WIDTH = 160;
var CLIPPED_8BIT = 250;
var TOO_BRIGHT_FACE = 0.05;
var BACKLIT_SCENE = 0.20;
var BACKLIT_FACE_MAX = 0.05;
var DARK_WHITE_PATCH = 195;
var FACE_SCALE = 0.7;
var SCENE_SCALE = 1.15;

// The face guide the camera screen draws (`ovalGuide`, an SVG of viewBox 0 0 100 100 with "slice"), and the
// lighting check reads: one definition for both.
var GUIDE_CX = 50;
var GUIDE_CY = 47;
var GUIDE_RX = 21;
var GUIDE_RY = 29;

// The guide oval in the frame's own pixels, for a video drawn with object-fit: cover into a box of boxW × boxH.
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

// RGBA pixels of width × height and the guide oval in the same pixels → the hint key, or null when the light
// is fine.
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

// Checks the preview every `every` ms and calls onHint(key|null) when the verdict changes (two samples in a row
// agree, so one odd frame does not flicker the message). Returns a stop function.
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

// Grab the current video frame, mirrored so the photo matches the selfie preview the shopper saw.
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

// A JPEG has no transparency. Composited, a see-through selfie's skin changed colour (on black it read "too
// dark", on white it read lighter shades): a see-through pixel keeps its own colour, a fully transparent
// one (a cut-out's background) becomes white, as the server does for PNGs it receives.
function makeOpaque(g, w, h) {
  var img = g.getImageData(0, 0, w, h), px = img.data;
  for (var i = 0; i < px.length; i += 4) {
    if (px[i + 3] === 0) { px[i] = 255; px[i + 1] = 255; px[i + 2] = 255; }
    px[i + 3] = 255;
  }
  g.putImageData(img, 0, 0);
}

// Resolves {blob, canvas, width, height}; `canvas` is kept as the try-on's source pixels (no re-decode).
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

/* A file the browser cannot decode: if it does not even claim to be an image, or claims to be one of the
 * formats every browser decodes (a text file renamed .jpg), it is not a photo: say so right away. Other
 * image types (e.g. HEIC on a desktop browser) go as-is and the server's 415/422 answer explains. */
var DECODABLE = /^image\/(jpeg|png|webp|gif|bmp)$/;

// A photo cut short (an interrupted download or transfer) still decodes in the browser: the missing rows
// come out grey, and re-encoded as a clean JPEG the server never sees the damage (a walkthrough got "Texture
// 100" and a face shape from a third of a photo). What is missing is its end: a JPEG's EOI after its last
// scan (SOS; its embedded previews have scans and EOIs of their own near the start, and in scan data 0xFF is
// never followed by 0xDA or 0xD9), a PNG's IEND chunk, a WebP's full RIFF length.
var TAIL_BYTES = 65536;
var MAGIC = { 'image/jpeg': [0xff, 0xd8], 'image/png': [0x89, 0x50, 0x4e, 0x47], 'image/webp': [0x52, 0x49, 0x46, 0x46] };
function looksComplete(file) {
  var type = file.type || '';
  if (!MAGIC[type] || !file.slice || !window.Uint8Array) return Promise.resolve(true);
  var jpeg = type === 'image/jpeg';
  var rest = jpeg ? file : file.slice(Math.max(0, file.size - TAIL_BYTES));
  return Promise.all([readBytes(file.slice(0, 12)), readBytes(rest)]).then(function (parts) {
    var head = parts[0], bytes = parts[1];
    // Not the format it claims at all: the decoder says so ("That file isn't a photo").
    if (!startsWith(head, 0, MAGIC[type])) return true;
    if (type === 'image/webp') return head.length < 12 || (head[4] | (head[5] << 8) | (head[6] << 16) | (head[7] << 24)) + 8 <= file.size;
    if (!jpeg) return lastIndexOf(bytes, [0x49, 0x45, 0x4e, 0x44]) >= 0;
    // From the end back: an EOI met before any SOS (at once, for a whole photo) means complete.
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
    // HEIC (an iPhone photo on Chrome or Windows, where browsers cannot decode it): Facet converts it, and
    // the JPEG it sends back goes the usual way (shown, drawn on, uploaded).
    if (/^image\/hei[cf]/.test(type) || /\.hei[cf]$/i.test(file.name || '')) {
      return convertPhoto(file).then(decodeAndEncode);
    }
    if (!/^image\//.test(type) || DECODABLE.test(type)) {
      // Refused before any upload: only this beacon tells the merchant's dashboard.
      CTX.beacon('photo_refused', { code: 'not_image', status: 0 });
      throw new ApiError('client', 0, 'not_image', 'not an image');
    }
    return { blob: file, canvas: null, width: 0, height: 0 };
  });
}
