"""Recommendations from the shopper's own store only; exclusions; add-to-cart; the try-on asset route."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from inference import colour
from plugin_api.extensions import db
from plugin_api.models import Analysis, Event, Product, ShownRecommendation, utcnow
from plugin_api.services.recommendations import enrich_analysis
from plugin_api.storage import current_storage

ANALYSIS = {
    "skin": {
        "lab": [70.0, 9.0, 22.0],
        "undertone": "neutral",
        "season": {"name": "autumn", "subtype": "soft autumn"},
        "palette": {"best": ["#c3a27c", "#a0785a", "#d1b48c"], "avoid": ["#000000", "#ff00ff"]},
    },
    "face_shape": {"label": "round", "scores": {"round": 1.0}},
    "fit": {"face_width_mm": 138.0},
}


def lipstick_features(hex_colour: str) -> dict[str, Any]:
    return {"category": "lipstick", "colours": [{"lab": list(colour.hex_to_lab(hex_colour)), "weight": 1.0}]}


def add_product(merchant_id: int, pid: str, features: dict, **fields: Any) -> Product:
    values = {
        "title": pid,
        "url": f"https://shop.example/products/{pid}",
        "image_urls": [f"https://cdn.example/{pid}.png"],
        "price": 20,
        "features_status": "ready",
        "in_stock": True,
        **fields,
    }
    product = Product(merchant_id=merchant_id, platform_product_id=pid, features=features, **values)
    db.session.add(product)
    return product


def enrich(merchant, product_id: str | None = None) -> dict:
    return enrich_analysis(
        SimpleNamespace(merchant_id=merchant.id, product_id=product_id, language=None), dict(ANALYSIS)
    )


def test_only_the_shoppers_store_is_ever_recommended(app, merchant_factory) -> None:
    mine, theirs = merchant_factory(), merchant_factory()
    with app.app_context():
        add_product(mine.id, "my-ok", lipstick_features("#e58fac"))  # outside the palette: a weak match
        for i in range(5):  # the other store's products match this shopper perfectly
            add_product(theirs.id, f"their-best-{i}", lipstick_features("#c3a27c"))
        db.session.commit()
        result = enrich(mine)
        assert [r["product_id"] for r in result["recommendations"]] == ["my-ok"]
        theirs_result = enrich(theirs)
        assert {r["product_id"] for r in theirs_result["recommendations"]} == {
            f"their-best-{i}" for i in range(5)
        }


def test_deleted_out_of_stock_and_featureless_products_are_excluded(app, merchant_factory) -> None:
    merchant = merchant_factory()
    with app.app_context():
        add_product(merchant.id, "ok", lipstick_features("#c3a27c"))
        add_product(merchant.id, "unknown-stock", lipstick_features("#a0785a"), in_stock=None)
        add_product(merchant.id, "deleted", lipstick_features("#c3a27c"), deleted=True)
        add_product(merchant.id, "sold-out", lipstick_features("#c3a27c"), in_stock=False)
        add_product(merchant.id, "failed", lipstick_features("#c3a27c"), features_status="failed")
        add_product(merchant.id, "pending", {}, features_status="pending")
        add_product(merchant.id, "no-photo", lipstick_features("#c3a27c"), image_urls=[])
        db.session.commit()
        ids = {r["product_id"] for r in enrich(merchant)["recommendations"]}
        assert ids == {"ok", "unknown-stock"}

        # The cache follows the catalog: a product going out of stock disappears at once.
        product = db.session.scalars(db.select(Product).where(Product.platform_product_id == "ok")).one()
        product.in_stock = False
        db.session.commit()
        assert {r["product_id"] for r in enrich(merchant)["recommendations"]} == {"unknown-stock"}


def test_the_shopper_sees_the_photo_the_features_were_read_from(app, merchant_factory) -> None:
    """A product whose first photo would not load was read from a later one: that one is shown."""
    from plugin_api.jobs.features import PHOTO_READ

    merchant = merchant_factory()
    second = "https://cdn.example/second.png"
    with app.app_context():
        add_product(
            merchant.id,
            "fallback",
            {**lipstick_features("#c3a27c"), PHOTO_READ: second},
            image_urls=["https://cdn.example/gone.png", second],
        )
        add_product(merchant.id, "first", lipstick_features("#a0785a"))
        db.session.commit()
        shown = {r["product_id"]: r["image_url"] for r in enrich(merchant)["recommendations"]}
    assert shown == {"fallback": second, "first": "https://cdn.example/first.png"}


def test_store_popularity_is_a_rate_over_how_often_each_product_was_shown(app, merchant_factory) -> None:
    """Two equally good lipsticks: the one shown 600 times and clicked 36 times (6 %) does not outrank the one
    shown 40 times and clicked 14 times (35 %), though it has more clicks; clicks a product never got the
    chance to earn are not held against it."""
    merchant = merchant_factory()
    with app.app_context():
        add_product(merchant.id, "shown-a-lot", lipstick_features("#c3a27c"))
        add_product(merchant.id, "clicked-a-lot", lipstick_features("#c3a27c"))
        # Added to cart from the try-on of the page it was opened on, never recommended: no rate to compute.
        add_product(merchant.id, "never-recommended", lipstick_features("#c3a27c"))
        db.session.add_all(
            Event(merchant_id=merchant.id, type="add_to_cart_clicked", product_id="never-recommended")
            for _ in range(3)
        )
        analysis = Analysis(merchant_id=merchant.id, status="done")
        db.session.add(analysis)
        db.session.flush()
        now = utcnow()
        for pid, shown, clicks in (("shown-a-lot", 600, 36), ("clicked-a-lot", 40, 14)):
            db.session.add_all(
                ShownRecommendation(
                    merchant_id=merchant.id,
                    analysis_id=analysis.id,
                    queued_at=now - timedelta(days=1),
                    product_id=pid,
                    category="lipstick",
                    title=pid,
                )
                for _ in range(shown)
            )
            db.session.add_all(
                Event(merchant_id=merchant.id, type="recommendation_clicked", product_id=pid)
                for _ in range(clicks)
            )
        # Clicks older than the analyses' retention have no impressions left to compare with: not counted.
        db.session.add_all(
            Event(
                merchant_id=merchant.id,
                type="recommendation_clicked",
                product_id="shown-a-lot",
                occurred_at=now - timedelta(days=45),
            )
            for _ in range(200)
        )
        # Adds from the card judging the page's own product (`this_product`) are not engagement with a
        # recommendation: counted, these would lift "shown-a-lot" to a 56 % rate.
        db.session.add_all(
            Event(
                merchant_id=merchant.id,
                type="add_to_cart_clicked",
                product_id="shown-a-lot",
                properties={"where": "this_product", "action": "add"},
            )
            for _ in range(100)
        )
        db.session.commit()
        ranked = enrich(merchant)["recommendations"]
        assert ranked[0]["product_id"] == "clicked-a-lot"
        assert "often chosen in this store" in ranked[0]["reasons"]
        popular = [r["product_id"] for r in ranked if any("in this store" in x for x in r["reasons"])]
        assert popular == ["clicked-a-lot"]


def test_recommendation_shape_and_add_to_cart(app, merchant_factory) -> None:
    merchant = merchant_factory()
    with app.app_context():
        template = {"method": "POST", "url": "/cart/add", "fields": {"id": "v-1", "quantity": 1}}
        add_product(
            merchant.id,
            "with-template",
            lipstick_features("#c3a27c"),
            variants=[{"id": "v-1", "title": "Camel", "add_to_cart": template}],
        )
        add_product(merchant.id, "page-only", lipstick_features("#a0785a"))
        db.session.commit()
        recs = {r["product_id"]: r for r in enrich(merchant)["recommendations"]}
    rec = recs["with-template"]
    assert set(rec) >= {
        "product_id",
        "title",
        "url",
        "image_url",
        "price",
        "category",
        "score",
        "reasons",
        "tryon",
        "add_to_cart",
    }
    assert rec["category"] == "lipstick" and rec["reasons"] and rec["tryon"] is None
    assert rec["add_to_cart"] == template
    assert recs["page-only"]["add_to_cart"] == {
        "method": "LINK",
        "url": "https://shop.example/products/page-only",
        "kind": "product_page",
    }


def test_platform_add_to_cart_comes_from_the_connectors_package(app, merchant_factory) -> None:
    shopify = merchant_factory(platform="shopify")
    woo = merchant_factory(platform="woocommerce", shop_domain="https://woo.example")
    with app.app_context():
        for merchant in (shopify, woo):
            add_product(
                merchant.id, "p1", lipstick_features("#c3a27c"), variants=[{"id": "4411", "title": "Camel"}]
            )
        db.session.commit()
        (shop_rec,) = enrich(shopify)["recommendations"]
        (woo_rec,) = enrich(woo)["recommendations"]
    # The form/page request, and its background twin that keeps the shopper in the widget.
    assert shop_rec["add_to_cart"] == {
        "method": "POST",
        "url": "/cart/add",
        # The hidden line-item property the order comes back with: "Sold with Facet" on the dashboard.
        "fields": {"id": "4411", "quantity": 1, "properties[_facet]": "added with Facet"},
        "ajax_url": "/cart/add.js",
        "cart_url": "/cart",
    }
    assert woo_rec["add_to_cart"] == {
        "method": "GET",
        "url": "https://woo.example/",
        "fields": {"add-to-cart": "4411", "quantity": 1},
        "ajax_url": "https://woo.example/",
    }


def test_add_to_cart_skips_a_sold_out_first_variant(app, merchant_factory) -> None:
    shopify = merchant_factory(platform="shopify")
    with app.app_context():
        variants = [
            {"id": "1", "title": "Black", "available": False},
            {"id": "2", "title": "Tortoise", "available": True},
        ]
        add_product(shopify.id, "p1", lipstick_features("#c3a27c"), variants=variants)
        db.session.commit()
        (rec,) = enrich(shopify)["recommendations"]
    # Shopify answers 422 "sold out" to /cart/add for variant 1.
    assert rec["add_to_cart"]["fields"]["id"] == "2"


def test_add_to_cart_prefers_a_variant_known_in_stock_to_one_whose_stock_is_unknown(app, merchant_factory):
    shopify = merchant_factory(platform="shopify")
    with app.app_context():
        variants = [
            {"id": "1", "title": "Black", "available": None},  # a webhook could not say
            {"id": "2", "title": "Tortoise", "available": True},
        ]
        add_product(shopify.id, "p1", lipstick_features("#c3a27c"), variants=variants)
        db.session.commit()
        (rec,) = enrich(shopify)["recommendations"]
    assert rec["add_to_cart"]["fields"]["id"] == "2"


def test_tryon_asset_route_is_tenant_scoped(app, client, merchant_factory, widget_headers) -> None:
    mine, theirs = merchant_factory(), merchant_factory()
    with app.app_context():
        storage = current_storage()
        for merchant in (mine, theirs):
            key = f"merchants/{merchant.public_id}/tryon/1.png"
            storage.put(key, b"\x89PNG-" + merchant.public_id.encode(), "image/png")
            add_product(merchant.id, f"frame-{merchant.id}", {"category": "eyewear"}, tryon_asset_key=key)
        db.session.commit()
    own = client.get(f"/api/v1/widget/assets/frame-{mine.id}.png", headers=widget_headers(mine))
    assert own.status_code == 200 and own.mimetype == "image/png"
    assert own.data.endswith(mine.public_id.encode())
    assert own.headers["Access-Control-Allow-Origin"] == mine.allowed_origins[0]
    other = client.get(f"/api/v1/widget/assets/frame-{theirs.id}.png", headers=widget_headers(mine))
    assert other.status_code == 404
    assert client.get(f"/api/v1/widget/assets/frame-{mine.id}.png").status_code == 401  # no key
    by_query = client.get(f"/api/v1/widget/assets/frame-{mine.id}.png?key={mine.publishable_key}")
    assert by_query.status_code == 200


def test_catalog_media_route_serves_only_catalog_photos(app, client, merchant_factory) -> None:
    merchant = merchant_factory()
    with app.app_context():
        storage = current_storage()
        storage.put(f"merchants/{merchant.public_id}/catalog/p1.png", b"photo", "image/png")
        storage.put(f"merchants/{merchant.public_id}/uploads/selfie.png", b"private", "image/png")
    assert client.get(f"/api/v1/widget/media/{merchant.public_id}/p1.png").data == b"photo"
    assert client.get(f"/api/v1/widget/media/{merchant.public_id}/selfie.png").status_code == 404
    assert (
        client.get(f"/api/v1/widget/media/{merchant.public_id}/..%2Fuploads%2Fselfie.png").status_code == 404
    )


def test_the_page_product_is_judged_for_the_shopper_in_or_out_of_the_list(app, merchant_factory) -> None:
    """On a lipstick's page the list ranks the other lipsticks; `this_product` answers "is this one right for
    me?" with the same score and reasons a recommendation would carry."""
    merchant, other = merchant_factory(), merchant_factory()
    with app.app_context():
        add_product(merchant.id, "camel", lipstick_features("#c3a27c"))  # in the palette
        add_product(merchant.id, "black", lipstick_features("#050505"))  # a colour the palette avoids
        add_product(merchant.id, "sold-out", lipstick_features("#c3a27c"), in_stock=False)
        add_product(other.id, "theirs", lipstick_features("#c3a27c"))
        db.session.commit()
        on_black = enrich(merchant, "black")
        assert "black" not in [r["product_id"] for r in on_black["recommendations"]]
        page = on_black["this_product"]
        assert (page["product_id"], page["category"], page["closest_shade"]) == ("black", "lipstick", False)
        assert page["reasons"] == ["black is close to a colour your soft autumn palette avoids"]
        assert page["suits"] is False  # the widget does not present it as an answer
        assert page["add_to_cart"] and page["url"] == "https://shop.example/products/black"
        on_camel = enrich(merchant, "camel")
        assert on_camel["this_product"]["reasons"] == ["tan suits your soft autumn palette"]
        assert on_camel["this_product"]["suits"] is True
        assert on_camel["this_product"]["score"] > page["score"]
        # Nothing to judge: no page, a product the store does not offer now, another store's product.
        assert enrich(merchant)["this_product"] is None
        assert enrich(merchant, "sold-out")["this_product"] is None
        assert enrich(merchant, "theirs")["this_product"] is None


def test_a_foundation_page_judges_its_own_best_shade_against_the_closest(app, merchant_factory) -> None:
    merchant = merchant_factory()
    skin = ANALYSIS["skin"]["lab"]
    with app.app_context():
        for pid, darker in (("mine", 0), ("near", 4), ("deep", 20)):
            lab = [skin[0] - darker, skin[1] + darker / 6, skin[2] + darker / 6]
            features = {
                "category": "foundation",
                "shades": [{"lab": lab, "variant_id": f"{pid}-v", "name": pid}],
            }
            add_product(merchant.id, pid, features, product_type="Foundation")
        db.session.commit()
        near = enrich(merchant, "near")["this_product"]
        assert near["closest_shade"] is False and near["variant_id"] == "near-v"
        assert near["reasons"][0].startswith("shade: ΔE ")
        assert near["suits"] is True
        deep = enrich(merchant, "deep")["this_product"]
        assert deep["reasons"][0].startswith("far from your skin tone: ΔE ") and deep["suits"] is False
        assert enrich(merchant, "mine")["this_product"]["reasons"][0] == "closest shade: ΔE 0.0"


def test_a_sold_out_shade_is_never_offered_though_its_product_still_is(app, merchant_factory) -> None:
    merchant = merchant_factory()
    skin = ANALYSIS["skin"]["lab"]
    shades = [  # the exact match is sold out; the next closest is in stock
        {"lab": list(skin), "variant_id": "exact", "name": "5N exact"},
        {"lab": [skin[0] - 3, skin[1], skin[2] + 1], "variant_id": "near", "name": "6N near"},
        {"lab": [skin[0] - 25, skin[1], skin[2]], "variant_id": "deep", "name": "9N deep"},
    ]
    variants = [
        {"id": "exact", "title": "5N exact", "available": False},
        {"id": "near", "title": "6N near", "available": True},
        {"id": "deep", "title": "9N deep", "available": True},
    ]
    with app.app_context():
        add_product(
            merchant.id,
            "range",
            {"category": "foundation", "shades": shades},
            product_type="Foundation",
            variants=variants,
        )
        db.session.commit()
        result = enrich(merchant, "range")
        offered = [r for r in result["recommendations"] if r["product_id"] == "range"]
        assert [r["variant_id"] for r in offered] == ["near"]
        assert offered[0]["reasons"][0].startswith("closest shade: ΔE ")
        assert result["this_product"]["variant_id"] == "near"

        # Back in stock: offered again, first.
        product = db.session.scalars(db.select(Product).where(Product.platform_product_id == "range")).one()
        product.variants = [{**v, "available": True} for v in variants]
        db.session.commit()
        result = enrich(merchant, "range")
        assert result["recommendations"][0]["variant_id"] == "exact"


def test_a_page_product_still_being_read_still_leads_with_its_category(app, merchant_factory) -> None:
    merchant = merchant_factory()
    with app.app_context():
        for i, hex_colour in enumerate(("#b8946a", "#9a7a62", "#c8a886")):  # near the palette, not on it
            add_product(merchant.id, f"lip-{i}", lipstick_features(hex_colour))
        tee = {"category": "apparel", "colours": [{"lab": list(colour.hex_to_lab("#c3a27c")), "weight": 1.0}]}
        for i in range(4):
            add_product(merchant.id, f"tee-{i}", tee)
        # Just synced: its photo is still being read, so the ranking has no features for it.
        add_product(merchant.id, "new-lip", {}, title="Velvet Lipstick", features_status="pending")
        db.session.commit()
        # Elsewhere the tops, on the palette's own colour, come first.
        assert enrich(merchant)["recommendations"][0]["category"] == "apparel"
        recs = enrich(merchant, "new-lip")["recommendations"]
        assert [r["category"] for r in recs[:2]] == ["lipstick", "lipstick"]
        assert all("suits your" in r["reasons"][0] for r in recs[:2])
        assert enrich(merchant, "new-lip")["this_product"] is None  # nothing to judge it by yet
