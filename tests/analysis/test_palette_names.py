"""Palette swatches are named for shoppers and screen readers: plain words, and never two alike in a list."""

from __future__ import annotations

import pytest

from inference.analysis import season
from inference.colour_names import hex_names


@pytest.mark.parametrize("subtype", sorted(season.PALETTES))
def test_every_palette_names_each_swatch_once(subtype: str) -> None:
    palette = season.palette(subtype)
    for kind in ("best", "avoid", "frame_best", "frame_avoid"):
        names = palette[f"{kind}_names"]
        assert len(names) == len(palette[kind]) and all(n and not n.startswith("#") for n in names)
        assert len(set(names)) == len(names), names


def test_two_swatches_with_one_name_are_told_apart_by_paleness() -> None:
    assert hex_names(["#ff7f50", "#ff8a60", "#1f2a4a"]) == ["deep coral", "light coral", "navy"]
    # #f08080 is a little darker than #ff7f50 but much less saturated: it is the pale one.
    assert hex_names(["#ff7f50", "#f08080"]) == ["deep coral", "light coral"]
    assert hex_names(["#0047ab", "#ff0000", "#c0262d"]) == ["royal blue", "bright red", "red"]
