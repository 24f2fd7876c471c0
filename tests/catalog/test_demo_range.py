"""The demo store's foundation range: a shade wherever skin reads, and no two bottles that look alike."""

from __future__ import annotations

import itertools

import numpy as np

from inference import colour
from plugin_api.demo.catalog import MAX_DEPTH_STEP, SOLD_OUT_SHADE, demo_shades, generate_demo_catalog


def test_every_monk_tone_is_a_depth_of_the_range() -> None:
    shades = demo_shades()
    for monk, monk_lab in enumerate(colour.MONK_LAB, start=1):
        neutral = next(s for s in shades if s["depth"] == monk and s["undertone"] == "neutral")
        assert abs(neutral["lab"][0] - monk_lab[0]) < 1.0
        assert {s["undertone"] for s in shades if s["depth"] == monk} == {"warm", "neutral", "cool"}


def test_neighbouring_depths_are_at_most_the_step_apart_in_lightness() -> None:
    # Monk's own step from MST-5 to MST-6 is 22.9 L*, where most real skin reads: in-between depths fill it.
    neutrals = sorted((s for s in demo_shades() if s["undertone"] == "neutral"), key=lambda s: s["depth"])
    steps = [abs(a["lab"][0] - b["lab"][0]) for a, b in itertools.pairwise(neutrals)]
    assert max(steps) <= MAX_DEPTH_STEP + 0.5
    assert len(neutrals) > 10


def test_no_two_shades_look_alike() -> None:
    shades = demo_shades()
    assert len({s["hex"] for s in shades}) == len({s["code"] for s in shades}) == len(shades)
    closest = min(
        float(colour.delta_e_2000(np.array(a["lab"]), np.array(b["lab"])))
        for a, b in itertools.combinations(shades, 2)
    )
    assert closest >= 1.5


def test_the_sold_out_shade_is_out_of_stock_and_the_rest_in_stock() -> None:
    foundations = [p for p in generate_demo_catalog() if p.product_type == "Foundation"]
    assert len(foundations) == len(demo_shades())
    sold_out = [p.platform_id for p in foundations if not p.in_stock]
    assert sold_out == [f"demo-shade-{SOLD_OUT_SHADE.lower()}"]
