"""The interpretable rules behind the scores: face shape ↔ frame shape balancing, and the words for reasons.

The balancing table follows the usual optician advice: contrast the face's dominant lines (angular frames for
round faces, soft frames for square ones), add width where the face is narrow (brow-heavy frames for a narrow
forehead), and keep depth for long faces.
"""

from __future__ import annotations

import numpy as np

from inference.catalog.eyewear_shape import FRAME_SHAPES

FACE_SHAPES: tuple[str, ...] = ("oval", "round", "square", "heart", "oblong", "diamond", "triangle")

GOOD, NEUTRAL, AVOID = 1.0, 0.6, 0.15

_GOOD: dict[str, tuple[str, ...]] = {
    "oval": ("rectangle", "square", "wayfarer", "aviator", "geometric"),
    "round": ("rectangle", "square", "wayfarer", "geometric", "browline"),
    "square": ("round", "oval", "aviator", "cat-eye"),
    "heart": ("aviator", "round", "oval"),
    "oblong": ("square", "wayfarer", "aviator", "geometric"),
    "diamond": ("cat-eye", "oval", "browline", "round"),
    "triangle": ("browline", "cat-eye", "aviator"),
}
_AVOID: dict[str, tuple[str, ...]] = {
    "oval": (),
    "round": ("round", "oval"),
    "square": ("square", "rectangle", "geometric", "wayfarer"),
    "heart": ("cat-eye", "browline"),
    "oblong": ("rectangle",),
    "diamond": ("square", "geometric"),
    "triangle": ("rectangle", "square"),
}
# Why a good match works, phrased for the face shape.
_WHY_GOOD: dict[str, str] = {
    "oval": "keep an oval face's natural balance",
    "round": "add definition to a round face",
    "square": "soften a square jaw",
    "heart": "balance a wider forehead and narrow chin",
    "oblong": "add depth to a longer face",
    "diamond": "soften strong cheekbones",
    "triangle": "add width at the brow to balance the jaw",
}

# SHAPE_TABLE[face index, frame index] -> score; used vectorised by the ranking.
SHAPE_TABLE = np.full((len(FACE_SHAPES), len(FRAME_SHAPES)), NEUTRAL)
for _fi, _face in enumerate(FACE_SHAPES):
    for _frame in _GOOD[_face]:
        SHAPE_TABLE[_fi, FRAME_SHAPES.index(_frame)] = GOOD
    for _frame in _AVOID[_face]:
        SHAPE_TABLE[_fi, FRAME_SHAPES.index(_frame)] = AVOID


def shape_reason(face: str, frame: str) -> str:
    """One sentence on how a frame shape suits a face shape."""
    value = SHAPE_TABLE[FACE_SHAPES.index(face), FRAME_SHAPES.index(frame)]
    if value == GOOD:
        return f"{frame} frames {_WHY_GOOD[face]}"
    if value == AVOID:
        return f"{frame} frames echo rather than balance {_a(face)} {face} face"
    return f"{frame} frames work with {_a(face)} {face} face"


def _a(word: str) -> str:
    """The indefinite article for `word` ("an oval face", "a round face")."""
    return "an" if word[:1].lower() in "aeiou" else "a"


# Same rule as the try-on engine's fit verdict (inference.tryon.placement): within ±6 mm of the face
# width fits.
FIT_TOLERANCE_MM = 6.0


def fit_verdict(frame_mm: float, face_mm: float) -> str:
    """`fits` / `narrow` / `wide` from a frame's total width against the shopper's face width."""
    diff = frame_mm - face_mm
    return "fits" if abs(diff) <= FIT_TOLERANCE_MM else "narrow" if diff < 0 else "wide"


def fit_reason(frame_mm: float, face_mm: float) -> str:
    """Fit of a frame's total width against the shopper's face width, in words and millimetres."""
    verdict = {
        "fits": "fits your face width",
        "narrow": "may be narrow for you",
        "wide": "may be wide for you",
    }[fit_verdict(frame_mm, face_mm)]
    return f"{verdict}: {frame_mm:.0f} mm frame for a {face_mm:.0f} mm face"


# How far apart two colours must be in lightness (L*) or chroma (C*ab) before a reason names the difference.
_NAMED_DIFFERENCE = 6.0


def difference_words(lab: np.ndarray, reference: np.ndarray) -> str:
    """How a colour differs from a reference, as a phrase ending before the reference: 'darker and more vivid
    than', 'lighter than', or 'a different hue from' (when neither lightness nor chroma differs by much)."""
    lightness = float(lab[0] - reference[0])
    chroma = float(np.hypot(lab[1], lab[2]) - np.hypot(reference[1], reference[2]))
    words = []
    if abs(lightness) >= _NAMED_DIFFERENCE:
        words.append("lighter" if lightness > 0 else "darker")
    if abs(chroma) >= _NAMED_DIFFERENCE:
        words.append("more vivid" if chroma > 0 else "more muted")
    return " and ".join(words) + " than" if words else "a different hue from"


def season_name(analysis: dict) -> str:
    """'soft autumn' / 'autumn' / 'your' — how to refer to the shopper's palette in a reason."""
    season = (analysis.get("skin") or {}).get("season") or {}
    if isinstance(season, str):
        return season
    return season.get("subtype") or season.get("name") or "your"
