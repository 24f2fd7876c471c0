"""Cut an eyewear frame out of a product photo on a light, plain background.

Why not a fixed colour threshold: thin metal rims and translucent nose pads differ from a white background by
only a few tens of levels, while JPEG noise and soft drop shadows differ by ten or twenty. So the background
is modelled (a smooth surface fitted to the border), confident foreground ("core") is taken where the colour
difference is large, and the soft edge around it gets a fractional alpha by projecting each pixel's
difference onto the difference of the nearby foreground colour (the compositing equation I = aF + (1-a)B
solved for a).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass
class Matte:
    """Result of background analysis on an opaque photo."""

    background: np.ndarray  # HxWx3 float32, modelled background colour
    diff: np.ndarray  # HxW float32, |I - B|
    core: np.ndarray  # HxW bool, confident foreground
    noise: float  # robust std of the border residual (levels)
    border_busy: float  # fraction of border pixels that do not fit the smooth background
    border_foreground: float  # fraction of border pixels that are confident foreground


def _border_mask(h: int, w: int) -> np.ndarray:
    b = max(3, int(0.025 * min(h, w)))
    m = np.zeros((h, w), bool)
    m[:b], m[-b:], m[:, :b], m[:, -b:] = True, True, True, True
    return m


def fit_background(rgb: np.ndarray) -> Matte:
    """Model the background as a quadratic colour surface fitted to the image border; find the core."""
    h, w = rgb.shape[:2]
    img = rgb.astype(np.float32)
    border = _border_mask(h, w)
    ys, xs = np.nonzero(border)
    vals = img[ys, xs]
    u, v = xs / w - 0.5, ys / h - 0.5
    design = np.stack([np.ones_like(u), u, v, u * u, v * v, u * v], 1).astype(np.float32)
    keep = np.ones(len(u), bool)
    for _ in range(3):  # robust refit: drop border pixels that belong to the object or clutter
        coef, *_ = np.linalg.lstsq(design[keep], vals[keep], rcond=None)
        res = np.linalg.norm(vals - design @ coef, axis=1)
        mad = float(np.median(res[keep])) + 1e-3
        keep = res < max(6.0 * mad, 8.0)
    noise = float(np.median(res[keep]) * 1.25 + 0.5)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    uu, vv = xx / w - 0.5, yy / h - 0.5
    basis = np.stack([np.ones_like(uu), uu, vv, uu * uu, vv * vv, uu * vv], -1)
    background = np.clip(basis @ coef.astype(np.float32), 0, 255).astype(np.float32)
    diff = np.linalg.norm(img - background, axis=2)
    core_thr = max(40.0, 8.0 * noise)
    core = _material(diff, shadow_like(img, background), core_thr)
    core = _drop_specks(core, max(6, int(2e-5 * h * w)))
    return Matte(
        background=background,
        diff=diff,
        core=core,
        noise=noise,
        border_busy=float(np.mean(res > 25.0)),
        border_foreground=float(core[border].mean()),
    )


def shadow_like(img: np.ndarray, background: np.ndarray, *, max_darkening: float = 0.16) -> np.ndarray:
    """Pixels explained as the background slightly darkened with its own colour (a soft drop shadow)."""
    ratio = img / np.maximum(background, 1.0)
    mean = ratio.mean(axis=2)
    spread = np.abs(ratio - mean[..., None]).max(axis=2)
    return (mean > 1.0 - max_darkening) & (mean < 1.0) & (spread < 0.03)


def _material(diff: np.ndarray, shadowy: np.ndarray, core_thr: float) -> np.ndarray:
    """Confident foreground: strong differences, except soft-edged regions that look like a drop shadow.

    A pale translucent nose pad and a drop shadow have the same colour; what differs is the edge: a shadow
    fades out over many pixels, a pad ends sharply. So shadow-coloured regions are judged by the gradient
    along their free boundary (the part not touching other material).
    """
    strong = diff > core_thr
    material = strong & ~shadowy
    cand = (shadowy & (diff > 0.5 * core_thr)).astype(np.uint8)
    n, labels = cv2.connectedComponents(cand, connectivity=8)
    if n <= 1:
        return material
    gx = cv2.Sobel(diff, cv2.CV_32F, 1, 0, ksize=3) / 8
    gy = cv2.Sobel(diff, cv2.CV_32F, 0, 1, ksize=3) / 8
    grad = np.hypot(gx, gy)
    edge = cand.astype(bool) & ~cv2.erode(cand, np.ones((3, 3), np.uint8)).astype(bool)
    free = edge & ~cv2.dilate(material.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    total = np.bincount(labels[free], weights=grad[free], minlength=n)
    count = np.bincount(labels[free], minlength=n)
    sharp = (total / np.maximum(count, 1)) > 6.0
    sharp[0] = False
    return material | (strong & sharp[labels])


def _drop_specks(mask: np.ndarray, min_area: int) -> np.ndarray:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= min_area
    return keep[labels]


def local_mean(values: np.ndarray, weights: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Normalised convolution: the weighted local mean of `values` and the local weight sum."""
    wsum = cv2.GaussianBlur(weights.astype(np.float32), (0, 0), sigma)
    if values.ndim == 3:
        num = cv2.GaussianBlur(values * weights[..., None], (0, 0), sigma)
        return num / np.maximum(wsum, 1e-6)[..., None], wsum
    num = cv2.GaussianBlur(values * weights, (0, 0), sigma)
    return num / np.maximum(wsum, 1e-6), wsum


def frame_alpha(rgb: np.ndarray, matte: Matte, *, ring_px: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Alpha and de-contaminated colour for opaque frame material (lenses are handled separately)."""
    img = rgb.astype(np.float32)
    core = matte.core
    # The frame's own colour near each pixel: weight core pixels by how "pure" they are (close to the local
    # maximum difference from the background), so anti-aliased edge pixels do not dilute it.
    peak = cv2.dilate(matte.diff, np.ones((7, 7), np.uint8))
    purity = np.where(core, (matte.diff / np.maximum(peak, 1e-3)) ** 8, 0.0).astype(np.float32)
    fg, _ = local_mean(img, purity, 2.0)
    d_img = img - matte.background
    d_fg = fg - matte.background
    denom = np.maximum((d_fg * d_fg).sum(2), 1.0)
    alpha = np.clip((d_img * d_fg).sum(2) / denom, 0.0, 1.0)
    alpha = np.where(alpha > 0.93, 1.0, alpha)
    near = cv2.dilate(core.astype(np.uint8), np.ones((2 * ring_px + 1,) * 2, np.uint8)).astype(bool)
    # Only pixels at or next to confident foreground may be non-zero; elsewhere it is noise or shadow.
    floor = np.clip(3.0 * matte.noise / np.sqrt(denom), 0.06, 0.35)
    alpha = np.where(near & (alpha > floor), alpha, 0.0).astype(np.float32)
    # A shadow-like pixel one step away from the material may be its anti-aliased edge; further out it is
    # shadow.
    touching = cv2.dilate(core.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    alpha[~touching & shadow_like(img, matte.background)] = 0.0
    colour = np.where((alpha >= 1.0)[..., None], img, fg)
    return alpha, colour.astype(np.float32)


def tint_alpha(
    rgb: np.ndarray, background: np.ndarray, *, dark_floor: float = 35.0
) -> tuple[np.ndarray, np.ndarray]:
    """Alpha and colour of a tinted lens seen over a known background.

    One photo cannot separate a lens's colour from its opacity (a light tint at high opacity looks like a
    dark tint at low opacity over white). We take the physical prior that sunglass dyes absorb almost fully
    in their darkest channel: the least opacity that explains the pixel with a colour no darker than
    `dark_floor`.
    """
    img = rgb.astype(np.float32)
    bg = np.maximum(background, dark_floor + 1)
    a = np.clip(((bg - img) / (bg - dark_floor)).max(-1), 0.0, 0.95)
    colour = bg + (img - bg) / np.maximum(a, 0.05)[..., None]
    return a.astype(np.float32), np.clip(colour, 0, 255).astype(np.float32)
