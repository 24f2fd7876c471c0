"""Conversion lift of the current holdout experiment: sessions, add-to-carts, the difference and a verdict.

What is compared: storefront sessions the loader split at random (`plugin_api.services.experiment`) into
"exposed" (offered Facet's button, whether or not they opened it) and "holdout" (never shown it). Because the
split is random, a difference in their add-to-cart rates is caused by offering Facet. Comparing shoppers who
opened Facet with those who did not would not be: shoppers who open a try-on were more ready to buy anyway.

Counted, for the current experiment id only and from the merchant's own sessions (`lift_sessions`, kept from
the beacons as they arrive):
- a session: a distinct session id that sent a `storefront_view` for this experiment, in the group it named;
- a session with an add-to-cart: such a session that also sent a `store_add_to_cart` for this experiment and
  group. Both groups' adds are seen one way only, by the loader's watchers on the store's own cart (its
  add-to-cart forms, events and cart requests, from the platform shell's hints). Facet's own in-place Add to
  cart posts to the store's cart URL, so it is seen by the same watcher, and only once the store answered
  that it was added. The widget's `add_to_cart_clicked` beacon (sent on the click, before the add runs, and
  only ever in the exposed group) is not counted: an add the hints miss would then count in one group only.

Caveats, said on the dashboard too (`METHOD`): groups are per browser tab, and the cart is per browser, so
an add made in a held-out tab after seeing Facet in another tab counts for the holdout (this pulls the
difference toward zero); tabs of one shopper are not independent, so the intervals are somewhat too narrow.

No interval and no verdict until each group has MIN_SESSIONS_PER_GROUP sessions and
MIN_ADD_TO_CARTS_PER_GROUP sessions with an add-to-cart: before that a difference is mostly noise, and early
looks are where false "wins" come from. Intervals: `plugin_api.services.lift_stats`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from plugin_api.models import Merchant
from plugin_api.services.experiment import (
    EXPOSED,
    GROUPS,
    HOLDOUT,
    Experiment,
    current_experiment,
    parse_holdout_percent,
    past_experiments,
    set_holdout_percent,
)
from plugin_api.services.lift_sessions import session_counts
from plugin_api.services.lift_stats import Interval, mover_ratio, newcombe_difference

MIN_SESSIONS_PER_GROUP = 200
MIN_ADD_TO_CARTS_PER_GROUP = 10
# A split this unlikely by chance (|z| > 3.29, two-sided p < 0.001) means sessions go missing from one group.
SPLIT_Z_LIMIT = 3.29
SPLIT_CHECK_MIN_SESSIONS = 100
METHOD = (
    "95% confidence intervals: Newcombe's hybrid score interval (method 10, Wilson-based) for the "
    "difference of the two rates; MOVER-R from the same Wilson intervals for their ratio. Groups are per "
    "browser tab while the cart is per browser: a shopper who saw Facet in one tab and added to cart in a "
    "held-out one counts for the holdout, which pulls the difference toward zero. Tabs of one shopper are "
    "not independent, so the intervals are somewhat narrower than they should be."
)


@dataclass(frozen=True)
class GroupFigures:
    sessions: int
    sessions_with_add_to_cart: int
    add_to_cart_rate: float | None


@dataclass(frozen=True)
class Lift:
    """The holdout experiment's figures for the dashboard (`status` says which of the rest are set)."""

    status: str  # off | not_enough_data | more_often | less_often | no_difference
    holdout_percent: int
    experiment_id: str | None
    started_at: str | None
    holdout: GroupFigures | None
    exposed: GroupFigures | None
    absolute_difference: Interval | None  # exposed rate - holdout rate (0.012 = 1.2 percentage points)
    relative_difference: Interval | None  # exposed rate / holdout rate - 1 (0.15 = 15 % more often)
    verdict: str
    needs_more_sessions_per_group: int | None
    needs_more_sessions_total: int | None
    split_warning: str | None
    past_tests: list[dict[str, Any]] = field(default_factory=list)  # ended tests, newest first
    min_sessions_per_group: int = MIN_SESSIONS_PER_GROUP
    min_add_to_carts_per_group: int = MIN_ADD_TO_CARTS_PER_GROUP
    method: str = METHOD


OFF_VERDICT = (
    "No holdout test is running. Hold out a share of sessions (for example 10%) from Facet to measure how "
    "much more often shoppers who are offered Facet add to cart."
)


# What an ended test keeps: its verdict and the figures behind it.
_FINAL_FIELDS = ("status", "verdict", "holdout", "exposed", "absolute_difference", "relative_difference")


def change_holdout(merchant: Merchant, percent: int) -> Experiment | None:
    """Set the holdout share (0 ends the test), keeping the final figures of a test it ends."""
    percent = parse_holdout_percent(percent)
    running = current_experiment(merchant)
    final = None
    if running is not None and running.holdout_percent != percent:
        summary = asdict(_summary(merchant, running))
        final = {key: _finite(summary[key]) for key in _FINAL_FIELDS}
    return set_holdout_percent(merchant, percent, final_figures=final)


def _finite(value: Any) -> Any:
    """JSON the settings column stores: a ratio's open upper limit (infinity) is kept as null."""
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def lift_summary(merchant: Merchant) -> Lift:
    """The current experiment's figures and verdict (status `off` when the holdout is 0), and past tests'."""
    experiment = current_experiment(merchant)
    past = past_experiments(merchant)
    if experiment is None:
        return Lift(
            "off",
            holdout_percent=0,
            experiment_id=None,
            started_at=None,
            holdout=None,
            exposed=None,
            absolute_difference=None,
            relative_difference=None,
            verdict=OFF_VERDICT,
            needs_more_sessions_per_group=None,
            needs_more_sessions_total=None,
            split_warning=None,
            past_tests=past,
        )
    return replace(_summary(merchant, experiment), past_tests=past)


def _summary(merchant: Merchant, experiment: Experiment) -> Lift:
    sessions, with_add = session_counts(merchant, experiment)
    groups = {g: GroupFigures(sessions[g], with_add[g], _rate(with_add[g], sessions[g])) for g in GROUPS}
    return judge(experiment, groups[HOLDOUT], groups[EXPOSED])


def judge(experiment: Experiment, holdout: GroupFigures, exposed: GroupFigures) -> Lift:
    """Intervals and the verdict in words for two groups' counts."""
    base: dict[str, Any] = {
        "holdout_percent": experiment.holdout_percent,
        "experiment_id": experiment.id,
        "started_at": experiment.started_at.isoformat(),
        "holdout": holdout,
        "exposed": exposed,
        "split_warning": split_warning(holdout.sessions, exposed.sessions, experiment.holdout_percent),
    }
    per_group, total = needs_more(holdout, exposed, experiment.holdout_percent)
    if per_group != 0:
        return Lift(
            "not_enough_data",
            absolute_difference=None,
            relative_difference=None,
            verdict=_not_enough(per_group, total, experiment.holdout_percent),
            needs_more_sessions_per_group=per_group,
            needs_more_sessions_total=total,
            **base,
        )
    args = (
        exposed.sessions_with_add_to_cart,
        exposed.sessions,
        holdout.sessions_with_add_to_cart,
        holdout.sessions,
    )
    diff, ratio = newcombe_difference(*args), mover_ratio(*args)
    relative = Interval(ratio.estimate - 1, ratio.low - 1, ratio.high - 1)
    if diff.low > 0:
        status = "more_often"
        verdict = (
            f"Sessions offered Facet added to cart {_pct(relative.estimate)} more often than held-out "
            f"sessions (95% CI {_pct(relative.low)} to {_pct(relative.high)})."
        )
    elif diff.high < 0:
        status = "less_often"
        verdict = (
            f"Sessions offered Facet added to cart {_pct(-relative.estimate)} less often than held-out "
            f"sessions (95% CI {_pct(-relative.high)} to {_pct(-relative.low)} less often)."
        )
    else:
        status = "no_difference"
        verdict = (
            f"No measurable difference yet (95% CI: from {_more_or_less(relative.low)} to "
            f"{_more_or_less(relative.high)} often in sessions offered Facet than in held-out sessions)."
        )
    return Lift(
        status,
        absolute_difference=_rounded(diff),
        relative_difference=_rounded(relative),
        verdict=verdict,
        needs_more_sessions_per_group=0,
        needs_more_sessions_total=0,
        **base,
    )


def needs_more(holdout: GroupFigures, exposed: GroupFigures, percent: int) -> tuple[int | None, int | None]:
    """(sessions still needed in the group that needs most, storefront sessions in all at this split).

    Sessions needed for MIN_ADD_TO_CARTS_PER_GROUP come from the add-to-cart rate seen so far in both groups
    together; (None, None) while there is no add-to-cart at all to estimate it from.
    """
    pooled_sessions = holdout.sessions + exposed.sessions
    pooled_adds = holdout.sessions_with_add_to_cart + exposed.sessions_with_add_to_cart
    rate = pooled_adds / pooled_sessions if pooled_adds else None
    shares = {HOLDOUT: percent / 100, EXPOSED: 1 - percent / 100}
    short: dict[str, int] = {}
    for name, group in ((HOLDOUT, holdout), (EXPOSED, exposed)):
        need = MIN_SESSIONS_PER_GROUP - group.sessions
        missing_adds = MIN_ADD_TO_CARTS_PER_GROUP - group.sessions_with_add_to_cart
        if missing_adds > 0:
            if rate is None:
                return None, None
            need = max(need, math.ceil(missing_adds / rate))
        short[name] = max(0, need)
    per_group = max(short.values())
    total = max(math.ceil(short[g] / shares[g]) for g in GROUPS)
    return per_group, total


def split_warning(holdout_sessions: int, exposed_sessions: int, percent: int) -> str | None:
    """A warning when the observed split is too far from the set percentage to be chance."""
    n = holdout_sessions + exposed_sessions
    if n < SPLIT_CHECK_MIN_SESSIONS:
        return None
    share = percent / 100
    z = (holdout_sessions - n * share) / math.sqrt(n * share * (1 - share))
    if abs(z) <= SPLIT_Z_LIMIT:
        return None
    return (
        f"The split is off: {percent}% of sessions should be held out, but {holdout_sessions / n:.1%} were. "
        "Something drops sessions from one group (a script or caching plugin changing the page, or an old "
        "copy of the Facet loader), so these figures may be biased."
    )


def _not_enough(per_group: int | None, total: int | None, percent: int) -> str:
    if per_group is None:
        return (
            "Not enough data yet (no add-to-carts recorded in this test yet; each group needs at least "
            f"{MIN_SESSIONS_PER_GROUP} sessions and {MIN_ADD_TO_CARTS_PER_GROUP} with an add-to-cart)."
        )
    return (
        f"Not enough data yet (needs about {per_group:,} more sessions per group; at a {percent}% holdout "
        f"that is about {total:,} more storefront sessions in all)."
    )


def _pct(value: float) -> str:
    """0.184 → '18%'; under 10% one decimal, so a small sure lift never reads as '0% more often'."""
    return f"{value * 100:.1f}%" if abs(value) < 0.1 else f"{value * 100:.0f}%"


def _more_or_less(value: float) -> str:
    """0.2 → '20% more', -0.05 → '5% less'."""
    return f"{_pct(value)} more" if value >= 0 else f"{_pct(-value)} less"


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _rounded(interval: Interval) -> Interval:
    return Interval(*(round(v, 4) for v in (interval.estimate, interval.low, interval.high)))
