"""Estimate the scene illuminant and exposure from the face itself, and undo them before skin is classified.

Why: a camera's white balance and exposure shift measured skin colour more than the difference between two
neighbouring Monk shades. Skin cannot be its own reference (its colour is what we want to measure), so we look
at things whose colour does not depend on skin tone: the sclera (whites of the eyes), the teeth when visible,
and the rest of the scene (grey-world over non-skin pixels). Each estimate is a linear-RGB "white" with a
confidence; they are combined in log-chromaticity space, compared with what those references look like in
well-balanced photos, and only the part of the cast that exceeds their natural spread is corrected (a dead
band), so correctly exposed, correctly balanced photos are left alone and real skin differences are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from inference.analysis import regions as R
from inference.analysis.regions import RegionCanvas

# Typical appearance of the references in well-balanced, well-exposed photos (linear RGB, log ratios
# log(r/g), log(b/g) and log2 of luminance), the medians over 371 real faces (faces/diverse, faces/smoke, a
# sample of faces/utkface).
SCLERA_PRIOR = {"log_rg": 0.39, "log_bg": -0.12, "log2_y": -1.84}
TEETH_PRIOR = {"log_rg": 0.0, "log_bg": 0.0}
SCENE_PRIOR = {"log_rg": 0.31, "log_bg": -0.15}
# Half-widths of the dead bands (natural spread of well-balanced photos): inside them nothing is corrected.
CHROMA_DEAD_BAND = 0.08
EXPOSURE_DEAD_BAND_STOPS = 0.35
_LUMA = np.array([0.2126, 0.7152, 0.0722])


@dataclass(frozen=True)
class Estimate:
    """One reference's reading of the illuminant: linear-RGB white (any scale), weight and pixel count."""

    source: str
    white: np.ndarray
    weight: float
    pixels: int


@dataclass(frozen=True)
class Illumination:
    """What the correction did: per-channel gains applied to linear RGB and the evidence behind them."""

    gains: np.ndarray
    exposure_stops: float
    cast_strength: float
    estimates: list[Estimate] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "gains": [round(float(g), 4) for g in self.gains],
            "exposure_stops": round(float(self.exposure_stops), 3),
            "cast_strength": round(float(self.cast_strength), 4),
            "sources": {e.source: round(e.weight, 3) for e in self.estimates},
        }


def _robust_white(pixels: np.ndarray, top: float = 0.5) -> np.ndarray | None:
    """Median linear RGB of the brightest `top` fraction of unclipped pixels, or None if too few."""
    if len(pixels) < 8:
        return None
    unclipped = pixels[(pixels < 0.98).all(axis=1) & (pixels > 0.002).all(axis=1)]
    if len(unclipped) < 8:
        return None
    luma = unclipped @ _LUMA
    keep = unclipped[luma >= np.quantile(luma, 1.0 - top)]
    return np.median(keep, axis=0)


def sclera_pixels(linear_crop: np.ndarray, canvas: RegionCanvas, mesh: np.ndarray) -> np.ndarray:
    """Linear-RGB pixels of the whites of both eyes: eye openings minus the iris discs and lid margins."""
    eyes = canvas.union(R.RIGHT_EYE, R.LEFT_EYE).astype(np.uint8)
    eyes = cv2.erode(eyes, np.ones((3, 3), np.uint8)).astype(bool)
    yy, xx = np.mgrid[0 : canvas.shape[0], 0 : canvas.shape[1]]
    for iris in (R.RIGHT_IRIS, R.LEFT_IRIS):
        centre = canvas.xy[iris[0]]
        radius = np.linalg.norm(canvas.xy[list(iris[1:])] - centre, axis=1).mean()
        eyes &= (xx - centre[0]) ** 2 + (yy - centre[1]) ** 2 > (1.15 * radius + 0.5) ** 2
    return linear_crop[eyes]


def teeth_pixels(linear_crop: np.ndarray, canvas: RegionCanvas) -> np.ndarray:
    """Linear-RGB pixels inside the lips' inner outline when the mouth is open enough to show teeth."""
    mouth = canvas.polygon(R.LIPS_INNER)
    inner = canvas.xy[list(R.LIPS_INNER)]
    width = np.ptp(inner[:, 0])
    if width <= 0 or np.ptp(inner[:, 1]) < 0.12 * width:
        return np.empty((0, 3))
    return linear_crop[mouth]


def _log_chroma(white: np.ndarray) -> np.ndarray:
    white = np.maximum(white, 1e-6)
    return np.array([np.log(white[0] / white[1]), np.log(white[2] / white[1])])


def _shrink(value: np.ndarray | float, band: float) -> np.ndarray:
    """Soft dead band: the part of `value` beyond ±band (so small natural deviations are not corrected)."""
    value = np.asarray(value, dtype=np.float64)
    return np.sign(value) * np.maximum(np.abs(value) - band, 0.0)


def collect_estimates(linear: np.ndarray, canvas: RegionCanvas, mesh: np.ndarray) -> list[Estimate]:
    """Read the illuminant from sclera, teeth and the non-face scene; weights reflect how much to trust
    each."""
    crop = canvas.crop(linear)
    estimates: list[Estimate] = []
    sclera = sclera_pixels(crop, canvas, mesh)
    white = _robust_white(sclera, top=0.5)
    if white is not None:
        estimates.append(Estimate("sclera", white, min(1.0, len(sclera) / 150.0) * 2.0, len(sclera)))
    teeth = teeth_pixels(crop, canvas)
    white = _robust_white(teeth, top=0.4)
    if white is not None and len(teeth) > 40:
        estimates.append(Estimate("teeth", white, min(1.0, len(teeth) / 300.0), len(teeth)))
    scene = _scene_pixels(linear, mesh)
    if len(scene) > 500:
        # Grey-world over unclipped non-face pixels; weak evidence (a red wall is not grey), so a low weight.
        ok = scene[(scene < 0.98).all(axis=1) & (scene > 0.004).all(axis=1)]
        if len(ok) > 500:
            estimates.append(Estimate("scene", ok.mean(axis=0), 0.5, len(ok)))
    return estimates


def _scene_pixels(linear: np.ndarray, mesh: np.ndarray, max_pixels: int = 40_000) -> np.ndarray:
    """A subsample of the pixels outside the face oval (background, clothes, hair)."""
    height, width = linear.shape[:2]
    step = max(1, int(np.sqrt(height * width / max_pixels)))
    small = linear[::step, ::step]
    face = np.zeros(small.shape[:2], np.uint8)
    pts = np.round(mesh[list(R.FACE_OVAL), :2] / step).astype(np.int32)
    cv2.fillPoly(face, [pts], 1)
    face = cv2.dilate(face, np.ones((5, 5), np.uint8))
    return small[face == 0]


_PRIORS = {"sclera": SCLERA_PRIOR, "teeth": TEETH_PRIOR, "scene": SCENE_PRIOR}


def estimate_illumination(linear: np.ndarray, canvas: RegionCanvas, mesh: np.ndarray) -> Illumination:
    """Combine the references into channel gains (von Kries in linear RGB) and an exposure gain."""
    estimates = collect_estimates(linear, canvas, mesh)
    if not estimates:
        return Illumination(np.ones(3), 0.0, 0.0, [])
    weights = np.array([e.weight for e in estimates])
    offsets = np.array(
        [
            _log_chroma(e.white) - np.array([_PRIORS[e.source]["log_rg"], _PRIORS[e.source]["log_bg"]])
            for e in estimates
        ]
    )
    cast = (weights[:, None] * offsets).sum(axis=0) / weights.sum()
    cast_strength = float(np.hypot(*cast))
    correction = _shrink(cast, CHROMA_DEAD_BAND)
    # Gains that divide the cast out while keeping green (and so roughly luminance) fixed.
    gains = np.array([np.exp(-correction[0]), 1.0, np.exp(-correction[1])])

    exposure_stops = 0.0
    sclera = next((e for e in estimates if e.source == "sclera"), None)
    if sclera is not None:
        corrected_y = float((sclera.white * gains) @ _LUMA)
        deviation = np.log2(max(corrected_y, 1e-6)) - SCLERA_PRIOR["log2_y"]
        exposure_stops = float(_shrink(deviation, EXPOSURE_DEAD_BAND_STOPS))
    gains = gains * 2.0 ** (-exposure_stops)
    return Illumination(gains, exposure_stops, cast_strength, estimates)
