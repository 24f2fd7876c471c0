"""Cosmetic skin-concern indices (0–100, higher = more visible), measured in mesh regions and never adjusted.

These describe how the skin looks in this photo (colour, texture, shine) for product suggestions; they are
not a
medical assessment. The face crop is resampled to a fixed face width first, so the indices do not depend on
the
photo's resolution, and every index is computed on the illumination-corrected image.
"""

from __future__ import annotations

import cv2
import numpy as np

from inference import colour
from inference.analysis import regions as R
from inference.analysis.regions import LinearPhoto, RegionCanvas

NOTE = (
    "Cosmetic indices describing how the skin looks in this photo; "
    "not a medical or dermatological assessment."
)
_FACE_WIDTH = 256  # px: the scale every concern is measured at


def _scaled(
    canvas: RegionCanvas, photo: LinearPhoto, gains: np.ndarray
) -> tuple[np.ndarray, float, RegionCanvas]:
    """Corrected Lab of the face crop at the reference face width, and the canvas mapped to it."""
    crop = photo.crop
    width = float(np.ptp(canvas.xy[[234, 454], 0])) or 1.0
    scale = _FACE_WIDTH / width
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    resized = cv2.resize(crop, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    return fast_lab(resized * gains.astype(np.float32)), scale, canvas.rescaled(scale, size)


_ENCODE = np.round(colour.linear_to_srgb(np.linspace(0.0, 1.0, 4096))).astype(np.uint8)


def fast_lab(linear: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of a linear-RGB image via an 8-bit sRGB encode and OpenCV (≈ 20× faster than float64).

    8-bit quantisation costs < 0.5 ΔE, far below what the concern indices resolve.
    """
    codes = _ENCODE[np.clip(linear * 4095.0 + 0.5, 0, 4095).astype(np.int32)]
    lab = cv2.cvtColor(codes, cv2.COLOR_RGB2Lab).astype(np.float32)
    lab[..., 0] *= 100.0 / 255.0
    lab[..., 1:] -= 128.0
    return lab


# What reads 100 on each index: the raw measurement (`raw_measures`) at which a concern is about as visible as
# in the most visible 2 % of real portraits (98th percentile of 169 trusted readings, rounded; measured by
# benchmarks/calibrate_concerns.py). Re-run after the eye-region blur rule admitted more photos (687): on the
# 343 held out, 0.3–2.6 % of photos reach 95 on each signal. Redness and shine used to reach 100 at about half
# these values: a new-user walkthrough saw 9 of 64 ordinary portraits with some index ≥ 95. The map is linear
# and fixed, never adjusted per person. Spots were re-measured when only spot-shaped patches began to count
# (677 trusted photos: p50 0, p90 0.005, fit-half p98 0.0143; 0.015 puts 3 % of the held-out half at ≥ 95).
FULL_SCALE = {
    "red_lift": 15.0,  # cheeks' median a* above the forehead's
    "red_area": 1.0,  # fraction of cheek pixels ≥ 6 a* above the forehead
    "spots": 0.015,  # fraction of skin in spot-shaped patches ≥ 4 L* darker than the local skin
    "roughness": 3.0,  # std of fine-scale L* over the skin
    "specular": 0.2,  # fraction of the T-zone much brighter and less saturated than local skin
    "under_eye_drop": 15.0,  # L* from the cheeks down to the under-eye band
}


def _index(value: float, full_scale: float) -> int:
    """Map a measurement linearly onto 0–100, where `full_scale` is the value that reads 100."""
    return int(round(float(np.clip(100.0 * value / full_scale, 0.0, 100.0))))


# The indices a worn frame falsifies (`glasses_on`): reported as null, and the widget leaves them out.
READ_THROUGH_FRAMES = ("texture", "dark_circles")


def measure(photo: LinearPhoto, canvas: RegionCanvas, gains: np.ndarray) -> dict[str, int]:
    """Redness, uneven tone, texture, shine and dark circles for one face."""
    raw = raw_measures(photo, canvas, gains)
    if raw is None:
        return {"redness": 0, "uneven_tone": 0, "texture": 0, "shine": 0, "dark_circles": 0}
    index = {key: _index(value, FULL_SCALE[key]) for key, value in raw.items()}
    return {
        "redness": int(round(0.5 * index["red_lift"] + 0.5 * index["red_area"])),
        "uneven_tone": index["spots"],
        "texture": index["roughness"],
        "shine": index["specular"],
        "dark_circles": index["under_eye_drop"],
    }


_SPOT_DARKER = 4.0  # L* below the local skin
# What a spot looks like at the reference face width (1 px ≈ 0.55 mm): compact (its long axis under three
# times its short one) and at most ~11 mm across. Smile lines, the crease beside the nose, a glasses rim's
# shadow and a fringe's edge are long; a cheekbone's shadow is wide. Before this, those made most of the
# index: a walkthrough read "uneven tone 94" on a studio portrait whose only dark patches were hair over the
# forehead and the smile's folds.
_SPOT_MAX_ELONGATION = 3.0
_SPOT_MAX_EXTENT_PX = 20.0
_SPOT_MIN_PX = 6  # ~1.5 mm across: smaller is pore-scale texture or noise
# Darker than this below the skin is hair, a brow or an eyelash line, not pigment.
_SPOT_MAX_DEPTH = 20.0
# Dark patches are traced this far beyond the sampled skin, so a fold that leaves it shows its full length.
_SPOT_REACH_PX = 8


def _wide_blur(lightness: np.ndarray, skin: np.ndarray | None = None) -> np.ndarray:
    """The local lightness a pixel is compared with: a wide blur, of the skin pixels alone when `skin` is
    given (normalised convolution), so hair, brows and background next to the skin do not darken or lighten
    the reference a spot is measured against.

    The blur runs at quarter resolution: same result for a σ this large, ~16× less work.
    """
    sigma = _FACE_WIDTH / 20 / 4

    def quarter_blur(image: np.ndarray) -> np.ndarray:
        small = cv2.resize(image, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
        return cv2.GaussianBlur(small, (0, 0), sigma)

    if skin is None:
        blurred = quarter_blur(lightness)
    else:
        weight = skin.astype(np.float32)
        blurred = quarter_blur(lightness * weight) / np.maximum(quarter_blur(weight), 1e-3)
    return cv2.resize(blurred, lightness.shape[::-1], interpolation=cv2.INTER_LINEAR)


def _spots(darker: np.ndarray, skin: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """Pixels of spot-shaped dark patches: compact, small and not as dark as hair (see the constants)."""
    size = 2 * _SPOT_REACH_PX + 1
    near = cv2.dilate(skin.astype(np.uint8), np.ones((size, size), np.uint8)).astype(bool) & ~excluded
    dark = near & (darker > _SPOT_DARKER)
    # Patches are traced on the mask closed by a pixel, so a crease that breaks into dashes along its length
    # is still one long patch, not a row of small ones.
    joined = cv2.morphologyEx(dark.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    count, labels = cv2.connectedComponents(joined, connectivity=8)
    if count <= 1:
        return dark
    ys, xs = np.nonzero(dark)
    label = labels[ys, xs]
    n = np.bincount(label, minlength=count).astype(np.float64)
    n[0] = 1.0

    def mean(values: np.ndarray) -> np.ndarray:
        return np.bincount(label, weights=values, minlength=count) / n

    mx, my = mean(xs.astype(np.float64)), mean(ys.astype(np.float64))
    cxx, cyy = mean(xs * xs.astype(np.float64)) - mx**2, mean(ys * ys.astype(np.float64)) - my**2
    cxy = mean(xs * ys.astype(np.float64)) - mx * my
    # Eigenvalues of each patch's 2×2 covariance: its squared half-axes, up to a constant.
    spread = np.sqrt(np.maximum(((cxx - cyy) / 2) ** 2 + cxy**2, 0.0))
    major, minor = (cxx + cyy) / 2 + spread, np.maximum((cxx + cyy) / 2 - spread, 0.25)
    depth = mean(darker[ys, xs].astype(np.float64))
    keep = (
        (np.sqrt(major / minor) < _SPOT_MAX_ELONGATION)
        & (4.0 * np.sqrt(np.maximum(major, 0.0)) <= _SPOT_MAX_EXTENT_PX)
        & (depth <= _SPOT_MAX_DEPTH)
        & (n >= _SPOT_MIN_PX)
    )
    keep[0] = False
    return keep[labels] & dark


def raw_measures(photo: LinearPhoto, canvas: RegionCanvas, gains: np.ndarray) -> dict[str, float] | None:
    """The physical measurements behind the indices, in their own units (None: too little skin)."""
    lab, _, cv = _scaled(canvas, photo, gains)
    excluded = cv.exclusions()
    cheeks = (cv.union(R.RIGHT_CHEEK, R.LEFT_CHEEK) | cv.polygon(R.NOSE)) & ~excluded
    skin = cv.union(R.RIGHT_CHEEK, R.LEFT_CHEEK, R.FOREHEAD) & ~excluded
    tzone = cv.union(R.FOREHEAD, R.NOSE) & ~excluded
    under_eyes = cv.union(R.RIGHT_UNDER_EYE, R.LEFT_UNDER_EYE) & ~cv.union(R.RIGHT_EYE, R.LEFT_EYE)
    if skin.sum() < 50:
        return None

    lightness = np.ascontiguousarray(lab[..., 0], dtype=np.float32)
    # Redness: how far the cheeks/nose a* rises above the face's own forehead baseline, plus blotchy red area.
    forehead = cv.polygon(R.FOREHEAD) & ~excluded
    base_a = np.median(lab[..., 1][forehead]) if forehead.sum() > 20 else np.median(lab[..., 1][skin])
    a_cheeks = lab[..., 1][cheeks]
    red_area = float((a_cheeks > base_a + 6.0).mean())
    red_lift = max(float(np.median(a_cheeks) - base_a), 0.0)

    # Uneven tone (spots): area of spot-shaped patches ≥ 4 L* darker than the smoothed local skin.
    smooth = _wide_blur(lightness, skin)
    mid = cv2.GaussianBlur(lightness.astype(np.float32), (0, 0), 1.5)
    spot_area = float(_spots(smooth - mid, skin, excluded)[skin].mean())

    # Texture: fine-scale L* roughness (pores, bumps) after removing features larger than ~2 px at this scale.
    fine = (lightness - mid)[skin]
    roughness = float(np.std(fine))

    # Shine: specular area in the T-zone, pixels much brighter and less saturated than the local skin. (Its
    # reference is the wide blur of everything around, calibrated so.)
    smooth = _wide_blur(lightness)
    t_light = (lightness - smooth)[tzone]
    chroma = np.hypot(lab[..., 1], lab[..., 2])[tzone]
    shiny = (t_light > 8.0) & (chroma < np.median(chroma))
    specular = float(shiny.mean())

    # Dark circles: L* drop from the cheeks to the under-eye band.
    dark = 0.0
    if under_eyes.sum() > 20:
        dark = float(np.median(lightness[cheeks]) - np.median(lightness[under_eyes]))
    return {
        "red_lift": red_lift,
        "red_area": red_area,
        "spots": spot_area,
        "roughness": roughness,
        "specular": specular,
        "under_eye_drop": max(dark, 0.0),
    }
