"""Frame shape from the outline of a front-view eyewear cut-out (the try-on asset's alpha, or a product
photo).

Each lens opening is filled to a solid silhouette (rim + lens), the bridge and temple stubs are trimmed
off, and a
few interpretable measurements decide the shape: aspect ratio, how much of the bounding box the lens fills
(rectangles fill it, ellipses fill π/4), whether the top is wider than the bottom (wayfarer, aviator),
whether the
outer top corner sweeps up (cat-eye), whether the rim is heavier on top (browline) and whether the
turning of the
outline is concentrated in a few corners (geometric). Both lenses are measured, the right one mirrored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

FRAME_SHAPES: tuple[str, ...] = (
    "round",
    "rectangle",
    "square",
    "wayfarer",
    "aviator",
    "cat-eye",
    "browline",
    "oval",
    "geometric",
)


@dataclass(frozen=True)
class FrameShape:
    """A frame-shape label, its confidence, and the measurements it came from (for debugging and tests)."""

    label: str
    confidence: float
    measures: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "confidence": round(self.confidence, 3),
            "measures": {k: round(v, 3) for k, v in self.measures.items()},
        }


def _alpha_mask(image: np.ndarray) -> np.ndarray:
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 4:
        return array[..., 3] >= 96
    from inference.catalog.colours import foreground_mask

    return foreground_mask(array)


def _filled_lens(half: np.ndarray) -> np.ndarray | None:
    """Fill the largest closed outline in one half of the frame and strip thin appendages (bridge,
    temples)."""
    half_u8 = half.astype(np.uint8) * 255
    contours, _ = cv2.findContours(half_u8, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    biggest = max(contours, key=cv2.contourArea)
    filled = np.zeros_like(half_u8)
    cv2.drawContours(filled, [biggest], -1, 255, thickness=cv2.FILLED)
    x, y, w, h = cv2.boundingRect(biggest)
    size = max(3, int(round(min(w, h) * 0.14)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    opened = cv2.morphologyEx(filled, cv2.MORPH_OPEN, kernel)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(opened)
    if count <= 1:
        return None
    main = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return labels == main


def _corner_concentration(contour: np.ndarray) -> float:
    """Share of the outline's total turning that happens at its sharpest 15 % of points (polygons: high)."""
    points = contour.reshape(-1, 2).astype(np.float64)
    n = len(points)
    if n < 24:
        return 0.0
    step = max(2, n // 120)
    sampled = points[::step]
    forward = np.roll(sampled, -2, axis=0) - sampled
    angles = np.arctan2(forward[:, 1], forward[:, 0])
    turning = np.abs((np.diff(np.concatenate([angles, angles[:1]])) + np.pi) % (2 * np.pi) - np.pi)
    total = turning.sum()
    if total <= 0:
        return 0.0
    top = np.sort(turning)[::-1][: max(1, int(round(len(turning) * 0.15)))]
    return float(top.sum() / total)


def _measure_lens(lens: np.ndarray, rim: np.ndarray) -> dict[str, float]:
    """Measurements of one filled lens, oriented so that x = 0 is the outer (temple) side."""
    ys, xs = np.nonzero(lens)
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    w, h = float(x1 - x0), float(y1 - y0)
    area = float(lens.sum())
    crop = lens[y0:y1, x0:x1]
    contours, _ = cv2.findContours(crop.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contour = max(contours, key=cv2.contourArea)
    perimeter = cv2.arcLength(contour, True)
    hull = cv2.convexHull(contour)
    vertices = len(cv2.approxPolyDP(contour, 0.025 * perimeter, True))

    def row_width(frac: float) -> float:
        row = crop[min(int(frac * h), crop.shape[0] - 1)]
        return float(row.sum())

    # Height of the silhouette top at the outer and inner quarter: cat-eyes rise towards the temple.
    cols = crop.any(axis=0)
    top_profile = np.where(cols, crop.argmax(axis=0), crop.shape[0]).astype(np.float64)
    bottom_profile = np.where(cols, crop.shape[0] - 1 - crop[::-1].argmax(axis=0), 0).astype(np.float64)
    quarter = max(1, int(w * 0.25))
    outer_top = float(top_profile[:quarter].min())
    inner_top = float(top_profile[-quarter:].min())
    lowest_x = float(np.argmax(bottom_profile) / max(w - 1, 1))
    # Where the outer edge sticks out furthest (rows, 0 = top): mid-height for most shapes, high for a
    # cat-eye's swept-up corner.
    left_profile = np.where(crop.any(axis=1), crop.argmax(axis=1), crop.shape[1]).astype(np.float64)
    outermost_rows = np.flatnonzero(left_profile <= left_profile.min() + max(1.0, 0.02 * w))
    outer_point_y = float(outermost_rows.mean() / h)

    # Rim mass above vs below the lens centre line: a browline's weight is in its brow bar.
    rim_crop = rim[y0:y1, x0:x1] & crop
    inner = cv2.erode(crop.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=max(1, int(h * 0.05))) > 0
    ring = rim_crop & ~inner
    interior_opaque = float((rim_crop & inner).sum() / max(inner.sum(), 1))
    top_rim = float(rim_crop[: int(h * 0.3)].sum())
    bottom_rim = float(rim_crop[int(h * 0.7) :].sum())
    # How well the best-fitting ellipse explains the outline: ~1 for round/oval, lower for polygons.
    ellipse_mask = np.zeros(crop.shape, dtype=np.uint8)
    if len(contour) >= 5:
        cv2.ellipse(ellipse_mask, cv2.fitEllipse(contour), 1, thickness=-1)
    union = float((ellipse_mask.astype(bool) | crop).sum())
    ellipse_iou = float((ellipse_mask.astype(bool) & crop).sum() / max(union, 1.0))
    return {
        "ellipse_iou": ellipse_iou,
        "aspect": w / h,
        "extent": area / (w * h),
        "solidity": area / max(cv2.contourArea(hull), 1.0),
        "circularity": 4 * np.pi * area / max(perimeter**2, 1.0),
        "vertices": float(vertices),
        "corners": _corner_concentration(contour),
        "top_bottom": row_width(0.2) / max(row_width(0.8), 1.0),
        "outer_lift": (inner_top - outer_top) / h,
        "lowest_x": lowest_x,
        "outer_point_y": outer_point_y,
        "rim_top_bottom": (top_rim + 1.0) / (bottom_rim + 1.0),
        "ring_share": float(ring.sum() / max(crop.sum(), 1)),
        "interior_opaque": interior_opaque,
    }


def _halves(mask: np.ndarray, split: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Image-left and mirrored image-right halves (outer side at x = 0 for both), split at the bridge."""
    if split is None:
        xs = np.flatnonzero(mask.any(axis=0))
        split = int(round((xs.min() + xs.max()) / 2)) if len(xs) else mask.shape[1] // 2
    return mask[:, :split], mask[:, split:][:, ::-1]


def _lenses(mask: np.ndarray, bridge_x: float | None) -> list[tuple[np.ndarray, np.ndarray]]:
    ys, xs = np.nonzero(mask)
    if len(xs) < 50:
        return []
    split = int(round(bridge_x)) if bridge_x is not None else None
    result = []
    for half in _halves(mask, split):
        lens = _filled_lens(half)
        if lens is not None and lens.sum() > 30:
            result.append((lens, half))
    return result


def classify_frame_shape(image: np.ndarray, geometry: dict | None = None) -> FrameShape:
    """Frame shape of a front-view frame image (RGBA asset or product photo); `geometry` may give `bridge`."""
    mask = _alpha_mask(image)
    bridge_x = None
    bridge = (geometry or {}).get("bridge_centre") or (geometry or {}).get("bridge")
    if bridge:
        bridge_x = float(bridge[0])
    lenses = _lenses(mask, bridge_x)
    if not lenses:
        return FrameShape("other", 0.0, {})
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 4:
        # Rims are fully opaque; tinted lenses are not — keep them out of the rim-weight measurement.
        strict = array[..., 3] >= 245
        split = int(round(bridge_x)) if bridge_x is not None else None
        strict_halves = _halves(strict, split)
        lenses = [(lens, strict_half) for (lens, _), strict_half in zip(lenses, strict_halves, strict=False)]
    per_lens = [_measure_lens(lens, rim) for lens, rim in lenses]
    m = {key: float(np.mean([p[key] for p in per_lens])) for key in per_lens[0]}
    label, confidence = _decide(m)
    return FrameShape(label, confidence, m)


def _decide(m: dict[str, float]) -> tuple[str, float]:
    """The rules, most specific first. Each returns a confidence from how far past its threshold it is."""
    see_through = m["interior_opaque"] < 0.5
    if see_through and m["rim_top_bottom"] > 2.2 and m["ring_share"] < 0.6 and m["top_bottom"] < 1.15:
        return "browline", min(0.95, 0.6 + 0.1 * (m["rim_top_bottom"] - 2.2))
    tb = m["top_bottom"]
    swept_corner = 1.05 <= tb < 1.105 and m["outer_point_y"] < 0.34 and m["extent"] < 0.9
    if m["outer_lift"] > 0.12 or swept_corner:
        return "cat-eye", min(0.95, 0.55 + 2 * max(m["outer_lift"] - 0.02, 0.0) + (0.34 - m["outer_point_y"]))
    if tb >= 1.105:
        # Both taper downwards; an aviator's teardrop is tall with a rounded, sagging bottom (low extent),
        # a wayfarer is a wide trapezoid with a flat bottom (fills its box).
        if m["aspect"] < 1.35 and m["extent"] < 0.83:
            return "aviator", min(0.9, 0.55 + (tb - 1.1) * 2)
        return "wayfarer", min(0.9, 0.55 + (tb - 1.1) * 2)
    if m["ellipse_iou"] < 0.955 and m["extent"] < 0.8 and 5 <= m["vertices"] <= 8:
        return "geometric", min(0.9, 0.5 + 4 * (0.955 - m["ellipse_iou"]))
    if m["extent"] > 0.885 or (m["ellipse_iou"] < 0.955 and m["extent"] > 0.8):
        # A box-filling outline, or a soft one that an ellipse does not explain: rectangular family.
        confidence = min(0.95, 0.55 + (m["extent"] - 0.8) * 3)
        return ("rectangle", confidence) if m["aspect"] >= 1.25 else ("square", confidence)
    if m["aspect"] < 1.15:
        return "round", min(0.95, 0.6 + (1.15 - m["aspect"]) + max(0.0, m["circularity"] - 0.85))
    return "oval", min(0.9, 0.55 + 0.5 * min(m["aspect"] - 1.15, 0.5))


def looks_like_eyewear(image: np.ndarray) -> float:
    """Probability-like cue that a product photo shows a front-view frame: wide, short, two lens openings."""
    from inference.catalog.colours import _downsample

    mask = _alpha_mask(_downsample(np.asarray(image)))
    ys, xs = np.nonzero(mask)
    if len(xs) < 100:
        return 0.0
    w, h = xs.max() - xs.min() + 1, ys.max() - ys.min() + 1
    aspect = w / h
    if not 1.8 <= aspect <= 5.0:
        return 0.0
    crop = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.uint8)
    # Lens openings are holes in the silhouette (for clear lenses) — count sizeable ones.
    contours, hierarchy = cv2.findContours(crop, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    holes = 0
    if hierarchy is not None:
        for contour, info in zip(contours, hierarchy[0], strict=False):
            if info[3] >= 0 and cv2.contourArea(contour) > 0.03 * w * h:
                holes += 1
    fill = crop.mean()
    score = 0.35 + (0.45 if holes >= 2 else 0.0) + (0.1 if fill < 0.45 else 0.0)
    return float(min(score, 0.9))
