"""Fixtures for the face model tests: scikit-image's public-domain astronaut and generated images."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """NASA's public-domain portrait of Eileen Collins, 512×512 RGB (bundled with scikit-image)."""
    from skimage import data

    return np.ascontiguousarray(data.astronaut())
