"""The skin as a third white-balance reference: it reads a lamp from where skin this light should sit."""

from __future__ import annotations

import numpy as np
import pytest

from inference.analysis import skin, skin_reference
from inference.analysis.illumination import Estimate, Illumination, _log_chroma

_LUMA = np.array([0.2126, 0.7152, 0.0722])


def _typical_skin(log2_y: float) -> np.ndarray:
    """Linear RGB of a skin exactly on the locus at that lightness."""
    log_rg, log_bg = skin_reference.expected_log_chroma(log2_y)
    rgb = np.array([np.exp(log_rg), 1.0, np.exp(log_bg)])
    return rgb * 2.0**log2_y / float(rgb @ _LUMA)


@pytest.mark.parametrize("log2_y", [-2.5, -1.2, -0.7])
def test_typical_skin_reads_no_cast(log2_y: float) -> None:
    reading = skin_reference.skin_estimate(_typical_skin(log2_y), 0.0, 400)
    assert reading is not None
    assert np.abs(_log_chroma(reading.white)).max() < 1e-6


def test_a_warm_lamp_on_typical_skin_reads_as_a_warm_lamp() -> None:
    lamp = np.array([1.35, 1.0, 0.62])  # roughly 3,000 K against daylight
    lit = _typical_skin(-1.0) * lamp
    reading = skin_reference.skin_estimate(lit, 0.0, 400)
    assert reading is not None
    read = _log_chroma(reading.white)
    # Same direction as the lamp, and most of its strength (the locus bends a little with lightness).
    truth = _log_chroma(lamp)
    assert float(read @ truth) / float(truth @ truth) == pytest.approx(1.0, abs=0.25)


def test_an_underexposed_photo_is_read_at_its_lifted_lightness() -> None:
    skin_colour = _typical_skin(-1.0)
    dark = skin_reference.skin_estimate(skin_colour / 2.0, -1.0, 400)  # one stop under, lifted by one
    assert dark is not None
    assert np.abs(_log_chroma(dark.white)).max() < 1e-6


def test_light_skin_is_trusted_more_than_dark() -> None:
    light = skin_reference.skin_estimate(_typical_skin(-0.8), 0.0, 400)
    dark = skin_reference.skin_estimate(_typical_skin(-2.6), 0.0, 400)
    assert light is not None and dark is not None
    assert light.weight > 3 * dark.weight


def test_no_reading_from_too_little_skin_or_a_lost_channel() -> None:
    assert skin_reference.skin_estimate(_typical_skin(-1.0), 0.0, 10) is None
    assert skin_reference.skin_estimate(np.array([np.nan, 0.4, 0.3]), 0.0, 400) is None


def test_the_skin_reference_does_not_raise_confidence_in_itself() -> None:
    sample = skin.SkinSample(
        linear=_typical_skin(-1.0),
        lab=np.array([60.0, 12.0, 16.0]),
        pixels=400,
        clipped_fraction=0.0,
        region_spread=1.0,
        lab_pixels=np.zeros((0, 3)),
    )
    sclera = Estimate("sclera", np.ones(3), 0.4, 20)
    with_skin = Estimate(skin_reference.SOURCE, np.ones(3), 4.0, 400)
    alone = skin.confidence(sample, Illumination(np.ones(3), 0.0, 0.0, [sclera]))
    assert skin.confidence(sample, Illumination(np.ones(3), 0.0, 0.0, [sclera, with_skin])) == alone
