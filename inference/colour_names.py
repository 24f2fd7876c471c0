"""Plain English names for colours ("burgundy", "sky blue"): what reasons and palette swatches call a colour.

Nearest by CIEDE2000 among a small vocabulary a shopper knows; a product's own colour name, when the store
gives one, is better still (the ranking prefers it).
"""

from __future__ import annotations

import numpy as np

from inference import colour

COLOUR_WORDS: dict[str, str] = {
    "black": "#1c1c1c",
    "charcoal": "#3c3c3e",
    "grey": "#8a8a8a",
    "light grey": "#d4d4d4",
    "blue grey": "#7d8fa3",
    "taupe": "#a08f8a",
    "silver": "#c0c1c3",
    "white": "#f4f4f2",
    "ivory": "#efe6d2",
    "beige": "#d9c2a5",
    "camel": "#b98a52",
    "tan": "#c19a6b",
    "brown": "#6f4a33",
    "chocolate": "#4a2c20",
    "tortoise": "#6b4226",
    "gold": "#c9a548",
    "mustard": "#d4a82a",
    "yellow": "#f1cf3b",
    "orange": "#ee7a2a",
    "rust": "#a84a23",
    "coral": "#f0806a",
    "peach": "#f2b38f",
    "apricot": "#fbb471",
    "nude": "#c89d85",
    "pink": "#e58fac",
    "baby pink": "#f4c2c2",
    "rose": "#c97b8e",
    "fuchsia": "#c8307c",
    "red": "#c0262d",
    "bright red": "#ff2020",
    "burgundy": "#6d1a2b",
    "berry": "#8a2846",
    "plum": "#6b2a4b",
    "mauve": "#a1728a",
    "lavender": "#b49bd0",
    "purple": "#6a3d8f",
    "navy": "#1f2a4a",
    "blue": "#2f5ea8",
    "royal blue": "#2a4ad4",
    "bright blue": "#3a7bf0",
    "sky blue": "#8fbce6",
    "powder blue": "#b0c4de",
    "teal": "#1f7a7a",
    "turquoise": "#3ab5b0",
    "mint": "#a7d8b9",
    "green": "#3f8a4a",
    "bright green": "#34c46a",
    "olive": "#73742f",
    "khaki": "#a39a6b",
    "emerald": "#1b7a4f",
}
_NAMES = tuple(COLOUR_WORDS)
_LAB = np.stack([colour.hex_to_lab(h) for h in COLOUR_WORDS.values()])


def colour_names(labs: np.ndarray) -> list[str]:
    """The nearest plain name for each CIELAB colour, in one vectorised pass ('' where it is unknown)."""
    labs = np.asarray(labs, dtype=np.float64).reshape(-1, 3)
    distances = colour.delta_e_2000(labs[:, None, :], _LAB[None, :, :])
    return [
        "" if np.isnan(lab[0]) else _NAMES[int(np.argmin(d))] for lab, d in zip(labs, distances, strict=True)
    ]


def hex_names(hex_colours: list[str]) -> list[str]:
    """colour_names for sRGB hex strings, told apart within the list: two swatches both called "coral" read
    as one colour twice, so the lighter becomes "light coral" and the darker "deep coral"."""
    if not hex_colours:
        return []
    labs = np.stack([colour.hex_to_lab(h) for h in hex_colours])
    names = colour_names(labs)
    for name in set(names):
        same = [i for i, n in enumerate(names) if n == name]
        if len(same) < 2:
            continue
        # Palest and deepest are told apart; a third in between keeps the plain name. Paleness is lightness
        # less half the chroma: #f08080 is a shade darker than #ff7f50 but far less saturated, and reads
        # as the light coral (CSS names it so).
        by_lightness = sorted(same, key=lambda i: labs[i][0] - 0.5 * float(np.hypot(*labs[i][1:])))
        names[by_lightness[0]] = _qualified("deep", name)
        names[by_lightness[-1]] = _qualified("light", name)
    return names


def _qualified(word: str, name: str) -> str:
    return name if name.split()[0] in ("light", "deep", "bright") else f"{word} {name}"
