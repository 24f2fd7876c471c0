"""Measure a cut-out frame: lenses, bridge, hinge ends, and whether it is a front view of eyewear at all.

A front view of a pair of glasses is mirror-symmetric about the bridge and has two lens regions of equal size
side by side, joined by a thin bridge. A 3/4 view breaks the symmetry (one lens foreshortened, one temple arm
visible running back), which is why it cannot be worn believably: those are the two tests behind
`not_front_view`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np


@dataclass
class Lens:
    """One lens: its region (incl. rim) and its glass (the see-through or tinted part)."""

    blob: np.ndarray  # bool mask
    glass: np.ndarray  # bool mask
    tinted: bool
    centre: tuple[float, float]  # boxing centre of the glass
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 of the glass


@dataclass
class Shape:
    """Everything measured about the cut-out, in working-image pixels."""

    bbox: tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive) of the object
    aspect: float
    symmetry: float  # IoU of the filled silhouette with its mirror image about the best vertical axis
    axis_x: float
    lenses: list[Lens] = field(default_factory=list)
    centre_fill: float = 1.0  # fraction of the object's height filled at the symmetry axis (the bridge)
    connected: bool = False


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """Fill every region not reachable from the image border."""
    h, w = mask.shape
    pad = np.zeros((h + 2, w + 2), np.uint8)
    pad[1:-1, 1:-1] = mask.astype(np.uint8)
    flood = pad.copy()
    ff_mask = np.zeros((h + 4, w + 4), np.uint8)
    cv2.floodFill(flood, ff_mask, (0, 0), 2)
    return flood[1:-1, 1:-1] != 2


def mirror_iou(mask: np.ndarray, axis_x: float) -> float:
    """IoU of a mask with its reflection about the vertical line x = axis_x (pixel-centre coordinates)."""
    h, w = mask.shape
    m = np.array([[-1.0, 0.0, 2 * axis_x], [0.0, 1.0, 0.0]], np.float32)
    flipped = cv2.warpAffine(mask.astype(np.uint8), m, (w, h), flags=cv2.INTER_NEAREST) > 0
    union = np.logical_or(mask, flipped).sum()
    return float(np.logical_and(mask, flipped).sum() / union) if union else 0.0


def _best_axis(filled: np.ndarray, x0: int, x1: int, hint: float | None) -> tuple[float, float]:
    w = x1 - x0
    centre = (x0 + x1 - 1) / 2
    candidates = {round(centre * 2) / 2}
    if hint is not None:
        candidates.add(round(hint * 2) / 2)
    best = max(candidates, key=lambda a: mirror_iou(filled, a))
    step = max(0.5, w / 400)
    for _ in range(2):  # local refinement around the best guess
        scores = {best + d * step: mirror_iou(filled, best + d * step) for d in range(-4, 5)}
        best = max(scores, key=scores.get)
        step /= 3
    return best, mirror_iou(filled, best)


def measure(alpha: np.ndarray, glass_hint: np.ndarray | None = None) -> Shape | None:
    """Find the lenses and the symmetry of the cut-out; None when nothing is there."""
    solid = alpha > 0.5
    ys, xs = np.nonzero(alpha > 0.25)
    if len(xs) == 0:
        return None
    x0, x1, y0, y1 = int(xs.min()), int(xs.max()) + 1, int(ys.min()), int(ys.max()) + 1
    width, height = x1 - x0, y1 - y0
    filled = fill_holes(solid | (alpha > 0.25))
    holes = filled & ~solid
    r = max(2, int(round(0.11 * height)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    opened = cv2.morphologyEx(filled.astype(np.uint8), cv2.MORPH_OPEN, kernel)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
    order = [
        i
        for i in np.argsort(-stats[1:, cv2.CC_STAT_AREA]) + 1
        if stats[i, cv2.CC_STAT_AREA] > 0.03 * width * height
    ]
    lenses = []
    for i in order[:2]:
        blob = labels == i
        lenses.append(_lens(blob, holes, alpha, glass_hint))
    lenses.sort(key=lambda lens: lens.centre[0])
    hint = (lenses[0].centre[0] + lenses[1].centre[0]) / 2 if len(lenses) == 2 else None
    axis, sym = _best_axis(filled, x0, x1, hint)
    band = filled[y0:y1, max(0, int(axis - 0.01 * width)) : int(axis + 0.01 * width) + 1]
    centre_fill = float(band.any(axis=1).mean()) if band.size else 1.0
    _, comp = cv2.connectedComponents(filled.astype(np.uint8))
    connected = False
    if len(lenses) == 2:
        ids = {int(np.bincount(comp[lens.blob]).argmax()) for lens in lenses}
        connected = len(ids) == 1
    return Shape(
        bbox=(x0, y0, x1, y1),
        aspect=width / max(height, 1),
        symmetry=sym,
        axis_x=axis,
        lenses=lenses,
        centre_fill=centre_fill,
        connected=connected,
    )


def _lens(blob: np.ndarray, holes: np.ndarray, alpha: np.ndarray, glass_hint: np.ndarray | None) -> Lens:
    hole = holes & blob
    tinted = False
    inside = None
    if glass_hint is not None:
        # Opening drops the one-pixel anti-aliased ring around the rims, which is also partially transparent.
        inside = cv2.morphologyEx(
            (glass_hint & blob).astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)
        )
    if inside is not None and inside.sum() > 0.3 * blob.sum():
        glass, tinted = fill_holes(_largest(inside > 0)) & blob, True
    elif hole.sum() > 0.25 * blob.sum():
        glass = _largest(hole)
        tinted = bool(np.median(alpha[glass]) > 0.05)
    else:  # no see-through glass: take the blob itself
        glass = blob
        tinted = True
    ys, xs = np.nonzero(glass)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    centre = ((box[0] + box[2] - 1) / 2, (box[1] + box[3] - 1) / 2)
    return Lens(blob=blob, glass=glass, tinted=tinted, centre=centre, box=box)


def _largest(mask: np.ndarray) -> np.ndarray:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return mask
    return labels == (1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA])))


def bridge_centre(alpha: np.ndarray, shape: Shape) -> tuple[float, float]:
    """The bridge centre: on the symmetry axis, at the alpha-weighted mean height of the material there."""
    x0, y0, x1, y1 = shape.bbox
    half = max(1, int(0.003 * (x1 - x0)))
    ax = int(round(shape.axis_x))
    col = alpha[y0:y1, max(0, ax - half) : ax + half + 1].mean(axis=1)
    col = np.where(col > 0.3, col, 0.0)
    if col.sum() <= 0:
        return shape.axis_x, (y0 + y1) / 2
    return shape.axis_x, float(y0 + (col * np.arange(len(col))).sum() / col.sum())


def hinge_ends(alpha: np.ndarray, shape: Shape) -> tuple[tuple[float, float], tuple[float, float]]:
    """The outermost points of the front (where the temple arms attach), image-left then image-right."""
    x0, y0, x1, y1 = shape.bbox
    span = max(2, int(0.006 * (x1 - x0)))
    out = []
    for lo, hi, edge in ((x0, x0 + span, float(x0)), (x1 - span, x1, float(x1))):
        strip = alpha[y0:y1, lo:hi].sum(axis=1)
        y = y0 + float((strip * np.arange(len(strip))).sum() / max(strip.sum(), 1e-6))
        out.append((edge, y))
    return out[0], out[1]
