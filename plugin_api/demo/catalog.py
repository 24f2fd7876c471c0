"""The demo store's generated catalog: frames, foundation shades, lipsticks and tops, with photos.

Everything is drawn procedurally (no downloaded images): eyewear with the try-on engine's product-photo
generator (so frames have true mm sizes and real try-on assets), a foundation range spanning all 10 Monk
tones, with in-between depths where Monk's steps are wide, in warm / neutral / cool variants (plus
concealers), lipsticks and tops in a spread of colours. Photos are stored in the demo merchant's storage and
served by `/api/v1/widget/media/...` like a platform CDN would serve them, and features are computed at seed
time, so recommendations work offline straight after `flask facet seed-demo`.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

import cv2
import numpy as np
from PIL import Image

from inference import colour

log = logging.getLogger(__name__)

# Undertone variants sit this far (degrees of CIELAB hue) either side of the analysis engine's
# neutral hue line: about the spread of real skin around it (its p10–p90 over 248 real readings is ±8°).
UNDERTONE_HUE_SHIFT = {"warm": 8.0, "neutral": 0.0, "cool": -8.0}
# ...and at least this far apart in a*b*: on the near-grey extremes of the Monk scale (chroma ~6) 8° would put
# variants ΔE00 0.8 apart, two bottles no shopper could tell apart (10W and 10N were the same hex colour).
UNDERTONE_MIN_SEPARATION = 2.5
# The widest lightness step (L*) between neighbouring depths of the range. Monk's own steps reach 22.9 L*
# (MST-5 to MST-6), right where most real skin reads (L* 56–83, p10–p90 of real portraits): with Monk depths
# alone, the closest demo shade was ΔE00 4.1 (median) from real shoppers' skin readings, and over ΔE00 3 for
# 71 % of them. In-between depths at most 6 L* apart bring that to 2.4 and 34 % (375 real portraits;
# benchmarks/recommend.py prints it as "real skin readings").
MAX_DEPTH_STEP = 6.0
# The one demo shade that is sold out, as in any real store: it must never be recommended.
SOLD_OUT_SHADE = "50N"
# The brightest channel a shade may have (8-bit sRGB). The bottle's studio lighting then clips only its lit
# edge, which the shade extraction's median reads past.
_SHADE_MAX_CHANNEL = 254.0
_SHADE_NAMES = (
    "Porcelain",
    "Ivory",
    "Alabaster",
    "Sand",
    "Beige",
    "Honey",
    "Caramel",
    "Chestnut",
    "Espresso",
    "Ebony",
)


@dataclass
class DemoProduct:
    """One generated product: what a connector would sync, plus its photo (drawn on first use: re-seeding an
    unchanged catalog should not redraw 90 photos)."""

    platform_id: str
    title: str
    product_type: str
    price: Decimal
    draw: Callable[[], np.ndarray]
    tags: list[str] = field(default_factory=list)
    variants: list[dict[str, Any]] = field(default_factory=list)
    in_stock: bool = True
    vendor: str = "Facet Demo"
    _image: np.ndarray | None = field(default=None, repr=False)

    @property
    def image(self) -> np.ndarray:
        if self._image is None:
            self._image = self.draw()
        return self._image


def shade_depths() -> list[float]:
    """Depths of the foundation range on the Monk scale (1.0 = MST-1 … 10.0 = MST-10): every Monk tone, plus
    evenly spaced in-between depths wherever two neighbouring tones are more than MAX_DEPTH_STEP apart in
    lightness."""
    lightness = colour.MONK_LAB[:, 0]
    depths = []
    for monk in range(1, 11):
        depths.append(float(monk))
        if monk < 10:
            between = int(np.ceil((lightness[monk - 1] - lightness[monk]) / MAX_DEPTH_STEP)) - 1
            depths += [monk + k / (between + 1) for k in range(1, between + 1)]
    return depths


def shade_lab(depth: float, undertone: str) -> np.ndarray:
    """CIELAB of the demo foundation shade at `depth` on the Monk scale (1–10, fractional between tones) and
    an undertone.

    Lightness and chroma are the Monk tone's, read linearly between the two neighbouring tones at an
    in-between depth (Monk's chroma is close to real skin's at MST-4…6: 17.8 / 23.4 / 27.9 against medians
    of 18.4 / 23.6 / 29.0 over real readings of that lightness). The hue is the analysis engine's neutral
    hue at that lightness (inference.analysis.skin), turned warmer or cooler, so the demo's "neutral" means
    what the analysis means. Chroma is reduced where that colour would leave the sRGB gamut (MST-3 at
    skin's hue): a shade must be a colour its product photo can show.
    """
    from inference.analysis.skin import _HUE_LINE

    below = min(int(np.floor(depth)), 9)
    t = depth - below
    neighbours = colour.MONK_LAB[below - 1 : below + 1]
    lightness = float((1 - t) * neighbours[0][0] + t * neighbours[-1][0])
    chroma = float((1 - t) * _shade_chroma(neighbours[0]) + t * _shade_chroma(neighbours[-1]))
    shift = max(
        UNDERTONE_HUE_SHIFT["warm"],
        float(np.degrees(2 * np.arcsin(min(1.0, UNDERTONE_MIN_SEPARATION / (2 * chroma))))),
    )
    direction = {"warm": 1.0, "neutral": 0.0, "cool": -1.0}[undertone]
    hue = np.radians(_HUE_LINE[0] + _HUE_LINE[1] * lightness + direction * shift)
    lab = np.array([lightness, chroma * np.cos(hue), chroma * np.sin(hue)])
    while float(colour.lab_to_rgb(lab).max()) > _SHADE_MAX_CHANNEL and chroma > 1.0:
        chroma *= 0.97
        lab = np.array([lightness, chroma * np.cos(hue), chroma * np.sin(hue)])
    return lab


def _shade_chroma(monk_lab: np.ndarray) -> float:
    """A Monk swatch's chroma, at least 6: no skin (and no foundation) is grey."""
    return max(float(np.hypot(monk_lab[1], monk_lab[2])), 6.0)


def shade_code(depth: float, undertone: str) -> str:
    """A shade number like a real range's: depth × 10 and the undertone's letter ("50W" is MST-5, warm;
    "52N" a quarter of the way from MST-5 to MST-6, neutral)."""
    return f"{round(depth * 10)}{undertone[0].upper()}"


def demo_shades() -> list[dict[str, Any]]:
    """The foundation range, palest first: every depth of `shade_depths()` × warm / neutral / cool."""
    lightness = colour.MONK_LAB[:, 0]
    shades = []
    for depth in shade_depths():
        for tone in ("warm", "neutral", "cool"):
            # The shade is the colour its 8-bit swatch shows (the designed Lab rounded to a hex colour, up to
            # ΔE00 0.4 away): what the store sells and its product photo can show, and what a match is scored
            # against.
            hex_colour = colour.lab_to_hex(shade_lab(depth, tone))
            lab = colour.hex_to_lab(hex_colour)
            # The Monk tone whose lightness is nearest: what the shade is tagged with.
            monk = int(np.argmin(np.abs(lightness - lab[0]))) + 1
            code = shade_code(depth, tone)
            shades.append(
                {
                    "monk": monk,
                    "depth": depth,
                    "undertone": tone,
                    "code": code,
                    "lab": lab,
                    "hex": hex_colour,
                    "name": f"{code} {tone.title()} {_SHADE_NAMES[monk - 1]}",
                }
            )
    return shades


# A blue-grey studio sweep: unlike white, it stays distinct from the palest foundation shades and white tops
# (products that vanish into a white backdrop are a real-store problem, not one the demo should stage).
STUDIO = (192, 198, 210)


def _canvas(size: int = 480) -> np.ndarray:
    return np.broadcast_to(np.array(STUDIO, np.uint8), (size, size, 3)).copy()


def _shaded_fill(canvas: np.ndarray, mask: np.ndarray, rgb: np.ndarray, strength: float = 0.04) -> None:
    """Fill `mask` with `rgb`, lit a little from the left like a studio softbox."""
    xs = np.linspace(1 + strength, 1 - strength, canvas.shape[1])[None, :, None]
    lit = np.clip(rgb[None, None, :].astype(np.float64) * xs, 0, 255)
    canvas[mask] = np.rint(np.broadcast_to(lit, canvas.shape)[mask]).astype(np.uint8)


def draw_bottle(rgb: np.ndarray, size: int = 480) -> np.ndarray:
    """A foundation bottle: a body in the shade colour, a dark cap, on a light studio background."""
    img = _canvas(size)
    body = np.zeros(img.shape[:2], np.uint8)
    cv2.rectangle(body, (int(size * 0.3), int(size * 0.36)), (int(size * 0.7), int(size * 0.9)), 1, -1)
    cv2.circle(body, (int(size * 0.5), int(size * 0.36)), int(size * 0.2), 1, -1)
    _shaded_fill(img, body.astype(bool), rgb)
    cv2.rectangle(
        img, (int(size * 0.42), int(size * 0.08)), (int(size * 0.58), int(size * 0.17)), (30, 30, 32), -1
    )
    cv2.rectangle(
        img, (int(size * 0.44), int(size * 0.17)), (int(size * 0.56), int(size * 0.2)), (200, 200, 204), -1
    )
    return img


def draw_lipstick(rgb: np.ndarray, size: int = 480) -> np.ndarray:
    """A lipstick: a slanted bullet in the colour over a gold tube."""
    img = _canvas(size)
    cv2.rectangle(
        img, (int(size * 0.38), int(size * 0.55)), (int(size * 0.62), int(size * 0.92)), (188, 152, 74), -1
    )
    bullet = np.zeros(img.shape[:2], np.uint8)
    pts = np.array([[0.41, 0.56], [0.59, 0.56], [0.59, 0.2], [0.41, 0.3]]) * size
    cv2.fillPoly(bullet, [pts.astype(np.int32)], 1)
    _shaded_fill(img, bullet.astype(bool), rgb, 0.08)
    return img


def draw_top(rgb: np.ndarray, size: int = 480) -> np.ndarray:
    """A T-shirt silhouette in the colour."""
    img = _canvas(size)
    shape = np.zeros(img.shape[:2], np.uint8)
    pts = (
        np.array(
            [
                [0.33, 0.12],
                [0.43, 0.12],
                [0.5, 0.2],
                [0.57, 0.12],
                [0.67, 0.12],
                [0.9, 0.3],
                [0.8, 0.42],
                [0.72, 0.36],
                [0.72, 0.9],
                [0.28, 0.9],
                [0.28, 0.36],
                [0.2, 0.42],
                [0.1, 0.3],
            ]
        )
        * size
    )
    cv2.fillPoly(shape, [pts.astype(np.int32)], 1)
    _shaded_fill(img, shape.astype(bool), rgb, 0.06)
    return img


LIPSTICKS = (
    ("Nude Beige", "#c39a84"),
    ("Rosewood", "#a05a5f"),
    ("Coral Crush", "#f0745e"),
    ("Classic Red", "#c0202b"),
    ("Berry Kiss", "#8a2846"),
    ("Plum Velvet", "#6b2a4b"),
    ("Brick", "#9c3b2a"),
    ("Mauve", "#a1728a"),
    ("Fuchsia", "#c8307c"),
    ("Peach", "#f2a385"),
    ("Burgundy", "#6d1a2b"),
    ("Pink Petal", "#e58fac"),
    ("Terracotta", "#c0603e"),
    ("Cinnamon", "#8b4a36"),
)
TOPS = (
    ("Black", "#1c1c1e"),
    ("White", "#f4f4f2"),
    ("Navy", "#1f2a4a"),
    ("Cobalt", "#2f5ea8"),
    ("Sky", "#8fbce6"),
    ("Teal", "#1f7a7a"),
    ("Emerald", "#1b7a4f"),
    ("Olive", "#73742f"),
    ("Mustard", "#d4a82a"),
    ("Rust", "#a84a23"),
    ("Camel", "#b98a52"),
    ("Coral", "#f0806a"),
    ("Blush", "#f0b7c0"),
    ("Lavender", "#b49bd0"),
    ("Burgundy", "#6d1a2b"),
    ("Charcoal", "#3c3c3e"),
)


def _eyewear_photo(spec: Any) -> np.ndarray:
    from inference.tryon.generator import generate_eyewear_photo

    return np.asarray(generate_eyewear_photo(spec)[0])


def _eyewear(rng: np.random.Generator) -> list[DemoProduct]:
    from inference.tryon.generator import FRAME_COLOURS, TINTS, EyewearSpec

    styles = {
        "round": (48, 45),
        "rectangle": (54, 38),
        "wayfarer": (52, 41),
        "aviator": (58, 50),
        "cat_eye": (53, 42),
        "browline": (51, 40),
    }
    colours_for = {
        "round": ("gold", "black", "tortoise"),
        "rectangle": ("black", "navy", "crystal_grey", "tortoise"),
        "wayfarer": ("tortoise", "black", "burgundy", "green"),
        "aviator": ("gold", "silver", "gunmetal"),
        "cat_eye": ("burgundy", "black", "tortoise", "red"),
        "browline": ("black", "tortoise", "navy"),
    }
    products = []
    n = 0
    for style, (lens_w, lens_h) in styles.items():
        for i, colour_name in enumerate(colours_for[style]):
            sun = (style in ("aviator", "wayfarer") and i == 0) or (style == "cat_eye" and i == 2)
            tint = (
                TINTS["g15" if style == "aviator" else "brown" if style == "cat_eye" else "grey"]
                if sun
                else (None, 0.0)
            )
            lens = lens_w + (-2, 0, 2, 4)[i % 4]
            bridge = (17, 18, 19, 20)[(i + n) % 4]
            metal = style in ("round", "aviator")
            spec = EyewearSpec(
                style=style,
                lens_width_mm=lens,
                lens_height_mm=lens_h * lens / lens_w,
                bridge_mm=bridge,
                temple_mm=145 if lens >= 52 else 140,
                rim_mm=1.1 if metal else float(rng.uniform(2.4, 4.5)),
                frame_rgb=FRAME_COLOURS[colour_name],
                tint_rgb=tint[0],
                tint_alpha=tint[1],
                width_px=720,
                shadow=0.06,
                jpeg_quality=None,
                noise=1.0,
                seed=1000 + n,
            )
            nice_style = style.replace("_", "-").title()
            nice_colour = colour_name.replace("_", " ").title()
            kind = "Sunglasses" if sun else "Eyeglasses"
            title = f"{nice_style} {nice_colour} {'Sunglasses' if sun else 'Glasses'} {spec.frame_mm}"
            products.append(
                DemoProduct(
                    platform_id=f"demo-frame-{n + 1:02d}",
                    title=title,
                    product_type=kind,
                    price=Decimal(str(89 + 10 * (n % 7))),
                    draw=partial(_eyewear_photo, spec),
                    tags=[
                        style.replace("_", "-"),
                        colour_name.replace("_", "-"),
                        "optical" if not sun else "sun",
                    ],
                    variants=[
                        {
                            "id": f"demo-frame-{n + 1:02d}-v1",
                            "title": spec.frame_mm,
                            "options": {"Size": spec.frame_mm, "Colour": nice_colour},
                        }
                    ],
                )
            )
            n += 1
    return products


def generate_demo_catalog(seed: int = 7) -> list[DemoProduct]:
    """The whole demo catalog (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    products = _eyewear(rng)
    for shade in demo_shades():
        rgb = colour.hex_to_rgb(shade["hex"])
        products.append(
            DemoProduct(
                platform_id=f"demo-shade-{shade['code'].lower()}",
                title=f"Second Skin Foundation — {shade['name']}",
                product_type="Foundation",
                price=Decimal("34.00"),
                draw=partial(draw_bottle, rgb),
                tags=["foundation", f"monk-{shade['monk']}", shade["undertone"]],
                variants=[
                    {
                        "id": f"demo-shade-{shade['code'].lower()}-v1",
                        "title": shade["name"],
                        "options": {"Shade": shade["name"]},
                    }
                ],
                in_stock=shade["code"] != SOLD_OUT_SHADE,
            )
        )
    for monk in range(1, 11):
        lab = shade_lab(monk, "neutral") + np.array([4.0, -0.5, 1.0])  # concealers run a touch lighter
        code = shade_code(monk, "neutral")
        name = f"{code} {_SHADE_NAMES[monk - 1]}"
        products.append(
            DemoProduct(
                platform_id=f"demo-concealer-{code.lower()}",
                title=f"Bright Eyes Concealer — {name}",
                product_type="Concealer",
                price=Decimal("24.00"),
                draw=partial(draw_bottle, colour.hex_to_rgb(colour.lab_to_hex(lab)), 400),
                tags=["concealer"],
                variants=[
                    {"id": f"demo-concealer-{code.lower()}-v1", "title": name, "options": {"Shade": name}}
                ],
            )
        )
    for i, (name, hex_value) in enumerate(LIPSTICKS):
        products.append(
            DemoProduct(
                platform_id=f"demo-lip-{i + 1:02d}",
                title=f"Satin Lipstick — {name}",
                product_type="Lipstick",
                price=Decimal("22.00"),
                draw=partial(draw_lipstick, colour.hex_to_rgb(hex_value)),
                tags=["lips"],
                variants=[
                    {
                        "id": f"demo-lip-{i + 1:02d}-v1",
                        "title": name,
                        "options": {"Colour": name},
                        "hex": hex_value,
                    }
                ],
            )
        )
    for i, (name, hex_value) in enumerate(TOPS):
        products.append(
            DemoProduct(
                platform_id=f"demo-top-{i + 1:02d}",
                title=f"Everyday Cotton T-shirt — {name}",
                product_type="T-shirt",
                price=Decimal("29.00"),
                draw=partial(draw_top, colour.hex_to_rgb(hex_value)),
                tags=["tops", "cotton"],
                variants=[
                    {
                        "id": f"demo-top-{i + 1:02d}-v1",
                        "title": f"{name} / M",
                        "options": {"Colour": name, "Size": "M"},
                    }
                ],
            )
        )
    return products


def png_bytes(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "PNG", optimize=False, compress_level=1)
    return buffer.getvalue()
