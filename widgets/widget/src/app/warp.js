/* Drawing a try-on on the device: the shopper's photo plus the frame's RGBA asset, projected with the server's
 * 3×3 homography (asset pixels → photo pixels, pixel centres at integer coordinates, as OpenCV's
 * warpPerspective). The exact path inverse-maps every covered photo pixel and samples the asset bilinearly
 * (premultiplied alpha), so frames land where the server placed them. If the asset is cross-origin without
 * CORS its pixels cannot be read; then a fine triangle mesh with per-triangle affine transforms is drawn. */

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

// The server may have analysed the photo at another size than the canvas we keep: rescale the homography.
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

// Returns {canvas, x, y}: the warped asset as a layer to draw at (x, y) on a W×H photo, or null if off-image.
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

// Same octave choice as the server's renderer: sample from a pre-shrunk (area-averaged) copy of the asset
// close to the on-screen scale, so thin rims stay anti-aliased instead of breaking up.
function octaveFor(H, w, h) {
  var c = applyH(H, w / 2, h / 2), px = applyH(H, w / 2 + 1, h / 2), py = applyH(H, w / 2, h / 2 + 1);
  var cross = (px[0] - c[0]) * (py[1] - c[1]) - (px[1] - c[1]) * (py[0] - c[0]);
  var onScreen = Math.sqrt(Math.abs(cross)), k = 0;
  while (onScreen < Math.pow(0.5, k + 1) * 1.1 && k < 5) k++;
  return k;
}

// Area-weighted resize of premultiplied RGBA (OpenCV INTER_AREA for shrinking), separable.
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

// Only the octaves actually drawn are kept (a full-size float copy of every frame would cost phones ~3 MB each).
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
  // Shrink to the same octave as the exact path first: drawImage under an arbitrary transform does not
  // mip-map, and sampling a big asset sparsely would break thin rims up.
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
  // Canvas coordinates put pixel centres at +0.5; the homography uses integer centres.
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
  // Grow the clip a little around the centroid so neighbouring triangles meet without hairline gaps.
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

// Paint the photo and, unless `bare`, the warped frame with a soft contact shadow.
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
