"""The demo store pages embed the widget as a merchant would, and its cart works like a platform cart."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest
from sqlalchemy import select

from inference import colour
from plugin_api.demo import seed_demo_merchant
from plugin_api.demo.catalog import DemoProduct, draw_lipstick
from plugin_api.demo.seed import seed_demo_catalog
from plugin_api.extensions import db
from plugin_api.models import Product

SCRIPT_TAG = (
    '<script src="/widget/v1/facet.js" data-key="pk_demo" data-cart-forms="form[data-store-add-to-cart]" '
    'data-cart-urls="/demo/cart/add" async></script>'
)


@pytest.fixture
def demo(app):
    with app.app_context():
        merchant = seed_demo_merchant()
        db.session.add_all(
            [
                Product(
                    merchant_id=merchant.id,
                    platform_product_id="eye-1",
                    title="Round <Tortoise>",
                    price=Decimal("129.00"),
                    currency="USD",
                    image_urls=["/img/eye-1.png"],
                    features={"category": "eyewear"},
                    tryon_asset_key="demo/eye-1.png",
                ),
                Product(
                    merchant_id=merchant.id,
                    platform_product_id="fdn-5",
                    title="Skin Tint 5N",
                    price=Decimal("38.50"),
                    currency="USD",
                    product_type="Foundation",
                ),
                Product(
                    merchant_id=merchant.id, platform_product_id="old", title="Retired frame", deleted=True
                ),
            ]
        )
        db.session.commit()
    return merchant


def test_root_redirects_to_the_demo_in_demo_and_test_mode(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/demo")


def test_root_is_not_the_demo_in_production(app_factory):
    app = app_factory(
        FACET_ENV="production",
        TESTING=False,
        FACET_SECRET_KEY="s",
        FACET_ENCRYPTION_KEYS="ZmFjZXQtdGVzdC1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
    )
    assert app.test_client().get("/").status_code == 404


def test_listing_embeds_the_widget_and_lists_the_catalog(client, demo):
    html = client.get("/demo").get_data(as_text=True)
    assert SCRIPT_TAG in html
    assert "Round &lt;Tortoise&gt;" in html  # escaped: product data never becomes markup
    assert "Skin Tint 5N" in html and "$38.50" in html
    assert "Retired frame" not in html
    only_eyewear = client.get("/demo?category=eyewear").get_data(as_text=True)
    assert "Round &lt;Tortoise&gt;" in only_eyewear and "Skin Tint 5N" not in only_eyewear


def test_product_page_has_the_placement_element(client, demo):
    response = client.get("/demo/products/eye-1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert SCRIPT_TAG in html
    assert '<div class="facet-slot" data-facet-tryon data-product-id="eye-1"></div>' in html
    assert client.get("/demo/products/old").status_code == 404
    missing = client.get("/demo/products/missing")
    # A stale link gets the store's own page, with the way back, not an API error body.
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "data-not-found" in missing.get_data(as_text=True) and 'href="/demo"' in missing.get_data(
        as_text=True
    )


def test_the_listing_reads_a_shade_range_in_number_order(client, demo):
    with client.application.app_context():
        merchant_id = db.session.scalars(
            select(Product.merchant_id).where(Product.platform_product_id == "eye-1")
        ).one()
        for code in ("100N", "10N", "25W"):
            db.session.add(
                Product(merchant_id=merchant_id, platform_product_id=f"s-{code}", title=f"Tint {code}")
            )
        db.session.commit()
    html = client.get("/demo").get_data(as_text=True)
    assert html.index("Tint 10N") < html.index("Tint 25W") < html.index("Tint 100N")


def test_cart_add_by_get_and_post(client, demo):
    response = client.get("/demo/cart/add?id=eye-1")
    assert response.status_code == 302
    client.post("/demo/cart/add", data={"id": "fdn-5"})
    client.post("/demo/cart/add", data={"id": "eye-1"})
    html = client.get("/demo/cart").get_data(as_text=True)
    assert "× 2" in html and "× 1" in html
    assert '<span class="price">$258.00</span>' in html  # a line's price is its total, 2 × $129.00
    assert "$296.50" in html
    client.post("/demo/cart/clear")
    assert "Your cart is empty" in client.get("/demo/cart").get_data(as_text=True)


def test_a_demo_order_is_counted_as_sold_with_facet_for_what_facets_button_added(app, client, demo):
    """Facet's add (which sends the hidden `_facet` property, like on Shopify) and the store's own add make
    separate lines; placing the order hands it to the order-webhook code, which keeps the Facet line."""
    from plugin_api.demo.seed import demo_add_to_cart
    from plugin_api.services.dashboard import dashboard_summary

    facet_add = demo_add_to_cart("eye-1")
    client.post(facet_add["ajax_url"], data=facet_add["fields"])
    client.post(facet_add["ajax_url"], data=facet_add["fields"])
    client.post("/demo/cart/add", data={"id": "eye-1"})  # the product page's own button
    client.post("/demo/cart/add", data={"id": "fdn-5"})
    html = client.get("/demo/cart").get_data(as_text=True)
    assert html.count("<li>") == 3 and html.count("data-with-facet") == 1
    assert "$425.50" in html  # 3 × 129.00 + 38.50

    placed = client.post("/demo/cart/order")
    assert placed.status_code == 302 and "ordered=demo-" in placed.headers["Location"]
    after = client.get(placed.headers["Location"]).get_data(as_text=True)
    assert "order placed" in after and "Your cart is empty again" in after

    def sales():
        with app.app_context():
            return dashboard_summary(db.session.merge(demo), 30, analysis_retention_days=30).to_json()[
                "sales"
            ]

    sold = sales()
    assert (sold["counted"], sold["orders_received"], sold["orders_with_facet_items"]) == (True, 1, 1)
    assert sold["items"] == 2 and sold["value"] == [{"currency": "USD", "value": "258.00"}]
    assert client.post("/demo/cart/order").status_code == 302  # an empty cart places nothing
    with app.app_context():
        assert (
            dashboard_summary(db.session.merge(demo), 30, analysis_retention_days=30).sales.orders_received
            == 1
        )


def test_demo_pages_say_how_to_seed_when_missing(client):
    response = client.get("/demo")
    assert response.status_code == 404
    assert "seed-demo" in response.get_data(as_text=True)


def lipstick(platform_id: str, hex_colour: str) -> DemoProduct:
    return DemoProduct(
        platform_id=platform_id,
        title=f"Lipstick {hex_colour}",
        product_type="Lipstick",
        price=Decimal("22.00"),
        draw=partial(draw_lipstick, colour.hex_to_rgb(hex_colour)),
    )


def test_reseeding_retires_what_the_demo_no_longer_makes(app):
    # An older demo's products (the foundation range was renumbered) must not stay on sale beside the new
    # ones: like a platform sync, seeding retires what the catalog no longer has, and brings it back if it
    # returns.
    old = [lipstick("demo-lip-a", "#b5524b"), lipstick("demo-lip-b", "#c2185b")]
    new = [old[0], lipstick("demo-lip-c", "#e07a5f")]
    with app.app_context():
        merchant = seed_demo_merchant()
        assert seed_demo_catalog(merchant, config=app.config, catalog=old) == {
            "created": 2,
            "updated": 0,
            "unchanged": 0,
            "retired": 0,
        }
        assert seed_demo_catalog(merchant, config=app.config, catalog=new) == {
            "created": 1,
            "updated": 0,
            "unchanged": 1,
            "retired": 1,
        }
        rows = {p.platform_product_id: p for p in db.session.scalars(select(Product))}
        assert rows["demo-lip-b"].deleted and rows["demo-lip-b"].deleted_at is not None
        assert not rows["demo-lip-a"].deleted and not rows["demo-lip-c"].deleted
        seed_demo_catalog(merchant, config=app.config, catalog=old)
        db.session.refresh(rows["demo-lip-b"])
        assert not rows["demo-lip-b"].deleted and rows["demo-lip-b"].deleted_at is None
