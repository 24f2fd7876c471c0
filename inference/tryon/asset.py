"""Turn a store's eyewear product photo into a try-on asset: an RGBA cut-out plus its geometry.

`make_tryon_asset(photo, frame_mm="52-18-140")` returns a `TryOnAsset` or an `AssetRejection(code, message)`;
rejections are returned, not raised, because a rejected photo is an ordinary outcome the catalog sync records
per product (codes: `no_object`, `busy_background`, `not_front_view`, `not_eyewear_like`).

Asset geometry (asset pixel coordinates, origin top-left, x right, y down, pixel centres at integers):
`lens_centres` (image-left, image-right), `bridge_centre`, `hinge_left`, `hinge_right`, `total_width_px`, and
when the size is known `frame_mm` (parsed), `px_per_mm` and `total_width_mm`.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageOps

from inference.tryon.frame_size import FrameSize, parse_frame_size
from inference.tryon.geometry import Shape, bridge_centre, fill_holes, hinge_ends, measure
from inference.tryon.matting import (
    fit_background,
    frame_alpha,
    glass_edge,
    smooth_tint,
    tint_alpha,
    tint_colour,
)

GEOMETRY_VERSION = 1
WORK_MAX_SIDE = 1000  # product photos are often 2000+ px; 1000 px is plenty for a face-sized overlay

MESSAGES = {
    "no_object": "No product found in the photo: it looks empty or the frame is too small to cut out.",
    "busy_background": "The photo's background is not plain enough to cut the frame out cleanly.",
    "not_front_view": "The frame is not photographed from the front, so it cannot be worn believably.",
    "not_eyewear_like": "The product does not look like a pair of glasses (two lenses joined by a bridge).",
}


@dataclass(frozen=True)
class AssetRejection:
    """Why a photo cannot become a try-on asset; `message` is written for the merchant."""

    code: str
    message: str
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "details": self.details}


@dataclass
class TryOnAsset:
    """An RGBA cut-out (straight alpha) and its JSON geometry."""

    image: Image.Image
    geometry: dict[str, Any]
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size

    def to_png(self) -> bytes:
        """Encode the cut-out as PNG bytes."""
        buf = io.BytesIO()
        self.image.save(buf, "PNG", optimize=False, compress_level=6)
        return buf.getvalue()

    def to_json(self) -> str:
        """Encode the geometry as JSON text."""
        return json.dumps(self.geometry, sort_keys=True)

    @classmethod
    def from_files(cls, png: str | Path | bytes, geometry: str | Path | bytes | dict) -> TryOnAsset:
        """Load an asset saved with `to_png()` / `to_json()` (paths, bytes, or an already-parsed dict)."""
        data = png if isinstance(png, bytes) else Path(png).read_bytes()
        image = Image.open(io.BytesIO(data))
        image.load()
        if isinstance(geometry, dict):
            geo = geometry
        elif isinstance(geometry, bytes):
            geo = json.loads(geometry)
        elif isinstance(geometry, str) and geometry.lstrip().startswith("{"):
            geo = json.loads(geometry)
        else:
            geo = json.loads(Path(geometry).read_text())
        return cls(image=image.convert("RGBA"), geometry=geo)

    def premultiplied(self, scale: float = 1.0) -> tuple[np.ndarray, float]:
        """Premultiplied RGBA float32 at roughly `scale` (cached by octave); returns the array and its scale.

        Downscaling with INTER_AREA before the perspective warp keeps thin rims anti-aliased instead of
        aliased.
        """
        octave = 0
        while scale < 0.5 ** (octave + 1) * 1.1 and octave < 5:
            octave += 1
        if octave not in self._cache:
            rgba = np.asarray(self.image, dtype=np.float32) / 255.0
            rgba[..., :3] *= rgba[..., 3:4]
            s = 0.5**octave
            if octave:
                w, h = self.image.size
                rgba = cv2.resize(
                    rgba, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA
                )
            self._cache[octave] = (np.ascontiguousarray(rgba), s)
        return self._cache[octave]


def load_product_image(image: Any) -> np.ndarray:
    """Load a product photo as HxWx4 uint8 RGBA (opaque photos get alpha 255); EXIF orientation applied."""
    if isinstance(image, np.ndarray):
        arr = image
        if arr.ndim == 2:
            arr = np.repeat(arr[..., None], 3, axis=2)
        if arr.shape[2] == 3:
            arr = np.concatenate([arr, np.full(arr.shape[:2] + (1,), 255, np.uint8)], axis=2)
        return np.ascontiguousarray(arr.astype(np.uint8))
    if isinstance(image, Image.Image):
        pil = image
    else:
        data = image if isinstance(image, bytes) else Path(image).read_bytes()
        pil = Image.open(io.BytesIO(data))
    pil = ImageOps.exif_transpose(pil)
    has_alpha = pil.mode in ("RGBA", "LA", "PA") or (pil.mode == "P" and "transparency" in pil.info)
    return np.asarray(pil.convert("RGBA" if has_alpha else "RGB").convert("RGBA"))


def make_tryon_asset(
    product_image: Any, *, frame_mm: str | float | FrameSize | None = None
) -> TryOnAsset | AssetRejection:
    """Cut the frame out of a front-view product photo and measure it, or say why that is not possible."""
    size = parse_frame_size(frame_mm)
    rgba = load_product_image(product_image)
    h, w = rgba.shape[:2]
    scale = min(1.0, WORK_MAX_SIDE / max(h, w))
    if scale < 1.0:
        rgba = cv2.resize(rgba, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    rgb = np.ascontiguousarray(rgba[..., :3])
    transparent = float((rgba[..., 3] < 250).mean()) > 0.05

    if transparent:
        alpha = rgba[..., 3].astype(np.float32) / 255.0
        colour = rgb.astype(np.float32)
        if float((alpha > 0.5).mean()) < 0.002:
            return _reject("no_object", area=float((alpha > 0.5).mean()))
        outline, hint = alpha, _tint_hint(alpha)
    else:
        matte = fit_background(rgb)
        area = float(matte.core.mean())
        # Clutter first: a textured background also inflates the noise estimate, which hides the object.
        if matte.border_busy > 0.08 or matte.border_foreground > 0.08 or matte.noise > 12 or area > 0.6:
            return _reject(
                "busy_background",
                border_busy=round(matte.border_busy, 3),
                border_foreground=round(matte.border_foreground, 3),
                noise=round(matte.noise, 2),
            )
        if area < 0.002:
            return _reject("no_object", area=area)
        alpha, colour = frame_alpha(rgb, matte)
        shape = measure(alpha)
        if shape is not None and shape.lenses:
            _separate_tints(rgb, matte.background, alpha, colour, shape)
        pale = _pale_parts(alpha, colour, matte.background)
        outline = np.where(pale, 0.0, alpha).astype(np.float32)
        hint = _tint_hint(outline) | pale  # a pad in front of tinted glass hides glass, not the outline
    shape = measure(outline, hint)
    if shape is None:
        return _reject("no_object")
    verdict = _judge(shape)
    if verdict is not None:
        return verdict
    return _build(alpha, colour, shape, size, scale)


def _pale_parts(alpha: np.ndarray, colour: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Opaque parts much paler than the frame itself, left out when measuring the frame's outline.

    Translucent silicone nose pads sit in front of the glass at its nasal edge. They belong in the cut-out,
    but counted as frame they cut off the glass's innermost point and pull the lens centre to the temple.
    """
    opaque = alpha >= 1.0  # frame material; tinted glass is capped below 1
    if not opaque.any():
        return opaque
    strength = np.linalg.norm(colour - background, axis=2)
    return opaque & (strength < 0.5 * float(np.median(strength[opaque])))


def _tint_hint(alpha: np.ndarray) -> np.ndarray:
    """Glass of tinted lenses: the partially transparent interior regions."""
    return (alpha > 0.05) & (alpha < 0.97)


def _separate_tints(rgb, background, alpha, colour, shape: Shape) -> None:
    """Re-matte lenses that have no see-through hole as tinted glass (in place)."""
    for lens in shape.lenses:
        if not lens.tinted or (lens.glass ^ lens.blob).any():
            continue
        glass = _tinted_glass(rgb, lens.blob)
        if glass is None:
            continue
        ta, _ = tint_alpha(rgb[glass], background[glass])
        ta = smooth_tint(ta, np.nonzero(glass)[0])
        alpha[glass] = ta
        colour[glass] = tint_colour(rgb[glass], background[glass], ta)
        glass_edge(rgb, background, alpha, colour, glass)


def _tinted_glass(rgb: np.ndarray, blob: np.ndarray) -> np.ndarray | None:
    """The lens glass inside a lens region: the part whose colour follows a smooth vertical gradient."""
    ys, xs = np.nonzero(blob)
    radius = 0.25 * min(np.ptp(xs) + 1, np.ptp(ys) + 1)
    interior = cv2.distanceTransform(blob.astype(np.uint8), cv2.DIST_L2, 5) > radius
    if interior.sum() < 20:
        return None
    iy, ix = np.nonzero(interior)
    vals = rgb[iy, ix].astype(np.float32)
    design = np.stack([np.ones_like(iy), iy], 1).astype(np.float32)
    coef, *_ = np.linalg.lstsq(design, vals, rcond=None)
    spread = float(np.median(np.linalg.norm(vals - design @ coef, axis=1))) * 1.5 + 1.0
    pred = np.stack([np.ones_like(ys), ys], 1).astype(np.float32) @ coef
    vals = rgb[ys, xs].astype(np.float32)
    close = np.linalg.norm(vals - pred, axis=1) < max(18.0, 5.0 * spread)
    # The frame's drop shadow seen through the glass: the same glass, uniformly a little darker.
    ratio = vals / np.maximum(pred, 1.0)
    mean = ratio.mean(axis=1)
    close |= (mean > 0.8) & (mean < 1.0) & (np.abs(ratio - mean[:, None]).max(axis=1) < 0.04)
    # A grey rim next to pale (or graded) glass can pass both tests; a pixel nearer to the rim's colour
    # (sampled just inside the lens region's outer edge) than to the glass's is rim.
    depth = cv2.distanceTransform(blob.astype(np.uint8), cv2.DIST_L2, 3)[ys, xs]
    outer = (depth > 1.5) & (depth < 3.5)
    if outer.sum() >= 10:
        rim = np.median(vals[outer], axis=0)
        close &= np.linalg.norm(vals - rim, axis=1) > np.linalg.norm(vals - pred, axis=1)
    glass = np.zeros_like(blob)
    glass[ys[close], xs[close]] = True
    n, labels, stats, _ = cv2.connectedComponentsWithStats(glass.astype(np.uint8))
    if n <= 1:
        return None
    inside = np.bincount(labels[interior], minlength=n)
    inside[0] = 0
    # The main pane, plus pockets of the same glass cut off from it by nose-pad arms.
    keep = stats[:, cv2.CC_STAT_AREA] >= max(30, int(0.002 * blob.sum()))
    keep[0] = False
    keep[int(np.argmax(inside))] = True
    glass = fill_holes(keep[labels]) & blob
    # Where a rim's colour is close to the glass's, the glass can swallow part of the rim. The rim is about
    # as wide all round, so glass is not allowed closer to the outline than most of its own edge is.
    depth = cv2.distanceTransform(blob.astype(np.uint8), cv2.DIST_L2, 3)
    edge = glass & ~cv2.erode(glass.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    if edge.sum() >= 20:
        glass &= depth >= float(np.percentile(depth[edge], 25)) - 0.5
    return glass


def _judge(shape: Shape) -> AssetRejection | None:
    """Front-view eyewear, or which of the rejection codes applies."""
    lenses = shape.lenses
    two = len(lenses) == 2
    features = {
        "symmetry": round(shape.symmetry, 3),
        "aspect": round(shape.aspect, 2),
        "lenses": len(lenses),
        "centre_fill": round(shape.centre_fill, 2),
    }
    side_by_side = False
    balance = 0.0
    if two:
        a0, a1 = lenses[0].blob.sum(), lenses[1].blob.sum()
        balance = float(min(a0, a1) / max(a0, a1))
        (lx, ly), (rx, ry) = lenses[0].centre, lenses[1].centre
        height = shape.bbox[3] - shape.bbox[1]
        side_by_side = lx < shape.axis_x < rx and abs(ly - ry) < 0.3 * height
        features["lens_balance"] = round(balance, 3)
    elongated = 1.6 <= shape.aspect <= 5.0
    eyewear = elongated and two and side_by_side and shape.connected and shape.centre_fill < 0.75
    front = shape.symmetry >= 0.8 and balance >= 0.75
    if eyewear and front:
        return None
    if eyewear or (elongated and shape.symmetry < 0.75 and len(lenses) >= 1):
        return _reject("not_front_view", **features)
    return _reject("not_eyewear_like", **features)


def _reject(code: str, **details: Any) -> AssetRejection:
    return AssetRejection(code, MESSAGES[code], {k: v for k, v in details.items()})


def _build(
    alpha: np.ndarray, colour: np.ndarray, shape: Shape, size: FrameSize | None, scale: float
) -> TryOnAsset:
    """Crop the cut-out with a margin and express the geometry in asset pixels."""
    x0, y0, x1, y1 = shape.bbox
    pad = max(4, int(0.03 * (x1 - x0)))
    H, W = alpha.shape
    cx0, cy0, cx1, cy1 = max(0, x0 - pad), max(0, y0 - pad), min(W, x1 + pad), min(H, y1 + pad)
    a = alpha[cy0:cy1, cx0:cx1]
    rgba = np.dstack([np.clip(colour[cy0:cy1, cx0:cx1] + 0.5, 0, 255), np.clip(a * 255 + 0.5, 0, 255)])
    rgba[a <= 0, :3] = 0
    image = Image.fromarray(rgba.astype(np.uint8))

    def sh(p: tuple[float, float]) -> list[float]:
        return [round(p[0] - cx0, 2), round(p[1] - cy0, 2)]

    hl, hr = hinge_ends(alpha, shape)
    left, right = shape.lenses
    total_px = float(x1 - x0)
    geometry: dict[str, Any] = {
        "version": GEOMETRY_VERSION,
        "width": image.width,
        "height": image.height,
        "lens_centres": [sh(left.centre), sh(right.centre)],
        "lens_boxes": [_shift_box(left.box, cx0, cy0), _shift_box(right.box, cx0, cy0)],
        "bridge_centre": sh(bridge_centre(alpha, shape)),
        "hinge_left": sh(hl),
        "hinge_right": sh(hr),
        "total_width_px": total_px,
        "tinted": bool(left.tinted and right.tinted and float(np.median(alpha[left.glass])) > 0.1),
        "symmetry": round(shape.symmetry, 4),
        "source_box": [cx0 / scale, cy0 / scale, cx1 / scale, cy1 / scale],
        "source_scale": scale,
        "frame_mm": size.to_dict() if size else None,
        "px_per_mm": None,
        "total_width_mm": None,
    }
    if size is not None:
        dbc_px = float(right.centre[0] - left.centre[0])
        if size.lens_centre_distance_mm:
            px_per_mm = dbc_px / size.lens_centre_distance_mm
        else:
            px_per_mm = total_px / size.total_width_mm
        geometry["px_per_mm"] = round(px_per_mm, 4)
        geometry["total_width_mm"] = round(total_px / px_per_mm, 1)
    return TryOnAsset(image=image, geometry=geometry)


def _shift_box(box: tuple[int, int, int, int], dx: int, dy: int) -> list[int]:
    return [box[0] - dx, box[1] - dy, box[2] - dx, box[3] - dy]
