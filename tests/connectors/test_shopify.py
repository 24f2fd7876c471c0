"""Shopify connector against the fake Shopify over real HTTP (nothing patched)."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest

from connectors import AuthError, InboundRequest, StoreSession, WebhookKind
from connectors.shopify import ShopifyConnector, sign_webhook, valid_shop_domain, verify_query_hmac
from connectors.shopify.catalog import PAGE_SIZE
from connectors.shopify.connector import STATE_COOKIE
from connectors.shopify.signing import sanitize_shop_domain
from tests.fakes import catalog

DOC_SECRET = "hush"


def test_documented_hmac_example_verifies():
    # shopify.dev OAuth "verify a request" example (also quoted in hexdocs shopify_oauth / exshopify).
    query = (
        "code=0907a61c0c8d55e99db179b68161bc00&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf"
        "&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173"
    )
    assert verify_query_hmac(query, DOC_SECRET, max_age=None)
    without_state = (
        "code=0907a61c0c8d55e99db179b68161bc00&hmac=4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20"
        "&shop=some-shop.myshopify.com&timestamp=1337178173"
    )
    assert verify_query_hmac(without_state, DOC_SECRET, max_age=None)
    assert not verify_query_hmac(query.replace("some-shop", "evil-shop"), DOC_SECRET, max_age=None)
    assert not verify_query_hmac(query, "wrong", max_age=None)
    # The 2012 timestamp is stale: with the freshness check on, the same signature is refused.
    assert not verify_query_hmac(query, DOC_SECRET, max_age=90)
    assert verify_query_hmac(query, DOC_SECRET, max_age=90, now=1337178173 + 30)


def test_webhook_hmac_is_base64_of_raw_body():
    body = b'{"id":1,"title":"x"}'
    sig = sign_webhook(body, "s3cret")
    assert sig.endswith("=") and len(sig) == 44
    assert sign_webhook(body + b" ", "s3cret") != sig


@pytest.mark.parametrize(
    ("shop", "ok"),
    [
        ("Facet-Test.myshopify.com", "facet-test.myshopify.com"),
        ("https://a1.myshopify.com/", "a1.myshopify.com"),
        ("evil.com", None),
        ("a.myshopify.com.evil.com", None),
        ("x.myshopify.com/../admin", None),
        ("user@x.myshopify.com", None),
        ("", None),
        (None, None),
        # U+FF03 (full-width `#`) NFKC-normalises to `#`: the URL parser refuses the host; no shop, no crash.
        ("a\uff03b.myshopify.com", None),
    ],
)
def test_shop_domain_validation(shop, ok):
    assert valid_shop_domain(shop) == ok


# ShopifyAPI's own vectors for `sanitize_shop_domain` (test/utils/shop_url_test.py), which Facet inlines.
SDK_GOOD = [
    "my-shop",
    "my-shop.myshopify.com",
    "http://my-shop.myshopify.com",
    "https://my-shop.myshopify.com",
]
SDK_BAD = [
    "myshop.com",
    "myshopify.com",
    "shopify.com",
    "two words",
    "store.myshopify.com.evil.com",
    "/foo/bar",
    "/foo.myshopify.io.evil.ru",
    "%0a123.myshopify.io ",
    "foo.bar.myshopify.io",
]


@pytest.mark.parametrize("shop", SDK_GOOD)
def test_sanitizer_keeps_the_sdks_good_shop_domains(shop):
    assert sanitize_shop_domain(shop) == "my-shop.myshopify.com"
    custom = shop.replace("myshopify.com", "myshopify.io")
    assert sanitize_shop_domain(custom, "myshopify.io") == "my-shop.myshopify.io"


@pytest.mark.parametrize("shop", [*SDK_BAD, None])
def test_sanitizer_refuses_the_sdks_bad_shop_domains(shop):
    assert sanitize_shop_domain(shop) is None


def _req(path: str, query: str, **kw) -> InboundRequest:
    return InboundRequest("GET", path, query, dict(parse_qsl(query)), **kw)


def install(connector, fake, ctx):
    start = connector.handle_install("install", _req("/shopify/install", fake.signed_query()), ctx)
    assert start.status == 302 and "/admin/oauth/authorize?" in start.redirect
    state = start.set_cookies[STATE_COOKIE][0]
    callback = urlsplit(fake.approve(start.redirect)).query
    return state, callback


def test_install_exchanges_code_for_expiring_token(settings, shopify_fake, ctx):
    connector = ShopifyConnector(settings)
    state, callback = install(connector, shopify_fake, ctx)
    with pytest.raises(AuthError):  # another browser (no/other cookie) cannot finish the install
        connector.handle_install(
            "callback", _req("/shopify/callback", callback, cookies={STATE_COOKIE: "x" * 64}), ctx
        )
    done = connector.handle_install(
        "callback", _req("/shopify/callback", callback, cookies={STATE_COOKIE: state}), ctx
    )
    creds = done.result.credentials
    assert done.result.store == shopify_fake.shop
    assert creds["access_token"].startswith("shpat_") and creds["refresh_token"].startswith("shprt_")
    assert creds["expires_at"] > time.time() + 3000
    assert "App embeds" in done.next_steps  # the connected page's next step
    with pytest.raises(AuthError):  # state is single-use
        connector.handle_install(
            "callback", _req("/shopify/callback", callback, cookies={STATE_COOKIE: state}), ctx
        )


def test_install_rejects_bad_hmac_and_foreign_shop(settings, shopify_fake, ctx):
    connector = ShopifyConnector(settings)
    query = shopify_fake.signed_query()
    with pytest.raises(AuthError):
        connector.handle_install("install", _req("/shopify/install", query.replace("hmac=", "hmac=0")), ctx)
    evil = shopify_fake.signed_query(shop="evil.com")
    with pytest.raises(AuthError):
        connector.handle_install("install", _req("/shopify/install", evil), ctx)
    stale = shopify_fake.signed_query(timestamp=str(int(time.time()) - 3600))
    with pytest.raises(AuthError):
        connector.handle_install("install", _req("/shopify/install", stale), ctx)


@pytest.fixture
def session(settings, shopify_fake, ctx):
    connector = ShopifyConnector(settings)
    state, callback = install(connector, shopify_fake, ctx)
    done = connector.handle_install(
        "callback", _req("/shopify/callback", callback, cookies={STATE_COOKIE: state}), ctx
    )
    return StoreSession(done.result.store, done.result.credentials)


def test_a_product_with_more_variants_than_a_page_carries_gets_them_all(settings, shopify_fake, session):
    # A foundation in 40 shades: each shade is a variant the shopper can be matched to.
    foundation = shopify_fake.products[1005]
    template = foundation.variants[0]
    foundation.variants = [
        catalog.Variant(
            id=template.id * 100 + i,
            title=f"Shade {i}",
            sku=f"F-{i}",
            price=f"{30 + i}.00",
            colour=f"shade-{i}",
            in_stock=i == 37,  # only a shade beyond the first page is in stock
        )
        for i in range(40)
    ]
    connector = ShopifyConnector(settings)
    first_page = next(connector.iter_products(session)).products
    product = next(p for p in first_page if p.platform_id == "1005")
    assert [v["title"] for v in product.variants] == [f"Shade {i}" for i in range(40)]
    assert product.in_stock is True and product.price == Decimal("30.00")
    variant_queries = [body for body in shopify_fake.graphql_log if "FacetVariants" in body]
    assert len(variant_queries) == 1  # 10 with the page, the other 30 in one more request


def test_a_password_protected_shop_keeps_its_catalog(settings, shopify_fake, session):
    # Before launch every shop asks for a password and `onlineStoreUrl` reads null: not "unpublished".
    shopify_fake.password_protected = True
    shopify_fake.products[1002].published = False
    page = next(ShopifyConnector(settings).iter_products(session)).products
    active = {p.platform_id: p.active for p in page}
    assert active["1001"] is True and active["1002"] is False
    first = next(p for p in page if p.platform_id == "1001")
    assert first.url == f"https://{shopify_fake.shop}/products/{shopify_fake.products[1001].handle}"


def test_full_then_incremental_sync(settings, shopify_fake, session):
    connector = ShopifyConnector(settings)
    products = [p for page in connector.iter_products(session) for p in page.products]
    assert len(products) == 2000 and len({p.platform_id for p in products}) == 2000
    first = products[0]
    assert first.platform_id == "1001" and first.currency == "EUR" and first.image_urls and first.variants
    newest = max(p.updated_at for p in products)
    shopify_fake.update_product(1500, title="Renamed aviator")
    pages = list(connector.iter_products(session, since=newest))
    changed = [p for page in pages for p in page.products]
    assert [(p.platform_id, p.title) for p in changed] == [("1500", "Renamed aviator")]
    # The shop's custom storefront domain comes with the catalog: the widget is allowed there too.
    assert pages[0].storefront_origins == [shopify_fake.primary_domain]


def test_resume_from_cursor(settings, shopify_fake, session):
    connector = ShopifyConnector(settings)
    pages = connector.iter_products(session)
    first = next(pages)
    rest = [p for page in connector.iter_products(session, cursor=first.next_cursor) for p in page.products]
    assert len(first.products) + len(rest) == 2000 and rest[0].platform_id == str(1001 + PAGE_SIZE)


def test_429_and_throttled_are_waited_out(settings, shopify_fake, session):
    connector = ShopifyConnector(settings)
    shopify_fake.inject("429", "graphql", after=5, retry_after=0.3)
    shopify_fake.inject("throttled", "graphql", after=10)
    products = [p for page in connector.iter_products(session) for p in page.products]
    assert len(products) == 2000
    assert shopify_fake.throttled_count == 1
    assert connector.http.waited_seconds >= 0.3


def test_dropped_connection_is_retried(settings, shopify_fake, session):
    connector = ShopifyConnector(settings)
    shopify_fake.inject("drop", "graphql", after=3)
    assert sum(len(page.products) for page in connector.iter_products(session)) == 2000


def test_expired_token_is_refreshed_transparently(settings, shopify_fake, session):
    connector = ShopifyConnector(settings)
    old = session.credentials["access_token"]
    shopify_fake.expire_tokens()  # the shop says the token is dead before our clock does
    assert len(next(connector.iter_products(session)).products) == PAGE_SIZE
    assert session.changed and session.credentials["access_token"] != old
    # And a token our own clock knows is about to expire is refreshed before use.
    session.changed = False
    session.credentials["expires_at"] = time.time() + 10
    next(connector.iter_products(session))
    assert session.changed


def test_register_webhooks_is_idempotent(settings, shopify_fake, session):
    connector = ShopifyConnector(settings)
    registration = connector.register_webhooks(session, public_url="https://facet.test", merchant_key="m")
    assert len(registration.ids) == 5 and registration.withheld == {}
    again = connector.register_webhooks(session, public_url="https://facet.test", merchant_key="m")
    assert again.ids == [] and again.withheld == {}
    assert {s["callbackUrl"] for s in shopify_fake.subscriptions} == {"https://facet.test/webhooks/shopify"}


def test_an_app_without_protected_data_approval_still_gets_its_catalog_webhooks(
    settings, shopify_fake, session
):
    shopify_fake.protected_data_approved = False
    connector = ShopifyConnector(settings)
    registration = connector.register_webhooks(session, public_url="https://facet.test", merchant_key="m")
    assert len(registration.ids) == 4
    assert {s["topic"] for s in shopify_fake.subscriptions} == {
        "PRODUCTS_CREATE",
        "PRODUCTS_UPDATE",
        "PRODUCTS_DELETE",
        "APP_UNINSTALLED",
    }
    # Reported, in Shopify's words, so the dashboard can say why it counts no orders.
    assert list(registration.withheld) == [WebhookKind.ORDER_CREATED]
    assert "not approved" in registration.withheld[WebhookKind.ORDER_CREATED]


def test_webhook_parsing_and_bad_signature(settings, shopify_fake):
    connector = ShopifyConnector(settings)
    shopify_fake.subscriptions.append(
        {"id": "1", "topic": "PRODUCTS_UPDATE", "callbackUrl": "https://facet.test/webhooks/shopify"}
    )
    delivery = shopify_fake.deliver("products/update", shopify_fake.rest_product(1002))
    request = InboundRequest("POST", delivery.path, headers=delivery.headers, body=delivery.body)
    event = connector.parse_webhook(request, None)
    assert event.kind is WebhookKind.PRODUCT_UPSERT and event.product.platform_id == "1002"
    assert event.store == shopify_fake.shop and event.delivery_id
    forged = shopify_fake.deliver("products/update", shopify_fake.rest_product(1002), secret="attacker")
    with pytest.raises(AuthError):
        connector.parse_webhook(
            InboundRequest("POST", forged.path, headers=forged.headers, body=forged.body), None
        )


def test_incremental_filter_uses_utc_timestamp(settings, shopify_fake, session):
    connector = ShopifyConnector(settings)
    products = list(next(connector.iter_products(session)).products)
    since = products[-1].updated_at - timedelta(seconds=1)
    later = [p for page in connector.iter_products(session, since=since) for p in page.products]
    assert later[0].platform_id == products[-1].platform_id


def test_bulk_operation_import_for_big_shops(settings, shopify_fake, session):
    from dataclasses import replace

    bulk_settings = replace(settings, shopify_bulk_min_products=1000, shopify_bulk_poll_seconds=0.01)
    connector = ShopifyConnector(bulk_settings)
    pages = list(connector.iter_products(session))
    products = [p for page in pages for p in page.products]
    assert len(pages) == 8 and len(products) == 2000
    ids = [int(p.platform_id) for p in products]
    assert ids == sorted(ids) and ids[0] == 1001  # the JSONL comes newest-first; Facet pages in id order
    first = products[0]
    # Its two photos and each colour variant's own; each variant knows its photo (a shade's swatch).
    assert len(first.variants) == 3 and len(first.image_urls) == 5 and first.currency == "EUR"
    assert all(v["image_url"] in first.image_urls for v in first.variants)
    assert pages[0].storefront_origins == [shopify_fake.primary_domain]
    paging = ShopifyConnector(settings).iter_products(session)
    paged = {p.platform_id: p for page in paging for p in page.products}
    assert all(paged[p.platform_id] == p for p in products)  # same facts as cursor paging
    rest = connector.iter_products(session, cursor=pages[2].next_cursor)
    resumed = [p for page in rest for p in page.products]
    assert len(resumed) == 2000 - 750 and len(shopify_fake.bulk_results) == 1  # re-reads, no new bulk run


def test_a_webhook_carries_the_same_product_facts_as_the_catalog_read(settings, shopify_fake, session):
    """A products/update body is REST-shaped: option names sit on the product, a variant's photo is an
    `image_id`. Mapped to other facts than the GraphQL read gives, every webhook would look like a change and
    a shade would lose its swatch."""
    from connectors.shopify.catalog import product_from_rest

    read = {
        p.platform_id: p for page in ShopifyConnector(settings).iter_products(session) for p in page.products
    }
    hooked = product_from_rest(shopify_fake.rest_product(1001), shopify_fake.shop)
    graphql = read["1001"]
    # (Stock aside: REST bodies cannot say whether an untracked variant's 0 means sold out; see
    # `rest_variant_available`.)
    assert [{**v, "available": None} for v in hooked.variants] == [
        {**v, "available": None} for v in graphql.variants
    ]
    assert graphql.variants[0]["options"] == {"Color": "black"} and graphql.variants[0]["image_url"]
    fields = ("title", "product_type", "tags", "image_urls", "description", "price", "in_stock")
    assert {f: getattr(hooked, f) for f in fields} == {f: getattr(graphql, f) for f in fields}


SPEC_METAFIELDS = {
    "custom.lens_width": ("number_integer", "52"),
    "custom.bridge_width": ("dimension", '{"value": 1.8, "unit": "CENTIMETERS"}'),
    "custom.temple_length": ("single_line_text_field", "140 mm"),
    "custom.care": ("rich_text_field", '{"type": "root", "children": []}'),  # a document: nothing to read
    "reviews.rating": ("rating", '{"value": "4.5", "scale_min": "1.0", "scale_max": "5.0"}'),
}
SPEC_ATTRIBUTES = {"lens width": "52", "bridge width": "18 mm", "temple length": "140 mm"}


def test_a_frames_measurements_kept_in_metafields_are_read_by_every_path(settings, shopify_fake, session):
    """Eyewear stores often keep lens, bridge and temple in the admin's own metafields, not in the title:
    the page read, the bulk import and the product webhooks all bring them, as text the size is read from."""
    from dataclasses import replace

    from connectors.shopify.catalog import product_from_rest
    from inference.catalog import parse_frame_size

    shopify_fake.products[1001].metafields = dict(SPEC_METAFIELDS)
    paged = next(ShopifyConnector(settings).iter_products(session)).products[0]
    assert paged.platform_id == "1001" and paged.attributes == SPEC_ATTRIBUTES
    assert next(ShopifyConnector(settings).iter_products(session)).products[1].attributes == {}

    bulk = ShopifyConnector(replace(settings, shopify_bulk_min_products=1, shopify_bulk_poll_seconds=0.01))
    assert next(bulk.iter_products(session)).products[0].attributes == SPEC_ATTRIBUTES

    ShopifyConnector(settings).register_webhooks(session, public_url="https://facet.test", merchant_key="m")
    hooked = product_from_rest(shopify_fake.rest_product(1001), shopify_fake.shop)
    assert hooked.attributes == SPEC_ATTRIBUTES

    size = parse_frame_size(f"{name}: {value}" for name, value in paged.attributes.items())
    assert size is not None and (size["lens_mm"], size["bridge_mm"], size["temple_mm"]) == (52, 18, 140)


def test_a_webhook_from_a_subscription_without_metafields_cannot_say_what_they_are(settings, shopify_fake):
    """A subscription made before Facet asked for the namespace sends no `metafields`: unknown, not empty,
    so the stored measurements are not wiped at each product edit."""
    from connectors.shopify.catalog import product_from_rest

    shopify_fake.products[1001].metafields = dict(SPEC_METAFIELDS)
    shopify_fake.subscriptions.append(
        {"id": "1", "topic": "PRODUCTS_UPDATE", "callbackUrl": "https://facet.test/webhooks/shopify"}
    )
    payload = shopify_fake.rest_product(1001)
    assert "metafields" not in payload
    assert product_from_rest(payload, shopify_fake.shop).attributes is None
    assert product_from_rest({**payload, "metafields": []}, shopify_fake.shop).attributes == {}


@pytest.mark.parametrize(
    ("kind", "value", "text"),
    [
        ("dimension", '{"value": 2.05, "unit": "INCHES"}', "52.07 mm"),
        ("dimension", '{"value": 52, "unit": "MILLIMETERS"}', "52 mm"),
        ("dimension", '{"value": "wide", "unit": "MILLIMETERS"}', None),
        ("list.single_line_text_field", '["52-18-140", "54-18-145"]', "52-18-140, 54-18-145"),
        ("number_decimal", "52.5", "52.5"),
        ("boolean", "true", None),
        ("product_reference", "gid://shopify/Product/1", None),
        ("single_line_text_field", "", None),
    ],
)
def test_metafield_types_read_as_text(kind, value, text):
    from connectors.shopify.metafields import metafield_attributes

    expected = {"size": text} if text else {}
    assert metafield_attributes([{"key": "size", "type": kind, "value": value}]) == expected


def test_webhooks_in_the_newer_header_spelling_are_read(settings, shopify_fake):
    """Shopify's newer deliveries name their headers `shopify-*` instead of `X-Shopify-*`."""
    connector = ShopifyConnector(settings)
    shopify_fake.subscriptions.append(
        {"id": "1", "topic": "PRODUCTS_UPDATE", "callbackUrl": "https://facet.test/webhooks/shopify"}
    )
    delivery = shopify_fake.deliver("products/update", shopify_fake.rest_product(1002))
    headers = {k.lower().removeprefix("x-"): v for k, v in delivery.headers.items()}
    assert "shopify-hmac-sha256" in headers and "x-shopify-topic" not in headers
    event = connector.parse_webhook(
        InboundRequest("POST", delivery.path, headers=headers, body=delivery.body), None
    )
    assert event.kind is WebhookKind.PRODUCT_UPSERT and event.store == shopify_fake.shop and event.delivery_id


def test_a_webhook_whose_shop_header_disagrees_with_its_signed_body_is_refused(settings, shopify_fake):
    connector = ShopifyConnector(settings)
    body = {"shop_id": 1, "shop_domain": shopify_fake.shop}
    delivery = shopify_fake.deliver("shop/redact", body, url="https://facet.test/webhooks/shopify")
    headers = {**delivery.headers, "X-Shopify-Shop-Domain": "someone-else.myshopify.com"}
    with pytest.raises(AuthError):
        connector.parse_webhook(
            InboundRequest("POST", delivery.path, headers=headers, body=delivery.body), None
        )
    genuine = connector.parse_webhook(
        InboundRequest("POST", delivery.path, headers=delivery.headers, body=delivery.body), None
    )
    assert genuine.kind is WebhookKind.SHOP_REDACT and genuine.store == shopify_fake.shop
