"""Dominant colours of the product itself, and the shade colour of shade products, in CIELAB.

Catalog photos are mostly a product on a white or light-grey studio background (or a transparent PNG). The
background is estimated from the image border and removed before clustering, otherwise "white" would be the
dominant colour of every product. Clustering runs in CIELAB so that cluster distances are perceptual.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from inference import colour

_MAX_SIDE = 160  # pixels; colour statistics do not need more and k-means cost grows with pixel count
_BACKGROUND_DELTA = 14.0  # ΔE76 from the border colour above which a pixel is product, not backdrop
_MERGE_DELTA = 9.0  # clusters closer than this are one colour to a shopper
_SAME_SURFACE_DELTA = 3.0  # swatch clusters closer than this (ΔE00) are one surface in different light

_HEX_RE = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")

# Common colour words (en, fr, de, es, it, pt) → representative sRGB. Used only when a variant has
# neither a hex
# value nor a swatch image; the confidence reported for them is lower.
_NAMED: dict[str, str] = {
    "black": "#1c1c1c",
    "noir": "#1c1c1c",
    "schwarz": "#1c1c1c",
    "negro": "#1c1c1c",
    "nero": "#1c1c1c",
    "preto": "#1c1c1c",
    "white": "#f4f4f2",
    "blanc": "#f4f4f2",
    "weiss": "#f4f4f2",
    "blanco": "#f4f4f2",
    "bianco": "#f4f4f2",
    "branco": "#f4f4f2",
    "red": "#c0262d",
    "rouge": "#c0262d",
    "rot": "#c0262d",
    "rojo": "#c0262d",
    "rosso": "#c0262d",
    "vermelho": "#c0262d",
    "pink": "#e58fac",
    "rose": "#e58fac",
    "rosa": "#e58fac",
    "coral": "#f0806a",
    "corail": "#f0806a",
    "koralle": "#f0806a",
    "nude": "#c89d85",
    "beige": "#d9c2a5",
    "brown": "#6f4a33",
    "marron": "#6f4a33",
    "braun": "#6f4a33",
    "marrone": "#6f4a33",
    "tortoise": "#6b4226",
    "havana": "#6b4226",
    "ecaille": "#6b4226",
    "berry": "#8a2846",
    "plum": "#6b2a4b",
    "prune": "#6b2a4b",
    "burgundy": "#6d1a2b",
    "bordeaux": "#6d1a2b",
    "wine": "#6d1a2b",
    "orange": "#ee7a2a",
    "naranja": "#ee7a2a",
    "arancione": "#ee7a2a",
    "laranja": "#ee7a2a",
    "yellow": "#f1cf3b",
    "jaune": "#f1cf3b",
    "gelb": "#f1cf3b",
    "amarillo": "#f1cf3b",
    "giallo": "#f1cf3b",
    "amarelo": "#f1cf3b",
    "green": "#3f8a4a",
    "vert": "#3f8a4a",
    "grun": "#3f8a4a",
    "verde": "#3f8a4a",
    "olive": "#73742f",
    "khaki": "#a39a6b",
    "blue": "#2f5ea8",
    "bleu": "#2f5ea8",
    "blau": "#2f5ea8",
    "azul": "#2f5ea8",
    "blu": "#2f5ea8",
    "navy": "#1f2a4a",
    "marine": "#1f2a4a",
    "teal": "#1f7a7a",
    "turquoise": "#3ab5b0",
    "purple": "#6a3d8f",
    "violet": "#6a3d8f",
    "lila": "#9b7fc0",
    "lilac": "#b49bd0",
    "lavender": "#b49bd0",
    "grey": "#8a8a8a",
    "gray": "#8a8a8a",
    "gris": "#8a8a8a",
    "grau": "#8a8a8a",
    "grigio": "#8a8a8a",
    "cinza": "#8a8a8a",
    "silver": "#b8b9bb",
    "argent": "#b8b9bb",
    "silber": "#b8b9bb",
    "gold": "#c9a548",
    "or": "#c9a548",
    "dore": "#c9a548",
    "oro": "#c9a548",
    "dourado": "#c9a548",
    "camel": "#b98a52",
    "cream": "#efe3c8",
    "ivory": "#efe6d2",
    "ivoire": "#efe6d2",
    "mauve": "#a1728a",
    "peach": "#f2b38f",
    "peche": "#f2b38f",
    "fuchsia": "#c8307c",
    "magenta": "#c8307c",
    "mint": "#a7d8b9",
    "crystal": "#dcdfe2",
    "clear": "#dcdfe2",
}
_NAMED_RE = re.compile(r"(?<![a-z])(" + "|".join(sorted(_NAMED, key=len, reverse=True)) + r")(?![a-z])")


def _as_rgb_alpha(image: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    array = np.asarray(image)
    if array.ndim == 2:
        array = np.repeat(array[..., None], 3, axis=2)
    if array.shape[2] == 4:
        return array[..., :3], array[..., 3]
    return array[..., :3], None


def _downsample(array: np.ndarray) -> np.ndarray:
    step = max(1, int(np.ceil(max(array.shape[:2]) / _MAX_SIDE)))
    return array[::step, ::step]


def foreground_mask(image: np.ndarray) -> np.ndarray:
    """Boolean mask of product pixels: alpha when the image has it, else everything unlike the border
    colour."""
    rgb, alpha = _as_rgb_alpha(image)
    if alpha is not None and (alpha < 250).mean() > 0.02:
        return alpha >= 128
    lab = colour.rgb_to_lab(rgb.astype(np.float64))
    band = max(1, min(lab.shape[:2]) // 40)
    border = np.concatenate(
        [
            lab[:band].reshape(-1, 3),
            lab[-band:].reshape(-1, 3),
            lab[:, :band].reshape(-1, 3),
            lab[:, -band:].reshape(-1, 3),
        ]
    )
    background = np.median(border, axis=0)
    distance = np.linalg.norm(lab - background, axis=-1)
    # A soft studio shadow is a darker version of the backdrop with the same (near-zero) chroma: allow a
    # larger
    # lightness drop than chroma change before calling it product.
    chroma_shift = np.hypot(lab[..., 1] - background[1], lab[..., 2] - background[2])
    lightness_drop = background[0] - lab[..., 0]
    shadow = (chroma_shift < 4.0) & (lightness_drop > 0) & (lightness_drop < 22.0)
    return (distance > _BACKGROUND_DELTA) & ~shadow


def kmeans_lab(
    points: np.ndarray, k: int, *, iterations: int = 12, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Plain k-means (k-means++ seeding, deterministic) returning (centres, labels)."""
    rng = np.random.default_rng(seed)
    k = max(1, min(k, len(points)))
    centres = [points[rng.integers(len(points))]]
    for _ in range(1, k):
        d2 = np.min(((points[:, None, :] - np.asarray(centres)[None]) ** 2).sum(-1), axis=1)
        if d2.sum() <= 0:
            break
        centres.append(points[rng.choice(len(points), p=d2 / d2.sum())])
    centres_arr = np.asarray(centres, dtype=np.float64)
    labels = np.zeros(len(points), dtype=np.int64)
    for _ in range(iterations):
        distances = ((points[:, None, :] - centres_arr[None]) ** 2).sum(-1)
        labels = distances.argmin(axis=1)
        updated = np.array(
            [
                points[labels == i].mean(axis=0) if np.any(labels == i) else centres_arr[i]
                for i in range(len(centres_arr))
            ]
        )
        if np.allclose(updated, centres_arr, atol=0.05):
            centres_arr = updated
            break
        centres_arr = updated
    return centres_arr, labels


def dominant_colours(image: np.ndarray, *, k: int = 4, min_weight: float = 0.04) -> list[dict]:
    """Dominant product colours, background removed: [{lab, hex, weight}] sorted by weight (sums to 1)."""
    small = _downsample(np.asarray(image))
    mask = foreground_mask(small)
    rgb, _ = _as_rgb_alpha(small)
    pixels = rgb[mask].astype(np.float64)
    if len(pixels) < 12:
        return []
    lab = colour.rgb_to_lab(pixels)
    centres, labels = kmeans_lab(lab, k)
    weights = np.bincount(labels, minlength=len(centres)).astype(np.float64)

    # Merge perceptually indistinguishable clusters (k-means splits one flat colour when k is too large).
    order = list(np.argsort(-weights))
    merged: list[tuple[np.ndarray, float]] = []
    for idx in order:
        for j, (centre, weight) in enumerate(merged):
            if float(colour.delta_e_2000(centre, centres[idx])) < _MERGE_DELTA:
                total = weight + weights[idx]
                merged[j] = ((centre * weight + centres[idx] * weights[idx]) / total, total)
                break
        else:
            merged.append((centres[idx], float(weights[idx])))
    total = sum(w for _, w in merged)
    result = [
        {
            "lab": [round(float(v), 2) for v in c],
            "hex": colour.lab_to_hex(c),
            "weight": round(float(w / total), 4),
        }
        for c, w in sorted(merged, key=lambda cw: -cw[1])
        if w / total >= min_weight
    ]
    norm = sum(r["weight"] for r in result) or 1.0
    for r in result:
        r["weight"] = round(float(r["weight"] / norm), 4)
    return result


def shade_from_swatch(image: np.ndarray) -> dict | None:
    """The shade colour of a swatch image: the most common foreground colour, using the median for
    robustness."""
    small = _downsample(np.asarray(image))
    mask = foreground_mask(small)
    rgb, _ = _as_rgb_alpha(small)
    if mask.sum() < 12:
        return None
    lab = colour.rgb_to_lab(rgb[mask].astype(np.float64))
    centres, labels = kmeans_lab(lab, 3)
    counts = np.bincount(labels, minlength=len(centres))
    biggest = int(counts.argmax())
    # k-means splits one lit surface into bands of its light falloff; taking one band would read the shade
    # lighter or darker than the product (ΔE 0.4 on the demo bottles). Bands this close are the same surface.
    same = colour.delta_e_2000(centres, centres[biggest]) < _SAME_SURFACE_DELTA
    # The median of the main surface ignores packaging edges and specular highlights.
    shade = np.median(lab[same[labels]], axis=0)
    return {
        "lab": [round(float(v), 2) for v in shade],
        "hex": colour.lab_to_hex(shade),
        "source": "swatch",
        "confidence": 0.9,
    }


def shade_from_text(values: Iterable[str]) -> dict | None:
    """The shade colour named in variant options: a hex value if present, else a common colour word."""
    texts = [v for v in values if v]
    for text in texts:
        match = _HEX_RE.search(text)
        if match:
            lab = colour.hex_to_lab("#" + match.group(1))
            return {
                "lab": [round(float(v), 2) for v in lab],
                "hex": colour.lab_to_hex(lab),
                "source": "hex",
                "confidence": 0.95,
            }
    from inference.catalog.category import fold

    for text in texts:
        match = _NAMED_RE.search(fold(text))
        if match:
            lab = colour.hex_to_lab(_NAMED[match.group(1)])
            return {
                "lab": [round(float(v), 2) for v in lab],
                "hex": colour.lab_to_hex(lab),
                "source": f"name:{match.group(1)}",
                "confidence": 0.4,
            }
    return None


# Checked in this order: the explicit words win over shade codes, which win over descriptive words ("6N
# Neutral
# Honey" is neutral even though honey usually names a warm shade).
_UNDERTONE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("neutral", ("neutral", "neutre", "neutro")),
    ("warm", ("warm", "chaud", "calido", "caldo", "quente")),
    ("cool", ("cool", "froid", "kalt", "frio", "freddo")),
    ("warm", ("w",)),
    ("cool", ("c",)),
    ("neutral", ("n",)),
    ("warm", ("golden", "gold", "yellow", "olive", "peach", "honey", "caramel", "dore")),
    ("cool", ("pink", "rose", "rosy", "porcelain")),
)


def shade_undertone(name: str, lab: list[float] | np.ndarray | None) -> str | None:
    """Undertone of a foundation shade: from its name ("220 Warm Beige", "3N", "Cool Ivory") else its hue
    angle."""
    from inference.catalog.category import fold

    folded = fold(name or "")
    for undertone, words in _UNDERTONE_RULES:
        for word in words:
            if len(word) == 1:
                # Shade codes like "3N", "N30", "220W": a single letter glued to digits.
                if re.search(rf"(?<![a-z])\d+(\.\d+)?{word}(?![a-z])|(?<![a-z]){word}\d+", folded):
                    return undertone
            elif re.search(rf"(?<![a-z]){word}(?![a-z])", folded):
                return undertone
    if lab is None:
        return None
    return undertone_from_lab(np.asarray(lab, dtype=np.float64))


def undertone_from_lab(lab: np.ndarray) -> str:
    """Warm / neutral / cool of a skin-like colour, by the analysis engine's own rule.

    One definition for the whole product: a shade called "neutral" here is what the analysis calls a neutral
    undertone on a shopper (hue angle against the typical hue at that lightness).
    """
    from inference.analysis.skin import undertone

    return undertone(np.asarray(lab, dtype=np.float64))[0]
