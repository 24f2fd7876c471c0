"""Magento connector against the fake Magento over real HTTP (OAuth1 HMAC-SHA256 everywhere)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from connectors import AuthError, InboundRequest, NotFound, StoreSession, WebhookRegistration
from connectors.magento import MagentoConnector
from connectors.magento.oauth import oauth_auth
from tests.fakes.magento import FakeMagento


def activate(connector, fake, ctx):
    form, identity = fake.activate("https://facet.test/magento/identity")
    answer = connector.handle_install("callback", InboundRequest("POST", "/magento/callback", form=form), ctx)
    assert answer.status == 200
    query = urlsplit(identity).query
    return InboundRequest("GET", "/magento/identity", query, dict(parse_qsl(query)))


@pytest.fixture
def session(settings, magento_fake, ctx):
    connector = MagentoConnector(settings)
    done = connector.handle_install("identity", activate(connector, magento_fake, ctx), ctx)
    return StoreSession(done.result.store, done.result.credentials)


def test_activation_and_identity_exchange(settings, magento_fake, ctx):
    connector = MagentoConnector(settings)
    identity = activate(connector, magento_fake, ctx)
    done = connector.handle_install("identity", identity, ctx)
    # No redirect: the app shows its connected page, with the way back to Magento's success callback.
    assert done.status == 200 and done.redirect is None and done.html is None
    assert done.back_url == f"{magento_fake.base_url}admin/admin/integration/loginSuccessCallback/"
    assert "lists the Facet integration as active" in done.next_steps  # the connected page's next step
    assert set(done.result.credentials) == {
        "consumer_key",
        "consumer_secret",
        "access_token",
        "access_token_secret",
    }
    assert done.result.credentials["access_token"] in magento_fake.access_tokens
    with pytest.raises(AuthError):  # single use
        connector.handle_install("identity", identity, ctx)


def test_a_store_with_its_admin_on_another_domain_can_connect_and_links_keep_the_store_code(settings, ctx):
    fake = FakeMagento(products=3, admin_url="https://admin.store-backend.example/", store_code_in_urls=True)
    fake.start()
    try:
        connector = MagentoConnector(settings)
        done = connector.handle_install("identity", activate(connector, fake, ctx), ctx)
        assert done.back_url == "https://admin.store-backend.example/admin/integration/loginSuccessCallback/"
        session = StoreSession(done.result.store, done.result.credentials)
        first = next(connector.iter_products(session)).products[0]
    finally:
        fake.stop()
    assert first.url == f"{fake.base_url}default/round-black-sunglasses-1001.html"
    assert first.image_urls[0].startswith(f"{fake.base_url}media/catalog/product/")


def test_identity_rejects_foreign_callback(settings, magento_fake, ctx):
    connector = MagentoConnector(settings)
    identity = activate(connector, magento_fake, ctx)
    args = dict(identity.args, success_call_back="https://evil.example/steal")
    with pytest.raises(AuthError):
        connector.handle_install("identity", InboundRequest("GET", "/magento/identity", "", args), ctx)


def test_full_sync_images_urls_and_incremental(settings, magento_fake, session):
    connector = MagentoConnector(settings)
    products = [p for page in connector.iter_products(session) for p in page.products]
    assert len(products) == 2000 and products[0].currency == "USD"
    first = products[0]
    assert first.url == f"{magento_fake.base_url}round-black-sunglasses-1001.html"
    assert (
        first.image_urls[0]
        == f"{magento_fake.base_url}media/catalog/product/r/o/round-black-sunglasses-1001-1.jpg"
    )
    assert first.product_type == "Sunglasses"
    newest = max(p.updated_at for p in products)
    magento_fake.update_product(1999, title="Changed")
    changed = [p for page in connector.iter_products(session, since=newest) for p in page.products]
    assert [(p.platform_id, p.title) for p in changed] == [("1999", "Changed")]


def test_429_and_drop_mid_sync(settings, magento_fake, session):
    connector = MagentoConnector(settings)
    magento_fake.inject("429", "products", after=3, retry_after=0.2)
    magento_fake.inject("drop", "products", after=8)
    assert sum(len(p.products) for p in connector.iter_products(session)) == 2000
    assert connector.http.waited_seconds >= 0.2


def test_fake_refuses_sha1_and_bad_signatures(magento_fake, session):
    c = session.credentials
    url = f"{session.store}rest/V1/store/storeConfigs"
    good = oauth_auth(c["consumer_key"], c["consumer_secret"], c["access_token"], c["access_token_secret"])
    assert requests.get(url, auth=good, timeout=5).status_code == 200
    from authlib.integrations.requests_client import OAuth1Auth

    sha1 = OAuth1Auth(
        c["consumer_key"],
        c["consumer_secret"],
        token=c["access_token"],
        token_secret=c["access_token_secret"],
    )
    assert b"signature_method_rejected" in requests.get(url, auth=sha1, timeout=5).content
    wrong = oauth_auth(c["consumer_key"], "nope", c["access_token"], c["access_token_secret"])
    assert requests.get(url, auth=wrong, timeout=5).status_code == 401


def test_no_webhooks(settings, session):
    connector = MagentoConnector(settings)
    assert (
        connector.needs_polling
        and connector.register_webhooks(session, public_url="x", merchant_key="y") == WebhookRegistration()
    )
    with pytest.raises(NotFound):
        connector.parse_webhook(InboundRequest("POST", "/webhooks/magento"), session)


def _synced(settings, fake, ctx) -> dict[str, object]:
    connector = MagentoConnector(settings)
    done = connector.handle_install("identity", activate(connector, fake, ctx), ctx)
    session = StoreSession(done.result.store, done.result.credentials)
    return {p.platform_id: p for page in connector.iter_products(session) for p in page.products}


@pytest.mark.parametrize(
    ("msi", "granted", "own_stock"),
    [(True, True, True), (True, True, False), (False, True, True), (True, False, True)],
    ids=["msi-website-stock", "msi-default-stock", "inventory-disabled", "inventory-not-granted"],
)
def test_stock_is_read_where_magento_keeps_it(settings, ctx, msi, granted, own_stock):
    # The product list carries no stock_item (magento/magento2#36533): sold-out products must not pass as in
    # stock, whether the store runs MSI (with a stock of its own or the default one), has the Inventory
    # modules disabled, or did not grant them. The fake checks signatures in Magento's own parameter order.
    fake = FakeMagento(products=40, msi=msi, inventory_granted=granted, own_stock=own_stock).start()
    try:
        products = _synced(settings, fake, ctx)
    finally:
        fake.stop()
    sold_out = {str(p.id) for p in fake.products.values() if not p.in_stock}
    assert sold_out == {"1001", "1018", "1035"}
    assert {pid for pid, p in products.items() if p.in_stock is False} == sold_out
    assert all(p.in_stock is True for pid, p in products.items() if pid not in sold_out)
    salable = [path for _, path in fake.request_log if "are-products-salable" in path]
    per_sku = [path for _, path in fake.request_log if "stockItems" in path]
    # MSI: a salable check per 10 SKUs, against the website's stock; otherwise one legacy read per SKU (after
    # the one salable check a store without Inventory answers 404).
    expected = (4, 0) if msi and granted else (0 if msi else 1, 40)
    assert (len(salable), len(per_sku)) == expected


def test_a_salable_check_the_store_fails_leaves_that_stock_unknown_and_the_sync_goes_on(settings, ctx):
    fake = FakeMagento(products=40).start()
    fake.inject("500", "are-products-salable", after=0, times=5)  # outlasts the retries for the first 10
    try:
        products = _synced(settings, fake, ctx)
    finally:
        fake.stop()
    assert len(products) == 40
    first_ten = [str(pid) for pid in sorted(fake.products)[:10]]
    assert all(products[pid].in_stock is None for pid in first_ten)  # unknown: the stored value is kept
    assert products["1018"].in_stock is False and products["1035"].in_stock is False  # later chunks read


def test_configurable_products_are_priced_and_stocked_by_their_children(settings, ctx):
    fake = FakeMagento(products=30, variable_every=5).start()
    for variant in fake.products[1006].variants:  # every colour of this one sold out
        variant.in_stock = False
    try:
        products = _synced(settings, fake, ctx)
    finally:
        fake.stop()
    parent, source = products["1001"], fake.products[1001]
    assert parent.price == min(Decimal(v.price) for v in source.variants) > 0  # listed at 0 by Magento
    assert [v["sku"] for v in parent.variants] == [v.sku for v in source.variants]
    assert [v["available"] for v in parent.variants] == [False, True, True]
    assert parent.in_stock is True and parent.active
    assert products["1006"].in_stock is False
    child = products[str(source.variants[1].id)]
    assert not child.active  # not visible individually: never recommended on its own
    assert sum(p.active for p in products.values()) == 30


def test_a_configurable_product_whose_children_cannot_be_read_keeps_unknown_stock(settings, ctx):
    # A SKU with a `/` that the store's web server refuses encoded answers 404: not "sold out".
    fake = FakeMagento(products=10, variable_every=5).start()
    fake.inject("404", "configurable-products/CFG-1001", times=1)
    try:
        products = _synced(settings, fake, ctx)
    finally:
        fake.stop()
    assert products["1001"].in_stock is None and products["1001"].price is None and products["1001"].active
    assert products["1006"].in_stock is True and products["1006"].price  # its children were read


def test_categories_are_paged_within_the_stores_input_limits(settings, ctx):
    fake = FakeMagento(products=5, max_page_size=300).start()
    try:
        products = _synced(settings, fake, ctx)
    finally:
        fake.stop()
    assert products["1001"].product_type == "Sunglasses"
    category_pages = [path for _, path in fake.request_log if "categories/list" in path]
    assert len(category_pages) == 2  # 407 categories, 300 a page


def test_every_category_a_product_is_linked_to_is_kept() -> None:
    from connectors.magento.catalog import product_from_item
    from inference.catalog import detect_category

    item = {
        "id": 12,
        "sku": "AV-1",
        "name": "Aviator Classic",
        "status": 1,
        "visibility": 4,
        "type_id": "simple",
        "price": 120,
        "extension_attributes": {
            "category_links": [{"category_id": "3"}, {"category_id": "9"}, {"category_id": "3"}]
        },
        "custom_attributes": [],
    }
    store = {"categories": {"3": "Accessories", "9": "Sunglasses"}, "currency": "EUR"}
    product = product_from_item(item, store, stock={"AV-1": True})
    assert product.product_type == "Accessories / Sunglasses"
    assert detect_category(title=product.title, product_type=product.product_type).category == "sunglasses"


def test_measurement_attributes_give_a_frame_its_size() -> None:
    from connectors.magento.catalog import product_from_item
    from inference.catalog import ProductInfo
    from inference.catalog.features import _frame_size

    item = {
        "id": 13,
        "sku": "MILO",
        "name": "Milo",
        "status": 1,
        "visibility": 4,
        "type_id": "simple",
        "price": 90,
        "custom_attributes": [
            {"attribute_code": "url_key", "value": "milo"},
            {"attribute_code": "color", "value": "49"},  # a select attribute's option id: not read
            {"attribute_code": "lens_width", "value": "52"},
            {"attribute_code": "bridge_width", "value": "18"},
            {"attribute_code": "temple_length", "value": "140"},
        ],
    }
    product = product_from_item(item, {"categories": {}, "currency": "EUR"}, stock={"MILO": True})
    assert product.attributes == {"lens_width": "52", "bridge_width": "18", "temple_length": "140"}
    size = _frame_size(ProductInfo(title=product.title, attributes=product.attributes))
    assert (size["lens_mm"], size["bridge_mm"], size["temple_mm"]) == (52, 18, 140)
