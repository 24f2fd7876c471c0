"""Category detection on realistic product titles and types, in several languages."""

from __future__ import annotations

import pytest

from inference.catalog.category import detect_category
from tests.catalog.frames import draw_frame, on_background

CASES = [
    # (title, product_type, tags, expected)
    ("Ray-Ban RB2140 Original Wayfarer Classic", "Sunglasses", [], "sunglasses"),
    ("Oliver Round Optical Frame 48-21-145 Tortoise", "Eyeglasses", ["optical"], "eyewear"),
    ("Blue light glasses – Milo, clear", "", ["unisex"], "eyewear"),
    ("Lunettes de vue Camille écaille", "", [], "eyewear"),
    ("Lunettes de soleil aviateur polarisées", "", [], "sunglasses"),
    ("Sonnenbrille Pilot Gold", "", [], "sunglasses"),
    ("Brille Emma Rund Schwarz", "", [], "eyewear"),
    ("Gafas de sol mujer ojo de gato", "", [], "sunglasses"),
    ("Occhiali da vista rettangolari", "", [], "eyewear"),
    ("Óculos de sol quadrado", "", [], "sunglasses"),
    ("Teint Idole Ultra Wear fond de teint 24h", "", [], "foundation"),
    ("Fit Me Matte + Poreless Liquid Foundation 220 Natural Beige", "Makeup", [], "foundation"),
    ("Base de maquillaje fluida tono 30N", "", [], "foundation"),
    ("Fondotinta luminoso SPF 15", "", [], "foundation"),
    ("Radiant Creamy Concealer – Vanilla", "", ["complexion"], "concealer"),
    ("Correcteur anticernes 2.5 Beige", "", [], "concealer"),
    ("Matte Revolution Lipstick – Pillow Talk", "", [], "lipstick"),
    ("Lippenstift Rubinrot", "", [], "lipstick"),
    ("Rouge à lèvres mat Rouge Allure", "", [], "lipstick"),
    ("Rossetto liquido lunga durata", "", [], "lipstick"),
    ("Batom matte vermelho", "", [], "lipstick"),
    ("Powder Blush – Peachy Keen", "", [], "blush"),
    ("Organic cotton crew-neck T-shirt, navy", "Tops", [], "apparel"),
    ("Robe midi en lin", "", [], "apparel"),
    ("Blusa de seda", "", [], "apparel"),
    ("Hard shell glasses case – black", "", [], "accessory"),
    ("Microfibre lens cleaning cloth", "Accessories", [], "accessory"),
    ("Gift card", "", [], "other"),
]


@pytest.mark.parametrize(("title", "product_type", "tags", "expected"), CASES)
def test_detects_category_from_text(title: str, product_type: str, tags: list[str], expected: str) -> None:
    result = detect_category(title=title, product_type=product_type, tags=tags)
    assert result.category == expected, result
    assert 0.0 <= result.confidence <= 1.0


def test_product_type_outweighs_a_misleading_title() -> None:
    # "Frame" in a title of a lipstick (a brand name) must not beat the store's own product type.
    result = detect_category(title="Frame Your Smile", product_type="Lipstick")
    assert result.category == "lipstick"


def test_unknown_text_is_other_with_low_confidence() -> None:
    result = detect_category(title="Mystery box #7")
    assert result.category == "other"
    assert result.confidence < 0.3


def test_more_evidence_means_more_confidence() -> None:
    weak = detect_category(title="Classic frames")
    strong = detect_category(title="Classic frames", product_type="Eyeglasses", tags=["optical", "glasses"])
    assert weak.category == strong.category == "eyewear"
    assert strong.confidence > weak.confidence


def test_image_cue_decides_when_text_says_nothing() -> None:
    from inference.catalog.category import image_cue

    photo = on_background(draw_frame("rectangle")[0])
    cue = image_cue(photo)
    assert cue.get("eyewear", 0) >= 0.7
    assert detect_category(title="Model 4411", image_cue=cue).category == "eyewear"
    flat = on_background(draw_frame("round")[0])[:40, :40]  # a corner of backdrop: nothing frame-like
    assert image_cue(flat) == {}
