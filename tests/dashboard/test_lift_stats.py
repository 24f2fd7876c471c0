"""The lift statistics against published values, and the verdict's rules on hand-made counts."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime

import pytest

from plugin_api.services.experiment import Experiment, assigned_group, fnv1a_32
from plugin_api.services.lift import GroupFigures, judge, needs_more, split_warning
from plugin_api.services.lift_stats import mover_ratio, newcombe_difference, wilson

# Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (score, no continuity correction):
# (x1, n1, x2, n2) → 95% limits for p1 - p2, to 4 decimals.
NEWCOMBE_METHOD_10 = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]
# Newcombe (1998), Statistics in Medicine 17:857-872, Table I, Wilson's score method without correction.
WILSON = [((81, 263), (0.2553, 0.3662)), ((15, 148), (0.0624, 0.1605)), ((0, 20), (0.0, 0.1611))]
WILSON += [((1, 29), (0.0061, 0.1718))]


@pytest.mark.parametrize(("counts", "limits"), NEWCOMBE_METHOD_10)
def test_difference_interval_matches_newcombes_published_method_10(counts, limits):
    interval = newcombe_difference(*counts)
    assert (round(interval.low, 4), round(interval.high, 4)) == limits
    assert interval.estimate == pytest.approx(counts[0] / counts[1] - counts[2] / counts[3])


@pytest.mark.parametrize(("counts", "limits"), WILSON)
def test_wilson_interval_matches_newcombes_published_values(counts, limits):
    interval = wilson(*counts)
    assert (round(interval.low, 4), round(interval.high, 4)) == limits


def _mover_limits_of(x1: int, n1: int, x2: int, n2: int, r: float) -> tuple[float, float]:
    """The square-and-add (MOVER) limits of p1 - r·p2, written out independently of the module."""
    a, b = wilson(x1, n1), wilson(x2, n2)
    d = a.estimate - r * b.estimate
    low = d - math.sqrt((a.estimate - a.low) ** 2 + (r * (b.high - b.estimate)) ** 2)
    high = d + math.sqrt((a.high - a.estimate) ** 2 + (r * (b.estimate - b.low)) ** 2)
    return low, high


@pytest.mark.parametrize("counts", [(56, 70, 48, 80), (40, 260, 12, 240), (3, 50, 9, 40), (0, 30, 4, 30)])
def test_ratio_limits_are_where_the_mover_difference_limits_touch_zero(counts):
    ratio = mover_ratio(*counts)
    assert ratio.low <= ratio.estimate <= ratio.high
    if counts[0]:
        assert _mover_limits_of(*counts, ratio.low)[0] == pytest.approx(0, abs=1e-12)
    else:
        assert ratio.low == 0
    assert _mover_limits_of(*counts, ratio.high)[1] == pytest.approx(0, abs=1e-12)


def test_ratio_and_difference_intervals_never_disagree_about_a_difference():
    rng = random.Random(7)
    for _ in range(3000):
        n1, n2 = rng.randint(5, 400), rng.randint(5, 400)
        x1, x2 = rng.randint(0, n1), rng.randint(1, n2)
        diff, ratio = newcombe_difference(x1, n1, x2, n2), mover_ratio(x1, n1, x2, n2)
        assert (diff.low > 0) == (ratio.low > 1), (x1, n1, x2, n2)
        assert (diff.high < 0) == (ratio.high < 1), (x1, n1, x2, n2)


def test_fnv1a_matches_the_reference_vectors_and_splits_evenly():
    # FNV-1a 32-bit test vectors (Fowler, Noll, Vo): "", "a", "foobar".
    assert [fnv1a_32(s) for s in ("", "a", "foobar")] == [0x811C9DC5, 0xE40C292C, 0xBF9CF968]
    groups = [assigned_group(f"{i:024x}", "xAbC12_-", 10) for i in range(20000)]
    assert groups.count("holdout") / len(groups) == pytest.approx(0.10, abs=0.01)
    assert assigned_group("a1b2c3d4e5f6", "xAbC12_-", 0) == "exposed"


EXPERIMENT = Experiment("xTest123", 10, datetime(2025, 6, 1, tzinfo=UTC))


def _group(sessions: int, added: int) -> GroupFigures:
    return GroupFigures(sessions, added, added / sessions if sessions else None)


def test_no_verdict_below_the_minimum_even_with_a_big_gap():
    lift = judge(EXPERIMENT, _group(150, 2), _group(1400, 140))
    assert lift.status == "not_enough_data" and lift.absolute_difference is None
    # 142 add-to-carts in 1,550 sessions: the holdout needs 8 more add-to-carts, about 88 more sessions;
    # at a 10% holdout that is about 880 storefront sessions.
    assert (lift.needs_more_sessions_per_group, lift.needs_more_sessions_total) == (88, 880)
    assert lift.verdict.startswith("Not enough data yet (needs about 88 more sessions per group")


def test_without_any_add_to_cart_it_cannot_say_how_many_sessions_are_needed():
    assert needs_more(_group(300, 0), _group(2700, 0), 10) == (None, None)
    lift = judge(EXPERIMENT, _group(300, 0), _group(2700, 0))
    assert lift.verdict.startswith("Not enough data yet (no add-to-carts recorded in this test yet")


def test_facet_doing_worse_is_said_too():
    lift = judge(EXPERIMENT, _group(400, 60), _group(3600, 300))
    assert lift.status == "less_often" and lift.absolute_difference.high < 0
    assert lift.verdict.startswith(
        "Sessions offered Facet added to cart 44% less often than held-out sessions (95% CI "
    )


def test_no_difference_names_the_groups_as_what_they_are():
    lift = judge(EXPERIMENT, _group(2000, 200), _group(18000, 1850))
    assert lift.status == "no_difference"
    assert lift.verdict.startswith("No measurable difference yet (95% CI: from ")
    assert lift.verdict.endswith(" often in sessions offered Facet than in held-out sessions).")


def test_the_method_states_the_caveats_of_per_tab_groups():
    lift = judge(EXPERIMENT, _group(2000, 200), _group(18000, 1850))
    assert "per browser tab" in lift.method and "toward zero" in lift.method
    assert "not independent" in lift.method


def test_a_split_far_from_the_setting_is_flagged():
    assert split_warning(100, 900, 10) is None
    assert split_warning(60, 940, 10).startswith(
        "The split is off: 10% of sessions should be held out, but 6.0%"
    )
    assert split_warning(5, 45, 10) is None  # too few sessions to tell


def test_a_small_sure_lift_is_not_rounded_away():
    # 20,000 sessions a group, 10.0% against 10.9%: a 9% lift the interval is sure of, and its lower limit
    # under 10% is written with a decimal ("3.7%", not "4%"; never "0%").
    lift = judge(EXPERIMENT, _group(20000, 2000), _group(20000, 2180))
    assert lift.status == "more_often"
    low = lift.relative_difference.low
    assert 0 < low < 0.1
    assert f"(95% CI {low * 100:.1f}% to " in lift.verdict
    assert lift.verdict.startswith(
        "Sessions offered Facet added to cart 9.0% more often than held-out sessions (95% CI "
    )
