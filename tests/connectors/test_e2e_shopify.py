"""Shopify end to end: install, encrypted token, webhooks, 2,000-product sync, webhooks, uninstall, redact."""

from __future__ import annotations

import json
import math
import time

import pytest
from sqlalchemy import func, select

from connectors.shopify.catalog import PAGE_SIZE
from plugin_api.extensions import db
from plugin_api.models import Event, Merchant, Product
from tests.connectors import e2e
from tests.dashboard.helpers import signed_in
from tests.fakes.shopify import FakeShopify


@pytest.fixture
def fake():
    fake = FakeShopify(products=2000, bucket_max=20000, restore_rate=20000).start()
    yield fake
    fake.stop()


@pytest.fixture
def shop_app(app_factory, fake):
    return app_factory(
        **e2e.app_config(
            FACET_SHOPIFY_API_KEY=fake.api_key,
            FACET_SHOPIFY_API_SECRET=fake.api_secret,
            FACET_SHOPIFY_API_BASE_URL=fake.url,
        )
    )


def install(browser, fake):
    start = browser.get(f"/shopify/install?{fake.signed_query()}")
    assert start.status_code == 302, start.data
    return fake.approve(start.headers["Location"])


def test_install_sync_webhooks_uninstall(shop_app, fake):
    browser = e2e.Browser(shop_app)
    callback = install(browser, fake)
    done = browser.get(callback)
    # Facet's own page, not a redirect into the Shopify admin (which would load the app URL and start the
    # OAuth round again): the key, the catalog, and how to switch the widget on.
    m = e2e.merchant(shop_app, "shopify")
    assert m.is_installed and m.shop_domain == fake.shop
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "Facet is connected" in page and m.publishable_key in page
    assert "App embeds" in page and "2,000 products imported" in page
    # The storefront's origins are allowed (the myshopify one from the install, the shop's custom primary
    # domain from the catalog sync), so the widget there works without a key pasted into the theme.
    assert m.allowed_origins == [f"https://{fake.shop}", fake.primary_domain]
    config = browser.client.get("/api/v1/widget/config", headers={"Origin": f"https://{fake.shop}"})
    assert config.status_code == 200, config.json
    stored = e2e.raw_credentials(shop_app, m.id)
    assert m.credentials["access_token"].startswith("shpat_") and m.credentials["refresh_token"]
    assert "shpat_" not in stored and "shprt_" not in stored and m.credentials["access_token"] not in stored
    assert {s["topic"] for s in fake.subscriptions} == {
        "PRODUCTS_CREATE",
        "PRODUCTS_UPDATE",
        "PRODUCTS_DELETE",
        "APP_UNINSTALLED",
        "ORDERS_CREATE",
    }
    assert m.sync_state["status"] == "ok" and m.sync_state["last_counts"]["created"] == 2000
    assert e2e.live_products(shop_app, m.id) == 2000
    first = e2e.product(shop_app, m.id, "1001")
    assert first.currency == "EUR" and first.image_urls and len(first.variants) == 3

    # Opening the app again from the Shopify admin goes through OAuth again: fresh token, no re-import.
    again = browser.get(install(browser, fake))
    assert again.status_code == 200 and "Facet is connected" in again.get_data(as_text=True)
    # Its catalog intelligence is not run in this test: the page says so rather than showing zeros.
    assert "<dt>Product understanding</dt>\n    <dd>Not read yet: " in again.get_data(as_text=True)
    reopened = e2e.merchant(shop_app, "shopify")
    assert reopened.sync_state["last_sync_at"] == m.sync_state["last_sync_at"]
    assert reopened.credentials["access_token"] != m.credentials["access_token"]

    # products/update changes the row; a replay of the same delivery is processed once.
    fake.update_product(1500, title="Aviator Deluxe")
    update = fake.deliver("products/update", fake.rest_product(1500))
    assert browser.deliver(update).json["result"] == "product_upserted"
    assert e2e.product(shop_app, m.id, "1500").title == "Aviator Deluxe"
    e2e.set_title(shop_app, m.id, "1500", "edited in between")
    assert browser.deliver(update).json["result"] == "duplicate"
    assert e2e.product(shop_app, m.id, "1500").title == "edited in between"

    # Bad signatures: 401 and nothing changes, for every topic.
    for topic, payload in [
        ("products/update", fake.rest_product(1501) | {"title": "forged"}),
        ("products/delete", {"id": 1502}),
        ("app/uninstalled", {"myshopify_domain": fake.shop}),
        ("orders/create", {"id": 1, "line_items": []}),
        ("customers/redact", {"shop_domain": fake.shop, "customer": {"id": 7}}),
        ("customers/data_request", {"shop_domain": fake.shop, "customer": {"id": 7}}),
        ("shop/redact", {"shop_domain": fake.shop}),
    ]:
        forged = fake.deliver(
            topic, payload, url=f"{e2e.PUBLIC_URL}/webhooks/shopify", secret="not-the-secret"
        )
        assert browser.deliver(forged).status_code == 401, topic
    assert e2e.product(shop_app, m.id, "1501").title != "forged"
    assert not e2e.product(shop_app, m.id, "1502").deleted
    assert e2e.merchant(shop_app, "shopify").is_installed

    # products/delete soft-deletes.
    fake.delete_product(1502)
    assert browser.deliver(fake.deliver("products/delete", {"id": 1502})).json["result"] == "product_deleted"
    row = e2e.product(shop_app, m.id, "1502")
    assert row.deleted and row.deleted_at is not None and e2e.live_products(shop_app, m.id) == 1999

    # app/uninstalled stops syncing and schedules deletion; shop/redact 48 h later erases the shop.
    assert (
        browser.deliver(fake.deliver("app/uninstalled", {"myshopify_domain": fake.shop})).json["result"]
        == "uninstalled"
    )
    gone = e2e.merchant(shop_app, "shopify")
    assert not gone.is_installed and gone.credentials is None and gone.sync_state["status"] == "stopped"
    assert gone.sync_state["data_delete_after"]
    with shop_app.app_context():
        from plugin_api.jobs.sync import sync_merchant

        assert sync_merchant(m.id) == {}
    late = fake.deliver("products/update", fake.rest_product(1503) | {"title": "after uninstall"})
    assert browser.deliver(late).json["result"] == "ignored_uninstalled"
    redact = fake.deliver(
        "shop/redact", {"shop_id": 1, "shop_domain": fake.shop}, url=f"{e2e.PUBLIC_URL}/webhooks/shopify"
    )
    assert browser.deliver(redact).json["result"] == "shop_redacted"
    with shop_app.app_context():
        assert db.session.get(Merchant, m.id) is None
        assert db.session.scalar(select(func.count()).select_from(Product)) == 0


def test_bad_install_hmac_and_state_change_nothing(shop_app, fake):
    browser = e2e.Browser(shop_app)
    assert browser.get(f"/shopify/install?{fake.signed_query()}&extra=1").status_code == 401
    # A merchant's browser gets a page saying what to do; a script, the JSON error.
    page = browser.get("/shopify/install", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    text = page.get_data(as_text=True)
    assert page.status_code == 401 and page.content_type.startswith("text/html")
    assert "Facet could not connect your store" in text and "in your Shopify admin, open Apps" in text
    assert '<meta name="facet-error-code" content="unauthorized">' in text
    assert browser.get("/shopify/install", headers={"Accept": "application/json"}).json["error"]["code"] == (
        "unauthorized"
    )
    callback = install(browser, fake)
    tampered = callback.replace("hmac=", "hmac=00")
    assert browser.get(tampered).status_code == 401
    other_browser = e2e.Browser(shop_app)  # no state cookie
    assert other_browser.get(callback).status_code == 401
    stale = fake.signed_query(code="x", state="y", timestamp=str(int(time.time()) - 600))
    assert browser.get(f"/shopify/callback?{stale}").status_code == 401
    with shop_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Merchant)) == 0
    assert fake.subscriptions == []


def test_compliance_webhooks_have_real_effects(shop_app, fake):
    browser = e2e.Browser(shop_app)
    browser.get(install(browser, fake))
    m = e2e.merchant(shop_app, "shopify")
    for order_id, customer in [(11, 7), (12, 7), (13, 8)]:
        order = {
            "id": order_id,
            "customer": {"id": customer},
            "currency": "EUR",
            "total_price": "99.00",
            "line_items": [{"product_id": 1001}],
        }
        assert browser.deliver(fake.deliver("orders/create", order)).json["result"] == "order_recorded"
    request = {
        "shop_domain": fake.shop,
        "customer": {"id": 7},
        "orders_requested": [11, 12],
        "data_request": {"id": 9},
    }
    answer = browser.deliver(
        fake.deliver("customers/data_request", request, url=f"{e2e.PUBLIC_URL}/webhooks/shopify")
    )
    assert answer.json["result"] == "data_request:2"
    with shop_app.app_context():
        from plugin_api.storage import current_storage

        [key] = current_storage().list(f"merchants/{m.public_id}/compliance/")
        export = json.loads(current_storage().get(key))
        assert export["customer_id"] == "7" and {o["order_id"] for o in export["orders"]} == {"11", "12"}
    # The merchant, who must answer the customer, finds the request on the dashboard and downloads it.
    page = browser.get("/admin").get_data(as_text=True)
    assert '<li data-data-request="9">Customer 7' in page and "2 orders" in page
    download = browser.get("/admin/data-requests/9.json")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert json.loads(download.data) == export
    assert browser.get("/admin/data-requests/10.json").status_code == 404
    assert e2e.Browser(shop_app).get("/admin/data-requests/9.json").status_code == 401  # not signed in

    redact = {"shop_domain": fake.shop, "customer": {"id": 7}, "orders_to_redact": [11, 12]}
    answer = browser.deliver(
        fake.deliver("customers/redact", redact, url=f"{e2e.PUBLIC_URL}/webhooks/shopify")
    )
    assert answer.json["result"] == "customer_redacted:2"
    with shop_app.app_context():
        left = db.session.scalars(select(Event).where(Event.merchant_id == m.id)).all()
        # An order keeps only its id: not the customer's, nor what was bought or for how much.
        assert [e.properties for e in left] == [{"order_id": "13"}]
    # The export held the erased orders: it goes with them, from storage and from the dashboard.
    with shop_app.app_context():
        assert current_storage().list(f"merchants/{m.public_id}/compliance/") == []
    assert "data-data-request" not in browser.get("/admin").get_data(as_text=True)
    assert browser.get("/admin/data-requests/9.json").status_code == 404
    # shop/redact while still installed must not erase a live shop.
    answer = browser.deliver(
        fake.deliver("shop/redact", {"shop_domain": fake.shop}, url=f"{e2e.PUBLIC_URL}/webhooks/shopify")
    )
    assert answer.json["result"] == "ignored_installed" and e2e.merchant(shop_app, "shopify").is_installed


def test_sync_now_reads_the_catalog_again_at_once(shop_app, fake):
    browser = e2e.Browser(shop_app)
    browser.get(install(browser, fake))
    before = e2e.merchant(shop_app, "shopify").sync_state["last_full_sync_at"]
    fake.update_product(1001, title="Renamed by the merchant")
    page = browser.get("/admin").get_data(as_text=True)
    assert 'action="/admin/sync"' in page
    answer = browser.post("/admin/sync", headers={"Sec-Fetch-Site": "same-origin"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin?sync=started#catalog"
    state = e2e.merchant(shop_app, "shopify").sync_state
    assert state["status"] == "ok" and state["last_full_sync_at"] > before
    with shop_app.app_context():
        title = db.session.scalar(select(Product.title).where(Product.platform_product_id == "1001"))
    assert title == "Renamed by the merchant"
    assert 'data-sync="started"' in browser.get("/admin?sync=started").get_data(as_text=True)
    # From another site's page: nothing queued.
    cross = browser.post("/admin/sync", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403


def test_429_throttle_and_dropped_connection_mid_sync(shop_app, fake):
    fake.inject("429", "graphql", after=12, retry_after=0.3)
    fake.inject("throttled", "graphql", after=20)
    # Four drops in a row outlast the retry budget: the job fails, RQ's retry resumes from the saved cursor.
    fake.inject("drop", "graphql", after=30, times=4)
    browser = e2e.Browser(shop_app)
    browser.get(install(browser, fake))
    m = e2e.merchant(shop_app, "shopify")
    state = m.sync_state
    assert state["status"] == "ok" and state["resumes"] == 1 and state["last_counts"]["created"] == 2000
    assert e2e.live_products(shop_app, m.id) == 2000 and fake.throttled_count == 1
    # Minus 2 x 5 webhook registrations (install + retry) and 2 product counts (bulk-or-paging decision).
    product_queries = sum(1 for method, path in fake.request_log if path.endswith("graphql.json")) - 5 * 2 - 2
    pages = math.ceil(2000 / PAGE_SIZE)
    assert product_queries <= pages + 1 + 1 + 4 + 1  # the pages + 429 + THROTTLED + 4 drops + 1 re-read
    # A manual incremental sync afterwards finds nothing new but the overlap window.
    runner = shop_app.test_cli_runner()
    out = runner.invoke(args=["facet", "sync", "--", m.public_id])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["counts"]["created"] == 0


def test_expired_token_refresh_is_persisted(shop_app, fake):
    browser = e2e.Browser(shop_app)
    browser.get(install(browser, fake))
    m = e2e.merchant(shop_app, "shopify")
    old = m.credentials["access_token"]
    fake.expire_tokens()
    fake.update_product(1001, title="After refresh")
    with shop_app.app_context():
        from plugin_api.jobs.sync import sync_merchant

        assert sync_merchant(m.id)["updated"] >= 1
    renewed = e2e.merchant(shop_app, "shopify").credentials
    assert renewed["access_token"] != old and renewed["access_token"] in fake.tokens


def test_out_of_order_webhook_does_not_overwrite_newer_data(shop_app, fake):
    browser = e2e.Browser(shop_app)
    browser.get(install(browser, fake))
    m = e2e.merchant(shop_app, "shopify")
    old_payload = fake.rest_product(1003) | {"title": "Old title", "updated_at": "2025-06-01T00:00:00+00:00"}
    assert browser.deliver(fake.deliver("products/update", old_payload)).status_code == 200
    assert e2e.product(shop_app, m.id, "1003").title != "Old title"


def test_stock_and_storefront_visibility_follow_what_shopify_sells(shop_app, fake):
    # 1600: made to order (inventory not tracked, count 0); 1018: tracked and sold out; 1601: not on the
    # Online Store channel, so neither its page nor /cart/add works from the widget.
    untracked, sold_out, hidden = 1600, 1018, 1601
    for variant in fake.products[untracked].variants:
        variant.tracked, variant.in_stock = False, False
    fake.products[hidden].published = False
    browser = e2e.Browser(shop_app)
    browser.get(install(browser, fake))
    m = e2e.merchant(shop_app, "shopify")

    def state(pid: int) -> tuple[bool | None, bool]:
        row = e2e.product(shop_app, m.id, str(pid))
        return row.in_stock, row.deleted

    assert [state(pid) for pid in (untracked, sold_out, hidden)] == [
        (True, False),
        (False, False),
        (True, True),
    ]

    # The webhook body (API 2026-01) cannot tell "not tracked" from "sold out": both read 0 with `deny`.
    # What the full read found stands, instead of the untracked product dropping out at each update.
    for pid, title in [(untracked, "Made to order"), (sold_out, "Sold out")]:
        fake.update_product(pid, title=title)
        delivery = fake.deliver("products/update", fake.rest_product(pid))
        assert browser.deliver(delivery).json["result"] == "product_upserted"
    assert e2e.product(shop_app, m.id, str(untracked)).title == "Made to order"
    assert [state(pid) for pid in (untracked, sold_out)] == [(True, False), (False, False)]

    # A product with one sold-out colour and one in stock: after a webhook (which cannot tell), add-to-cart
    # still goes to the colour the full read found in stock.
    two_colours = fake.products[1171]  # variable: three colours, the first sold out
    assert [v.in_stock for v in two_colours.variants] == [False, True, True]
    fake.update_product(1171, title="Two colours")
    assert browser.deliver(fake.deliver("products/update", fake.rest_product(1171))).status_code == 200
    with shop_app.app_context():
        from plugin_api.services.recommendations import add_to_cart

        row = e2e.product(shop_app, m.id, "1171")
        payload = {"variants": row.variants, "url": row.url, "platform_product_id": "1171"}
        assert row.title == "Two colours" and [v["available"] for v in row.variants] == [False, True, True]
        action = add_to_cart(db.session.get(Merchant, m.id), payload, None)
    assert action["fields"]["id"] == str(two_colours.variants[1].id)

    # Older API versions still name the tracker: null means not tracked.
    older = fake.rest_product(untracked)
    older["variants"] = [v | {"inventory_management": None} for v in older["variants"]]
    older["updated_at"] = "2026-12-01T00:00:00+00:00"
    assert browser.deliver(fake.deliver("products/update", older)).status_code == 200
    assert state(untracked) == (True, False)
    older["variants"] = [v | {"inventory_management": "shopify"} for v in older["variants"]]
    older["updated_at"] = "2026-12-02T00:00:00+00:00"
    assert browser.deliver(fake.deliver("products/update", older)).status_code == 200
    assert state(untracked) == (False, False)

    # Published to the Online Store later: recommended from then on.
    assert browser.deliver(fake.deliver("products/update", fake.rest_product(hidden))).status_code == 200
    assert state(hidden)[1] is True
    fake.update_product(hidden, published=True)
    assert browser.deliver(fake.deliver("products/update", fake.rest_product(hidden))).status_code == 200
    assert state(hidden)[1] is False


def test_orders_say_what_was_bought_with_facets_add_to_cart(shop_app, fake):
    """Facet's add marks its cart line; the orders/create webhook brings the mark back on the order's line,
    and the dashboard counts those lines: units, value after discounts, per product, out of all orders."""
    from plugin_api.services.dashboard import dashboard_summary
    from plugin_api.services.recommendations import add_to_cart

    browser = e2e.Browser(shop_app)
    browser.get(install(browser, fake))
    m = e2e.merchant(shop_app, "shopify")
    row = e2e.product(shop_app, m.id, "1001")
    with shop_app.app_context():
        payload = {"variants": row.variants, "url": row.url, "platform_product_id": "1001"}
        action = add_to_cart(db.session.get(Merchant, m.id), payload, None)
    mark = {"name": "_facet", "value": action["fields"]["properties[_facet]"]}
    orders = [
        # Two of 1001 added with Facet, with a 10 % discount code (allocated to the line; `total_discount`
        # stays "0.00" on storefront orders), and a product the shopper found on their own.
        [shopify_line(1001, "29.00", 2, [mark], discounts=["5.80"]), shopify_line(1002, "10.00")],
        [shopify_line(1001, "29.00", 1, [mark])],
        [shopify_line(1003, "15.00", 1, [{"name": "Engraving", "value": "A.B."}])],
    ]
    for order_id, lines in enumerate(orders, start=21):
        order = {"id": order_id, "customer": {"id": 5}, "currency": "EUR", "line_items": lines}
        assert browser.deliver(fake.deliver("orders/create", order)).json["result"] == "order_recorded"
    # A subscription renewal copies the first order's line-item properties: nobody pressed the button.
    renewal = {
        "id": 25,
        "customer": {"id": 5},
        "currency": "EUR",
        "source_name": "subscription_contract_checkout_one",
        "line_items": [shopify_line(1001, "29.00", 1, [mark])],
    }
    assert browser.deliver(fake.deliver("orders/create", renewal)).json["result"] == "order_recorded"
    with shop_app.app_context():
        summary = dashboard_summary(db.session.get(Merchant, m.id), 30, analysis_retention_days=30)
    assert summary.to_json()["sales"] == {
        "counted": True,
        "orders_withheld": None,
        "orders_received": 4,
        "orders_with_facet_items": 2,
        "items": 3,
        "value": [{"currency": "EUR", "value": "81.20"}],  # 2 × 29.00 − 5.80 + 29.00
        "share_of_orders": 0.5,
        "top_products": [{"product_id": "1001", "title": row.title, "quantity": 3, "orders": 2}],
    }
    # What Facet sold is kept apart from the orders: no order or customer id beside it.
    with shop_app.app_context():
        sales = db.session.scalars(select(Event).where(Event.type == "facet_sale")).all()
    assert len(sales) == 2 and all(set(sale.properties) == {"currency", "items"} for sale in sales)
    # Nor the order's time: the hour only.
    assert all(
        (s.occurred_at.minute, s.occurred_at.second, s.occurred_at.microsecond) == (0, 0, 0) for s in sales
    )


def test_orders_withheld_until_approved_are_named_on_the_dashboard_and_asked_for_again(shop_app, fake):
    """Shopify refuses order webhooks to an app whose protected-customer-data access is not approved yet:
    the catalog syncs, the dashboard says why it counts no orders (in Shopify's words) instead of zeros,
    and the daily full sync subscribes again, so orders flow once the approval comes."""
    from plugin_api.services.dashboard import dashboard_summary

    fake.protected_data_approved = False
    browser = e2e.Browser(shop_app)
    assert browser.get(install(browser, fake)).status_code == 200
    m = e2e.merchant(shop_app, "shopify")
    assert m.sync_state["status"] == "ok"
    assert m.sync_state["webhooks"]["registered"] == 4
    assert "not approved" in m.sync_state["webhooks"]["withheld"]["order_created"]

    def sales() -> dict:
        with shop_app.app_context():
            merchant = db.session.get(Merchant, m.id)
            return dashboard_summary(merchant, 30, analysis_retention_days=30).to_json()["sales"]

    assert "protected customer data" in sales()["orders_withheld"]
    page = admin_page(shop_app, m)
    assert 'data-sales="withheld"' in page and "not sending Facet your orders yet" in page
    assert 'data-sales="no_orders"' not in page

    # Still refused on the next day's sync: nothing changes, nothing fails.
    runner = shop_app.test_cli_runner()
    out = runner.invoke(args=["facet", "sync", "--full", "--", m.public_id])
    assert out.exit_code == 0, out.output
    assert "order_created" in e2e.merchant(shop_app, "shopify").sync_state["webhooks"]["withheld"]

    fake.protected_data_approved = True  # approved in the Partner dashboard; Shopify does not tell the app
    out = runner.invoke(args=["facet", "sync", "--full", "--", m.public_id])
    assert out.exit_code == 0, out.output
    hooks = e2e.merchant(shop_app, "shopify").sync_state["webhooks"]
    assert (hooks["registered"], hooks["withheld"], hooks["error"]) == (5, {}, None)
    assert sorted(s["topic"] for s in fake.subscriptions).count("ORDERS_CREATE") == 1
    assert len(fake.subscriptions) == 5  # the others were kept, not doubled
    assert sales()["orders_withheld"] is None
    order = {"id": 31, "customer": {"id": 5}, "currency": "EUR", "line_items": [shopify_line(1002, "10.00")]}
    assert browser.deliver(fake.deliver("orders/create", order)).json["result"] == "order_recorded"
    assert sales()["orders_received"] == 1
    page = admin_page(shop_app, m)
    assert 'data-sales="withheld"' not in page and '<dd data-sales="orders">0 of 1 orders' in page


def test_webhooks_that_failed_to_register_at_install_are_registered_by_the_next_full_sync(shop_app, fake):
    fake.webhooks_failing = True  # an incident at Shopify while the merchant installs
    browser = e2e.Browser(shop_app)
    assert browser.get(install(browser, fake)).status_code == 200
    m = e2e.merchant(shop_app, "shopify")
    assert m.sync_state["status"] == "ok" and e2e.live_products(shop_app, m.id) == 2000
    assert m.sync_state["webhooks"]["registered"] == 0 and m.sync_state["webhooks"]["error"]
    assert fake.subscriptions == []

    fake.webhooks_failing = False
    out = shop_app.test_cli_runner().invoke(args=["facet", "sync", "--full", "--", m.public_id])
    assert out.exit_code == 0, out.output
    hooks = e2e.merchant(shop_app, "shopify").sync_state["webhooks"]
    assert (hooks["registered"], hooks["error"], hooks["withheld"]) == (5, None, {})
    assert len(fake.subscriptions) == 5
    update = fake.deliver("products/update", fake.rest_product(1001))
    assert browser.deliver(update).json["result"] == "product_upserted"


def test_a_store_registered_before_refusals_were_recorded_is_subscribed_again_once(shop_app, fake):
    fake.protected_data_approved = False
    browser = e2e.Browser(shop_app)
    assert browser.get(install(browser, fake)).status_code == 200
    m = e2e.merchant(shop_app, "shopify")
    with shop_app.app_context():  # what an install before `withheld` existed left behind
        merchant = db.session.get(Merchant, m.id)
        hooks = dict(merchant.sync_state["webhooks"])
        del hooks["withheld"]
        merchant.sync_state = {**merchant.sync_state, "webhooks": hooks}
        db.session.commit()
    fake.protected_data_approved = True
    runner = shop_app.test_cli_runner()
    assert runner.invoke(args=["facet", "sync", "--full", "--", m.public_id]).exit_code == 0
    assert e2e.merchant(shop_app, "shopify").sync_state["webhooks"]["withheld"] == {}
    assert sorted(s["topic"] for s in fake.subscriptions).count("ORDERS_CREATE") == 1
    requests_before = len(fake.graphql_log)
    assert runner.invoke(args=["facet", "sync", "--full", "--", m.public_id]).exit_code == 0
    assert not any("webhookSubscriptionCreate" in q for q in fake.graphql_log[requests_before:])


def admin_page(app, merchant: Merchant) -> str:
    return signed_in(app, merchant).get("/admin").get_data(as_text=True)


def shopify_line(
    product_id: int,
    price: str,
    quantity: int = 1,
    properties: list | None = None,
    discounts: list | None = None,
) -> dict:
    """An `orders/create` line item as Shopify sends it (the fields Facet reads, and the ones beside them)."""
    money = lambda amount: {"shop_money": {"amount": amount, "currency_code": "EUR"}}  # noqa: E731
    return {
        "id": product_id * 100 + quantity,
        "admin_graphql_api_id": f"gid://shopify/LineItem/{product_id * 100 + quantity}",
        "product_id": product_id,
        "variant_id": product_id * 10,
        "quantity": quantity,
        "current_quantity": quantity,
        "price": price,
        "price_set": money(price),
        "total_discount": "0.00",
        "total_discount_set": money("0.00"),
        "properties": properties or [],
        "discount_allocations": [
            {"amount": d, "amount_set": money(d), "discount_application_index": 0} for d in discounts or []
        ],
        "gift_card": False,
        "taxable": True,
        "tax_lines": [],
        "title": f"Frame {product_id}",
    }


def test_frame_measurements_in_metafields_survive_a_webhook_that_does_not_carry_them(shop_app, fake):
    fake.products[1004].metafields = {
        "custom.lens_width": ("number_integer", "52"),
        "custom.bridge_width": ("number_integer", "18"),
    }
    browser = e2e.Browser(shop_app)
    browser.get(install(browser, fake))
    m = e2e.merchant(shop_app, "shopify")
    assert e2e.product(shop_app, m.id, "1004").attributes == {"lens width": "52", "bridge width": "18"}

    # The install asked Shopify for the namespace: an edit's webhook brings the new value.
    fake.update_product(
        1004, metafields={**fake.products[1004].metafields, "custom.bridge_width": ("number_integer", "20")}
    )
    assert browser.deliver(fake.deliver("products/update", fake.rest_product(1004))).status_code == 200
    assert e2e.product(shop_app, m.id, "1004").attributes == {"lens width": "52", "bridge width": "20"}

    # A subscription from before (no `metafields` in its bodies) changes the title and keeps the sizes.
    fake.update_product(1004, title="Renamed frame")
    payload = fake.rest_product(1004)
    del payload["metafields"]
    assert browser.deliver(fake.deliver("products/update", payload)).status_code == 200
    row = e2e.product(shop_app, m.id, "1004")
    assert row.title == "Renamed frame" and row.attributes == {"lens width": "52", "bridge width": "20"}


def test_refused_shopify_credentials_are_never_taken_for_an_uninstall(shop_app, fake):
    """Shopify says when it is uninstalled (app/uninstalled): a refused token is a problem to report, not
    a reason to delete the store's data."""
    browser = e2e.Browser(shop_app)
    browser.get(install(browser, fake))
    m = e2e.merchant(shop_app, "shopify")
    with shop_app.app_context():  # a token Shopify refuses (401), with no refresh token to renew it
        row = db.session.get(Merchant, m.id)
        row.credentials = {k: v for k, v in row.credentials.items() if not k.startswith("refresh")}
        db.session.commit()
    fake.tokens.clear()
    assert (
        shop_app.test_cli_runner().invoke(args=["facet", "sync", "--full", "--", m.public_id]).exit_code != 0
    )
    state = e2e.merchant(shop_app, "shopify").sync_state
    assert state["last_error"]["code"] == "auth_error" and "access_refused_since" not in state


def test_disconnect_in_the_dashboard_removes_the_app_from_the_shop(shop_app, fake):
    """Disconnecting in Facet uninstalls the app on Shopify too (its Apps list no longer shows Facet), and
    the `app/uninstalled` notice that follows keeps the deletion date the merchant was shown."""
    browser = e2e.Browser(shop_app)
    browser.get(install(browser, fake))
    assert "data-disconnect-form" in browser.get("/admin").get_data(as_text=True)
    assert fake.app_installed and len(fake.subscriptions) == 5
    # Shopify's notice of the uninstall, signed while the subscription exists (the fake forgets it then).
    notice = fake.deliver("app/uninstalled", {"myshopify_domain": fake.shop})

    done = browser.post("/admin/disconnect", data={"confirm": "yes"})
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "data-app-removed" in page and "data-app-left" not in page
    assert "there is nothing left to remove" in page and "WordPress" not in page and "Magento" not in page
    assert any("appUninstall" in query for query in fake.graphql_log)
    assert not fake.app_installed and fake.tokens == {} and fake.subscriptions == []
    gone = e2e.merchant(shop_app, "shopify")
    assert not gone.is_installed and gone.credentials is None
    shown = (gone.uninstalled_at, gone.sync_state["data_delete_after"])

    assert e2e.Browser(shop_app).deliver(notice).json["result"] == "already_uninstalled"
    after = e2e.merchant(shop_app, "shopify")
    assert (after.uninstalled_at, after.sync_state["data_delete_after"]) == shown


def test_a_disconnect_shopify_refuses_still_stops_facet_and_says_the_app_is_left(shop_app, fake):
    browser = e2e.Browser(shop_app)
    browser.get(install(browser, fake))
    fake.inject("500", "graphql", times=20)
    done = browser.post("/admin/disconnect", data={"confirm": "yes"})
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "data-app-left" in page and "data-app-removed" not in page
    assert "also remove its app in your\n    store's admin" in page and "plugin" not in page
    assert fake.app_installed
    assert not e2e.merchant(shop_app, "shopify").is_installed


def test_a_product_created_by_webhook_gets_the_shops_currency(app_factory):
    """products/* webhook bodies carry prices but no currency: a product new to Facet takes the shop's
    currency from its last sync, so a yen shop's ¥5,500 frame is not shown as a bare "5,500.00"."""
    fake = FakeShopify(products=6, currency="JPY").start()
    try:
        app = app_factory(
            **e2e.app_config(
                FACET_SHOPIFY_API_KEY=fake.api_key,
                FACET_SHOPIFY_API_SECRET=fake.api_secret,
                FACET_SHOPIFY_API_BASE_URL=fake.url,
            )
        )
        later = fake.products.pop(1006)  # created in the shop after Facet's import
        browser = e2e.Browser(app)
        browser.get(install(browser, fake))
        m = e2e.merchant(app, "shopify")
        assert e2e.live_products(app, m.id) == 5 and e2e.product(app, m.id, "1001").currency == "JPY"
        fake.products[1006] = later
        created = fake.deliver("products/create", fake.rest_product(1006, "PRODUCTS_CREATE"))
        assert browser.deliver(created).json["result"] == "product_upserted"
    finally:
        fake.stop()
    row = e2e.product(app, m.id, "1006")
    assert row.price is not None and row.currency == "JPY"
