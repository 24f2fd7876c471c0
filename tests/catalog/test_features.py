"""compute_product_features end to end on generated product photos."""

from __future__ import annotations

import dataclasses
import json

import cv2
import numpy as np
import pytest

from inference import colour
from inference.catalog import compute_product_features, parse_frame_size
from plugin_api.demo.catalog import demo_shades, draw_bottle, draw_lipstick


def test_frame_size_parsing() -> None:
    size = parse_frame_size(["Aviator 58-14-140 gold"])
    assert size["lens_mm"] == 58 and size["bridge_mm"] == 14 and size["temple_mm"] == 140
    assert size["total_width_mm"] == 2 * 58 + 14 + 8
    assert parse_frame_size(["52□18 145"])["bridge_mm"] == 18
    assert parse_frame_size(["Frame width: 138 mm"])["total_width_mm"] == 138
    assert parse_frame_size(["Size M", "Colour black"]) is None


@pytest.mark.parametrize(
    "texts",
    [
        ["52\u201118\u2011140"],  # non-breaking hyphens, as rich-text editors paste them
        ["52·18·140"],
        ["A 52 / DBL 18 / 140"],
        ["Lens width: 52 mm", "Bridge: 18 mm", "Temple length: 140 mm"],
        ["Lens width 52mm, bridge 18mm, temple 140mm"],
    ],
)
def test_frame_size_as_stores_print_it(texts: list[str]) -> None:
    size = parse_frame_size(texts)
    assert (size["lens_mm"], size["bridge_mm"], size["temple_mm"]) == (52, 18, 140)
    assert size["total_width_mm"] == 2 * 52 + 18 + 8


def test_a_temple_length_is_never_read_as_the_frame_width() -> None:
    assert parse_frame_size(["Frame temple length: 145 mm"]) is None
    assert parse_frame_size(["Frame width: 138 mm", "Temple: 145 mm"])["total_width_mm"] == 138
    assert parse_frame_size(["Lens width: 52 mm"]) is None  # no bridge: the width is not known


def test_frame_size_from_the_description_and_named_options() -> None:
    from inference.catalog import ProductInfo
    from inference.catalog.features import _frame_size

    described = ProductInfo(title="Milo", description="<p>Lens width 50 mm · Bridge 20 mm</p>")
    assert _frame_size(described)["total_width_mm"] == 2 * 50 + 20 + 8
    optioned = ProductInfo(
        title="Milo", variants=[{"id": "1", "options": {"Lens width": "49 mm", "Bridge": "21 mm"}}]
    )
    assert _frame_size(optioned)["lens_mm"] == 49


def test_a_wide_photo_the_tryon_engine_rejects_is_no_frame_without_a_word_for_one() -> None:
    # Two dark rings side by side look like a frame to the quick outline cue; the try-on engine finds no
    # bridge or hinges. With no word from the store, the product is not eyewear (no frame-shape reasons).
    photo = np.full((300, 900, 3), 250, np.uint8)
    for x in (300, 600):
        cv2.circle(photo, (x, 150), 90, (40, 35, 35), 8)
    features = compute_product_features({"title": "Duo 4411"}, photo)
    assert features["category"] == "other" and "eyewear" not in features
    worded = compute_product_features({"title": "Duo 4411", "product_type": "Eyeglasses"}, photo)
    assert worded["category"] == "eyewear" and worded["eyewear"]["tryon"]["ok"] is False


def test_eyewear_features_include_tryon_shape_and_size() -> None:
    from inference.tryon.generator import generate_eyewear_photo, named_specs

    spec = named_specs()["wayfarer"]
    photo, _ = generate_eyewear_photo(spec)
    features = compute_product_features(
        {"title": f"Wayfarer Tortoise {spec.frame_mm}", "product_type": "Eyeglasses", "tags": ["optical"]},
        np.asarray(photo),
    )
    json.dumps(features)  # stored as JSON on the product
    assert features["category"] == "eyewear"
    eyewear = features["eyewear"]
    assert eyewear["tryon"]["ok"] is True
    assert eyewear["frame_shape"]["label"] == "wayfarer"
    assert abs(eyewear["frame_mm"]["total_width_mm"] - spec.total_width_mm) < 4
    assert features["embedding"]["kind"] and len(features["embedding"]["vector"]) > 16
    frame_lab = np.array(features["colours"][0]["lab"])
    assert colour.delta_e_2000(frame_lab, colour.rgb_to_lab(np.array(spec.frame_rgb, float))) < 12


def test_sunglasses_colour_is_the_frame_not_the_tinted_lenses() -> None:
    from inference.tryon.generator import FRAME_COLOURS, generate_eyewear_photo, named_specs

    # A thin gold frame around dark green G15 lenses, which fill ~90 % of the product's pixels.
    spec = dataclasses.replace(named_specs()["aviator"], frame_rgb=FRAME_COLOURS["gold"])
    photo, _ = generate_eyewear_photo(spec)
    features = compute_product_features(
        {"title": f"Aviator Gold G15 {spec.frame_mm}", "product_type": "Sunglasses"}, np.asarray(photo)
    )
    gold = colour.rgb_to_lab(np.array(FRAME_COLOURS["gold"], float))
    main = max(features["colours"], key=lambda c: c["weight"])
    assert colour.delta_e_2000(np.array(main["lab"]), gold) < 6  # the lens-tinted green would be ΔE > 20


def test_foundation_shade_from_the_product_photo() -> None:
    shade = demo_shades()[13]
    features = compute_product_features(
        {"title": f"Skin Foundation {shade['name']}", "variants": [{"id": "1", "title": shade["name"]}]},
        draw_bottle(colour.hex_to_rgb(shade["hex"])),
    )
    assert features["category"] == "foundation"
    (found,) = features["shades"]
    assert colour.delta_e_2000(np.array(found["lab"]), shade["lab"]) < 1.5
    assert found["undertone"] == shade["undertone"] and found["variant_id"] == "1"


def test_multi_shade_product_gets_one_shade_per_variant() -> None:
    variants = [
        {"id": "a", "title": "Ruby", "hex": "#c0202b"},
        {"id": "b", "title": "Nude", "hex": "#c39a84"},
    ]
    features = compute_product_features(
        {"title": "Satin Lipstick", "variants": variants}, draw_lipstick(np.array([192, 32, 43]))
    )
    assert features["category"] == "lipstick"
    assert [s["hex"] for s in features["shades"]] == ["#c0202b", "#c39a84"]
    assert [s["variant_id"] for s in features["shades"]] == ["a", "b"]


def test_rejected_asset_is_recorded_not_raised() -> None:
    blank = np.full((300, 600, 3), 255, np.uint8)
    features = compute_product_features({"title": "Round glasses 49-20-145"}, blank)
    assert features["eyewear"]["tryon"]["ok"] is False
    assert features["eyewear"]["tryon"]["reason"] == "no_object"


def test_the_stores_own_colour_names_are_kept_and_shopifys_placeholder_is_not_a_name() -> None:
    lipsticks = compute_product_features(
        {
            "title": "Satin Lipstick",
            "variants": [
                {"id": "a", "title": "Terracotta", "options": {"Colour": "Terracotta"}, "hex": "#b4583e"},
                {"id": "b", "title": "Cinnamon", "options": {"Color": "Cinnamon"}, "hex": "#8e4a32"},
            ],
        },
        draw_lipstick(np.array([180, 88, 62])),
    )
    assert [s["colour_name"] for s in lipsticks["shades"]] == ["Terracotta", "Cinnamon"]
    assert "colour_name" not in lipsticks  # two colours: no single name for the product
    top = compute_product_features(
        {"title": "Linen Shirt", "variants": [{"id": "s", "options": {"pa_color": "Sage", "Size": "M"}}]},
        None,
    )
    assert top["colour_name"] == "Sage"
    # Shopify's only variant of a product without options: title and option "Default Title".
    shade = demo_shades()[13]
    foundation = compute_product_features(
        {
            "title": "Skin Foundation",
            "variants": [{"id": "1", "title": "Default Title", "options": {"Title": "Default Title"}}],
        },
        draw_bottle(colour.hex_to_rgb(shade["hex"])),
    )
    (found,) = foundation["shades"]
    assert found["name"] == "Skin Foundation" and "colour_name" not in foundation
