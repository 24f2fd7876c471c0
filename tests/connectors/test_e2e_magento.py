"""Magento end to end: activation + identity exchange, 2,000-product sync, 15-minute polling, disconnect."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import func, select

from connectors.base import origin_of
from plugin_api.extensions import db
from plugin_api.models import Analysis, Merchant, ShownRecommendation, utcnow
from tests.connectors import e2e
from tests.dashboard.helpers import SUMMARY, assert_sign_in_page
from tests.fakes.magento import FakeMagento


@pytest.fixture
def fake():
    fake = FakeMagento(products=2000).start()
    yield fake
    fake.stop()


@pytest.fixture
def mage_app(app_factory):
    return app_factory(**e2e.app_config())


def activate(browser, fake):
    form, identity = fake.activate(f"{e2e.PUBLIC_URL}/magento/identity")
    assert browser.post("/magento/callback", data=form).status_code == 200
    return identity


def schedule_polls(app, now):
    with app.app_context():
        from plugin_api.jobs.sync import schedule_polls

        return schedule_polls(now=now)


def test_activate_sync_poll_disconnect(mage_app, fake):
    browser = e2e.Browser(mage_app)
    done = browser.get(activate(browser, fake))
    assert done.status_code == 200 and "Facet is connected" in done.get_data(as_text=True)
    assert "which then lists the Facet integration as active" in done.get_data(as_text=True)  # next steps

    m = e2e.merchant(mage_app, "magento")
    assert m.allowed_origins == [origin_of(fake.base_url)]  # the storefront's widget requests are let in
    stored = e2e.raw_credentials(mage_app, m.id)
    assert set(m.credentials) == {"consumer_key", "consumer_secret", "access_token", "access_token_secret"}
    assert all(value not in stored for value in m.credentials.values())
    assert m.sync_state["webhooks"]["registered"] == 0  # Magento core has none: polling instead
    assert m.sync_state["last_counts"]["created"] == 2000 and e2e.live_products(mage_app, m.id) == 2000
    row = e2e.product(mage_app, m.id, "1001")
    assert row.url == f"{fake.base_url}round-black-sunglasses-1001.html" and row.currency == "USD"
    assert row.image_urls[0] == f"{fake.base_url}media/catalog/product/r/o/round-black-sunglasses-1001-1.jpg"

    # Not due yet; 16 minutes later the poll picks up a changed product incrementally.
    assert schedule_polls(mage_app, utcnow())["enqueued"] == 0
    fake.update_product(1777, title="Browline Bold")
    requests_before = fake.request_count
    assert schedule_polls(mage_app, utcnow() + timedelta(minutes=16))["enqueued"] == 1
    assert e2e.product(mage_app, m.id, "1777").title == "Browline Bold"
    state = e2e.merchant(mage_app, "magento").sync_state
    assert state["mode"] == "incremental" and state["last_counts"]["updated"] == 1
    # Store config, the website's stock (websites, stock resolver), two pages of categories, one page of
    # products and whether they are salable, the deletion check.
    assert fake.request_count - requests_before <= 8

    # Deletions show up in the daily full sync, which soft-deletes them.
    fake.delete_product(1888)
    assert schedule_polls(mage_app, utcnow() + timedelta(hours=25))["enqueued"] == 1
    assert e2e.product(mage_app, m.id, "1888").deleted and e2e.live_products(mage_app, m.id) == 1999

    out = mage_app.test_cli_runner().invoke(args=["facet", "uninstall", "--", m.public_id])
    assert out.exit_code == 0, out.output
    assert schedule_polls(mage_app, utcnow() + timedelta(days=1))["enqueued"] == 0  # no more polling
    assert schedule_polls(mage_app, utcnow() + timedelta(days=3))["purged"] == 1  # retention ran out
    with mage_app.app_context():
        assert db.session.get(Merchant, m.id) is None


def refused(browser, url):
    """The identity link answers 401 and signs nobody into the dashboard."""
    response = browser.get(url)
    assert response.status_code == 401, url
    assert not any(c.startswith("facet_admin=") for c in response.headers.getlist("Set-Cookie"))
    assert_sign_in_page(browser.get("/admin"), 401, "open Facet from your store's admin")


def test_bad_activation_changes_nothing(mage_app, fake):
    browser = e2e.Browser(mage_app)
    form, identity = fake.activate(f"{e2e.PUBLIC_URL}/magento/identity")
    assert (
        browser.post(
            "/magento/callback", data={k: v for k, v in form.items() if k != "oauth_verifier"}
        ).status_code
        == 401
    )
    refused(browser, identity)  # the consumer key was never accepted
    identity = activate(browser, fake)
    refused(browser, identity.replace("oauth_consumer_key=", "oauth_consumer_key=x"))
    key = dict(parse_qsl(urlsplit(identity).query))["oauth_consumer_key"]
    fake.consumers[key]["secret"] = "rotated"  # the store no longer accepts our signature
    refused(browser, identity)
    with mage_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Merchant)) == 0


def test_the_activation_popup_ends_on_the_connected_page_signed_in(mage_app, fake):
    store, popup = e2e.Browser(mage_app), e2e.Browser(mage_app)
    form, identity = fake.activate(f"{e2e.PUBLIC_URL}/magento/identity")
    back = dict(parse_qsl(urlsplit(identity).query))["success_call_back"]
    # A popup pointed elsewhere than the activating store's admin is refused, key and all.
    assert store.post("/magento/callback", data=form).status_code == 200
    refused(popup, identity.replace("success_call_back=http", "success_call_back=javascript"))
    form, identity = fake.activate(f"{e2e.PUBLIC_URL}/magento/identity")
    assert store.post("/magento/callback", data=form).status_code == 200  # server to server: no cookies
    assert store.get("/admin").status_code == 401

    connected = popup.get(identity)
    page = connected.get_data(as_text=True)
    merchant = e2e.merchant(mage_app, "magento")
    assert connected.status_code == 200 and f"Facet is connected to {merchant.name}" in page
    assert '<a class="dashboard" href="/admin">Open your dashboard</a>' in page
    # Magento closes its popup and reloads the integration grid at success_call_back: the way back.
    assert f'<a class="back" href="{back}">Return to your store' in page
    [cookie] = [c for c in connected.headers.getlist("Set-Cookie") if c.startswith("facet_admin=")]
    assert {"Secure", "HttpOnly", "Max-Age=28800"} <= {p.strip() for p in cookie.split(";")}
    dashboard = popup.get("/admin")
    assert dashboard.status_code == 200 and f"<h1>{merchant.name}</h1>" in dashboard.get_data(as_text=True)
    summary = popup.get(SUMMARY).json
    assert summary["shop_domain"] == fake.base_url
    # Magento cannot push its changes: the merchant is told how they are picked up instead of "webhooks".
    status = summary["catalog"]["status"]
    assert "products imported; Facet checks your store for changes every 15 minutes." in status, status

    # The identity link is single use: opened again (elsewhere, or replayed), it signs nobody in.
    refused(e2e.Browser(mage_app), identity)
    assert store.get("/admin").status_code == 401


def test_429_mid_sync_same_counts(mage_app, fake):
    fake.inject("429", r"V1/products$", after=7, retry_after=0.3)
    browser = e2e.Browser(mage_app)
    browser.get(activate(browser, fake))
    m = e2e.merchant(mage_app, "magento")
    assert m.sync_state["status"] == "ok" and m.sync_state["last_counts"]["created"] == 2000
    assert e2e.live_products(mage_app, m.id) == 2000


def test_uninstall_mid_sync_stops_the_run_and_keeps_the_deletion_schedule(mage_app, fake):
    def disconnect(_request):
        with mage_app.app_context():
            from plugin_api.services.installs import uninstall_merchant

            uninstall_merchant(db.session.scalars(select(Merchant)).one(), notify_platform=False)

    fake.inject("call", r"V1/products$", after=5, action=disconnect)  # the merchant disconnects during page 6
    browser = e2e.Browser(mage_app)
    browser.get(activate(browser, fake))
    m = e2e.merchant(mage_app, "magento")
    assert not m.is_installed and m.sync_state["status"] == "stopped" and m.sync_state["data_delete_after"]
    assert e2e.live_products(mage_app, m.id) == 500  # five committed pages; the sixth was dropped
    products_requests = sum(1 for _, path in fake.request_log if path.endswith("/products"))
    assert products_requests == 6


def shown_to_shoppers(app, merchant_id: int, product_ids: list[str]) -> None:
    """An analysis that recommended these products a moment ago (what the analysis job records)."""
    with app.app_context():
        analysis = Analysis(merchant_id=merchant_id, status="done")
        db.session.add(analysis)
        db.session.flush()
        db.session.add_all(
            ShownRecommendation(
                merchant_id=merchant_id,
                analysis_id=analysis.id,
                queued_at=analysis.queued_at,
                product_id=pid,
                category="eyewear",
                title=pid,
            )
            for pid in product_ids
        )
        db.session.commit()


@pytest.fixture
def fake_with_frames():
    """A small store where every 4th product is a configurable frame with colour children."""
    fake = FakeMagento(products=60, variable_every=4).start()
    yield fake
    fake.stop()


def test_a_recommended_product_that_sells_out_stops_being_recommended_at_the_next_poll(
    mage_app, fake_with_frames
):
    fake = fake_with_frames
    browser = e2e.Browser(mage_app)
    browser.get(activate(browser, fake))
    m = e2e.merchant(mage_app, "magento")
    simple = [p.id for p in fake.products.values() if not p.variable and p.in_stock]
    configurable = next(p for p in fake.products.values() if p.variable and p.variants[0].in_stock)
    assert sum(v.in_stock for v in configurable.variants) >= 2
    recommended, configurable_id, not_recommended = simple[0], configurable.id, simple[1]
    shown_to_shoppers(mage_app, m.id, [str(recommended), str(configurable_id)])
    assert e2e.product(mage_app, m.id, str(recommended)).in_stock is True

    # Orders take the last of three products; none of them changes as a product (no updated_at).
    for pid in (recommended, not_recommended):
        fake.sell_out(pid)
    configurable.variants[0].in_stock = False  # one colour of the frame sells out, the others are left
    requests_before = len(fake.request_log)
    assert schedule_polls(mage_app, utcnow() + timedelta(minutes=16))["enqueued"] == 1
    state = e2e.merchant(mage_app, "magento").sync_state
    assert state["mode"] == "incremental" and state["last_counts"]["stock_changed"] == 2
    assert e2e.product(mage_app, m.id, str(recommended)).in_stock is False  # no longer recommendable
    frame = e2e.product(mage_app, m.id, str(configurable_id))
    expected = [False] + [v.in_stock for v in configurable.variants[1:]]
    assert frame.in_stock is True and [v["available"] for v in frame.variants] == expected
    # The poll's usual requests, plus the stock check: store config, website, stock, one salable chunk.
    assert len(fake.request_log) - requests_before <= 12
    # The next poll remembers the website and its stock: it asks only whether the SKUs are salable.
    first = poll_requests(mage_app, fake, minutes=32, since=requests_before)
    second = poll_requests(mage_app, fake, minutes=48)
    for path in ("store/storeConfigs", "store/websites", "inventory/stock-resolver/website/base"):
        assert second[path] == first[path] - 1, path
    assert second["inventory/are-products-salable"] == first["inventory/are-products-salable"] > 0
    # What nobody is being shown waits for the daily full sync.
    assert e2e.product(mage_app, m.id, str(not_recommended)).in_stock is True
    assert schedule_polls(mage_app, utcnow() + timedelta(hours=25))["enqueued"] == 1
    assert e2e.product(mage_app, m.id, str(not_recommended)).in_stock is False


def poll_requests(app, fake, *, minutes: int, since: int | None = None) -> Counter[str]:
    """The requests (by path, less `/rest/V1/`) of the poll `minutes` from now, or of everything since the
    request log's `since` position when given (a poll already run)."""
    start = len(fake.request_log) if since is None else since
    if since is None:
        assert schedule_polls(app, utcnow() + timedelta(minutes=minutes))["enqueued"] == 1
    return Counter(path.removeprefix("/rest/V1/") for _, path in fake.request_log[start:])


def test_a_store_without_msi_has_a_bounded_stock_check(mage_app):
    """Without the Inventory modules each SKU's stock is a request of its own: the poll learns that once and
    then reads at most PER_SKU_STOCK_CHECKS of them, the most recommended first."""
    from connectors.magento.catalog import PER_SKU_STOCK_CHECKS

    fake = FakeMagento(products=120, msi=False).start()
    try:
        browser = e2e.Browser(mage_app)
        browser.get(activate(browser, fake))
        m = e2e.merchant(mage_app, "magento")

        def per_sku(requests: Counter[str]) -> int:
            return sum(n for path, n in requests.items() if path.startswith("stockItems/"))

        baseline = poll_requests(mage_app, fake, minutes=16)  # nothing recommended yet: no stock check
        stocked = [p.id for p in fake.products.values() if p.in_stock]
        shown_to_shoppers(mage_app, m.id, [str(pid) for pid in stocked[:100]])
        fake.sell_out(stocked[0])
        learning = poll_requests(mage_app, fake, minutes=32)
        assert learning["inventory/are-products-salable"] == baseline["inventory/are-products-salable"] + 1
        assert per_sku(learning) == per_sku(baseline) + 100  # once, while it finds out there is no MSI
        assert e2e.product(mage_app, m.id, str(stocked[0])).in_stock is False
        bounded = poll_requests(mage_app, fake, minutes=48)
        assert bounded["inventory/are-products-salable"] == baseline["inventory/are-products-salable"]
        assert per_sku(bounded) == per_sku(baseline) + PER_SKU_STOCK_CHECKS
    finally:
        fake.stop()


def test_disconnect_in_the_dashboard_names_the_integration_left_to_delete(mage_app):
    """Magento offers an integration no way to delete itself: the page says where the merchant does."""
    small = FakeMagento(products=3).start()
    try:
        browser = e2e.Browser(mage_app)
        browser.get(activate(browser, small))
        assert "data-disconnect-form" in browser.get("/admin").get_data(as_text=True)
        done = browser.post("/admin/disconnect", data={"confirm": "yes"})
    finally:
        small.stop()
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "Facet is disconnected" in page and "data-app-removed" not in page
    assert (
        '<p class="muted" data-app-left>To remove Facet from your store completely: In the Magento admin: '
        "System › Extensions › Integrations, delete the Facet integration.</p>"
    ) in page
    assert not e2e.merchant(mage_app, "magento").is_installed
