"""Real skin as a third white-balance reference: where skin of a given lightness sits in photos as shot.

Why: the sclera and the scene each differ from their typical colour by 0.2–0.3 log units from photo to photo,
and under a strong lamp that error is corrected along with the lamp; it was the largest error left in the
Monk reading of light skin. Skin is not neutral, but across people its chromaticity at a given lightness is
narrow (light skin more so than the sclera), and that deviation is independent of the other two references'.
So the offset of the face's raw skin chromaticity from the typical one at its lightness is read as a third,
independently noisy estimate of the lamp, weighted by its own measured noise.

The lightness is the skin's own luminance (lamps are normalised to keep white's luminance, so it moves
little under them) after any under-exposure lift: an unlifted dark photo would look like a darker, redder
skin. The reference is weak where skin is dark (its chromaticity varies most there) and it cannot vouch for
the skin reading itself, so it does not count as evidence in `skin.confidence`.

Every constant is measured by `benchmarks/calibrate_illumination.py` on 658 real portraits as shot with a
skin reading (faces/diverse, faces/smoke, 600 of faces/utkface); no synthetic re-lighting is involved.
"""

from __future__ import annotations

import numpy as np

from inference.analysis.illumination import Estimate

SOURCE = "skin"
# The typical raw skin chromaticity by lightness: medians of (log r/g, log b/g) over tenths of the 658
# photos ordered by log2 luminance, plus the brightest 5 %; read between the points, held flat beyond them.
LOCUS_LOG2_Y = np.array([-2.71, -2.00, -1.71, -1.44, -1.28, -1.14, -1.01, -0.90, -0.78, -0.59, -0.51])
LOCUS_LOG_RG = np.array([0.974, 0.804, 0.829, 0.705, 0.647, 0.610, 0.588, 0.512, 0.426, 0.351, 0.283])
LOCUS_LOG_BG = np.array(
    [-0.584, -0.594, -0.553, -0.446, -0.380, -0.343, -0.284, -0.281, -0.232, -0.184, -0.159]
)
# The skin offset's own noise along the warm–cool axis (the part the sclera and scene readings do not share:
# a three-cornered hat over the same photos) by lightness band (log2 Y < −2, −2…−1.3, −1.3…−0.6, > −0.6),
# at each band's centre. Light skin is the steadiest of the three references (sclera 0.19, scene 0.27 there).
NOISE_LOG2_Y = np.array([-2.5, -1.65, -0.95, -0.5])
NOISE = np.array([0.436, 0.214, 0.157, 0.142])
# Weights are on the scale of `illumination.SCLERA_WEIGHT` (2.0 for the sclera's own noise of 0.216).
_WEIGHT_PER_PRECISION = 2.0 * 0.216**2
MIN_PIXELS = 50
_LUMA = np.array([0.2126, 0.7152, 0.0722])


def expected_log_chroma(log2_y: float) -> np.ndarray:
    """Typical raw (log r/g, log b/g) of skin this light in a photo as shot."""
    return np.array(
        [np.interp(log2_y, LOCUS_LOG2_Y, LOCUS_LOG_RG), np.interp(log2_y, LOCUS_LOG2_Y, LOCUS_LOG_BG)]
    )


def own_noise(log2_y: float) -> float:
    """How far (log units) skin this light typically strays from the locus on its own."""
    return float(np.interp(log2_y, NOISE_LOG2_Y, NOISE))


def skin_estimate(skin_linear: np.ndarray, exposure_stops: float, pixels: int) -> Estimate | None:
    """The lamp as the skin reads it: its raw chromaticity's offset from the typical skin of its lightness,
    as a white whose log chromaticity is that offset (the reference's prior is zero). `exposure_stops` is
    the photo's under-exposure (negative: it will be lifted by that much). None with too little skin or a
    lost channel."""
    if pixels < MIN_PIXELS or not np.all(np.isfinite(skin_linear)) or np.any(skin_linear <= 0):
        return None
    log2_y = float(np.log2(max(float(skin_linear @ _LUMA), 1e-5))) - exposure_stops
    chroma = np.log(skin_linear[[0, 2]] / skin_linear[1])
    offset = chroma - expected_log_chroma(log2_y)
    weight = _WEIGHT_PER_PRECISION / own_noise(log2_y) ** 2
    return Estimate(SOURCE, np.array([np.exp(offset[0]), 1.0, np.exp(offset[1])]), weight, pixels)
