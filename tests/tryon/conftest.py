"""Try-on fixtures: the astronaut portrait's face (`astronaut` is in tests/conftest.py) and generated product
photos."""

from __future__ import annotations

from dataclasses import replace

import pytest

from inference.tryon import TryOnAsset, make_tryon_asset
from inference.tryon.generator import EyewearSpec, generate_eyewear_photo, named_spec

SMALL = 480  # product photo width for tests: big enough for 1 mm rims, small enough to be fast


def small(name: str, **changes) -> EyewearSpec:
    """A named catalog spec drawn at test size."""
    return replace(named_spec(name), width_px=SMALL, **changes)


@pytest.fixture(scope="session")
def astronaut_face(astronaut):
    from inference.face import find_faces

    scan = find_faces(astronaut)
    assert scan.faces, "the astronaut portrait must have a face"
    return scan.faces[0]


@pytest.fixture(scope="session")
def rect_asset() -> TryOnAsset:
    spec = small("rectangle")
    asset = make_tryon_asset(generate_eyewear_photo(spec)[0], frame_mm=spec.frame_mm)
    assert isinstance(asset, TryOnAsset)
    return asset


@pytest.fixture(scope="session")
def rect_asset_no_mm() -> TryOnAsset:
    asset = make_tryon_asset(generate_eyewear_photo(small("rectangle"))[0])
    assert isinstance(asset, TryOnAsset)
    return asset
