"""WooCommerce connector against the fake WordPress/WooCommerce over real HTTP."""

from __future__ import annotations

import json

import pytest

from connectors import AuthError, InboundRequest, NotFound, StoreSession, WebhookKind
from connectors.woocommerce import WooCommerceConnector, normalise_store_url
from tests.fakes import catalog


def connect(connector, fake, ctx):
    start = connector.handle_install(
        "connect", InboundRequest("POST", "/woocommerce/connect", form={"store_url": fake.url}), ctx
    )
    assert start.status == 302 and start.redirect.startswith(f"{fake.url}/wc-auth/v1/authorize?")
    delivery, return_url = fake.approve(start.redirect)
    assert return_url.startswith("https://facet.test/woocommerce/return?success=1")
    return delivery


@pytest.fixture
def session(settings, woo_fake, ctx):
    connector = WooCommerceConnector(settings)
    delivery = connect(connector, woo_fake, ctx)
    done = connector.handle_install(
        "callback", InboundRequest("POST", "/woocommerce/callback", body=delivery.body), ctx
    )
    return StoreSession(done.result.store, done.result.credentials)


def test_key_delivery_is_matched_by_single_use_user_id(settings, woo_fake, ctx):
    connector = WooCommerceConnector(settings)
    delivery = connect(connector, woo_fake, ctx)
    forged = json.loads(delivery.body) | {"user_id": "guessed"}
    with pytest.raises(AuthError):
        connector.handle_install(
            "callback", InboundRequest("POST", "/x", body=json.dumps(forged).encode()), ctx
        )
    done = connector.handle_install("callback", InboundRequest("POST", "/x", body=delivery.body), ctx)
    assert done.status == 200 and done.result.store == woo_fake.url + "/"
    assert done.result.credentials["consumer_key"].startswith("ck_")
    with pytest.raises(AuthError):  # replay
        connector.handle_install("callback", InboundRequest("POST", "/x", body=delivery.body), ctx)


def test_connect_form_and_bad_url(settings, ctx):
    connector = WooCommerceConnector(settings)
    page = connector.handle_install("connect", InboundRequest("GET", "/woocommerce/connect"), ctx)
    assert 'name="store_url"' in page.html
    bad = connector.handle_install(
        "connect", InboundRequest("POST", "/", form={"store_url": "javascript:alert(1)"}), ctx
    )
    assert bad.status == 400 and "alert(1)" in bad.html and "<script" not in bad.html
    assert normalise_store_url("shop.example.com/wp") == "https://shop.example.com/wp/"
    assert normalise_store_url("boutique-été.fr") == "https://boutique-été.fr/"
    # Names no lookup can resolve are the form's own error, not a 500 on the redirect to them.
    for typo in ("https://shop..example.com", "https://.shop.com", f"{'a' * 64}.com", "https://-shop.com"):
        assert normalise_store_url(typo) is None, typo
        answer = connector.handle_install(
            "connect", InboundRequest("POST", "/", form={"store_url": typo}), ctx
        )
        assert answer.status == 400 and "Enter your store" in answer.html


def test_full_sync_with_variations_and_incremental(settings, woo_fake, session):
    connector = WooCommerceConnector(settings)
    products = [p for page in connector.iter_products(session) for p in page.products]
    assert len(products) == 2000 and products[0].currency == "GBP"
    variable = next(p for p in products if p.platform_id == "1001")
    assert len(variable.variants) == 3 and variable.vendor and variable.product_type == "Sunglasses"
    newest = max(p.updated_at for p in products)
    woo_fake.update_product(1234, title="New name")
    changed = [p for page in connector.iter_products(session, since=newest) for p in page.products]
    assert [(p.platform_id, p.title) for p in changed] == [("1234", "New name")]


def test_a_product_with_more_variations_than_a_page_gets_them_all(settings, woo_fake, session):
    # Sizes × colours run past the REST maximum of 100 a page.
    product = woo_fake.products[1001]
    template = product.variants[0]
    product.variants = [
        catalog.Variant(template.id * 1000 + i, f"V{i}", f"SKU-{i}", "49.00", f"c{i}", in_stock=i == 130)
        for i in range(150)
    ]
    woo_fake.update_product(1001)
    connector = WooCommerceConnector(settings)
    first = next(p for p in next(connector.iter_products(session)).products if p.platform_id == "1001")
    assert len(first.variants) == 150 and first.in_stock is True  # the one in stock is on the second page


def test_429_mid_sync_and_resume(settings, woo_fake, session):
    connector = WooCommerceConnector(settings)
    woo_fake.inject("429", r"/products$", after=4, retry_after=0.2)
    pages = list(connector.iter_products(session))
    assert sum(len(p.products) for p in pages) == 2000 and connector.http.waited_seconds >= 0.2
    resumed = [
        p for page in connector.iter_products(session, cursor=pages[10].next_cursor) for p in page.products
    ]
    assert len(resumed) == 2000 - 1100


def test_webhooks_registered_ping_and_signature(settings, woo_fake, session):
    connector = WooCommerceConnector(settings)
    registration = connector.register_webhooks(
        session, public_url="https://facet.test", merchant_key="pub123"
    )
    assert (
        len(registration.ids) == 5
        and not registration.withheld
        and session.changed
        and session.credentials["webhook_secret"]
    )
    assert {h["delivery_url"] for h in woo_fake.webhooks.values()} == {
        "https://facet.test/webhooks/woocommerce/pub123"
    }
    ping = woo_fake.pings[0]
    event = connector.parse_webhook(
        InboundRequest("POST", ping.path, headers=ping.headers, body=ping.body), session
    )
    assert event.kind is WebhookKind.PING
    [good] = woo_fake.deliveries("product.updated", woo_fake.rest_product(1001))
    event = connector.parse_webhook(
        InboundRequest("POST", good.path, headers=good.headers, body=good.body), session
    )
    assert event.kind is WebhookKind.PRODUCT_UPSERT and len(event.product.variants) == 3
    [bad] = woo_fake.deliveries("product.updated", woo_fake.rest_product(1001), secret="wrong")
    with pytest.raises(AuthError):
        connector.parse_webhook(InboundRequest("POST", bad.path, headers=bad.headers, body=bad.body), session)
    unsigned = InboundRequest(
        "POST", good.path, headers={"X-WC-Webhook-Topic": "product.deleted"}, body=b'{"id":1001}'
    )
    with pytest.raises(AuthError):
        connector.parse_webhook(unsigned, session)
    with pytest.raises(NotFound):
        connector.parse_webhook(unsigned, None)
    connector.uninstall(session)
    assert woo_fake.webhooks == {}


def test_revoked_keys_raise_auth_error(settings, woo_fake, session):
    woo_fake.revoke_keys()
    with pytest.raises(AuthError):
        next(WooCommerceConnector(settings).iter_products(session))


def test_every_category_a_product_sits_in_is_kept_and_read() -> None:
    from connectors.woocommerce.catalog import product_from_rest
    from inference.catalog import detect_category
    from plugin_api.jobs.catalog_upsert import plain_text

    rest = {
        "id": 7,
        "name": "Aviator Classic",
        "status": "publish",
        "categories": [{"id": 3, "name": "Accessories"}, {"id": 9, "name": "Sunglasses"}],
        "short_description": "<p>Lens width 58&nbsp;mm,<br/>bridge 14&nbsp;mm</p>",
    }
    product = product_from_rest(rest, "GBP")
    assert product.product_type == "Accessories / Sunglasses"
    assert detect_category(title=product.title, product_type=product.product_type).category == "sunglasses"
    assert plain_text(product.description) == "Lens width 58 mm, bridge 14 mm"


def test_spec_attributes_give_a_frame_its_size() -> None:
    from connectors.woocommerce.catalog import product_from_rest
    from inference.catalog import ProductInfo
    from inference.catalog.features import _frame_size

    rest = {
        "id": 8,
        "name": "Milo",
        "status": "publish",
        "categories": [{"id": 9, "name": "Eyeglasses"}],
        "attributes": [
            {"name": "Brand", "options": ["Lumen"], "variation": False},
            {"name": "Frame size", "options": ["52-18-140"], "variation": False},
            {"name": "Color", "options": ["Black", "Tortoise"], "variation": True},
        ],
    }
    product = product_from_rest(rest, "GBP")
    assert product.attributes == {"Frame size": "52-18-140"} and product.vendor == "Lumen"
    size = _frame_size(ProductInfo(title=product.title, attributes=product.attributes))
    assert (size["lens_mm"], size["bridge_mm"], size["temple_mm"]) == (52, 18, 140)
