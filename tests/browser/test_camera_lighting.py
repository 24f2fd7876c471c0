"""The camera screen tells the shopper when the light will spoil the reading, before the photo is taken.

Each case runs Chromium's fake camera on a Y4M video of one still frame: the astronaut selfie as shot, four
times brighter, four times darker, and a frame whose background is blown out around a face-sized oval.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image

from inference import colour
from tests.browser.test_demo_flow import open_widget

# How long a verdict takes to show: the preview is sampled every 400 ms and two samples must agree.
SETTLE_MS = 2500


def _exposed(rgb: np.ndarray, factor: float) -> np.ndarray:
    """The photo with its exposure multiplied in linear light, clipped and re-encoded like a camera's."""
    linear = np.clip(colour.srgb_to_linear(rgb) * factor, 0, 1)
    return np.round(colour.linear_to_srgb(linear)).astype(np.uint8)


def _backlit_frame() -> np.ndarray:
    """640 × 480 (the camera box's own 4:3, so the guide oval maps 1:1: centre (320, 221), radii 134 × 186): a
    skin-coloured face lined up in the guide, filling 80 % of it as real faces do, and a white window
    everywhere else, beside the cheeks too."""
    yy, xx = np.mgrid[0:480, 0:640]
    frame = np.full((480, 640, 3), 255, np.uint8)
    face = ((xx - 320) / (0.8 * 134.4)) ** 2 + ((yy - 220.8) / (0.8 * 185.6)) ** 2 <= 1.0
    frame[face] = (196, 150, 122)
    return frame


@pytest.fixture()
def selfie(inputs) -> np.ndarray:
    return np.asarray(Image.open(inputs["selfie_jpg"]).convert("RGB"))


@pytest.fixture()
def hint_for(filming, page_factory, live_server) -> Callable[[np.ndarray], str | None]:
    """The lighting hint the camera screen shows (None: no hint) when the camera films `frame`."""

    def hint(frame: np.ndarray) -> str | None:
        page, errors = page_factory(on=filming(frame))
        open_widget(page, live_server.url + "/demo")
        page.locator('[data-fc="camera"]').click()
        page.locator('[data-fc="capture"]:not([disabled])').wait_for()
        page.wait_for_timeout(SETTLE_MS)
        box = page.locator('[data-fc="light-hint"]')
        shown = None if box.get_attribute("hidden") is not None else box.get_attribute("data-hint")
        if shown:
            assert box.inner_text().strip(), "a hint is shown with words, not an empty box"
        # The shopper may still take the photo: a hint, never a gate.
        assert page.locator('[data-fc="capture"]').is_enabled()
        assert errors == []
        return shown

    return hint


def test_a_well_lit_selfie_gets_no_lighting_hint(selfie, hint_for):
    assert hint_for(selfie) is None


@pytest.mark.parametrize(
    ("factor", "expected"),
    [(4.0, "too_bright"), (0.25, "too_dark")],
    ids=["two-stops-over", "two-stops-under"],
)
def test_a_mis_exposed_preview_says_what_to_change(factor, expected, selfie, hint_for):
    assert hint_for(_exposed(selfie, factor)) == expected


def test_a_blown_out_background_behind_the_face_is_named(hint_for):
    assert hint_for(_backlit_frame()) == "backlit"
