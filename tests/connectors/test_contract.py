"""One contract, every registered connector: the same checks against each platform's fake server over HTTP.

For each of `connectors.registry.PLATFORMS`: connect (the platform's own install flow), read a first page of
products with the same `CatalogProduct` facts filled, learn of a product change the platform's way (a
verified webhook where it has them, the incremental poll where it has not), and uninstall, which says
whether the store still lists Facet. Small fake catalogs keep it fast; each platform's own test module
(whose install helpers this reuses) covers the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from connectors import (
    PLATFORMS,
    AuthError,
    CatalogProduct,
    Connector,
    ConnectorSettings,
    InboundRequest,
    InstallContext,
    StoreSession,
    WebhookKind,
    get_connector,
)
from connectors.cart import add_to_cart
from connectors.registry import connector_class, orders_show_facet_items
from connectors.shopify.connector import STATE_COOKIE
from tests.connectors import test_magento, test_shopify, test_woocommerce
from tests.connectors.conftest import FAST_RETRY
from tests.fakes.magento import FakeMagento
from tests.fakes.memory import MemoryPending
from tests.fakes.shopify import FakeShopify
from tests.fakes.woocommerce import FakeWooCommerce

PUBLIC_URL = "https://facet.test"
PRODUCTS = 30  # paging is each platform's own tests' business; the facts of a first page are this one's
CHANGED = 1002  # the product whose title the merchant changes


@dataclass
class Store:
    """One platform's fake store, connected to Facet, and how this platform tells Facet of a change."""

    connector: Connector
    session: StoreSession
    # Change CHANGED's title on the store to `title`; returns what Facet learns of it, or raises AuthError
    # when the notice is forged (`forged=True`: a platform without notices has nothing to forge: None).
    learn_change: Callable[[str, bool], CatalogProduct | None]
    # Whether the store's admin still lists Facet (the app, the plugin's key, the integration).
    lists_facet: Callable[[], bool]


def _shopify(ctx: InstallContext) -> Iterator[Store]:
    fake = FakeShopify(products=PRODUCTS, bucket_max=20000, restore_rate=20000).start()
    try:
        connector = get_connector("shopify", _settings(fake))
        state, callback = test_shopify.install(connector, fake, ctx)
        request = test_shopify._req("/shopify/callback", callback, cookies={STATE_COOKIE: state})
        done = connector.handle_install("callback", request, ctx)
        session = StoreSession(done.result.store, done.result.credentials)
        connector.register_webhooks(session, public_url=PUBLIC_URL, merchant_key="pub123")

        def learn_change(title: str, forged: bool) -> CatalogProduct | None:
            fake.update_product(CHANGED, title=title)
            secret = "attacker" if forged else None
            delivery = fake.deliver("products/update", fake.rest_product(CHANGED), secret=secret)
            return _parsed(connector, session, delivery)

        yield Store(connector, session, learn_change, lambda: fake.app_installed)
    finally:
        fake.stop()


def _woocommerce(ctx: InstallContext) -> Iterator[Store]:
    fake = FakeWooCommerce(products=PRODUCTS).start()
    try:
        connector = get_connector("woocommerce", _settings())
        delivery = test_woocommerce.connect(connector, fake, ctx)
        request = InboundRequest("POST", "/woocommerce/callback", body=delivery.body)
        done = connector.handle_install("callback", request, ctx)
        session = StoreSession(done.result.store, done.result.credentials)
        connector.register_webhooks(session, public_url=PUBLIC_URL, merchant_key="pub123")

        def learn_change(title: str, forged: bool) -> CatalogProduct | None:
            fake.update_product(CHANGED, title=title)
            secret = "wrong" if forged else None
            [delivery] = fake.deliveries("product.updated", fake.rest_product(CHANGED), secret=secret)
            return _parsed(connector, session, delivery)

        yield Store(connector, session, learn_change, lambda: bool(fake.keys))
    finally:
        fake.stop()


def _magento(ctx: InstallContext) -> Iterator[Store]:
    fake = FakeMagento(products=PRODUCTS).start()
    try:
        connector = get_connector("magento", _settings())
        done = connector.handle_install("identity", test_magento.activate(connector, fake, ctx), ctx)
        session = StoreSession(done.result.store, done.result.credentials)

        def learn_change(title: str, forged: bool) -> CatalogProduct | None:
            if forged:
                return None  # no notices: nothing anyone could forge, the poll reads the store itself
            newest = max(p.updated_at for page in connector.iter_products(session) for p in page.products)
            fake.update_product(CHANGED, title=title)
            [changed] = [p for page in connector.iter_products(session, since=newest) for p in page.products]
            return changed

        yield Store(connector, session, learn_change, lambda: bool(fake.access_tokens))
    finally:
        fake.stop()


STORES: dict[str, Callable[[InstallContext], Iterator[Store]]] = {
    "shopify": _shopify,
    "woocommerce": _woocommerce,
    "magento": _magento,
}


def _settings(shopify: FakeShopify | None = None) -> ConnectorSettings:
    keys: dict[str, Any] = {}
    if shopify is not None:
        keys = {
            "shopify_api_key": shopify.api_key,
            "shopify_api_secret": shopify.api_secret,
            "shopify_api_base_url": shopify.url,
        }
    return ConnectorSettings(public_url=PUBLIC_URL, retry=FAST_RETRY, allow_private_hosts=True, **keys)


def _parsed(connector: Connector, session: StoreSession, delivery: Any) -> CatalogProduct | None:
    request = InboundRequest("POST", delivery.path, headers=delivery.headers, body=delivery.body)
    event = connector.parse_webhook(request, session)
    assert event.kind is WebhookKind.PRODUCT_UPSERT
    return event.product


def test_every_registered_platform_has_a_contract_here() -> None:
    assert sorted(STORES) == sorted(PLATFORMS)


@pytest.fixture(params=PLATFORMS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    ctx = InstallContext(public_url=PUBLIC_URL, pending=MemoryPending())
    yield from STORES[request.param](ctx)


def test_a_connected_store_yields_a_first_page_of_products_with_the_same_facts(store: Store) -> None:
    assert isinstance(store.connector, Connector)
    assert store.session.store and store.session.credentials
    page = next(store.connector.iter_products(store.session))
    assert page.products
    ids = [int(p.platform_id) for p in page.products]
    assert ids == sorted(ids) and ids[0] == 1001  # id order: a full sync notices deletions page by page
    for product in page.products:
        assert isinstance(product, CatalogProduct)
        assert product.title and product.url and product.url.startswith("http")
        assert isinstance(product.price, Decimal) and product.price > 0
        assert product.currency and len(product.currency) == 3
        assert product.image_urls and all(u.startswith("http") for u in product.image_urls)
        assert isinstance(product.updated_at, datetime) and product.updated_at.utcoffset() is not None
        assert product.active and product.in_stock in (True, False, None)


def test_a_product_change_reaches_facet_verified_or_polled(store: Store) -> None:
    changed = store.learn_change("Renamed by the merchant", False)
    assert changed is not None
    assert (changed.platform_id, changed.title) == (str(CHANGED), "Renamed by the merchant")
    if not store.connector.needs_polling:
        with pytest.raises(AuthError):  # a notice signed with anything but the store's secret is refused
            store.learn_change("Forged", True)


def test_uninstall_says_whether_the_store_still_lists_facet(store: Store) -> None:
    assert store.lists_facet()
    removed = store.connector.uninstall(store.session)
    assert type(removed) is bool
    assert removed is not store.lists_facet()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_add_to_cart_and_the_order_mark_come_from_the_connector(platform: str) -> None:
    cls = connector_class(platform)
    product = {"platform_product_id": "1001", "url": "https://shop.example/p/1001"}
    own = cls.cart_action(store_url="https://shop.example", product=product, variant={"id": "2002"})
    action = add_to_cart(platform, store_url="https://shop.example", product=product, variant={"id": "2002"})
    # The connector's own add where it has one, else the product page.
    assert action == (own or {"method": "LINK", "url": product["url"], "kind": "product_page"})
    assert orders_show_facet_items(platform) is cls.marks_orders
    if cls.marks_orders:  # the mark rides on the add itself
        assert action["fields"]["properties[_facet]"] == "added with Facet"
