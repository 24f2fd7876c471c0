"""Estimate the scene illuminant and exposure from the face itself, and undo them before skin is classified.

Why: a camera's white balance and exposure shift measured skin colour more than the difference between two
neighbouring Monk shades. Skin alone cannot be the reference (its colour is what we want to measure), so we
look at things whose colour does not depend on skin tone: the sclera (whites of the eyes) and the rest of
the scene (a shades-of-grey mean over non-face pixels); `skin.measure_skin` adds a third, the skin's offset
from where real skin of its lightness sits in photos (`skin_reference`), whose error is independent of the
other two. Each estimate is a linear-RGB "white" with a weight; they are combined in log-chromaticity space
and compared with what those references look like in real photos. Casts within the references' natural
spread are mostly left alone (shrinkage), strong casts are removed, so well-balanced photos keep their
colour. Exposure is read from the brightest surfaces (white patch) and only lifted when it is too dark; it is
lowered only when clipping on the face or sclera proves over-exposure (and, in `skin.measure_skin`, when the
recovered skin reads lighter than any human skin).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from inference.analysis import regions as R
from inference.analysis.pixels import channel_max, within
from inference.analysis.regions import LinearPhoto, RegionCanvas

# Typical appearance of the references in real photos as shot (linear RGB, log ratios log(r/g), log(b/g)):
# medians over 363 real faces (faces/diverse, faces/smoke, 300 of faces/utkface), measured by
# benchmarks/calibrate_illumination.py for exactly the readings below (the sclera's brightest 10 %, the
# scene's shades-of-grey mean of order 6; read per channel pair since the fifth session, which measured
# 0.154 / -0.044 on the same photos: kept). log2_y: the sclera's brightest half, the over-exposure reference.
# The script's default sample grew to 658 photos (600 of faces/utkface) for the skin locus; there the sclera
# reads 0.291 / -0.088 and the scene 0.157 / -0.047. Adopting them moved the skin benchmark's held-out
# seeds 8 and 11 by under 1 pt (exact, ±1 and worst shade alike), so these stay.
SCLERA_PRIOR = {"log_rg": 0.261, "log_bg": -0.084, "log2_y": -1.84}
SCENE_PRIOR = {"log_rg": 0.157, "log_bg": -0.043}
# The brightest fraction of the sclera is read as white: the least lid shadow, vein and skin mixing.
SCLERA_TOP = 0.10
# Weights ∝ 1 / each reference's own noise² on those photos (sclera 0.216, scene 0.287 log units along the
# warm–cool axis): the scene gets 0.57 of a well-sized sclera's weight.
SCLERA_WEIGHT = 2.0
SCENE_WEIGHT = 1.13
# Natural spread of the combined reference (log ratio): its measured own noise is 0.17 along the warm–cool
# axis; 0.2 leaves a little more of each photo's real cast alone (0.17 and 0.2 measured on the skin
# benchmark's seeds 7 and 8: 0.2 better by 0.2–0.4 pt).
CHROMA_SPREAD = 0.2
# Exposure from the white patch: below the trigger the photo is lifted to the target (at most MAX_LIFT_STOPS).
WHITE_PATCH_TRIGGER = 0.55
WHITE_PATCH_TARGET = 0.95
MAX_LIFT_STOPS = 1.5
# Fewer scene pixels (a tight crop) say nothing about the photo's exposure.
MIN_SCENE_PIXELS = 2000
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
    # Share of the scene (outside the face) clipped in green: a hint of over-exposure, not proof (`skin.
    # confidence_factors`).
    scene_clipped: float = 0.0

    def as_dict(self) -> dict:
        return {
            "gains": [round(float(g), 4) for g in self.gains],
            "exposure_stops": round(float(self.exposure_stops), 3),
            "cast_strength": round(float(self.cast_strength), 4),
            "sources": {e.source: round(e.weight, 3) for e in self.estimates},
        }


def _robust_white(pixels: np.ndarray, top: float = 0.5, min_kept: int = 12) -> np.ndarray | None:
    """Median linear RGB of the brightest `top` fraction of unclipped pixels (at least `min_kept` of them,
    so a small eye is not read from three pixels), or None if too few."""
    if len(pixels) < 8:
        return None
    unclipped = pixels[within(pixels, 0.002, 0.98)]
    if len(unclipped) < 8:
        return None
    luma = unclipped @ _LUMA
    top = min(1.0, max(top, min_kept / len(unclipped)))
    keep = unclipped[luma >= np.quantile(luma, 1.0 - top)]
    return np.median(keep, axis=0)


def sclera_pixels(linear_crop: np.ndarray, canvas: RegionCanvas, mesh: np.ndarray) -> np.ndarray:
    """Linear-RGB pixels of the whites of both eyes: eye openings minus the iris discs and lid margins."""
    return linear_crop[sclera_mask(canvas)]


def sclera_mask(canvas: RegionCanvas) -> np.ndarray:
    """The sclera as a mask over the canvas (cached on it: white balance and over-exposure both read it)."""
    return canvas.memo("sclera", lambda: _sclera_mask(canvas))


def _sclera_mask(canvas: RegionCanvas) -> np.ndarray:
    eyes = canvas.union(R.RIGHT_EYE, R.LEFT_EYE).astype(np.uint8)
    eyes = cv2.erode(eyes, np.ones((3, 3), np.uint8)).astype(bool)
    rows, cols = np.nonzero(eyes)
    if len(rows):
        # The iris test only where the eyes are: a grid over the whole face crop costs ms on big faces.
        y0, x0 = rows.min(), cols.min()
        yy, xx = np.mgrid[y0 : rows.max() + 1, x0 : cols.max() + 1]
        window = eyes[y0 : rows.max() + 1, x0 : cols.max() + 1]
        for iris in (R.RIGHT_IRIS, R.LEFT_IRIS):
            centre = canvas.xy[iris[0]]
            radius = np.linalg.norm(canvas.xy[list(iris[1:])] - centre, axis=1).mean()
            window &= (xx - centre[0]) ** 2 + (yy - centre[1]) ** 2 > (1.15 * radius + 0.5) ** 2
    return eyes


def _log_chroma(white: np.ndarray) -> np.ndarray:
    white = np.maximum(white, 1e-6)
    return np.array([np.log(white[0] / white[1]), np.log(white[2] / white[1])])


def underexposure_stops(scene: np.ndarray, gains: np.ndarray, face: np.ndarray | None = None) -> float:
    """How many stops too dark the photo is, read from its brightest surfaces (white patch); 0 if not.

    In a normally exposed photo something reaches near-white: over 374 real photos (whole frames) the
    99.5th percentile of the brightest channel was ≥ 0.60 (linear) in 95 % of them, median 0.95. When even
    that stays below WHITE_PATCH_TRIGGER the photo is underexposed, and lifting it to the typical level (the
    median, WHITE_PATCH_TARGET) recovers skin lightness. The scene is read as shot, before the white-balance
    gains: they keep the luminance of white but raise one channel, which would lift a dim scene's brightest
    channel over the trigger (a −1 stop photo with a slight cast went unnoticed that way).
    The face is a surface too: a lift never pushes the face's own brightest pixels (its 99th percentile)
    past clipping. A light face against a dark room is not an underexposed photo, and lifting it would read
    the skin far too light.
    The sclera was measured as an exposure reference too, but its brightness varies by ~0.6–1 stop between
    well-exposed photos (lid shadow), which would move more correct photos than it fixes; it is used only
    once clipping has shown the photo is over-exposed (`overexposure_stops`).
    """
    if len(scene) < MIN_SCENE_PIXELS:
        return 0.0
    brightest = float(np.quantile(channel_max(scene), 0.995))
    if brightest >= WHITE_PATCH_TRIGGER:
        return 0.0
    lift = float(max(np.log2(max(brightest, 1e-4) / WHITE_PATCH_TARGET), -MAX_LIFT_STOPS))
    if face is not None and len(face) > 50:
        face_top = float(np.quantile(channel_max(face * gains), 0.99))
        lift = max(lift, min(0.0, float(np.log2(max(face_top, 1e-4) / 0.98))))
    return lift


# Over-exposure: clipping, not brightness, gives it away, and it is read in green (the luminance channel) so a
# warm lamp clipping red is not mistaken for it. The triggers: ≥ 35 % of the face oval or ≥ 5 % of the sclera
# clipped in green. On 88 real faces (faces/diverse, utkface, smoke) they fired on none of the photos as shot
# nor under 2,700–6,500 K / fluorescent / −1 stop re-lighting, and on 40 % of the same photos at +1 stop.
# Clipping in the scene was tried and rejected: a white studio backdrop clips in well-exposed portraits, and
# so does a light face (hence the face threshold is high). The amount is read from the sclera's level over its
# well-exposed median (itself partly clipped, so it under-corrects), at least MIN_DARKEN_STOPS once triggered.
FACE_CLIP_TRIGGER = 0.35
SCLERA_CLIP_TRIGGER = 0.05
MIN_SCLERA_PIXELS = 40
MIN_DARKEN_STOPS = 0.5
MAX_DARKEN_STOPS = 1.5
CLIPPED = 0.985  # linear level of an 8-bit channel at 253+: clipped, its value only a lower bound


def overexposure_stops(photo: LinearPhoto, canvas: RegionCanvas, mesh: np.ndarray) -> float:
    """How many stops too bright the photo is (≥ 0), only when clipping shows it is over-exposed.

    Why gated: the sclera's brightness varies by ~0.6–1 stop between well-exposed photos (lid shadow), so it
    cannot be trusted as an exposure reference on its own; a large clipped area on the face or a clipped
    sclera only happens when the exposure is too high, and then the sclera says by how much.
    """
    face = photo.face_pixels()
    face_clip = float((face[:, 1] >= CLIPPED).mean()) if len(face) else 0.0
    sclera = sclera_pixels(photo.crop, canvas, mesh)
    # A few sclera pixels (a small face) are no evidence: one glint would be 5 % of 20 pixels.
    trusted = len(sclera) >= MIN_SCLERA_PIXELS
    sclera_clip = float((sclera[:, 1] >= CLIPPED).mean()) if trusted else 0.0
    if face_clip < FACE_CLIP_TRIGGER and sclera_clip < SCLERA_CLIP_TRIGGER:
        return 0.0
    stops = MIN_DARKEN_STOPS
    if trusted:
        luma = sclera @ _LUMA
        top = luma[luma >= np.quantile(luma, 0.5)]
        measured = float(np.log2(max(np.median(top), 1e-4))) - SCLERA_PRIOR["log2_y"]
        # Shrink towards the minimum on thin evidence, like the white-balance estimate's weights.
        stops += max(measured - stops, 0.0) * min(1.0, len(sclera) / 150.0)
    return float(min(stops, MAX_DARKEN_STOPS))


def _shades_of_grey(pixels: np.ndarray) -> np.ndarray:
    """The scene's white: the per-channel Minkowski mean of order 6, in which bright surfaces weigh more than
    in a plain mean (grey-world); the order with the least own noise in benchmarks/calibrate_illumination.py.
    Computed by multiplication: `pixels ** 6` goes through `pow`, ~2 ms more on a 1024 px photo."""
    squared = pixels * pixels
    return (squared * squared * squared).mean(axis=0) ** (1.0 / 6.0)


def scene_white(scene: np.ndarray, min_pixels: int = 500) -> tuple[np.ndarray, int] | None:
    """The scene's white as shades of grey, each channel's ratio to green read from the pixels where that
    pair is unclipped (and not black); with the number of pixels behind the scarcer ratio. None when either
    ratio has too few pixels.

    Why pairs: under a warm lamp the bright surfaces clip in red first. Dropping every pixel with any channel
    clipped threw away the brightest, most neutral surfaces, the ones shades of grey leans on, and the lamp
    was read short in blue (2,700 K: the scene's reading off by up to 0.5 log units where the sclera's was
    within 0.2). Their green and blue still say what blue/green the lamp has.
    """
    ok = (scene > 0.004) & (scene < 0.98)
    red_green = ok[:, 0] & ok[:, 1]
    blue_green = ok[:, 2] & ok[:, 1]
    pixels = int(min(red_green.sum(), blue_green.sum()))
    if pixels <= min_pixels:
        return None
    r, g_r = _shades_of_grey(scene[red_green][:, :2])
    g_b, b = _shades_of_grey(scene[blue_green][:, 1:])
    return np.array([r / g_r, 1.0, b / g_b]), pixels


def collect_estimates(photo: LinearPhoto, canvas: RegionCanvas, mesh: np.ndarray) -> list[Estimate]:
    """Read the illuminant's colour from the sclera and the non-face scene, weighted by how far to trust each.

    (Teeth were tried: inside the lips' outline they are too often mixed with lips and gums to be neutral.)
    """
    crop = photo.crop
    estimates: list[Estimate] = []
    sclera = sclera_pixels(crop, canvas, mesh)
    white = _robust_white(sclera, top=SCLERA_TOP)
    if white is not None:
        weight = min(1.0, len(sclera) / 150.0) * SCLERA_WEIGHT
        estimates.append(Estimate("sclera", white, weight, len(sclera)))
    scene = photo.scene(mesh)
    if len(scene) > 500:
        # Shades of grey over non-face pixels; weaker evidence than the sclera (a red wall is not grey),
        # hence its lower weight.
        reading = scene_white(scene)
        if reading is not None:
            white, pixels = reading
            estimates.append(Estimate("scene", white, SCENE_WEIGHT, pixels))
    return estimates


# Each reference's typical reading; one without a prior here (the skin, `skin_reference`) reads an offset.
_PRIORS = {"sclera": SCLERA_PRIOR, "scene": SCENE_PRIOR}
_NO_OFFSET = {"log_rg": 0.0, "log_bg": 0.0}


def estimate_illumination(
    photo: LinearPhoto, canvas: RegionCanvas, mesh: np.ndarray, extra: Sequence[Estimate] = ()
) -> Illumination:
    """Combine the references (sclera, scene and any `extra`, such as the skin) into channel gains (von
    Kries in linear RGB) and an exposure gain."""
    estimates = collect_estimates(photo, canvas, mesh) + list(extra)
    if not estimates:
        return Illumination(np.ones(3), 0.0, 0.0, [])
    weights = np.array([e.weight for e in estimates])
    offsets = np.array(
        [
            _log_chroma(e.white) - np.array([prior["log_rg"], prior["log_bg"]])
            for e in estimates
            for prior in [_PRIORS.get(e.source, _NO_OFFSET)]
        ]
    )
    cast = (weights[:, None] * offsets).sum(axis=0) / weights.sum()
    cast_strength = float(np.hypot(*cast))
    # Wiener-style shrinkage: casts within the references' natural spread (σ ≈ CHROMA_SPREAD) are mostly left
    # alone, strong casts (a tungsten lamp is ≈ 1.0) are removed almost entirely.
    correction = cast * cast_strength**2 / (cast_strength**2 + CHROMA_SPREAD**2)
    # Gains that divide the cast out while keeping the luminance of white fixed: the camera's auto-exposure
    # metered the lit scene, so its brightness is right and only its colour is not (keeping green fixed
    # instead would darken every photo taken under a warm lamp by ~0.3 stop).
    white = np.array([np.exp(correction[0]), 1.0, np.exp(correction[1])])
    gains = float(white @ _LUMA) / white

    scene = photo.scene(mesh)
    exposure_stops = underexposure_stops(scene, gains, photo.face_pixels()) or overexposure_stops(
        photo, canvas, mesh
    )
    gains = gains * 2.0 ** (-exposure_stops)
    return Illumination(gains, exposure_stops, cast_strength, estimates, scene_clipped(scene))


def scene_clipped(scene: np.ndarray) -> float:
    """Share of the scene's pixels clipped in green (the luminance channel, so a warm lamp clipping red does
    not count); 0 for a scene too small to say (a tight crop)."""
    return float((scene[:, 1] >= CLIPPED).mean()) if len(scene) >= MIN_SCENE_PIXELS else 0.0
