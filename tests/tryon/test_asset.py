from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from inference.tryon import AssetRejection, TryOnAsset, make_tryon_asset
from inference.tryon.generator import generate_eyewear_photo, named_specs
from tests.tryon import synthetic
from tests.tryon.conftest import small


def _errors(asset: TryOnAsset, truth) -> dict[str, float]:
    """Geometry errors in % of the true frame width, and the alpha IoU, back in photo coordinates."""
    g = asset.geometry
    x0, y0 = g["source_box"][:2]
    width = truth.total_width_px

    def err(est, true):
        return float(np.hypot(est[0] + x0 - true[0], est[1] + y0 - true[1]) / width * 100)

    est = np.zeros_like(truth.alpha)
    alpha = np.asarray(asset.image)[..., 3] / 255.0
    est[int(y0) : int(y0) + alpha.shape[0], int(x0) : int(x0) + alpha.shape[1]] = alpha
    t = truth.alpha
    return {
        "lens": max(err(g["lens_centres"][i], truth.lens_centres[i]) for i in (0, 1)),
        "bridge": err(g["bridge_centre"], truth.bridge_centre),
        "hinge": max(err(g["hinge_left"], truth.hinge_left), err(g["hinge_right"], truth.hinge_right)),
        "iou": float(((est > 0.25) & (t > 0.25)).sum() / ((est > 0.25) | (t > 0.25)).sum()),
    }


@pytest.mark.parametrize("name", sorted(named_specs()))
def test_extracts_geometry_of_every_style(name):
    spec = small(name)
    photo, truth = generate_eyewear_photo(spec)
    asset = make_tryon_asset(photo, frame_mm=spec.frame_mm)
    assert isinstance(asset, TryOnAsset), asset
    e = _errors(asset, truth)
    assert e["lens"] < 1.0 and e["bridge"] < 1.0 and e["hinge"] < 2.0, e
    assert e["iou"] > (0.85 if name == "rimless" else 0.9), e
    assert asset.geometry["total_width_mm"] == pytest.approx(spec.total_width_mm, abs=2.5)
    assert asset.image.mode == "RGBA"


@pytest.mark.parametrize(
    ("name", "tinted"), [("sun_wayfarer", True), ("aviator", True), ("rectangle", False)]
)
def test_lens_glass_is_clear_or_partially_transparent(name, tinted):
    asset = make_tryon_asset(generate_eyewear_photo(small(name))[0])
    alpha = np.asarray(asset.image)[..., 3] / 255.0
    cx, cy = (int(round(v)) for v in asset.geometry["lens_centres"][0])
    centre = alpha[cy - 3 : cy + 4, cx - 3 : cx + 4].mean()
    assert asset.geometry["tinted"] is tinted
    if tinted:
        assert 0.3 < centre < 0.97  # see-through, but coloured
    else:
        assert centre < 0.03


def test_keeps_thin_metal_rims_and_nose_pads():
    spec = small("round")
    photo, truth = generate_eyewear_photo(spec)
    asset = make_tryon_asset(photo)
    e = _errors(asset, truth)
    assert e["iou"] > 0.9, e


def test_accepts_a_transparent_png_cut_out():
    spec = small("cat_eye")
    _, truth = generate_eyewear_photo(spec)
    asset = make_tryon_asset(synthetic.transparent_png(spec))
    assert isinstance(asset, TryOnAsset), asset
    assert _errors(asset, truth)["lens"] < 1.0


def test_png_and_json_round_trip(tmp_path, rect_asset):
    (tmp_path / "a.png").write_bytes(rect_asset.to_png())
    (tmp_path / "a.json").write_text(rect_asset.to_json())
    again = TryOnAsset.from_files(tmp_path / "a.png", tmp_path / "a.json")
    assert again.geometry == rect_asset.geometry
    assert np.array_equal(np.asarray(again.image), np.asarray(rect_asset.image))
    assert Image.open(io.BytesIO(rect_asset.to_png())).mode == "RGBA"


def test_rejects_an_empty_photo():
    result = make_tryon_asset(synthetic.blank())
    assert isinstance(result, AssetRejection) and result.code == "no_object"
    assert result.message


def test_rejects_a_busy_background():
    result = make_tryon_asset(synthetic.busy_background(small("rectangle")))
    assert isinstance(result, AssetRejection) and result.code == "busy_background"


@pytest.mark.parametrize("name", ["rectangle", "round", "sun_wayfarer"])
def test_rejects_a_three_quarter_view(name):
    result = make_tryon_asset(synthetic.three_quarter_view(small(name)))
    assert isinstance(result, AssetRejection) and result.code == "not_front_view", result


def test_rejects_a_product_that_is_not_eyewear():
    result = make_tryon_asset(synthetic.mug())
    assert isinstance(result, AssetRejection) and result.code == "not_eyewear_like", result
