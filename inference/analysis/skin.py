"""Skin colour: sample mesh regions, correct the illumination, classify on the Monk scale, read the undertone.

Sampling: cheeks, forehead and nose bridge polygons minus eyes, brows and lips; then clipped pixels, shadows,
specular highlights and hair (pixels far from the regions' consensus colour) are dropped. The colour is the
per-channel median in linear RGB after the white-balance/exposure gains, so it is a property of the skin, not
of the lamp or the exposure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference import colour
from inference.analysis.illumination import Illumination
from inference.analysis.regions import SKIN_REGIONS, LinearPhoto, RegionCanvas

_LUMA = np.array([0.2126, 0.7152, 0.0722])
# Monk classification distance: CIEDE2000 with chroma and hue de-emphasised (kC = kH = 2). Lightness is what
# separates most Monk shades and survives a residual colour cast; chroma still splits MST-1…4.
_MONK_WEIGHTS = (1.0, 2.0, 2.0)
# Median skin hue angle h_ab by lightness in well-balanced photos: hue falls as skin darkens, so undertone is
# read as the deviation from this line rather than from a fixed hue (which would call every dark skin "cool").
_HUE_LINE = (45.0, 0.30)  # hue ≈ a + b · L*
_UNDERTONE_BAND_DEG = 3.0


@dataclass(frozen=True)
class SkinSample:
    """The robust skin colour and the evidence behind it."""

    linear: np.ndarray  # corrected linear RGB of the skin (0–1)
    lab: np.ndarray
    pixels: int
    clipped_fraction: float
    region_spread: float  # mean ΔE00 of region medians from the result (hair, shadow or make-up disagreement)
    lab_pixels: np.ndarray  # corrected Lab of every kept pixel (for concerns)
    saturated: bool = False  # even the darker skin clipped: lightness lost, only chromaticity left


def sample_skin(photo: LinearPhoto, canvas: RegionCanvas, illumination: Illumination) -> SkinSample | None:
    """Collect skin pixels from the mesh regions and reduce them to one illumination-corrected colour."""
    crop = photo.crop
    excluded = canvas.exclusions()
    per_region: list[np.ndarray] = []
    for indices in SKIN_REGIONS.values():
        raw = crop[canvas.polygon(indices) & ~excluded]
        per_region.append(raw)
    raw = np.concatenate(per_region) if per_region else np.empty((0, 3))
    if len(raw) < 12:
        return None
    # Clipped pixels stay in: a clipped channel is "at least this bright", and the median is exact as long as
    # fewer than half the pixels clip (dropping them would bias light skin dark).
    clipped_mask = (raw >= 0.985).any(axis=1)
    clipped = int(clipped_mask.sum())
    luma = raw @ _LUMA
    # Shadows and specular highlights: drop the luminance tails (symmetric, so the median is not biased).
    low, high = np.quantile(luma, [0.12, 0.88])
    band = (luma >= low) & (luma <= high)
    # Hair, stubble, make-up edges: drop unclipped pixels far from the consensus colour (robust z in Lab).
    lab_all = colour.rgb_to_lab(colour.linear_to_srgb(np.clip(raw * illumination.gains, 0, 1)))
    centre = np.median(lab_all[band], axis=0)
    spread = np.median(np.abs(lab_all[band] - centre), axis=0) * 1.4826 + np.array([1.5, 1.0, 1.0])
    outlier = ~(np.abs(lab_all - centre) / spread < 3.0).all(axis=1) & ~clipped_mask
    keep = band & ~outlier
    core, lab = raw[keep], lab_all[keep]
    total = len(raw)
    # Region agreement is judged on the pixels actually used: a forehead under a fringe is hair, which the
    # outlier test above already removed, so it must not make the skin reading look unreliable.
    bounds = np.cumsum([0] + [len(r) for r in per_region])
    per_region = [
        raw[a:b][keep[a:b]] * illumination.gains for a, b in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    if len(core) < 8:
        return None
    skin_linear, saturated = clip_robust_median(core)
    skin_linear = skin_linear * illumination.gains
    skin_lab = colour.rgb_to_lab(colour.linear_to_srgb(np.clip(skin_linear, 0, 1)))
    used = [r for r in per_region if len(r) > 10]
    region_labs = [
        colour.rgb_to_lab(colour.linear_to_srgb(np.clip(np.median(r, axis=0), 0, 1))) for r in used
    ]
    # Pixel-weighted mean ΔE00 of the regions from the result: a small region that disagrees (a fringe over
    # the forehead, a shadowed nose bridge) lowers confidence by its share, not as if it were the whole face.
    region_spread = (
        float(
            np.average(colour.delta_e_2000(np.stack(region_labs), skin_lab), weights=[len(r) for r in used])
        )
        if len(region_labs) > 1
        else 10.0
    )
    return SkinSample(
        skin_linear, skin_lab, len(core), clipped / max(total, 1), region_spread, lab, saturated
    )


# Shading spread of the kept skin pixels (after the 12–88 % luminance trim) in well-exposed photos: the median
# over the p-th percentile of the green channel, medians over 119 real faces (faces/diverse, faces/utkface;
# IQR p50/p30 1.09–1.22, p50/p20 1.16–1.38, p50/p10 1.26–1.61). It is mostly face geometry, so when the
# brighter half of the skin clips, a lower, unclipped percentile times this ratio still gives the level.
SHADING_RATIO = {0.3: 1.146, 0.2: 1.255, 0.1: 1.41}


def clip_robust_median(pixels: np.ndarray, ceiling: float = 0.985) -> tuple[np.ndarray, bool]:
    """Per-channel median skin colour that survives a channel clipping on bright skin or under a strong cast.

    Shading multiplies all three channels alike, so the skin's channel ratios can be read from the pixels
    where nothing clipped (the shaded ones), and its brightness from the least-clipped channel: its median
    while under 35 % of it clips, else an unclipped lower percentile scaled by the typical shading ratio
    (SHADING_RATIO). A plain median would return the ceiling instead.
    Also says whether the lightness itself was lost (even the 10th percentile clipped).
    """
    clipped = pixels >= ceiling
    fractions = clipped.mean(axis=0)
    if fractions.max() < 0.02:
        return np.median(pixels, axis=0), False
    reference = int(np.argmin(fractions))
    clean = pixels[~clipped.any(axis=1)]
    level = level_of(pixels[:, reference], fractions[reference])
    if len(clean) < 8 or level is None:
        return np.median(pixels, axis=0), level is None
    ratios = np.median(clean / np.maximum(clean[:, [reference]], 1e-6), axis=0)
    return np.where(fractions < 0.02, np.median(pixels, axis=0), level * ratios), False


def level_of(channel: np.ndarray, clipped_fraction: float) -> float | None:
    """Median of one channel's skin values, recovered from an unclipped low percentile when the top clips;
    None when even the 10th percentile is within reach of the ceiling."""
    if clipped_fraction < 0.35:
        return float(np.median(channel))
    for q in (0.3, 0.2, 0.1):
        if clipped_fraction <= 0.9 - q:  # the q-th percentile sits well below the clipped mass
            return float(np.quantile(channel, q)) * SHADING_RATIO[q]
    return None


def monk_distances(lab: np.ndarray) -> np.ndarray:
    """Weighted CIEDE2000 from a colour to each of the 10 Monk shades."""
    return _weighted_de00(np.broadcast_to(lab, colour.MONK_LAB.shape), colour.MONK_LAB)


def classify_monk(lab: np.ndarray) -> int:
    """Nearest Monk shade (1–10) to a corrected skin Lab colour."""
    return int(np.argmin(monk_distances(lab))) + 1


_MONK_LINEAR = colour.srgb_to_linear(np.stack([colour.hex_to_rgb(h) for h in colour.MONK_HEX]).astype(float))


def classify_sample(sample: SkinSample) -> int:
    """Monk shade of a skin sample; when the skin is blown out, by chromaticity alone.

    Exposure scales all channels alike, so channel ratios survive over-exposure even when lightness does
    not. Only MST-1…6 can blow out at a plausible exposure (MST-7 would need +2 stops), so the search is
    limited to them.
    """
    if not sample.saturated:
        return classify_monk(sample.lab)
    chroma = np.log(np.maximum(sample.linear[[0, 2]], 1e-6) / max(sample.linear[1], 1e-6))
    monk = np.log(_MONK_LINEAR[:6][:, [0, 2]] / _MONK_LINEAR[:6][:, [1]])
    return int(np.argmin(((monk - chroma) ** 2).sum(axis=1))) + 1


def _weighted_de00(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 with parametric factors kL, kC, kH, by scaling the chroma axes before the standard formula.

    Scaling a*/b* by 1/k approximates the kC/kH weighting well enough for ranking shades.
    """
    k_l, k_c, _ = _MONK_WEIGHTS
    scale = np.array([1.0 / k_l, 1.0 / k_c, 1.0 / k_c])
    l1 = np.asarray(lab1, dtype=np.float64) * scale + np.array([50 - 50 / k_l, 0, 0])
    l2 = np.asarray(lab2, dtype=np.float64) * scale + np.array([50 - 50 / k_l, 0, 0])
    return colour.delta_e_2000(l1, l2)


def undertone(lab: np.ndarray) -> tuple[str, float]:
    """Warm / neutral / cool from the hue angle's deviation (degrees) from the typical hue at that
    lightness."""
    expected = _HUE_LINE[0] + _HUE_LINE[1] * float(lab[0])
    deviation = float(colour.hue_angle(lab)) - expected
    if deviation > _UNDERTONE_BAND_DEG:
        return "warm", deviation
    if deviation < -_UNDERTONE_BAND_DEG:
        return "cool", deviation
    return "neutral", deviation


def confidence(sample: SkinSample, illumination: Illumination) -> float:
    """0–1: falls with few skin pixels, strong casts, big exposure corrections, clipping and region
    disagreement."""
    pixels = min(1.0, sample.pixels / 400.0) ** 0.5
    cast = float(np.exp(-max(illumination.cast_strength - 0.15, 0.0) / 1.0))
    exposure = float(np.exp(-abs(illumination.exposure_stops) / 2.0))
    clipping = 1.0 - min(1.0, 2.0 * sample.clipped_fraction)
    agreement = float(np.exp(-max(sample.region_spread - 4.0, 0.0) / 8.0))
    evidence = min(1.0, 0.6 + 0.4 * sum(e.weight for e in illumination.estimates) / 2.5)
    return round(float(np.clip(pixels * cast * exposure * clipping * agreement * evidence, 0.0, 1.0)), 3)
