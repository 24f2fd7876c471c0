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
    # Departments and platform categories are plural ("Tops", "Lipsticks", "Vestidos", "Kleider").
    ("Model X", "Dresses", [], "apparel"),
    ("Velvet Teddy", "Lipsticks", [], "lipstick"),
    ("Pro Filt'r Soft Matte", "Foundations", [], "foundation"),
    ("Luminous Silk", "Concealers", [], "concealer"),
    ("Model X", "Vestidos", [], "apparel"),
    ("Model X", "Kleider", [], "apparel"),
    # A department name ("Accessories", a WooCommerce category path) gives way to the product's own noun.
    ("Aviator Classic Sunglasses", "Accessories", [], "sunglasses"),
    ("Retro Round Sunglasses", "", ["accessories"], "sunglasses"),
    ("Milo", "Accessories / Eyeglasses", [], "eyewear"),
    # Which noun is the head: a chain on sunglasses, or a chain for them.
    ("Gold chain aviator sunglasses", "", [], "sunglasses"),
    ("Cat-eye glasses with pearl chain", "", [], "eyewear"),
    ("Sunglasses chain, gold", "", [], "accessory"),
    ("Étui à lunettes rigide", "", [], "accessory"),
    # A cosmetic word that is a garment's colour.
    ("Linen Shirt - Blush", "", [], "apparel"),
    ("Cashmere scarf, blush", "", [], "apparel"),
    # Products with nothing to match against a face, whatever stray keyword they contain.
    ("Top Coat nail polish", "", [], "other"),
    ("Hair gloss treatment", "", [], "other"),
    ("Picture frame 10x15", "", [], "other"),
    ("Lentes de contacto mensuales", "", [], "other"),
    ("Polarized fishing line", "", [], "other"),
    ("Naked3 Eyeshadow Palette", "Makeup", [], "other"),
    ("Tinted moisturizer SPF 30", "", [], "foundation"),
    ("Lentes de sol aviador", "", [], "sunglasses"),
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


def test_words_outweigh_a_wide_photo_that_is_not_a_frame() -> None:
    # An eyeshadow palette's photo is wide and short, like a frame's; the store's words say what it is.
    cue = {"eyewear": 0.52}
    assert detect_category(title="Naked3 Palette", product_type="Makeup", image_cue=cue).category == "other"
    assert detect_category(title="Gift card", image_cue=cue).category == "other"
