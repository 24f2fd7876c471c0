"""Skin colour: sample mesh regions, correct the illumination, classify on the Monk scale, read the undertone.

Sampling: cheeks, forehead and nose bridge polygons minus eyes, brows and lips; then shadows, specular
highlights and hair (pixels far from the regions' consensus colour) are dropped. The colour is the per-channel
median in linear RGB after the white-balance/exposure gains, so it is a property of the skin, not of the lamp
or the exposure. Where channels clip (over-exposure, a strong lamp on light skin) the median is recovered from
the unclipped shadows (`clip_robust_median`), a channel lost everywhere from the skin locus
(`fill_lost_channel`), and the exposure from the fact that no skin is lighter than MST-1 (`measure_skin`, the
one entry point).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from inference import colour
from inference.analysis.illumination import (
    CHROMA_SPREAD,
    CLIPPED,
    Estimate,
    Illumination,
    estimate_illumination,
    overexposure_stops,
    underexposure_stops,
)
from inference.analysis.pixels import channel_max
from inference.analysis.regions import SKIN_REGIONS, LinearPhoto, RegionCanvas
from inference.analysis.skin_reference import SOURCE as SKIN_SOURCE
from inference.analysis.skin_reference import skin_estimate

_LUMA = np.array([0.2126, 0.7152, 0.0722])
# Monk classification distance: CIEDE2000 with chroma and hue de-emphasised (kC = kH = 2). Lightness is what
# separates most Monk shades and survives a residual colour cast; chroma still splits MST-1…4.
_MONK_WEIGHTS = (1.0, 2.0, 2.0)
# Typical skin hue angle h_ab by lightness, as this analysis measures real portraits: hue falls as skin
# darkens, so undertone is read as the deviation from this line rather than from a fixed hue (which would call
# every dark skin "cool"). Fitted by benchmarks/calibrate_undertone.py on 170 real photos whose skin reading
# the analysis trusts (faces/diverse, faces/smoke, faces/utkface), with the band that splits them into thirds;
# on the 169 held out: warm 34 % / neutral 35 % / cool 31 %. (The first line, 45 + 0.30 · L*, followed the
# Monk swatches, ~15° yellower than skin in photos: it called 92 % of the held-out photos "cool".)
_HUE_LINE = (40.7, 0.143)  # hue ≈ a + b · L*
_UNDERTONE_BAND_DEG = 3.9
CEILING = CLIPPED  # a channel this bright is clipped: its value is a lower bound
_MONK_LINEAR = colour.srgb_to_linear(np.stack([colour.hex_to_rgb(h) for h in colour.MONK_HEX]).astype(float))


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
    exposure_uncertain: bool = False  # over-exposure was undone by an estimated amount (± ~0.75 stop)


@dataclass(frozen=True)
class SkinPixels:
    """The skin pixels of the mesh regions (raw linear RGB) and which of them the colour is read from."""

    raw: np.ndarray  # every region pixel, before the gains
    region_sizes: list[int]  # how many of `raw` each region contributed, in order
    keep: np.ndarray  # the trimmed core: no shadow/highlight tails, no outliers
    usable: np.ndarray  # no outliers, tails kept: what clipping recovery reads (the shadows stay unclipped)
    clipped: np.ndarray  # some channel at the ceiling
    lab: np.ndarray  # corrected Lab of every raw pixel


# Fewest unclipped pixels the hair/shadow outlier test takes its consensus from (below: all of the band).
MIN_CONSENSUS_PIXELS = 30


def collect_skin_pixels(photo: LinearPhoto, canvas: RegionCanvas, gains: np.ndarray) -> SkinPixels | None:
    """Cheek, forehead and nose-bridge pixels minus eyes, brows and lips, with shadow, highlight and hair
    outliers marked."""
    crop = photo.crop
    excluded = canvas.exclusions()
    per_region = [crop[canvas.polygon(indices) & ~excluded] for indices in SKIN_REGIONS.values()]
    raw = np.concatenate(per_region) if per_region else np.empty((0, 3))
    if len(raw) < 12:
        return None
    # Clipped pixels stay in: a clipped channel is "at least this bright", and the median is exact as long as
    # fewer than half the pixels clip (dropping them would bias light skin dark).
    clipped_mask = channel_max(raw) >= CEILING
    luma = raw @ _LUMA
    # Shadows and specular highlights: drop the luminance tails (symmetric, so the median is not biased).
    low, high = np.quantile(luma, [0.12, 0.88])
    band = (luma >= low) & (luma <= high)
    # Hair, stubble, make-up edges: drop unclipped pixels far from the consensus colour (robust z in Lab).
    lab_all = colour.linear_to_lab(np.clip(raw * gains, 0, 1))
    # The consensus is read from unclipped pixels when there are enough: clipped ones all share the ceiling's
    # colour, which would shrink the spread until the skin's own unclipped shading tail counted as outliers
    # (and dropping it left the median biased bright).
    reference = band & ~clipped_mask
    if reference.sum() < MIN_CONSENSUS_PIXELS:
        reference = band
    centre = np.median(lab_all[reference], axis=0)
    spread = np.median(np.abs(lab_all[reference] - centre), axis=0) * 1.4826 + np.array([1.5, 1.0, 1.0])
    outlier = (channel_max(np.abs(lab_all - centre) / spread) >= 3.0) & ~clipped_mask
    return SkinPixels(raw, [len(r) for r in per_region], band & ~outlier, ~outlier, clipped_mask, lab_all)


def sample_skin(photo: LinearPhoto, canvas: RegionCanvas, illumination: Illumination) -> SkinSample | None:
    """Collect skin pixels from the mesh regions and reduce them to one illumination-corrected colour."""
    pixels = collect_skin_pixels(photo, canvas, illumination.gains)
    if pixels is None:
        return None
    raw, keep = pixels.raw, pixels.keep
    core, lab = raw[keep], pixels.lab[keep]
    total = len(raw)
    clipped = int(pixels.clipped.sum())
    # Region agreement is judged on the pixels actually used: a forehead under a fringe is hair, which the
    # outlier test above already removed, so it must not make the skin reading look unreliable.
    bounds = np.cumsum([0, *pixels.region_sizes])
    per_region = [
        raw[a:b][keep[a:b]] * illumination.gains for a, b in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    if len(core) < 8:
        return None
    skin_linear, saturated = clip_robust_median(core, raw[pixels.usable])
    skin_linear = fill_lost_channel(skin_linear * illumination.gains)
    if skin_linear is None:  # two channels blown out everywhere: no colour left to read
        return None
    # Not cut at 1.0: a channel recovered above it (an over-exposed photo) keeps the skin's chroma until the
    # exposure is undone; cutting it first read a medium skin one stop over as a pale, colourless one.
    skin_lab = colour.linear_to_lab(np.maximum(skin_linear, 0))
    used = [r for r in per_region if len(r) > 10]
    region_labs = [colour.linear_to_lab(np.maximum(np.median(r, axis=0), 0)) for r in used]
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


# No skin is lighter than the lightest Monk swatch (MST-1, luminance 0.857 linear; measured real skin is far
# darker): a corrected skin reading above this can only mean the photo is over-exposed, by at least the
# excess.
# The margin keeps well-exposed MST-1 readings (which scatter ±2 L* around the swatch) untouched.
SKIN_LUMINANCE_CEILING = 0.90


def measure_skin(
    photo: LinearPhoto, canvas: RegionCanvas, mesh: np.ndarray
) -> tuple[Illumination, SkinSample | None]:
    """The illumination correction and the skin sample read under it: the one way skin is measured.

    The lamp is read from the sclera, the scene and the skin itself (`skin_reference`, before any gains).
    Why a second pass: clipping on the skin shows over-exposure only after the skin's level is recovered
    (`clip_robust_median`), and a skin brighter than any human skin pins the missing exposure correction
    (SKIN_LUMINANCE_CEILING); the sample is then re-read under the corrected gains.
    """
    skin_lamp = _skin_reference(photo, canvas, mesh)
    illumination = estimate_illumination(photo, canvas, mesh, [skin_lamp] if skin_lamp else [])
    sample = sample_skin(photo, canvas, illumination)
    if sample is None:
        return illumination, None
    luminance = float(sample.linear @ _LUMA)
    if luminance > SKIN_LUMINANCE_CEILING:
        extra = float(np.log2(luminance / SKIN_LUMINANCE_CEILING))
        illumination = replace(
            illumination,
            gains=illumination.gains * 2.0**-extra,
            exposure_stops=illumination.exposure_stops + extra,
        )
        sample = sample_skin(photo, canvas, illumination)
    if sample is None or illumination.exposure_stops <= 0 or sample.saturated:
        return illumination, sample
    stops, sample = settle_exposure(replace(sample, exposure_uncertain=True))
    illumination = replace(
        illumination,
        gains=illumination.gains * 2.0**-stops,
        exposure_stops=illumination.exposure_stops + stops,
    )
    return illumination, sample


# A raw skin brighter than this (before the lamp is removed) is over-exposed whatever the lamp: lamps are
# normalised to keep white's luminance. The corrected-skin ceiling above cannot be used here, before the lamp
# is known: a warm lamp raises a reddish skin's raw luminance (MST-1 under 2,700 K reads above 0.90).
RAW_SKIN_LIMIT = 1.0


def _skin_reference(photo: LinearPhoto, canvas: RegionCanvas, mesh: np.ndarray) -> Estimate | None:
    """The skin's own reading of the lamp (`skin_reference`)."""
    reading = raw_skin_reading(photo, canvas, mesh)
    return None if reading is None else skin_estimate(*reading)


def raw_skin_reading(
    photo: LinearPhoto, canvas: RegionCanvas, mesh: np.ndarray
) -> tuple[np.ndarray, float, int] | None:
    """The skin as the photo shows it (raw, clip-recovered median linear RGB), the photo's under-exposure in
    stops and the pixel count: what `skin_reference` reads the lamp from. None when the skin's lightness is
    unknown.

    Why not on over-exposed photos: the locus is steep in lightness, and an over-exposure is only settled
    later, jointly with the shade (`settle_exposure`). A medium skin one stop over, read as the lighter skin
    it looks like, would be expected less red, and its own red read as a red lamp (ΔE00 9 on the astronaut).
    """
    pixels = collect_skin_pixels(photo, canvas, np.ones(3))
    if pixels is None:
        return None
    linear, saturated = clip_robust_median(pixels.raw[pixels.keep], pixels.raw[pixels.usable])
    if saturated or overexposure_stops(photo, canvas, mesh) > 0:
        return None
    stops = underexposure_stops(photo.scene(mesh), np.ones(3), photo.face_pixels())
    if float(linear @ _LUMA) * 2.0**-stops > RAW_SKIN_LIMIT:  # brighter than white: over-exposed
        return None
    return linear, stops, int(pixels.keep.sum())


# Shading spread of skin on real, well-exposed faces: median / p-th percentile of the green channel over the
# usable region pixels (outliers removed, shadow tails kept), medians over 144 faces (faces/diverse,
# faces/smoke, 120 of faces/utkface), measured by benchmarks/calibrate_skin_shading.py. Shading is mostly face
# geometry, so when the brighter part of the skin clips, a lower, unclipped percentile times this ratio still
# gives the level. The lower the percentile, the wider the spread between faces (p30 IQR 1.13–1.28, p5
# 1.56–2.32), so the highest unclipped one is used.
SHADING_RATIO = {0.4: 1.074, 0.3: 1.177, 0.2: 1.337, 0.1: 1.585, 0.05: 1.824, 0.02: 2.077}
# Below this many unclipped pixels a channel's ratio to the reference is not read: the channel is "lost".
_MIN_RATIO_PIXELS = 8


def clip_robust_median(core: np.ndarray, usable: np.ndarray | None = None) -> tuple[np.ndarray, bool]:
    """Per-channel median skin colour that survives channels clipping on bright skin or under a strong cast.

    `core` is the trimmed skin (median read there when nothing clips); `usable` keeps the shadow tail, where
    the unclipped pixels are once the skin is blown out. Shading multiplies all three channels alike, so each
    channel's ratio to the least-clipped (reference) channel is read from the pixels where both are
    unclipped, and the reference's level from its median, or from an unclipped lower percentile scaled by
    the typical shading ratio (SHADING_RATIO). A channel with almost no unclipped pixels comes back NaN (for
    `fill_lost_channel`); a plain median would return the ceiling instead.
    Also says whether the lightness itself was lost (even the reference's 2nd percentile clipped).
    """
    usable = core if usable is None else usable
    clipped = usable >= CEILING
    fractions = clipped.mean(axis=0)
    if fractions.max() < 0.02:
        return np.median(core, axis=0), False
    reference = int(np.argmin(fractions))
    level = level_of(usable[:, reference], fractions[reference])
    saturated = level is None
    if saturated:
        # Lightness is lost; the median is only a lower bound, but the channel ratios of the few pixels left
        # unclipped still give the chromaticity. Where none are left, every channel comes back NaN: a face
        # blown out to white holds no colour, and reading the clip level as one would call it MST-1.
        level = float(np.median(usable[:, reference]))
    result = np.full(3, np.nan)
    extrapolate = fractions.max() <= SLOPE_MAX_CLIPPED
    for channel in range(3):
        if fractions[channel] < 0.02:
            result[channel] = np.median(core[:, channel])
            continue
        both = ~clipped[:, channel] & ~clipped[:, reference]
        if both.sum() >= _MIN_RATIO_PIXELS:
            result[channel] = level * ratio_at(
                usable[both, channel], usable[both, reference], level, along_slope=extrapolate
            )
    return result, saturated


# Real skin is redder and less blue where it is darker (benchmarks/clip_recovery.py: within a face, log(r/g)
# falls 0.40 per unit of log(g), p10–p90 0.20–0.57), so a clipped channel's ratio read from the darker,
# unclipped pixels over-reads red (Δa* +1.8 to +7.2 with 20–90 % of the skin clipped). Each face's own slope
# is read from those pixels (medians over deciles of the reference channel) and the ratio is extrapolated to
# the median's level. Where the shading carries no chroma (a flat colour times shading) the slope is 0 and
# nothing changes. The slope must be clear of its own noise, is bounded (±0.8; real faces show −0.57…+0.54,
# p10–p90 of both ratios) and is extrapolated at most RATIO_REACH log units: beyond the pixels it was read
# from, a line is a guess.
# It is used while at most half the skin clips (SLOPE_MAX_CLIPPED), the range where a reading can be shown
# (`confidence` reaches 0 at half clipped). Beyond, the unclipped pixels are the deepest shadows, and what the
# reading still serves is telling over-exposure apart (SKIN_LUMINANCE_CEILING, `settle_exposure`), which works
# on the plain ratio: the astronaut one and two stops over is undone by 1.25 / 1.99 stops with it, by 0.2 /
# 0.83 with the slope.
_SLOPE_PIXELS = 60
SLOPE_BOUNDS = (-0.8, 0.8)
RATIO_REACH = 0.7
SLOPE_MAX_CLIPPED = 0.5


def ratio_at(channel: np.ndarray, reference: np.ndarray, level: float, *, along_slope: bool = True) -> float:
    """The channel/reference ratio skin has at the reference's `level`, from pixels where both are unclipped:
    their median ratio, moved along the face's own ratio-vs-lightness slope when it has a clear one (and
    `along_slope`)."""
    reference = np.maximum(reference, 1e-6)
    log_ratio = np.log(np.maximum(channel, 1e-6) / reference)
    median = float(np.median(log_ratio))
    line = (
        decile_line(np.log(reference), log_ratio) if along_slope and len(log_ratio) >= _SLOPE_PIXELS else None
    )
    if line is None:
        return float(np.exp(median))
    slope, slope_error, centre = line
    # Shrunk towards no slope by its own error: a clear slope is kept, one within its noise fades out.
    slope = float(np.clip(slope, *SLOPE_BOUNDS))
    slope *= slope**2 / (slope**2 + slope_error**2 + 1e-12)
    reach = float(np.clip(np.log(max(level, 1e-6)) - centre, -RATIO_REACH, RATIO_REACH))
    return float(np.exp(median + slope * reach))


def decile_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float] | None:
    """Straight line through the medians of y over the ten deciles of x (robust to the odd hair or glint
    pixel): its slope, the slope's standard error and the median x. None when x spans too little."""
    order = np.argsort(x)
    bins = [(np.median(x[part]), np.median(y[part])) for part in np.array_split(order, 10) if len(part)]
    xs, ys = np.array(bins).T
    if len(xs) < 5 or np.ptp(xs) < 0.1:
        return None
    slope, intercept = np.polyfit(xs, ys, 1)
    noise = float(np.sqrt(np.sum((ys - slope * xs - intercept) ** 2) / (len(xs) - 2)))
    return float(slope), noise / (float(np.std(xs)) * np.sqrt(len(xs))), float(np.median(x))


def level_of(channel: np.ndarray, clipped_fraction: float) -> float | None:
    """Median of one channel's skin values, recovered from an unclipped low percentile when the top clips;
    None when even the 2nd percentile is within reach of the ceiling."""
    if clipped_fraction < 0.35:
        return float(np.median(channel))
    for q, ratio in SHADING_RATIO.items():
        if clipped_fraction <= 0.95 - q:  # the q-th percentile sits below the clipped mass, with a margin
            return float(np.quantile(channel, q)) * ratio
    return None


# The skin locus: the Monk shades MST-1…6 as log chromaticity (log r/g, log b/g), densely interpolated. Only
# light skin can blow a channel out at a plausible exposure, and along these six shades each ratio is
# monotonic, so one known ratio pins the other.
_LOCUS_SHADES = 6


def _skin_locus(samples_per_step: int = 20) -> np.ndarray:
    monk = _MONK_LINEAR[:_LOCUS_SHADES]
    logs = np.log(monk / monk[:, [1]])
    steps = np.linspace(0.0, 1.0, samples_per_step, endpoint=False)
    dense = [a + (b - a) * t for a, b in zip(logs[:-1], logs[1:], strict=True) for t in steps]
    return np.stack([*dense, logs[-1]])


_LOCUS = _skin_locus()


def fill_lost_channel(linear: np.ndarray) -> np.ndarray | None:
    """Complete a skin colour whose one channel clipped beyond recovery (NaN) from the skin locus: the known
    channels' ratio picks the point on the locus, which gives the lost channel's ratio. None when two or more
    channels are lost (nothing but a lower bound is left)."""
    lost = np.isnan(linear)
    if not lost.any():
        return linear
    if lost.sum() > 1:
        return None
    known = [c for c in range(3) if not lost[c]]
    (missing,) = np.flatnonzero(lost)
    observed = np.log(max(linear[known[0]], 1e-6) / max(linear[known[1]], 1e-6))
    along = _LOCUS[:, known[0]] - _LOCUS[:, known[1]]
    point = _LOCUS[int(np.argmin(np.abs(along - observed)))]
    filled = linear.copy()
    filled[missing] = linear[known[1]] * np.exp(point[missing] - point[known[1]])
    return filled


def monk_distances(lab: np.ndarray) -> np.ndarray:
    """Weighted CIEDE2000 from a colour to each of the 10 Monk shades."""
    return _weighted_de00(np.broadcast_to(lab, colour.MONK_LAB.shape), colour.MONK_LAB)


def classify_monk(lab: np.ndarray) -> int:
    """Nearest Monk shade (1–10) to a corrected skin Lab colour."""
    return int(np.argmin(monk_distances(lab))) + 1


# When over-exposure had to be undone, its amount is an estimate (the sclera's level spreads ~0.75 stop
# between well-exposed photos), so the exposure is settled jointly with the shade: one stop of further
# adjustment costs as much as a weighted ΔE00 of EXPOSURE_PRICE. Chromaticity, which exposure does not touch,
# then decides between shades that differ mainly in lightness (MST-5 left too bright is yellower than the
# light shades it would otherwise be read as).
EXPOSURE_PRICE = 5.0
_EXPOSURE_STEPS = np.linspace(-0.5, 1.5, 41)


def settle_exposure(sample: SkinSample) -> tuple[float, SkinSample]:
    """For a sample whose exposure correction is uncertain: the further adjustment (stops, > 0 = darker) that
    best places it on some Monk shade, and the sample re-read at that exposure (its colour is what shade
    matching uses, so it must agree with the shade)."""
    darker = sample.linear[None, :] * 2.0 ** -_EXPOSURE_STEPS[:, None]
    labs = colour.linear_to_lab(np.maximum(darker, 0))
    costs = _weighted_de00(labs[:, None, :], colour.MONK_LAB[None, :, :]) ** 2
    costs += (EXPOSURE_PRICE * _EXPOSURE_STEPS[:, None]) ** 2
    step = int(np.unravel_index(np.argmin(costs), costs.shape)[0])
    stops = float(_EXPOSURE_STEPS[step])
    return stops, replace(sample, linear=darker[step], lab=labs[step])


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


# How near a band edge an undertone is "close to" the next one. The deviation of the same photo moves by
# 0.8° (median) / 1.6° (p75) / 2.5° (p90) between full size, 1,024 and 768 px (40 faces/diverse photos,
# fifth session): within this margin another photo of the same person may well read the neighbour.
UNDERTONE_NEAR_DEG = 1.6


def undertone_neighbour(deviation: float) -> str | None:
    """The undertone a reading this close to a band edge could as well have been, else None."""
    if abs(abs(deviation) - _UNDERTONE_BAND_DEG) > UNDERTONE_NEAR_DEG:
        return None
    if abs(deviation) > _UNDERTONE_BAND_DEG:
        return "neutral"
    return "warm" if deviation > 0 else "cool"


def confidence(sample: SkinSample, illumination: Illumination) -> float:
    """0–1: falls with few skin pixels, strong casts, big exposure corrections, clipping, region
    disagreement and a clipped scene."""
    product = float(np.prod(list(confidence_factors(sample, illumination).values())))
    return round(float(np.clip(product, 0.0, 1.0)), 3)


# How much less the reading's chroma and hue are to be trusted than its lightness, as CIEDE2000's
# parametric factor k_C = k_H for matching it against shades (`ranking.scoring`). Removing a colour cast
# leaves some of it behind (the shrinkage in `illumination`) and moves chroma and hue, not lightness. On the
# shade benchmark's seed 7 (benchmarks/recommend.py), the median absolute error of the reading in neutral
# light is 0.3 L*, 0.9 a*, 0.9 b*; under a 4,000 K lamp (cast 0.65) it is 0.3 L*, 2.3 a*, 3.0 b*. So past
# the references' natural spread (CHROMA_SPREAD, 0.2) the tolerance grows, to HUE_TOLERANCE_MAX at a cast
# of HUE_TOLERANCE_FULL, and a match weighs depth first. Chosen on seed 7 and checked on seeds 8 and 9:
# top-3 hit rate 71.5 / 77.7 / 79.2 % → 78.3 / 82.1 / 81.9 %.
HUE_TOLERANCE_FROM = CHROMA_SPREAD
HUE_TOLERANCE_FULL = 0.5
HUE_TOLERANCE_MAX = 4.0


def hue_tolerance(illumination: Illumination) -> float:
    """1 when the photo needed no colour correction, up to HUE_TOLERANCE_MAX after a strong one."""
    ramp = (illumination.cast_strength - HUE_TOLERANCE_FROM) / (HUE_TOLERANCE_FULL - HUE_TOLERANCE_FROM)
    return round(1.0 + (HUE_TOLERANCE_MAX - 1.0) * float(np.clip(ramp, 0.0, 1.0)), 2)


# A clipped scene hints at over-exposure that the face does not show. Medium or deep skin one stop over
# clips nothing and reads, confidently, as a lighter skin (the shade benchmark's +1 stop). Over 370 real
# portraits at the widget's 1,024 px (faces/diverse, faces/smoke, 300 of faces/utkface), ≥ 10 % of the scene
# clips in green in 3.8 % as shot and in 48 % one stop over (≥ 20 %: 1.6 % and 35 %), and in none under the
# benchmark's lamps.
# White backdrops and bright windows clip in well-exposed portraits too, so it is never proof: the factor
# bottoms out at SCENE_CLIP_FLOOR, between the "approximate match" threshold (0.5, ranking's
# LOW_SKIN_CONFIDENCE) and the one for showing a shade at all (0.2, analyze's MIN_RELIABLE_CONFIDENCE).
# Alone, it makes a reading approximate; it never withholds one. It turns 10 of 248 shown real readings
# approximate. In the shade benchmark, shades shown without that caveat are then in the top 3 in 86.6 / 92.7 /
# 96.8 % of cases (seeds 7 / 8 / 9), against 85.3 / 90.8 / 91.4 % without the factor.
SCENE_CLIP_FREE = 0.02
SCENE_CLIP_SCALE = 0.15
SCENE_CLIP_FLOOR = 0.45


def _scene_clip_excess(illumination: Illumination) -> float:
    """The scene's clipped share beyond what well-exposed photos show; 0 once over-exposure was corrected
    (then the face's own clipping proved it, and `exposure` weighs the correction)."""
    if illumination.exposure_stops > 0:
        return 0.0
    return max(illumination.scene_clipped - SCENE_CLIP_FREE, 0.0)


# The same hint, for matching shades (`ranking.scoring`): how many stops over the photo may be. A shade that
# matches the reading darkened by that much is then a candidate too, behind the closest match as shot (the
# shade the shopper is told of), so it can take a place in the top three but not the first. It reaches one
# stop (the calibration's over-exposure) once SCENE_CLIP_FREE + OVEREXPOSURE_DOUBT_FULL of the scene clips.
# On the shade benchmark (seeds 7 / 8 / 9) it fires in 22 / 22 / 40 % of the +1 stop cases and, white
# backdrops, in 11 / 0 / 24 % of the neutral ones: +1 stop top-3 28.8 / 24.0 / 21.1 % → 48.7 / 42.5 / 47.8 %,
# every other condition and every top-1 unchanged.
OVEREXPOSURE_DOUBT_FULL = 0.08


def overexposure_doubt(illumination: Illumination) -> float:
    """Stops (0–1) by which a clipped scene says the photo may be over-exposed, though the face does not."""
    return round(min(1.0, _scene_clip_excess(illumination) / OVEREXPOSURE_DOUBT_FULL), 2)


def confidence_factors(sample: SkinSample, illumination: Illumination) -> dict[str, float]:
    """The parts of `confidence` (each 0–1), so a reading too uncertain to show can say which one to fix."""
    # Only the neutral references count as evidence: the skin cannot vouch for its own reading.
    neutral = sum(e.weight for e in illumination.estimates if e.source != SKIN_SOURCE)
    bright_scene = max(SCENE_CLIP_FLOOR, float(np.exp(-_scene_clip_excess(illumination) / SCENE_CLIP_SCALE)))
    return {
        "pixels": min(1.0, sample.pixels / 400.0) ** 0.5,
        "cast": float(np.exp(-max(illumination.cast_strength - 0.15, 0.0) / 1.0)),
        "exposure": float(np.exp(-abs(illumination.exposure_stops) / 2.0)),
        "clipping": 1.0 - min(1.0, 2.0 * sample.clipped_fraction),
        "agreement": float(np.exp(-max(sample.region_spread - 4.0, 0.0) / 8.0)),
        "evidence": min(1.0, 0.6 + 0.4 * neutral / 2.5),
        "bright_scene": bright_scene,
    }
