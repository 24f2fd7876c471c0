"""Seasonal colour analysis: 4 seasons × 3 sub-types from undertone, value and chroma/contrast.

The 12-season system names each sub-type by its dominant trait and the season it borrows from:
spring = warm + light + clear, summer = cool + light + soft, autumn = warm + deep + soft,
winter = cool + deep + clear. We score temperature, value and clarity on −1…1 and let the strongest decide.
"""

from __future__ import annotations

import numpy as np

from inference.colour_names import hex_names

# Best colours (to wear near the face) and colours to avoid, per sub-type: classic 12-season palettes.
PALETTES: dict[str, dict[str, list[str]]] = {
    "light spring": {
        "best": ["#f9d6a5", "#f7a07c", "#ffd966", "#9fd8cb", "#87bdf0", "#f4b6c2", "#c9e4a6", "#f5e6c8"],
        "avoid": ["#000000", "#4b2e2e", "#36454f", "#800020"],
    },
    "warm spring": {
        "best": ["#ff7f50", "#ffb347", "#e5c100", "#8fbc3f", "#40b5ad", "#f08080", "#d2a56d", "#fff1d6"],
        "avoid": ["#000000", "#708090", "#c8a2c8", "#1c2841"],
    },
    "bright spring": {
        "best": ["#ff4f4f", "#ff9f1c", "#ffe135", "#2ecc71", "#00b3b3", "#3d7dff", "#ff69b4", "#fffaf0"],
        "avoid": ["#a89f91", "#8b7d6b", "#6b5b4d", "#d8c3a5"],
    },
    "light summer": {
        "best": ["#b0c4de", "#e6a8d7", "#f4c2c2", "#a3c1ad", "#c8a2c8", "#aec6cf", "#e0e0e0", "#f0f8ff"],
        "avoid": ["#ff8c00", "#8b4513", "#000000", "#ffd700"],
    },
    "cool summer": {
        "best": ["#4682b4", "#b784a7", "#de5d83", "#5f9ea0", "#708090", "#6a5acd", "#c0c0c0", "#f5f5f5"],
        "avoid": ["#ff8c00", "#d2691e", "#808000", "#f5deb3"],
    },
    "soft summer": {
        "best": ["#8e9aaf", "#b5838d", "#9aab89", "#6d8a96", "#a39193", "#c9b7ad", "#7b8fa1", "#d8d2c6"],
        "avoid": ["#ff0000", "#ff8c00", "#000000", "#ffffff"],
    },
    "soft autumn": {
        "best": ["#c3a27c", "#b48a78", "#8f9779", "#a0785a", "#d1b48c", "#7e8c69", "#c08081", "#e8d8c0"],
        "avoid": ["#000000", "#ff00ff", "#0000ff", "#ffffff"],
    },
    "warm autumn": {
        "best": ["#cc5500", "#b7410e", "#daa520", "#6b8e23", "#8b4513", "#cd853f", "#008080", "#f5deb3"],
        "avoid": ["#ff69b4", "#c0c0c0", "#4169e1", "#e6e6fa"],
    },
    "deep autumn": {
        "best": ["#800000", "#8b4513", "#556b2f", "#b8860b", "#2f4f4f", "#a0522d", "#c04000", "#3b2f2f"],
        "avoid": ["#ffb6c1", "#b0e0e6", "#e6e6fa", "#f0f8ff"],
    },
    "deep winter": {
        "best": ["#000000", "#800020", "#0f52ba", "#046307", "#4b0082", "#dc143c", "#ffffff", "#36454f"],
        "avoid": ["#f5deb3", "#d2b48c", "#ffa07a", "#bdb76b"],
    },
    "cool winter": {
        "best": ["#0047ab", "#c71585", "#50c878", "#e0115f", "#191970", "#ffffff", "#000000", "#c0c0c0"],
        "avoid": ["#ff8c00", "#d2b48c", "#808000", "#cd853f"],
    },
    "bright winter": {
        "best": ["#ff0080", "#0000ff", "#00a86b", "#ff2400", "#8a2be2", "#00ffff", "#ffffff", "#000000"],
        "avoid": ["#c3b091", "#bc987e", "#a0785a", "#8f9779"],
    },
}


# Frame colours per sub-type. Why apart from the palettes above: those are colours to wear near the face, and
# frames are made in few colours (metals, tortoiseshells, browns, black, greys, clear), almost none of which
# sit near a spring's corals or a summer's pastels; judged against them, nearly every frame read "darker and
# more muted than your palette". Stylists choose frames by the same traits: warm colouring takes gold,
# honey and tortoiseshell; cool colouring silver, grey, black and jewel tones; light and soft colouring
# avoids the starkest black, deep and clear colouring carries it.
GOLD, CHAMPAGNE, ROSE_GOLD, ANTIQUE_GOLD = "#c9a545", "#d8c49a", "#b76e79", "#a8893c"
COPPER, BRONZE, SILVER, GUNMETAL = "#b87333", "#8c6a3f", "#c0c0c0", "#4a4c4e"
BLACK, SLATE, CRYSTAL, WHITE = "#141414", "#7d8790", "#d9dde0", "#f2f2f2"
HONEY_TORTOISE, DARK_TORTOISE, BROWN, CAMEL = "#a86b32", "#4a2c1d", "#6b4226", "#c19a6b"
OLIVE, FOREST, NAVY, COBALT = "#5f6b3a", "#2e4a3a", "#1f2a44", "#2a52be"
BLUE_GREY, PLUM, BURGUNDY, ROSE = "#6d8a96", "#6b3e66", "#6d1f2f", "#c48a94"
CORAL, RED, MAUVE, TAUPE = "#e9765b", "#c0282d", "#9c7b8a", "#a89f91"
FRAME_PALETTES: dict[str, dict[str, list[str]]] = {
    "light spring": {
        "best": [GOLD, CHAMPAGNE, HONEY_TORTOISE, CAMEL, CORAL, ROSE_GOLD, "#efe6d2"],
        "avoid": [BLACK, GUNMETAL, BURGUNDY, DARK_TORTOISE],
    },
    "warm spring": {
        "best": [GOLD, CHAMPAGNE, HONEY_TORTOISE, BROWN, CAMEL, "#8a5a2b", CORAL, COPPER],
        "avoid": [BLACK, SILVER, GUNMETAL, PLUM],
    },
    "bright spring": {
        "best": [GOLD, HONEY_TORTOISE, CORAL, RED, "#1fa3a0", COBALT, "#efe6d2"],
        "avoid": [TAUPE, "#8b7d6b", MAUVE, GUNMETAL],
    },
    "light summer": {
        "best": [SILVER, CRYSTAL, ROSE_GOLD, ROSE, BLUE_GREY, SLATE, "#a89cc8"],
        "avoid": [BLACK, GOLD, CORAL, DARK_TORTOISE],
    },
    "cool summer": {
        "best": [SILVER, SLATE, GUNMETAL, "#34466b", PLUM, ROSE, BLUE_GREY, CRYSTAL],
        "avoid": [GOLD, CORAL, HONEY_TORTOISE, OLIVE],
    },
    "soft summer": {
        "best": ["#8a8d8f", MAUVE, BLUE_GREY, SLATE, "#7a5a72", "#a3727a", "#7a6a5e"],
        "avoid": [BLACK, RED, CORAL, WHITE],
    },
    "soft autumn": {
        "best": ["#8b6a4f", CAMEL, "#8f8a5a", ANTIQUE_GOLD, CHAMPAGNE, BRONZE, "#a3727a"],
        "avoid": [BLACK, SILVER, COBALT, WHITE],
    },
    "warm autumn": {
        "best": [DARK_TORTOISE, HONEY_TORTOISE, BROWN, GOLD, COPPER, BRONZE, OLIVE],
        "avoid": [SILVER, BLACK, "#d58ca5", CRYSTAL],
    },
    "deep autumn": {
        "best": [DARK_TORTOISE, "#3b2a20", BRONZE, COPPER, ANTIQUE_GOLD, FOREST, BURGUNDY, OLIVE],
        "avoid": [SILVER, "#f4c2c2", CRYSTAL, "#c8ccd0"],
    },
    "deep winter": {
        "best": [BLACK, GUNMETAL, SILVER, NAVY, BURGUNDY, "#1d4d3a", PLUM],
        "avoid": [CAMEL, HONEY_TORTOISE, GOLD, CHAMPAGNE],
    },
    "cool winter": {
        "best": [BLACK, SILVER, GUNMETAL, NAVY, COBALT, "#5b2a6e", CRYSTAL, "#c71585"],
        "avoid": [GOLD, HONEY_TORTOISE, CAMEL, CORAL, OLIVE],
    },
    "bright winter": {
        "best": [BLACK, SILVER, COBALT, RED, WHITE, "#c71585", "#009b77", NAVY],
        "avoid": [TAUPE, "#8b7d6b", HONEY_TORTOISE, CAMEL],
    },
}


def traits(skin_lab: np.ndarray, undertone_deviation: float, contrast: float) -> dict[str, float]:
    """Temperature (+warm), value (+light) and clarity (+clear/bright) on −1…1.

    `contrast` is the L* difference between skin and brows/irises (hair and eye colour stand-ins): high
    contrast
    reads as clear/bright, low contrast as soft.
    """
    lightness, a, b = (float(v) for v in skin_lab)
    temperature = float(np.tanh(undertone_deviation / 8.0))
    value = float(np.tanh((lightness - 62.0) / 14.0))
    chroma = float(np.hypot(a, b))
    clarity = float(np.tanh((contrast - 30.0) / 15.0) * 0.7 + np.tanh((chroma - 20.0) / 8.0) * 0.3)
    return {"temperature": temperature, "value": value, "clarity": clarity}


def season_of(scores: dict[str, float]) -> dict[str, str]:
    """Pick the 12-season sub-type from the dominant trait and the season it leans to."""
    t, v, c = scores["temperature"], scores["value"], scores["clarity"]
    dominant = max(("temperature", "value", "clarity"), key=lambda k: abs(scores[k]))
    if dominant == "value":
        if v > 0:
            subtype = "light spring" if t > 0 else "light summer"
        else:
            subtype = "deep autumn" if t > 0 else "deep winter"
    elif dominant == "temperature":
        if t > 0:
            subtype = "warm spring" if v + c > 0 else "warm autumn"
        else:
            subtype = "cool winter" if c - v > 0 else "cool summer"
    else:
        if c > 0:
            subtype = "bright spring" if t > 0 else "bright winter"
        else:
            subtype = "soft autumn" if t > 0 else "soft summer"
    return {"name": subtype.split()[1], "subtype": subtype}


def palette(subtype: str) -> dict[str, list[str]]:
    """Best and avoid hex colours of a sub-type (copies, so callers may edit them), with plain names for
    each (`best_names`, `avoid_names`): a swatch needs words for screen readers and for shoppers who do not
    read hex. `frame_best` / `frame_avoid` (and their names) are its frame colours: the widget shows them
    where the store sells frames, and the ranking judges frames by them, so a frame reason points at
    colours the shopper can see."""
    entry, frames = PALETTES[subtype], FRAME_PALETTES[subtype]
    best, avoid = list(entry["best"]), list(entry["avoid"])
    frame_best, frame_avoid = list(frames["best"]), list(frames["avoid"])
    return {
        "best": best,
        "avoid": avoid,
        "best_names": hex_names(best),
        "avoid_names": hex_names(avoid),
        "frame_best": frame_best,
        "frame_avoid": frame_avoid,
        "frame_best_names": hex_names(frame_best),
        "frame_avoid_names": hex_names(frame_avoid),
    }


def frame_palette(subtype: str) -> dict[str, list[str]] | None:
    """Frame colours that suit a sub-type and ones it avoids (copies), or None for an unknown sub-type."""
    entry = FRAME_PALETTES.get(subtype)
    return {"best": list(entry["best"]), "avoid": list(entry["avoid"])} if entry else None
