"""CIEDE2000, which every shade match and palette reason is measured in, and exposure changes in CIELAB."""

from __future__ import annotations

import numpy as np
import pytest

from inference import colour

# Pairs from Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula", table 1.
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA_PAIRS)
def test_published_pairs(lab1, lab2, expected) -> None:
    assert float(colour.delta_e_2000(np.array(lab1), np.array(lab2))) == pytest.approx(expected, abs=1e-4)
    assert float(colour.delta_e_2000(np.array(lab2), np.array(lab1))) == pytest.approx(expected, abs=1e-4)


def test_parametric_factors_weigh_down_only_their_own_component() -> None:
    skin = np.array([62.0, 14.0, 20.0])
    lighter = skin + np.array([4.0, 0.0, 0.0])
    more_chroma = skin * np.array([1.0, 1.2, 1.2])  # the same hue, more chroma
    assert colour.delta_e_2000(skin, lighter, k_c=4, k_h=4) == pytest.approx(
        colour.delta_e_2000(skin, lighter)
    )
    assert colour.delta_e_2000(skin, lighter, k_l=2) == pytest.approx(colour.delta_e_2000(skin, lighter) / 2)
    assert colour.delta_e_2000(skin, more_chroma, k_c=2) == pytest.approx(
        colour.delta_e_2000(skin, more_chroma) / 2
    )


def test_one_stop_darker_halves_the_light_and_keeps_the_chromaticity() -> None:
    skin = np.array([70.0, 12.0, 20.0])
    darker = colour.exposed_lab(skin, -1.0)
    linear = colour.srgb_to_linear(colour.lab_to_rgb(skin))
    assert colour.srgb_to_linear(colour.lab_to_rgb(darker)) == pytest.approx(linear / 2, abs=1e-9)
    assert colour.exposed_lab(darker, 1.0) == pytest.approx(skin)
