"""The interpretable rules behind the scores: face shape ↔ frame shape balancing, fit, colour differences.

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
# SHAPE_TABLE[face index, frame index] -> score; used vectorised by the ranking.
SHAPE_TABLE = np.full((len(FACE_SHAPES), len(FRAME_SHAPES)), NEUTRAL)
for _fi, _face in enumerate(FACE_SHAPES):
    for _frame in _GOOD[_face]:
        SHAPE_TABLE[_fi, FRAME_SHAPES.index(_frame)] = GOOD
    for _frame in _AVOID[_face]:
        SHAPE_TABLE[_fi, FRAME_SHAPES.index(_frame)] = AVOID


def shape_verdict(face: str, frame: str) -> float:
    """GOOD / NEUTRAL / AVOID: how a frame shape suits a face shape (one cell of SHAPE_TABLE)."""
    return float(SHAPE_TABLE[FACE_SHAPES.index(face), FRAME_SHAPES.index(frame)])


# Same rule as the try-on engine's fit verdict (inference.tryon.placement): within ±6 mm of the face
# width fits.
FIT_TOLERANCE_MM = 6.0


def fit_verdict(frame_mm: float, face_mm: float) -> str:
    """`fits` / `narrow` / `wide` from a frame's total width against the shopper's face width."""
    diff = frame_mm - face_mm
    return "fits" if abs(diff) <= FIT_TOLERANCE_MM else "narrow" if diff < 0 else "wide"


# How far apart two colours must be in lightness (L*) or chroma (C*ab) before a reason names the difference.
_NAMED_DIFFERENCE = 6.0


def differences(lab: np.ndarray, reference: np.ndarray) -> list[str]:
    """How a colour differs from a reference, for a reason to name: any of 'lighter' / 'darker' and 'vivid' /
    'muted'; none when neither lightness nor chroma differs by much (then it is the hue)."""
    lightness = float(lab[0] - reference[0])
    chroma = float(np.hypot(lab[1], lab[2]) - np.hypot(reference[1], reference[2]))
    found = []
    if abs(lightness) >= _NAMED_DIFFERENCE:
        found.append("lighter" if lightness > 0 else "darker")
    if abs(chroma) >= _NAMED_DIFFERENCE:
        found.append("vivid" if chroma > 0 else "muted")
    return found


def season_name(analysis: dict) -> str:
    """The shopper's season as reasons name it ('soft autumn', else 'autumn'), or '' when there is none."""
    season = (analysis.get("skin") or {}).get("season") or {}
    if isinstance(season, str):
        return season
    return season.get("subtype") or season.get("name") or ""
