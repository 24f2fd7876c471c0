"""Matting details: faint sharp parts, per-material edge colour, tinted glass as a filter, shadow behind."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from inference.tryon import TryOnAsset, make_tryon_asset
from inference.tryon.generator import generate_eyewear_photo
from inference.tryon.matting import fit_background, glass_edge, nearest_colour, smooth_tint, tint_alpha
from tests.tryon.conftest import small


def _backdrop(h: int = 160, w: int = 240, grey: float = 230.0) -> np.ndarray:
    rng = np.random.default_rng(3)
    return np.clip(grey + rng.normal(0, 1.2, (h, w, 3)), 0, 255).astype(np.float32)


def test_a_faint_sharp_patch_is_material_but_a_faint_soft_shadow_is_not():
    img = _backdrop()
    pad = np.zeros(img.shape[:2], np.float32)
    cv2.ellipse(pad, (70, 80), (8, 16), 0, 0, 360, 1.0, -1)  # a nose-pad-sized patch with a hard edge
    shadow = np.zeros_like(pad)
    cv2.circle(shadow, (170, 80), 14, 1.0, -1)
    shadow = cv2.GaussianBlur(shadow, (0, 0), 8)  # same depth at its centre, but a soft edge
    shadow *= 1.0 / shadow.max()
    img = img * (1 - 0.085 * pad[..., None]) * (1 - 0.085 * shadow[..., None])  # ~20 levels darker
    core = fit_background(np.clip(img, 0, 255).astype(np.uint8)).core
    assert core[pad > 0.5].mean() > 0.8
    assert core[shadow > 0.5].mean() < 0.05


def test_nearest_colour_takes_each_pixel_from_the_closest_source_not_a_blend():
    img = np.zeros((20, 30, 3), np.float32)
    img[:, :15] = (200, 30, 30)
    img[:, 15:] = (30, 30, 200)
    source = np.zeros((20, 30), bool)
    source[10, 5] = source[10, 25] = True
    out = nearest_colour(img, source)
    assert np.allclose(out[3, 2], (200, 30, 30)) and np.allclose(out[17, 28], (30, 30, 200))
    assert np.allclose(out[10, 14], (200, 30, 30)) and np.allclose(out[10, 16], (30, 30, 200))


def test_tinted_glass_is_matted_as_the_filter_it_is():
    transmission = np.array([0.85, 0.55, 0.6], np.float32)  # a rose lens
    for grey in (255.0, 230.0):
        bg = np.full((1, 3), grey, np.float32)
        seen = bg * transmission
        a, colour = tint_alpha(seen, bg)
        assert a[0] == pytest.approx(1 - transmission.min(), abs=1e-4)
        assert colour[0].min() == pytest.approx(0.0, abs=0.5)  # darkest channel fully absorbed
        assert np.allclose(a[0] * colour[0] + (1 - a[0]) * bg[0], seen[0], atol=0.5)  # same photo


def test_smooth_tint_follows_a_gradient_and_ignores_a_shadow_band():
    rows = np.repeat(np.arange(100), 50)
    truth = 0.7 - 0.003 * rows  # graded: darker at the top
    seen = truth + np.random.default_rng(0).normal(0, 0.01, rows.size)
    seen[rows < 15] += 0.06  # the top rim's drop shadow through the glass reads as more opaque
    fitted = smooth_tint(seen.astype(np.float32), rows)
    assert np.abs(fitted - truth).max() < 0.01


def test_glass_edge_mixes_rim_and_glass():
    h, w = 20, 40
    rgb = np.full((h, w, 3), 240, np.float32)
    background = rgb.copy()
    glass = np.zeros((h, w), bool)
    glass[:, 21:] = True
    rgb[:, :20] = (40, 40, 40)  # solid rim
    rgb[:, 21:] = 0.6 * 240  # grey glass at opacity 0.4 (colour 0)
    rgb[:, 20] = 0.5 * 40 + 0.5 * 0.6 * 240  # half rim, half glass
    alpha = np.ones((h, w), np.float32)
    alpha[glass] = 0.4
    colour = rgb.copy()
    glass_edge(rgb.astype(np.uint8), background, alpha, colour, glass)
    assert alpha[10, 20] == pytest.approx(0.5 + 0.5 * 0.4, abs=0.03)
    assert alpha[10, 10] == 1.0 and alpha[10, 30] == pytest.approx(0.4)


def _in_photo(asset: TryOnAsset, shape: tuple[int, int]) -> np.ndarray:
    x0, y0 = (int(round(v)) for v in asset.geometry["source_box"][:2])
    a = np.asarray(asset.image)[..., 3] / 255.0
    est = np.zeros(shape, np.float32)
    est[y0 : y0 + a.shape[0], x0 : x0 + a.shape[1]] = a
    return est


def test_keeps_pale_nose_pads_on_a_grey_backdrop_without_moving_the_lens_centres():
    spec = small("rimless", background_rgb=(230, 230, 230))
    photo, truth = generate_eyewear_photo(spec)
    asset = make_tryon_asset(photo)
    assert isinstance(asset, TryOnAsset), asset
    est = _in_photo(asset, truth.alpha.shape)
    pads = (truth.alpha > 0.6) & (truth.alpha < 0.74)  # the pads are drawn at opacity 0.72
    pads = cv2.erode(pads.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    assert pads.sum() > 30 and est[pads].mean() > 0.5
    x0, y0 = asset.geometry["source_box"][:2]
    for est_c, true_c in zip(asset.geometry["lens_centres"], truth.lens_centres, strict=True):
        err = np.hypot(est_c[0] + x0 - true_c[0], est_c[1] + y0 - true_c[1])
        assert err / truth.total_width_px < 0.005


def test_a_drop_shadow_behind_tinted_glass_does_not_darken_the_lens_alpha():
    spec = small("sun_wayfarer", shadow=0.12, tint_rgb=(170, 90, 96), tint_alpha=0.6)
    photo, truth = generate_eyewear_photo(spec)
    asset = make_tryon_asset(photo)
    assert isinstance(asset, TryOnAsset), asset
    est = _in_photo(asset, truth.alpha.shape)
    glass = cv2.erode(((truth.alpha > 0.1) & (truth.alpha < 0.9)).astype(np.uint8), np.ones((5, 5), np.uint8))
    assert glass.sum() > 1000
    assert np.abs(est[glass > 0] - truth.alpha[glass > 0]).max() < 0.05
