"""Shade range coverage: how close the store's closest foundation (or concealer) came to each shopper's skin.

For every trusted skin reading the analysis job records the store's closest in-stock shade of each shade
category and its ΔE00 (`closest_shades` in the result, `plugin_api.services.recommendations.closest_shades`),
whether or not that shade made the shopper's list. This bands those distances overall and per Monk tone and
says, in a merchant's words, where the range leaves a band of shoppers without a shade.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

# ΔE00 bands of the closest shade: within 2 a shade matches in normal light, over 3 a shopper sees the
# difference at a glance (the same two lines benchmarks/recommend.py reports the demo range against).
CLOSE_MATCH_DE = 2.0
VISIBLE_MISS_DE = 3.0
# A Monk band is called out when at least this many shoppers read in it and this share had no shade within
# VISIBLE_MISS_DE: fewer shoppers are anecdote, a smaller share is the normal spread of any range.
GAP_MIN_SHOPPERS = 5
GAP_MIN_PERCENT = 30
MONK_BANDS = (("light", 1, 3), ("medium", 4, 7), ("deep", 8, 10))
MONK_TONES = tuple(range(1, 11))
# A gap's message gives its band's total: a band hiding a single tone would give that tone's count away.
MONK_BAND_TONES = tuple(tuple(range(low, high + 1)) for _, low, high in MONK_BANDS)

K = TypeVar("K", bound=Hashable)


def withheld_cells(
    counts: Mapping[K, int],
    min_readings: int,
    *,
    groups: Iterable[Collection[K]] = (),
    also: Iterable[K] = (),
) -> set[K]:
    """The cells of a breakdown (every label, 0 counts too) to withhold: each below `min_readings`, 0 among
    them so that "none" and "one shopper" look alike, and `also`; then in each of `groups` and in the whole
    breakdown, where exactly one cell would be withheld, the next-smallest too, since the total less the
    cells shown would give it away."""
    withheld = set(also)
    if min_readings > 1:
        withheld |= {label for label, n in counts.items() if n < min_readings}
    for group in (*groups, tuple(counts)):
        shown = [label for label in group if label not in withheld]
        if shown and len(group) - len(shown) == 1:
            withheld.add(min(shown, key=lambda label: counts[label]))
    return withheld


def rate(numerator: int, denominator: int) -> float | None:
    """numerator / denominator rounded to 4 places; None when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator else None


@dataclass(frozen=True)
class ShadeBands:
    shoppers: int
    within_2: int
    from_2_to_3: int
    over_3: int
    share_within_2: float | None
    share_from_2_to_3: float | None
    share_over_3: float | None

    @classmethod
    def of(cls, deltas: list[float]) -> ShadeBands:
        close = sum(d <= CLOSE_MATCH_DE for d in deltas)
        far = sum(d > VISIBLE_MISS_DE for d in deltas)
        middle, n = len(deltas) - close - far, len(deltas)
        return cls(n, close, middle, far, rate(close, n), rate(middle, n), rate(far, n))


@dataclass(frozen=True)
class ToneCoverage:
    monk: int
    bands: ShadeBands


@dataclass(frozen=True)
class ShadeGap:
    band: str  # light, medium, deep
    tones: str  # "8–10"
    shoppers: int
    without_match: int
    message: str


@dataclass(frozen=True)
class ShadeCoverage:
    overall: ShadeBands
    by_tone: list[ToneCoverage]  # the Monk tones that have enough shoppers to be shown
    gaps: list[ShadeGap]


def shade_coverage(
    closest: list[tuple[int, float]], min_readings: int = 1, withheld_tones: Iterable[int] = ()
) -> ShadeCoverage:
    """Band the (Monk tone, closest shade ΔE00) of each shopper, overall and per tone (tones with at least
    `min_readings` photos, fewer could single a shopper out, and none of `withheld_tones`, the ones the
    shoppers' breakdown withholds; see `withheld_cells`); name short bands."""
    by_tone: dict[int, list[float]] = defaultdict(list)
    for tone, delta in closest:
        by_tone[tone].append(delta)
    hidden = withheld_cells(
        {tone: len(by_tone.get(tone, [])) for tone in MONK_TONES},
        min_readings,
        groups=MONK_BAND_TONES,
        also=withheld_tones,
    )
    gaps = []
    for band, low, high in MONK_BANDS:
        deltas = [d for tone in range(low, high + 1) for d in by_tone.get(tone, [])]
        missed = sum(d > VISIBLE_MISS_DE for d in deltas)
        if len(deltas) >= GAP_MIN_SHOPPERS and missed * 100 >= GAP_MIN_PERCENT * len(deltas):
            message = (
                f"Photos of {band} skin (MST {low}–{high}): {missed} of {len(deltas)} had no shade "
                f"within ΔE {VISIBLE_MISS_DE:g} — your range may be missing {band} shades."
            )
            gaps.append(ShadeGap(band, f"{low}–{high}", len(deltas), missed, message))
    return ShadeCoverage(
        overall=ShadeBands.of([d for _, d in closest]),
        by_tone=[
            ToneCoverage(tone, ShadeBands.of(by_tone[tone]))
            for tone in sorted(by_tone)
            if tone not in hidden and len(by_tone[tone]) >= min_readings
        ],
        gaps=gaps,
    )
