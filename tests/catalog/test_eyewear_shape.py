"""Frame-shape rules on drawn outlines and on the try-on generator's product photos."""

from __future__ import annotations

import numpy as np
import pytest

from inference.catalog.eyewear_shape import classify_frame_shape, looks_like_eyewear
from tests.catalog.frames import draw_frame, on_background

SHAPES = ["round", "oval", "rectangle", "square", "wayfarer", "aviator", "cat-eye", "geometric", "browline"]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("rim", [4, 9])
def test_outline_rules_on_drawn_frames(shape: str, rim: int) -> None:
    rgba, geometry = draw_frame(shape, rim=rim)
    result = classify_frame_shape(rgba, geometry)
    assert result.label == shape, result.as_dict()
    assert 0.5 <= result.confidence <= 0.95
    # The same frame photographed on a white backdrop (no alpha, no geometry) reads the same.
    assert classify_frame_shape(on_background(rgba)).label == shape


def test_frame_colour_does_not_matter() -> None:
    for rgb in [(200, 170, 90), (120, 20, 30), (40, 60, 140)]:
        rgba, geometry = draw_frame("aviator", colour=rgb)
        assert classify_frame_shape(rgba, geometry).label == "aviator"


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("round", "round"),
        ("rectangle", "rectangle"),
        ("wayfarer", "wayfarer"),
        ("aviator", "aviator"),
        ("cat_eye", "cat-eye"),
        ("browline", "browline"),
    ],
)
def test_shapes_of_tryon_assets_from_generated_photos(style: str, expected: str) -> None:
    from inference.tryon import make_tryon_asset
    from inference.tryon.generator import generate_eyewear_photo, named_specs

    spec = named_specs()[style]
    photo, _ = generate_eyewear_photo(spec)
    asset = make_tryon_asset(photo, frame_mm=spec.frame_mm)
    assert hasattr(asset, "geometry"), asset
    result = classify_frame_shape(np.asarray(asset.image), asset.geometry)
    assert result.label == expected, result.as_dict()


def test_eyewear_cue_separates_frames_from_other_products() -> None:
    assert looks_like_eyewear(on_background(draw_frame("oval")[0])) >= 0.7
    bottle = np.full((300, 300, 3), 255, np.uint8)
    bottle[60:260, 110:190] = (200, 160, 130)
    assert looks_like_eyewear(bottle) == 0.0
