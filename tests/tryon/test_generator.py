"""The product-photo generator: tinted lenses are drawn as filters and their true alpha follows from that."""

from __future__ import annotations

import numpy as np
import pytest

from inference.tryon.generator import generate_eyewear_photo
from tests.tryon.conftest import small

ROSE = (170, 90, 96)


@pytest.mark.parametrize("grey", [255, 230])
def test_tinted_lens_filters_the_backdrop_and_its_alpha_is_one_minus_least_transmission(grey):
    spec = small(
        "sun_wayfarer",
        tint_rgb=ROSE,
        tint_alpha=0.6,
        background_rgb=(grey,) * 3,
        shadow=0.0,
        noise=0.0,
        jpeg_quality=None,
    )
    photo, truth = generate_eyewear_photo(spec)
    x, y = (int(round(v)) for v in truth.lens_centres[0])
    transmission = 1 - 0.6 * (1 - np.array(ROSE) / 255)  # over white it looks like ROSE at opacity 0.6
    seen = np.asarray(photo)[y - 2 : y + 3, x - 2 : x + 3].reshape(-1, 3).mean(0)
    backdrop = np.asarray(photo)[3:8, 3:8].reshape(-1, 3).mean(0)
    assert np.allclose(seen, transmission * backdrop, atol=2.5)
    assert truth.alpha[y, x] == pytest.approx(1 - transmission.min(), abs=1e-3)


def test_clear_lenses_stay_clear():
    photo, truth = generate_eyewear_photo(small("rectangle"))
    x, y = (int(round(v)) for v in truth.lens_centres[1])
    assert truth.alpha[y, x] == 0.0
