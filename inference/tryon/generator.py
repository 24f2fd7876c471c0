"""Procedural front-view eyewear product photos with their true geometry.

Why: merchants' photos come without labels, so asset extraction is scored on photos we draw ourselves, where
the true alpha mask, lens centres, bridge and hinge ends are known exactly. The demo store draws its eyewear
catalog with the same generator (`generate_eyewear_photo(named_spec("aviator"))`).

Frames are drawn in millimetres (lens width, bridge, rim thickness) and rasterised at 4x supersampling so
edges are anti-aliased like a real photo; then a light background, a soft drop shadow, sensor noise and JPEG
compression are applied. Left/right are image-left/image-right.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field

import cv2
import numpy as np
from PIL import Image

STYLES = ("round", "rectangle", "wayfarer", "aviator", "cat_eye", "browline", "rimless")
_METAL_STYLES = {"round", "aviator", "rimless"}
_SS = 4  # supersampling factor

FRAME_COLOURS = {
    "black": (22, 22, 24),
    "tortoise": (92, 52, 28),
    "navy": (28, 40, 84),
    "burgundy": (104, 24, 36),
    "crystal_grey": (120, 124, 130),
    "gold": (196, 160, 82),
    "silver": (168, 170, 176),
    "gunmetal": (74, 76, 82),
    "red": (176, 30, 34),
    "green": (34, 86, 58),
}
TINTS = {
    "grey": ((40, 42, 44), 0.80),
    "brown": ((84, 54, 30), 0.75),
    "g15": ((46, 64, 44), 0.80),
    "rose": ((170, 90, 96), 0.55),
    "blue": ((40, 70, 130), 0.70),
}


@dataclass(frozen=True)
class EyewearSpec:
    """What to draw: a frame style, its size in mm, colours and the photo conditions."""

    style: str = "rectangle"
    lens_width_mm: float = 52.0
    lens_height_mm: float = 40.0
    bridge_mm: float = 18.0
    temple_mm: float = 140.0
    rim_mm: float = 2.2
    frame_rgb: tuple[int, int, int] = (22, 22, 24)
    # A tinted lens filters the light behind it; over white it looks like `tint_rgb` laid on at `tint_alpha`.
    tint_rgb: tuple[int, int, int] | None = None
    tint_alpha: float = 0.0
    gradient_tint: bool = False
    background_rgb: tuple[int, int, int] = (255, 255, 255)
    shadow: float = 0.08
    width_px: int = 800
    aspect: float = 0.5
    margin: float = 0.08
    jpeg_quality: int | None = 90
    noise: float = 1.5
    seed: int = 0
    name: str = ""

    @property
    def frame_mm(self) -> str:
        """The size as printed on a temple arm: lens-bridge-temple."""
        return f"{self.lens_width_mm:.0f}-{self.bridge_mm:.0f}-{self.temple_mm:.0f}"

    @property
    def endpiece_mm(self) -> float:
        return 4.5 if self.style in _METAL_STYLES else 6.0

    @property
    def total_width_mm(self) -> float:
        """Front width, hinge end to hinge end (the number a face-width fit is judged by)."""
        return 2 * self.lens_width_mm + self.bridge_mm + 2 * self.endpiece_mm


@dataclass
class EyewearTruth:
    """The exact geometry of a generated photo, in image pixels."""

    alpha: np.ndarray  # HxW float32, true opacity (rims 1, clear lenses 0, tinted: 1 - least transmission)
    lens_centres: list[
        tuple[float, float]
    ]  # image-left, image-right; boxing-system centres of the lens shapes
    bridge_centre: tuple[float, float]
    hinge_left: tuple[float, float]
    hinge_right: tuple[float, float]
    total_width_px: float
    px_per_mm: float
    spec: EyewearSpec = field(repr=False)

    def to_dict(self) -> dict:
        """JSON-ready geometry (no pixel arrays)."""
        return {
            "lens_centres": [list(p) for p in self.lens_centres],
            "bridge_centre": list(self.bridge_centre),
            "hinge_left": list(self.hinge_left),
            "hinge_right": list(self.hinge_right),
            "total_width_px": self.total_width_px,
            "px_per_mm": self.px_per_mm,
            "spec": asdict(self.spec),
        }


def named_specs() -> dict[str, EyewearSpec]:
    """A small named catalog (one per style plus sunglasses) for the demo store and tests."""
    return {
        "round": EyewearSpec("round", 48, 45, 21, 145, 1.0, FRAME_COLOURS["gold"], name="Round Gold"),
        "rectangle": EyewearSpec(
            "rectangle", 54, 38, 17, 140, 2.4, FRAME_COLOURS["black"], name="Rect Black"
        ),
        "wayfarer": EyewearSpec("wayfarer", 52, 41, 18, 145, 4.0, FRAME_COLOURS["tortoise"], name="Wayfarer"),
        "aviator": EyewearSpec(
            "aviator", 58, 50, 14, 140, 1.1, FRAME_COLOURS["silver"], *TINTS["g15"], True, name="Aviator G15"
        ),
        "cat_eye": EyewearSpec("cat_eye", 53, 42, 18, 140, 3.5, FRAME_COLOURS["burgundy"], name="Cat-eye"),
        "browline": EyewearSpec("browline", 51, 40, 20, 145, 4.5, FRAME_COLOURS["black"], name="Browline"),
        "rimless": EyewearSpec("rimless", 52, 36, 18, 140, 0.0, FRAME_COLOURS["silver"], name="Rimless"),
        "sun_wayfarer": EyewearSpec(
            "wayfarer", 54, 42, 18, 145, 4.5, FRAME_COLOURS["black"], *TINTS["grey"], name="Wayfarer Sun"
        ),
    }


def named_spec(name: str) -> EyewearSpec:
    """One spec of `named_specs()` by name."""
    return named_specs()[name]


def random_spec(rng: np.random.Generator, *, width_px: int = 800) -> EyewearSpec:
    """Draw a plausible random product photo spec (style, size, colour, tint, background, photo noise)."""
    style = str(rng.choice(STYLES))
    lens_w = float(rng.uniform(46, 58))
    ratio = {"round": (0.85, 1.0), "aviator": (0.8, 0.9), "rimless": (0.62, 0.78)}.get(style, (0.65, 0.82))
    metal = style in _METAL_STYLES
    colour_names = ["gold", "silver", "gunmetal", "black"] if metal else list(FRAME_COLOURS)
    rim = 0.0 if style == "rimless" else float(rng.uniform(0.7, 1.4) if metal else rng.uniform(1.8, 5.0))
    tinted = style != "rimless" and rng.random() < (0.6 if style == "aviator" else 0.3)
    tint_rgb, tint_alpha = (None, 0.0)
    if tinted:
        tint_rgb, tint_alpha = TINTS[str(rng.choice(list(TINTS)))]
        tint_alpha = float(np.clip(tint_alpha + rng.uniform(-0.08, 0.1), 0.45, 0.92))
    grey = int(rng.choice([255, 252, 246, 238, 230]))
    return EyewearSpec(
        style=style,
        lens_width_mm=lens_w,
        lens_height_mm=lens_w * float(rng.uniform(*ratio)),
        bridge_mm=float(rng.uniform(14, 22)),
        temple_mm=float(rng.choice([135, 140, 145, 150])),
        rim_mm=rim,
        frame_rgb=FRAME_COLOURS[str(rng.choice(colour_names))],
        tint_rgb=tint_rgb,
        tint_alpha=tint_alpha,
        gradient_tint=bool(tinted and rng.random() < 0.3),
        background_rgb=(grey, grey, min(255, grey + int(rng.integers(0, 3)))),
        shadow=float(rng.uniform(0.0, 0.12)),
        width_px=width_px,
        aspect=float(rng.uniform(0.42, 0.7)),
        margin=float(rng.uniform(0.05, 0.15)),
        jpeg_quality=int(rng.integers(70, 96)),
        noise=float(rng.uniform(0.5, 2.5)),
        seed=int(rng.integers(0, 2**31 - 1)),
    )


def lens_outline(style: str, w: float, h: float, n: int = 160) -> np.ndarray:
    """Return the image-right lens outline (n x 2, mm, centred; +x towards the temple, +y down)."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    c, s = np.cos(t), np.sin(t)
    a, b = w / 2, h / 2

    def superellipse(p: float) -> tuple[np.ndarray, np.ndarray]:
        return a * np.sign(c) * np.abs(c) ** (2 / p), b * np.sign(s) * np.abs(s) ** (2 / p)

    if style == "round":
        x, y = superellipse(2.0)
    elif style == "rectangle":
        x, y = superellipse(5.0)
    elif style == "rimless":
        x, y = superellipse(3.0)
    elif style == "wayfarer":
        x, y = superellipse(3.5)
        x = x * (1 + 0.10 * (-y / b))  # wider at the top
        y = y - 0.12 * b * np.clip(x / a, 0, None) ** 2 * (y < 0)  # raised outer-top corner
    elif style == "aviator":
        x, y = superellipse(2.4)
        y = np.where(y < 0, y * 0.78, y * (1 + 0.32 * np.clip(-x / a, -0.6, 1.0)))  # drop on the nasal side
    elif style == "cat_eye":
        x, y = superellipse(3.0)
        up = np.clip(x / a, 0, None) ** 3 * (y < 0)
        y, x = y - 0.35 * b * up, x + 0.08 * a * up
    elif style == "browline":
        x, y = superellipse(3.2)
        y = np.where(y > 0, y * 0.95, y)
    else:
        raise ValueError(f"unknown eyewear style {style!r}; choose from {', '.join(STYLES)}")
    pts = np.stack([x, y], axis=1)
    # Recentre on the bounding box: the "boxing" centre is what opticians call the lens centre.
    pts -= (pts.max(0) + pts.min(0)) / 2
    return pts


def _grow(mask: np.ndarray, radius_px: float) -> np.ndarray:
    """Dilate a 0/1 mask by a disk (a distance transform: big disks would be slow as a kernel)."""
    dist = cv2.distanceTransform((1 - mask).astype(np.uint8), cv2.DIST_L2, 5)
    return (dist <= radius_px).astype(np.uint8)


def _shrink(mask: np.ndarray, radius_px: float) -> np.ndarray:
    """Erode a 0/1 mask by a disk."""
    return (cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 5) > radius_px).astype(np.uint8)


class _Canvas:
    """Hi-res premultiplied RGBA layers composited back to front."""

    def __init__(self, h: int, w: int) -> None:
        self.rgb = np.zeros((h, w, 3), np.float32)
        self.alpha = np.zeros((h, w), np.float32)

    def over(self, mask: np.ndarray, rgb: np.ndarray | tuple, alpha: float | np.ndarray = 1.0) -> None:
        a = mask.astype(np.float32) * alpha
        col = np.asarray(rgb, np.float32)
        if col.ndim == 1:
            col = col[None, None, :]
        self.rgb = col * a[..., None] + self.rgb * (1 - a[..., None])
        self.alpha = a + self.alpha * (1 - a)


def generate_eyewear_photo(spec: EyewearSpec) -> tuple[Image.Image, EyewearTruth]:
    """Draw a front-view product photo of `spec`; return the RGB photo and its true geometry."""
    rng = np.random.default_rng(spec.seed)
    W = spec.width_px
    H = max(32, int(round(W * spec.aspect)))
    total_mm = spec.total_width_mm
    px_per_mm = W * (1 - 2 * spec.margin) / total_mm
    Hs, Ws, k = H * _SS, W * _SS, px_per_mm * _SS  # hi-res size and hi-res px per mm
    cx, cy = Ws / 2, Hs / 2 + 0.02 * Hs
    metal = spec.style in _METAL_STYLES
    frame = np.array(spec.frame_rgb, np.float32)
    # Shade the frame: lighter at the top like a studio softbox.
    yy = np.linspace(-1, 1, Hs, dtype=np.float32)[:, None, None]
    frame_shaded = np.clip(frame * (1.0 - 0.12 * yy) + 10 * (yy < -0.2), 0, 255)

    lens_dx = (spec.lens_width_mm + spec.bridge_mm) / 2
    outline = lens_outline(spec.style, spec.lens_width_mm, spec.lens_height_mm)
    canvas = _Canvas(Hs, Ws)
    lens_masks, lens_centres = [], []
    rim_mask = np.zeros((Hs, Ws), np.uint8)
    for side in (-1, 1):  # image-left, image-right
        pts = outline * np.array([side, 1.0]) + np.array([side * lens_dx, 0.0])
        poly = np.round(np.stack([cx + pts[:, 0] * k, cy + pts[:, 1] * k], 1) * 16).astype(np.int32)
        m = np.zeros((Hs, Ws), np.uint8)
        cv2.fillPoly(m, [poly], 1, lineType=cv2.LINE_8, shift=4)
        lens_masks.append(m)
        lens_centres.append(((cx + side * lens_dx * k) / _SS, cy / _SS))
        if spec.style == "browline":
            top = np.zeros_like(m)
            top[: int(cy + 0.05 * spec.lens_height_mm * k)] = 1
            thick = _grow(m, spec.rim_mm * k) & top
            wire = _grow(m, 0.7 * k)
            rim_mask |= (thick | wire) & (1 - m)
        elif spec.rim_mm > 0:
            rim_mask |= _grow(m, spec.rim_mm * k) & (1 - m)
    lenses = lens_masks[0] | lens_masks[1]

    # Lenses: tinted (optionally darker at the top) or clear; rimless lenses show a bevelled edge.
    absorb = _lens_absorption(spec, lenses, yy[:, :, 0])
    if spec.style == "rimless":
        edge = lenses & (1 - _shrink(lenses, 0.6 * k))
        canvas.over(edge, (150, 156, 162), 0.75)

    # Bridge: a saddle for acetate, a thin bar (plus a top bar for aviators) for metal.
    bridge_y = cy - 0.18 * spec.lens_height_mm * k
    inner = (lens_dx - spec.lens_width_mm / 2) * k
    bridge_t = max(1.3 * k, (0.6 if metal else 0.8) * max(spec.rim_mm, 1.8) * k)
    bridge = np.zeros((Hs, Ws), np.uint8)
    xs = np.linspace(-inner - 2 * k, inner + 2 * k, 40)
    ys = bridge_y - 0.10 * spec.lens_height_mm * k * (1 - (xs / (inner + 2 * k)) ** 2)
    cv2.polylines(bridge, [np.round(np.stack([cx + xs, ys], 1)).astype(np.int32)], False, 1, int(bridge_t))
    bridge_centre_y = float(ys[len(ys) // 2 - 1 : len(ys) // 2 + 1].mean())
    if spec.style == "aviator":
        top_y = cy - 0.36 * spec.lens_height_mm * k
        xs2 = np.linspace(-inner - 10 * k, inner + 10 * k, 40)
        ys2 = np.full_like(xs2, top_y)
        cv2.polylines(
            bridge, [np.round(np.stack([cx + xs2, ys2], 1)).astype(np.int32)], False, 1, int(bridge_t)
        )
        bridge_centre_y = (bridge_centre_y + top_y) / 2
    bridge &= 1 - lenses if spec.style != "rimless" else np.ones_like(bridge)

    # End pieces out to the hinge; the temple arms run straight back, hidden behind them in a front view.
    ends = np.zeros((Hs, Ws), np.uint8)
    end_y = cy - 0.22 * spec.lens_height_mm * k
    half = total_mm / 2 * k
    ep_h = (1.6 if metal else max(3.0, 1.2 * spec.rim_mm)) * k
    for side in (-1, 1):
        x_in = cx + side * (lens_dx + spec.lens_width_mm / 2 - 2.0) * k
        x_out = cx + side * half
        x0, x1 = sorted((x_in, x_out))
        cv2.rectangle(ends, (int(x0), int(end_y - ep_h / 2)), (int(x1), int(end_y + ep_h / 2)), 1, -1)
        if metal:  # hinge barrel
            cv2.circle(ends, (int(x_out - side * 1.6 * k), int(end_y)), int(1.4 * k), 1, -1)
    if spec.style != "rimless":
        ends &= 1 - lenses

    # Nose pads on metal frames: translucent silicone on thin arms.
    pads = np.zeros((Hs, Ws), np.uint8)
    arms = np.zeros((Hs, Ws), np.uint8)
    if metal:
        for side in (-1, 1):
            px = cx + side * (inner + 1.8 * k)
            py = cy + 0.05 * spec.lens_height_mm * k
            cv2.ellipse(pads, (int(px), int(py)), (int(1.6 * k), int(3.4 * k)), side * 15, 0, 360, 1, -1)
            start = (int(cx + side * (inner + 0.5 * k)), int(bridge_y))
            cv2.line(arms, start, (int(px), int(py - 2.5 * k)), 1, max(1, int(0.6 * k)))

    canvas.over(arms, frame * 0.95)
    canvas.over(pads, (208, 206, 200), 0.72)
    layers = rim_mask | bridge | ends
    canvas.over(layers, frame_shaded)

    # Downsample (anti-aliasing), then photograph: background, soft shadow, noise, JPEG.
    # The frame is painted over the lenses; what shows through the frame's gaps is the background as filtered
    # by the lens glass.
    through = np.stack(
        [
            cv2.resize((1 - canvas.alpha) * (1 - absorb[c]), (W, H), interpolation=cv2.INTER_AREA)
            for c in range(3)
        ],
        axis=-1,
    )
    true_alpha = canvas.alpha + (1 - canvas.alpha) * np.max(absorb, axis=0)
    alpha = cv2.resize(true_alpha, (W, H), interpolation=cv2.INTER_AREA)
    premul = cv2.resize(canvas.rgb, (W, H), interpolation=cv2.INTER_AREA)
    bg = _background(spec, H, W, rng)
    if spec.shadow > 0:
        solid = cv2.resize((layers | arms).astype(np.float32), (W, H), interpolation=cv2.INTER_AREA)
        sh = cv2.GaussianBlur(solid, (0, 0), sigmaX=max(1.0, 0.012 * W))
        sh = np.roll(sh, int(0.035 * H), axis=0)
        bg = bg * (1 - spec.shadow * np.clip(sh * 1.5, 0, 1))[..., None]
    img = premul + bg * through
    img = img + rng.normal(0, spec.noise, img.shape).astype(np.float32)
    photo = Image.fromarray(np.clip(img + 0.5, 0, 255).astype(np.uint8))
    if spec.jpeg_quality:
        buf = io.BytesIO()
        photo.save(buf, "JPEG", quality=spec.jpeg_quality)
        photo = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")

    _, xs_a = np.nonzero(alpha > 0.5)
    x_lo, x_hi = float(xs_a.min()), float(xs_a.max()) + 1
    truth = EyewearTruth(
        alpha=alpha.astype(np.float32),
        lens_centres=lens_centres,
        bridge_centre=(cx / _SS, bridge_centre_y / _SS),
        hinge_left=(x_lo, end_y / _SS),
        hinge_right=(x_hi, end_y / _SS),
        total_width_px=x_hi - x_lo,
        px_per_mm=px_per_mm,
        spec=spec,
    )
    return photo, truth


def _lens_absorption(spec: EyewearSpec, lenses: np.ndarray, yy: np.ndarray) -> np.ndarray:
    """The fraction of light each lens absorbs per colour channel (3 x Hs x Ws; zero for clear lenses).

    Why a filter rather than a coloured layer over the background: sunglass glass absorbs light, it does not
    add its own. Over white it looks the same as `tint_rgb` at `tint_alpha`; over anything darker (a face) it
    darkens in proportion. Its true opacity as an RGBA asset is 1 - its least transmission: that opacity with
    a colour whose darkest channel is 0 reproduces the filter exactly in that channel and most closely in
    the others over any background (a lower opacity would need a negative colour).
    """
    h, w = lenses.shape
    absorb = np.zeros((3, h, w), np.float32)
    if spec.tint_rgb is None or spec.tint_alpha <= 0:
        return absorb
    strength = np.full((h, 1), spec.tint_alpha, np.float32)
    if spec.gradient_tint:  # darker at the top
        strength = spec.tint_alpha * np.clip(1.15 - 0.45 * (yy + 1), 0.45, 1.0)
    strength = lenses * strength
    for c in range(3):
        absorb[c] = strength * (1.0 - spec.tint_rgb[c] / 255.0)
    return absorb


def _background(spec: EyewearSpec, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """Studio sweep: the base colour with a faint vertical gradient and vignette."""
    base = np.array(spec.background_rgb, np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    grad = 1.0 - 0.015 * (yy / h) * rng.uniform(0, 1)
    vig = 1.0 - 0.02 * (((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2) * 2) * rng.uniform(0, 1)
    return base[None, None, :] * (grad * vig)[..., None]
