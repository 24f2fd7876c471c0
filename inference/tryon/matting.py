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
    core = _material(diff, shadow_like(img, background), core_thr, max(18.0, 3.0 * noise))
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


def _material(diff: np.ndarray, shadowy: np.ndarray, core_thr: float, weak_thr: float) -> np.ndarray:
    """Confident foreground: strong differences, plus weaker regions whose edges are sharp.

    A pale translucent nose pad and a drop shadow have the same colour and can be equally faint; what differs
    is the edge: a shadow fades out over many pixels, a pad ends sharply. So everything that is either
    shadow-coloured or only faintly different from the background is judged by the gradient along its free
    boundary (the part not touching other material).
    """
    strong = diff > core_thr
    material = strong & ~shadowy
    # Smoothing before the faint threshold keeps single noisy pixels from forming candidate regions.
    # The anti-aliased ring around strong material is faint too, and so is JPEG ringing next to dark rims:
    # both belong to that material's edge, not to a region of their own.
    faint = cv2.GaussianBlur(diff, (0, 0), 1.5) > weak_thr
    faint &= ~cv2.dilate(strong.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    faint = _drop_specks(faint, 30)
    cand = ((shadowy & (diff > 0.5 * core_thr)) | (faint & ~material)).astype(np.uint8)
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
    return material | (cand.astype(bool) & (strong | faint) & sharp[labels])


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


def nearest_colour(img: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Every pixel gets the (lightly denoised) colour of the nearest `source` pixel."""
    smooth, _ = local_mean(img, source.astype(np.float32), 0.7)
    if not source.any():
        return smooth
    _, labels = cv2.distanceTransformWithLabels(
        (~source).astype(np.uint8), cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL
    )
    ys, xs = np.nonzero(source)  # label k (1-based) is the k-th source pixel in row-major order
    table = np.concatenate([np.zeros((1, 3), np.float32), smooth[ys, xs]])
    return table[labels]


def frame_alpha(rgb: np.ndarray, matte: Matte, *, ring_px: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Alpha and de-contaminated colour for opaque frame material (lenses are handled separately)."""
    img = rgb.astype(np.float32)
    core = matte.core
    # The frame's own colour near each pixel, taken from the nearest "pure" material pixel: the interior of
    # a region, or the crest of a rim too thin to have an interior. Taking the nearest one (rather than a
    # blurred mean) keeps two touching materials (a pale nose pad against a dark end piece) from diluting
    # each other.
    peak = cv2.dilate(matte.diff, np.ones((3, 3), np.uint8))
    interior = cv2.erode(core.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    pure = core & (interior | (matte.diff >= 0.9 * peak))
    fg = nearest_colour(img, pure)
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


def tint_alpha(rgb: np.ndarray, background: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Alpha and colour of a tinted lens seen over a known background.

    Tinted glass is a filter: it passes a fraction T of the light behind it in each colour channel, and the
    photo over a known background gives T = I / B per channel. An RGBA asset composites a*C + (1-a)*face
    instead of T*face; the opacity that reproduces the filter best over any face, with a colour that is not
    negative, is 1 - min(T) with the colour's darkest channel at 0 (exact in that channel, closest in the
    others). A higher opacity would wash the face out with lens colour, a lower one needs a negative colour.
    """
    img = rgb.astype(np.float32)
    bg = np.maximum(background, 1.0)
    a = np.clip(((bg - img) / bg).max(-1), 0.0, 0.95).astype(np.float32)
    return a, tint_colour(rgb, background, a)


def tint_colour(rgb: np.ndarray, background: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The lens colour that, at opacity `alpha` over the background, reproduces the photographed pixel."""
    bg = np.maximum(background, 1.0)
    colour = bg + (rgb.astype(np.float32) - bg) / np.maximum(alpha, 0.05)[..., None]
    return np.clip(colour, 0, 255).astype(np.float32)


def smooth_tint(alpha: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A lens tint's opacity as a robust straight line over the lens's rows.

    Why: dyes are even, or graded from top to bottom; what is not smooth is the backdrop behind the glass. The
    frame's drop shadow seen through the lens would otherwise read as darker glass. A shadow only darkens,
    so the fit repeatedly drops the pixels that look more opaque than the line.
    """
    y = rows.astype(np.float32)
    design = np.stack([np.ones_like(y), y - y.mean()], 1)
    keep = np.ones(len(alpha), bool)
    for _ in range(5):
        coef, *_ = np.linalg.lstsq(design[keep], alpha[keep], rcond=None)
        res = alpha - design @ coef
        spread = 1.4826 * float(np.median(np.abs(res[keep]))) + 1e-3
        keep = res < 2.0 * spread
    return np.clip(design @ coef, 0.0, 0.95).astype(np.float32)


def glass_edge(
    rgb: np.ndarray, background: np.ndarray, alpha: np.ndarray, colour: np.ndarray, glass: np.ndarray
) -> None:
    """Re-matte the pixels where a rim meets tinted glass as a mix of the two (in place).

    Those pixels are far from the backdrop's colour, so the frame matte calls them solid; but part of each is
    glass, and a pale lens edged by a solid rim would otherwise gain a one-pixel opaque halo.
    """
    gy, gx = np.nonzero(glass)
    if len(gy) == 0:
        return
    m = 12  # the rim next to the glass is within a few pixels; work in the glass's box only
    y0, y1 = max(0, int(gy.min()) - m), min(glass.shape[0], int(gy.max()) + m + 1)
    x0, x1 = max(0, int(gx.min()) - m), min(glass.shape[1], int(gx.max()) + m + 1)
    box = (slice(y0, y1), slice(x0, x1))
    pane, a_box = glass[box], alpha[box]
    ring = cv2.dilate(pane.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & ~pane
    solid = (a_box >= 1.0) & ~pane & ~ring
    if not ring.any() or not solid.any():
        return
    img = rgb[box].astype(np.float32)
    ys, xs = np.nonzero(ring)
    g_col = nearest_colour(img, pane)[ys, xs]
    g_alpha = nearest_colour(np.repeat(a_box[..., None], 3, 2), pane)[ys, xs, 0]
    f_col = nearest_colour(img, solid)[ys, xs]
    d = f_col - g_col
    c = np.clip(((img[ys, xs] - g_col) * d).sum(1) / np.maximum((d * d).sum(1), 1.0), 0.0, 1.0)
    a = np.minimum(a_box[ys, xs], c + (1 - c) * g_alpha)
    bg = background[box][ys, xs]
    img_ring = img[ys, xs]
    ys, xs = ys + y0, xs + x0
    alpha[ys, xs] = a
    colour[ys, xs] = np.clip(bg + (img_ring - bg) / np.maximum(a, 0.05)[:, None], 0, 255)
