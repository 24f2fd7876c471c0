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

function prepareFile(file) {
  return decodeFile(file).then(function (d) {
    var seeThrough = /^image\/(png|webp|gif)$/.test(file.type || '');
    return toJpeg(d.src, d.width, d.height, false, seeThrough).then(function (out) {
      if (d.src.close) d.src.close();
      if (d.url) URL.revokeObjectURL(d.url);
      return out;
    });
  }, function () {
    var type = file.type || '';
    if (!/^image\//.test(type) || DECODABLE.test(type)) throw new ApiError('client', 0, 'not_image', 'not an image');
    return { blob: file, canvas: null, width: 0, height: 0 };
  });
}
