"""End to end: a selfie uploaded through the widget API comes back with recommendations and try-on items."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from inference import colour
from inference.analysis.concerns import NOTE
from inference.analysis.quality import MESSAGES
from inference.catalog.embedding import get_embedder
from inference.ranking.wording import FrenchWording
from inference.tryon.generator import generate_eyewear_photo, named_specs
from plugin_api.demo.catalog import demo_shades, draw_bottle, draw_lipstick
from plugin_api.extensions import db
from plugin_api.jobs.features import apply_features, features_hash
from plugin_api.models import Merchant, Product
from plugin_api.services.localisation import TRANSLATIONS, localise_analysis
from plugin_api.storage import current_storage
from tests.helpers import upload
from tests.images import astronaut_close_jpeg


def _seed(merchant_id: int) -> None:
    merchant = db.session.get(Merchant, merchant_id)
    embedder = get_embedder()
    items = []
    for name in ("rectangle", "round", "aviator"):
        spec = named_specs()[name]
        items.append(
            (
                f"frame-{name}",
                f"{name.title()} glasses {spec.frame_mm}",
                "Eyeglasses",
                np.asarray(generate_eyewear_photo(spec)[0]),
            )
        )
    for shade in demo_shades()[12:18]:
        items.append(
            (
                f"shade-{shade['code']}",
                f"Foundation {shade['name']}",
                "Foundation",
                draw_bottle(colour.hex_to_rgb(shade["hex"])),
            )
        )
    items.append(("lip-1", "Lipstick Terracotta", "Lipstick", draw_lipstick(np.array([192, 96, 62]))))
    for pid, title, kind, image in items:
        product = Product(
            merchant_id=merchant_id,
            platform_product_id=pid,
            title=title,
            product_type=kind,
            url=f"https://shop.example/p/{pid}",
            image_urls=[f"https://shop.example/img/{pid}.png"],
            in_stock=True,
        )
        db.session.add(product)
        db.session.flush()
        apply_features(
            product,
            image,
            merchant=merchant,
            storage=current_storage(),
            embedder=embedder,
            digest=features_hash(product, embedder.status.kind),
        )
    db.session.commit()


@pytest.mark.slow
def test_widget_upload_returns_recommendations_and_tryon_items(app, client, merchant_factory, widget_headers):
    merchant = merchant_factory()
    with app.app_context():
        _seed(merchant.id)
    response = upload(client, widget_headers(merchant), astronaut_close_jpeg(), product_id="frame-round")
    assert response.status_code == 200, response.json
    result = response.json["result"]
    assert result["quality"]["ok"] and result["skin"]["reliable"]
    assert "mesh" not in result["face"]  # used for placement, not stored
    recs = result["recommendations"]
    assert len(recs) >= 3
    ids = [r["product_id"] for r in recs]
    assert "frame-round" not in ids  # the product being viewed is not recommended to itself
    assert recs[0]["category"] == "eyewear"  # its category leads on its product page
    assert {r["category"] for r in recs} >= {"eyewear", "foundation"}
    assert all(r["reasons"] for r in recs)
    shade = next(r for r in recs if r["category"] == "foundation")
    assert "ΔE" in shade["reasons"][0]
    items = result["tryon"]["items"]
    assert items[0]["product_id"] == "frame-round" and len(items) == 3
    # The opened frame is not recommended to itself, yet the try-on view can still sell it.
    assert items[0]["url"] == "https://shop.example/p/frame-round"
    assert items[0]["add_to_cart"]["url"]
    for item in items:
        assert len(item["homography"]) == 3 and item["asset_url"].startswith("/api/v1/widget/assets/")
        png = client.get(item["asset_url"], headers=widget_headers(merchant))
        assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    frame_rec = next(r for r in recs if r["category"] == "eyewear")
    assert frame_rec["tryon"]["asset_url"].endswith(f"key={merchant.publishable_key}")


@pytest.mark.slow
def test_reasons_come_back_in_the_widgets_language(app, client, merchant_factory, widget_headers):
    merchant = merchant_factory()
    with app.app_context():
        _seed(merchant.id)
    photo = astronaut_close_jpeg()

    def analyse(**form) -> dict:
        response = upload(client, widget_headers(merchant), photo, **form)
        assert response.status_code == 200, response.json
        return response.json["result"]

    def shade_reason(result: dict) -> str:
        return next(r for r in result["recommendations"] if r["category"] == "foundation")["reasons"][0]

    english = analyse()  # default: English
    assert shade_reason(english).startswith(("closest shade: ΔE", "shade: ΔE"))
    assert english["skin"]["season"]["label"] == english["skin"]["season"]["subtype"]
    french = analyse(lang="fr-CA")  # the widget's language, region dropped
    assert shade_reason(french).startswith("teinte")
    say = FrenchWording()
    season = french["skin"]["season"]
    assert season["label"] == say.season(season["subtype"]) != season["subtype"]
    named = english["skin"]["palette"]["best_names"]
    assert french["skin"]["palette"]["best_names"] == [say.colour_word(n) for n in named] != named
    with app.app_context():
        stored = db.session.get(Merchant, merchant.id)
        stored.settings = {**(stored.settings or {}), "widget": {"language": "fr"}}
        db.session.commit()
    # A language Facet does not write falls back to the store's widget language, not to an error.
    assert shade_reason(analyse(lang="de")).startswith("teinte")


def test_every_engine_message_has_its_french_translation() -> None:
    french = TRANSLATIONS["fr"]
    assert set(MESSAGES.values()) | {NOTE} <= set(french)
    assert all(text and text not in MESSAGES.values() for text in french.values())


def test_a_french_analysis_gets_french_photo_tips(app) -> None:
    result = {
        "quality": {"ok": False, "issues": [{"code": "head_tilted", "message": MESSAGES["head_tilted"]}]},
        "disclaimer": NOTE,
        "skin": {
            "season": {"name": "winter", "subtype": "deep winter"},
            "palette": {"best_names": ["navy"], "frame_best_names": ["black", "silver"]},
        },
    }
    localised = localise_analysis(SimpleNamespace(language="fr"), result)
    assert localised["quality"]["issues"] == [{"code": "head_tilted", "message": "Gardez la tête droite"}]
    assert localised["disclaimer"].startswith("Indices cosmétiques")
    assert localised["skin"]["season"]["label"] == "hiver profond"
    assert localised["skin"]["palette"]["best_names"] == ["bleu marine"]
    assert localised["skin"]["palette"]["frame_best_names"] == ["noir", "argent"]
