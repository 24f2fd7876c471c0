"""Skin reading: reproducible for identical bytes, honest confidence, exposure handled from clipping."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from inference import colour
from inference.analysis import analyze_image, skin
from inference.analysis import illumination as illum
from inference.analysis.regions import LinearPhoto, RegionCanvas

skdata = pytest.importorskip("skimage.data")


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    return skdata.astronaut()


def _png(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return buf.getvalue()


def test_identical_bytes_give_identical_skin(astronaut) -> None:
    data = _png(astronaut)
    runs = [analyze_image(data)["skin"] for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    assert analyze_image(astronaut)["skin"] == runs[0]  # lossless PNG: same pixels as the array


def test_a_fringe_over_the_forehead_does_not_zero_confidence(astronaut) -> None:
    # The astronaut's forehead is mostly under her fringe; the hair pixels are rejected as outliers, so the
    # reading rests on the cheeks and must not report near-zero confidence (it was 0.06).
    assert analyze_image(astronaut)["skin"]["confidence"] >= 0.3


def _exposure(rgb: np.ndarray, gains=(1.0, 1.0, 1.0), stops: float = 0.0) -> float:
    from inference.face import find_faces

    mesh = find_faces(rgb).faces[0].mesh.astype(np.float64)
    linear = colour.srgb_to_linear(rgb) * np.array(gains) * 2.0**stops
    lit = np.round(colour.linear_to_srgb(np.clip(linear, 0, 1))).astype(np.uint8)
    canvas = RegionCanvas(mesh, lit.shape[:2])
    return illum.overexposure_stops(LinearPhoto(lit, canvas), canvas, mesh)


def test_overexposure_needs_clipping(astronaut) -> None:
    assert _exposure(astronaut) == 0.0
    assert _exposure(astronaut, gains=(1.93, 0.805, 0.193)) == 0.0  # a warm lamp clipping red is not it
    assert _exposure(astronaut, stops=1.5) > 0.0  # a blown-out face is


def test_level_survives_clipping_of_the_bright_half() -> None:
    rng = np.random.default_rng(0)
    # Skin-like shading: p50/p30 ≈ 1.15 as on real faces; a colour whose green median is 0.6.
    shading = np.clip(rng.normal(1.0, 0.24, 4000), 0.3, None)
    pixels = np.array([0.8, 0.6, 0.45]) * shading[:, None]
    exact, _ = skin.clip_robust_median(pixels)
    # +1.4 stops: every channel's median clips (blue, the least clipped, ~74 %); a plain median reads 1.0.
    over, saturated = skin.clip_robust_median(np.minimum(pixels * 2.6, 1.0))
    assert not saturated
    assert over[1] / 2.6 == pytest.approx(exact[1], rel=0.06)
    assert over[2] / over[1] == pytest.approx(exact[2] / exact[1], rel=0.03)
