from __future__ import annotations

import pytest

from inference.tryon.frame_size import FrameSize, parse_frame_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("52-18-140", FrameSize(52, 18, 140)),
        ("52□18-140", FrameSize(52, 18, 140)),
        ("52 18 145", FrameSize(52, 18, 145)),
        ("Size: 49/21", FrameSize(49, 21, None)),
        ("lens 54 mm, bridge 17 mm, temple 145 mm", FrameSize(54, 17, 145)),
        ("52,5-18-140", FrameSize(52.5, 18, 140)),
        ("138 mm", FrameSize(total_width_mm=138)),
        (141, FrameSize(total_width_mm=141)),
    ],
)
def test_parses_store_formats(text, expected):
    assert parse_frame_size(text) == expected


def test_lens_centre_distance_is_lens_plus_bridge():
    assert parse_frame_size("52-18-140").lens_centre_distance_mm == 70
    assert parse_frame_size("138").lens_centre_distance_mm is None


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_means_unknown(empty):
    assert parse_frame_size(empty) is None


@pytest.mark.parametrize("bad", ["18-52-140", "52-18-40", "12", "size M", "1-2-3-4", "300"])
def test_refuses_implausible_sizes(bad):
    with pytest.raises(ValueError):
        parse_frame_size(bad)
