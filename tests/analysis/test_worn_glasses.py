"""Worn glasses: a selfie taken with glasses on is asked to take them off (the try-on would draw its frames
over the shopper's own), as a hint, never by withholding the reading."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from inference.analysis import analyze_image
from inference.analysis.glasses import GLASSES_SCORE, glasses_score
from inference.face import find_faces
from inference.imageio import load_rgb
from inference.tryon import make_tryon_asset
from inference.tryon.generator import generate_eyewear_photo, named_spec
from inference.tryon.render import render_tryon
from tests.images import astronaut_close_jpeg

pytest.importorskip("skimage.data")


@pytest.fixture(scope="module")
def close_portrait() -> np.ndarray:
    """A 1,024 px portrait whose skin reading is trusted, so a hint that withheld it would show."""
    return load_rgb(astronaut_close_jpeg())


def wearing(photo: np.ndarray, style: str) -> np.ndarray:
    """The photo with a generated frame of `style` worn, as the try-on draws it."""
    spec = replace(named_spec(style), width_px=480)
    asset = make_tryon_asset(generate_eyewear_photo(spec)[0], frame_mm=spec.frame_mm)
    picture, _ = render_tryon(photo, asset)
    return np.asarray(picture)


def score(photo: np.ndarray) -> float:
    return glasses_score(photo, find_faces(photo).faces[0].mesh)


@pytest.mark.parametrize("style", ["rectangle", "wayfarer", "cat_eye", "browline", "sun_wayfarer"])
def test_a_worn_frame_is_seen_and_the_shopper_asked_to_take_it_off(close_portrait, style) -> None:
    assert score(close_portrait) < GLASSES_SCORE / 3
    result = analyze_image(wearing(close_portrait, style))
    issues = {issue["code"]: issue["message"] for issue in result["quality"]["issues"]}
    assert result["quality"]["glasses"] >= GLASSES_SCORE
    assert issues["glasses_on"] == "Take off your glasses so the try-on shows only the frames you choose"
    # A hint, not a verdict on the skin: the shade is still read and shown. What the rims cross is not read.
    assert result["skin"]["reliable"]
    assert result["concerns"]["texture"] is None and result["concerns"]["dark_circles"] is None
    assert isinstance(result["concerns"]["redness"], int)


def test_a_bare_face_is_not_asked_about_glasses(close_portrait) -> None:
    result = analyze_image(close_portrait)
    assert "glasses_on" not in {issue["code"] for issue in result["quality"]["issues"]}
    assert result["quality"]["glasses"] < GLASSES_SCORE / 3
    assert all(isinstance(value, int) for value in result["concerns"].values())


def test_thin_metal_frames_are_the_known_misses(close_portrait) -> None:
    # What the lines cannot see, pinned so a change that starts seeing them is noticed (and documented): a
    # 1 mm metal rim is under a pixel wide at the crop's 48 px between the pupils.
    for style in ("round", "aviator", "rimless"):
        assert score(wearing(close_portrait, style)) < GLASSES_SCORE
