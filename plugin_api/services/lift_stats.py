"""Confidence intervals for comparing two add-to-cart rates (pure functions, no Flask or database).

Why these methods: a store's holdout group is small and add-to-carts are rare, exactly where the textbook
Wald interval (p ± 1.96·SE) misbehaves (too narrow, zero width at 0 %, limits outside 0-1). Wilson's score
interval for each rate behaves there, and two intervals built from it are used:

- the difference p1 - p2: Newcombe's hybrid score interval without continuity correction, "method 10" of
  Newcombe (1998), Interval estimation for the difference between independent proportions: comparison of
  eleven methods, Statistics in Medicine 17:873-890;
- the ratio p1 / p2 (relative difference = ratio - 1): MOVER-R, the same square-and-add recovery of variance
  from the two Wilson intervals applied to p1 - r·p2 (Donner & Zou 2012, Statistical Methods in Medical
  Research 21:347-359; Newcombe 2016, same journal 25:1774-1778).

Both come from the same two Wilson intervals: the ratio interval lies above 1 exactly when the difference
interval lies above 0 (its limits are where the difference interval of p1 - r·p2 touches 0, and at r = 1 that
is Newcombe's interval), so the two never disagree about whether there is a difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)  # 1.959963984540054


@dataclass(frozen=True)
class Interval:
    """A point estimate and its confidence limits (`high` may be infinite for a ratio)."""

    estimate: float
    low: float
    high: float

    def excludes(self, value: float) -> bool:
        """True when `value` lies outside the interval (then the data say "different from `value`")."""
        return value < self.low or value > self.high


def _check(successes: int, trials: int) -> None:
    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials and trials > 0, got {successes}/{trials}")


def wilson(successes: int, trials: int, z: float = Z95) -> Interval:
    """Wilson's score interval for one proportion (no continuity correction)."""
    _check(successes, trials)
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    # Exact 0 and 1 at the edges (the formula gives them up to rounding).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(p, low, high)


def newcombe_difference(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> Interval:
    """Newcombe's hybrid score interval (method 10) for p1 - p2, with p1 = x1/n1 and p2 = x2/n2."""
    a, b = wilson(x1, n1, z), wilson(x2, n2, z)
    d = a.estimate - b.estimate
    low = d - math.sqrt((a.estimate - a.low) ** 2 + (b.high - b.estimate) ** 2)
    high = d + math.sqrt((a.high - a.estimate) ** 2 + (b.estimate - b.low) ** 2)
    return Interval(d, max(-1.0, low), min(1.0, high))


def mover_ratio(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> Interval:
    """MOVER-R interval for p1 / p2 from the two Wilson intervals; needs x2 > 0 for a finite estimate.

    The lower limit is the r >= 0 where the lower MOVER limit of p1 - r·p2 is 0, the upper limit where its
    upper MOVER limit is 0 (infinite when x2 = 0: no upper bound on the ratio then).
    """
    a, b = wilson(x1, n1, z), wilson(x2, n2, z)
    p1, p2 = a.estimate, b.estimate
    if x2 == 0:
        raise ValueError("the ratio p1/p2 is undefined when x2 = 0")
    # Solve (p1 - r p2)^2 = (p1 - l1)^2 + r^2 (u2 - p2)^2 for the lower limit, and
    # (r p2 - p1)^2 = (u1 - p1)^2 + r^2 (p2 - l2)^2 for the upper one; B = p1 p2 in both.
    bb = p1 * p2
    a_low, c_low = b.high * (2 * p2 - b.high), a.low * (2 * p1 - a.low)
    root_low = math.sqrt(max(0.0, bb * bb - a_low * c_low))
    # The smaller root, written so that it stays finite when a_low is 0 or negative.
    low = 0.0 if c_low <= 0 else c_low / (bb + root_low)
    a_high, c_high = b.low * (2 * p2 - b.low), a.high * (2 * p1 - a.high)
    root_high = math.sqrt(max(0.0, bb * bb - a_high * c_high))
    high = math.inf if a_high <= 0 else (bb + root_high) / a_high
    return Interval(p1 / p2, low, high)
