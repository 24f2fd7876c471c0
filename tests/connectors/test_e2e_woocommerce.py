"""WooCommerce end to end: connect, key delivery, webhooks + ping, sync, webhooks, disconnect."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from connectors.base import origin_of
from plugin_api.extensions import db
from plugin_api.models import Merchant
from tests.connectors import e2e
from tests.dashboard.helpers import SUMMARY, assert_sign_in_page
from tests.fakes.woocommerce import FakeWooCommerce


@pytest.fixture
def fake():
    fake = FakeWooCommerce(products=2000, variable_every=50).start()
    yield fake
    fake.stop()


@pytest.fixture
def woo_app(app_factory):
    return app_factory(**e2e.app_config())


def connect(browser, fake):
    form = browser.get("/woocommerce/connect")
    assert form.status_code == 200 and b'name="store_url"' in form.data
    start = browser.post("/woocommerce/connect", data={"store_url": fake.url})
    assert start.status_code == 302
    return fake.approve(start.headers["Location"])


def test_connect_sync_webhooks_disconnect(woo_app, fake):
    browser = e2e.Browser(woo_app)
    delivery, return_url = connect(browser, fake)
    keys = e2e.Browser(woo_app).deliver(delivery)  # server to server: the store has not the browser's cookies
    assert keys.status_code == 200
    landing = browser.get(return_url)
    assert landing.status_code == 200 and "Facet is connected" in landing.get_data(as_text=True)

    m = e2e.merchant(woo_app, "woocommerce")
    assert m.allowed_origins == [origin_of(fake.url)]  # the storefront's widget requests are let in
    stored = e2e.raw_credentials(woo_app, m.id)
    assert m.credentials["consumer_key"].startswith("ck_") and m.credentials["webhook_secret"]
    assert "ck_" not in stored and "cs_" not in stored and m.credentials["webhook_secret"] not in stored
    hooks = fake.webhooks.values()
    assert sorted(h["topic"] for h in hooks) == sorted(
        ["product.created", "product.updated", "product.deleted", "product.restored", "order.created"]
    )
    assert {h["delivery_url"] for h in hooks} == {f"{e2e.PUBLIC_URL}/webhooks/woocommerce/{m.public_id}"}
    assert {h["secret"] for h in hooks} == {m.credentials["webhook_secret"]}
    for ping in fake.pings:  # Woo pings every new webhook, unsigned
        answer = browser.deliver(ping)
        assert answer.status_code == 200 and answer.json["result"] == "ping"
    assert m.sync_state["last_counts"]["created"] == 2000 and e2e.live_products(woo_app, m.id) == 2000
    variable = e2e.product(woo_app, m.id, "1001")
    assert (
        len(variable.variants) == 3 and variable.currency == "GBP" and variable.product_type == "Sunglasses"
    )

    fake.update_product(1234, title="Cat-eye Rosé")
    [update] = fake.deliveries("product.updated", fake.rest_product(1234))
    assert browser.deliver(update).json["result"] == "product_upserted"
    assert e2e.product(woo_app, m.id, "1234").title == "Cat-eye Rosé"
    e2e.set_title(woo_app, m.id, "1234", "edited in between")
    assert browser.deliver(update).json["result"] == "duplicate"
    assert e2e.product(woo_app, m.id, "1234").title == "edited in between"

    # A bulk edit: WooCommerce gives every delivery of one webhook within a second the same delivery id.
    fake.clock = lambda: 1_790_000_000.0
    for pid, title in [(1234, "Bulk A"), (1235, "Bulk B")]:
        fake.update_product(pid, title=title)
        [bulk] = fake.deliveries("product.updated", fake.rest_product(pid))
        assert browser.deliver(bulk).json["result"] == "product_upserted"
    assert [e2e.product(woo_app, m.id, pid).title for pid in ("1234", "1235")] == ["Bulk A", "Bulk B"]
    assert browser.deliver(bulk).json["result"] == "duplicate"  # the same delivery again still is one

    for topic, payload in [
        ("product.updated", fake.rest_product(1235) | {"name": "forged"}),
        ("product.created", fake.rest_product(1235) | {"name": "forged"}),
        ("product.restored", fake.rest_product(1235) | {"name": "forged"}),
        ("product.deleted", {"id": 1236}),
        ("order.created", {"id": 5, "line_items": []}),
    ]:
        [forged] = fake.deliveries(topic, payload, secret="wrong-secret")
        assert browser.deliver(forged).status_code == 401, topic
    unsigned = fake.deliveries("product.deleted", {"id": 1236})[0]
    unsigned.headers.pop("X-WC-Webhook-Signature")
    assert browser.deliver(unsigned).status_code == 401
    assert (
        e2e.product(woo_app, m.id, "1235").title != "forged"
        and not e2e.product(woo_app, m.id, "1236").deleted
    )

    fake.delete_product(1236)
    [delete] = fake.deliveries("product.deleted", {"id": 1236})
    assert browser.deliver(delete).json["result"] == "product_deleted"
    assert e2e.product(woo_app, m.id, "1236").deleted and e2e.live_products(woo_app, m.id) == 1999

    [order] = fake.deliveries(
        "order.created",
        {
            "id": 77,
            "customer_id": 3,
            "currency": "GBP",
            "total": "59.00",
            "line_items": [{"product_id": 1001}],
        },
    )
    assert browser.deliver(order).json["result"] == "order_recorded"

    out = woo_app.test_cli_runner().invoke(args=["facet", "uninstall", "--", m.public_id])
    assert out.exit_code == 0, out.output
    assert fake.webhooks == {}  # Facet removed its webhooks from the store
    gone = e2e.merchant(woo_app, "woocommerce")
    assert not gone.is_installed and gone.credentials is None and gone.sync_state["data_delete_after"]
    assert fake.deliveries("product.updated", fake.rest_product(1001)) == []  # nothing left to deliver


def test_forged_key_delivery_changes_nothing(woo_app, fake):
    browser = e2e.Browser(woo_app)
    delivery, _ = connect(browser, fake)
    forged = json.loads(delivery.body) | {"user_id": "someone-else"}
    assert browser.post(delivery.url, json=forged).status_code == 401
    with woo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Merchant)) == 0
    assert browser.deliver(delivery).status_code == 200
    assert browser.deliver(delivery).status_code == 401  # the user_id token is single-use
    assert (
        browser.post(
            "/webhooks/woocommerce/unknown",
            data=b"webhook_id=1",
            content_type="application/x-www-form-urlencoded",
        ).status_code
        == 404
    )


def test_keys_the_store_does_not_accept_change_nothing_and_sign_nobody_in(woo_app, fake):
    merchant_browser, store = e2e.Browser(woo_app), e2e.Browser(woo_app)
    delivery, _ = connect(merchant_browser, fake)
    assert store.deliver(delivery).status_code == 200
    genuine = dict(e2e.merchant(woo_app, "woocommerce").credentials)

    # A stranger starts a connection for the same store and delivers made-up keys for its own user_id.
    stranger = e2e.Browser(woo_app)
    start = stranger.post("/woocommerce/connect", data={"store_url": fake.url})
    user_id = parse_qs(urlsplit(start.headers["Location"]).query)["user_id"][0]
    made_up = {"user_id": user_id, "consumer_key": "ck_" + "0" * 40, "consumer_secret": "cs_" + "0" * 40}
    assert stranger.post(delivery.url, json=made_up | {"key_id": 99}).status_code == 401
    back = stranger.get(f"/woocommerce/return?{urlencode({'success': 1, 'user_id': user_id})}")
    assert admin_cookie(back) is None and stranger.get("/admin").status_code == 401
    # A browser that never started a connection is not told that a store is connected.
    elsewhere = e2e.Browser(woo_app).get(
        f"/woocommerce/return?{urlencode({'success': 1, 'user_id': user_id})}"
    )
    assert admin_cookie(elsewhere) is None and "connected. Facet is importing" not in elsewhere.text
    assert "this browser is not the one that started the connection" in elsewhere.text
    assert 'name="viewport"' in elsewhere.text
    assert e2e.merchant(woo_app, "woocommerce").credentials == genuine


def test_429_and_dropped_connection_mid_sync(woo_app, fake):
    fake.inject("429", r"/products$", after=5, retry_after=0.3)
    fake.inject("drop", r"/products$", after=12, times=4)
    browser = e2e.Browser(woo_app)
    delivery, _ = connect(browser, fake)
    assert browser.deliver(delivery).status_code == 200
    m = e2e.merchant(woo_app, "woocommerce")
    assert m.sync_state["status"] == "ok" and m.sync_state["resumes"] == 1
    assert m.sync_state["last_counts"]["created"] == 2000 and e2e.live_products(woo_app, m.id) == 2000
    pages = sum(1 for method, path in fake.request_log if path.endswith("/products"))
    assert pages <= 20 + 1 + 4 + 1


def test_full_sync_soft_deletes_vanished_products(woo_app, fake):
    browser = e2e.Browser(woo_app)
    delivery, _ = connect(browser, fake)
    browser.deliver(delivery)
    m = e2e.merchant(woo_app, "woocommerce")
    for pid in (1001, 1500, 3000):  # first page, middle, last product
        fake.delete_product(pid)
    out = woo_app.test_cli_runner().invoke(args=["facet", "sync", "--full", "--", m.public_id])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["counts"]["deleted"] == 3 and e2e.live_products(woo_app, m.id) == 1997


def test_a_merchant_who_denies_access_is_told_how_to_connect_after_all(woo_app, fake):
    browser = e2e.Browser(woo_app)
    start = browser.post("/woocommerce/connect", data={"store_url": fake.url})
    user_id = parse_qs(urlsplit(start.headers["Location"]).query)["user_id"][0]
    back = browser.get(f"/woocommerce/return?{urlencode({'success': 0, 'user_id': user_id})}")
    text = back.get_data(as_text=True)
    assert back.status_code == 400 and "access was not approved" in text and '<a href="connect">' in text
    assert browser.get("/woocommerce/connect").status_code == 200  # where that link leads
    with woo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Merchant)) == 0


def test_the_daily_full_sync_switches_disabled_webhooks_back_on(woo_app, fake):
    # WooCommerce disables a webhook after more than 5 failed deliveries in a row (a Facet outage, say):
    # without this the store would stay on the daily sync for good.
    browser = e2e.Browser(woo_app)
    delivery, _ = connect(browser, fake)
    browser.deliver(delivery)
    m = e2e.merchant(woo_app, "woocommerce")
    disabled, paused = sorted(fake.webhooks)[:2], sorted(fake.webhooks)[4]
    for wid in disabled:
        fake.fail_deliveries(wid)
    fake.webhooks[paused]["status"] = "paused"  # the merchant's own choice: left alone
    runner = woo_app.test_cli_runner()
    out = runner.invoke(args=["facet", "sync", "--full", "--", m.public_id])
    assert out.exit_code == 0, out.output
    assert [fake.webhooks[w]["status"] for w in sorted(fake.webhooks)] == ["active"] * 4 + ["paused"]
    assert e2e.merchant(woo_app, "woocommerce").sync_state["webhooks"]["revived"] == 2
    fake.webhooks[paused]["status"] = "active"
    [update] = fake.deliveries("product.updated", fake.rest_product(1001))
    assert browser.deliver(update).json["result"] == "product_upserted"

    # One deleted in the WooCommerce admin: all are registered again, with the same secret.
    del fake.webhooks[sorted(fake.webhooks)[0]]
    out = runner.invoke(args=["facet", "sync", "--full", "--", m.public_id])
    assert out.exit_code == 0, out.output
    hooks = list(fake.webhooks.values())
    assert len(hooks) == 5 and {h["status"] for h in hooks} == {"active"}
    assert {h["secret"] for h in hooks} == {
        e2e.merchant(woo_app, "woocommerce").credentials["webhook_secret"]
    }
    assert e2e.merchant(woo_app, "woocommerce").credentials["webhook_ids"] == [
        str(i) for i in sorted(fake.webhooks)
    ]

    # Registration failed at install (the store was down): the daily sync registers them.
    fake.webhooks.clear()
    with woo_app.app_context():
        stored = db.session.get(Merchant, m.id)
        stored.credentials = {**stored.credentials, "webhook_ids": []}
        db.session.commit()
    out = runner.invoke(args=["facet", "sync", "--full", "--", m.public_id])
    assert out.exit_code == 0, out.output
    assert (
        len(fake.webhooks) == 5 and len(e2e.merchant(woo_app, "woocommerce").credentials["webhook_ids"]) == 5
    )


# -- the merchant's browser: back from /wc-auth onto the connected page, signed into the dashboard ---------
BINDING = "facet_wc_user"


def admin_cookie(response) -> str | None:
    return next((c for c in response.headers.getlist("Set-Cookie") if c.startswith("facet_admin=")), None)


def user_id_of(return_url: str) -> str:
    return dict(parse_qsl(urlsplit(return_url).query))["user_id"]


def test_return_from_the_store_opens_the_dashboard(woo_app, fake):
    browser, store = e2e.Browser(woo_app), e2e.Browser(woo_app)
    form = browser.get("/woocommerce/connect")
    assert form.status_code == 200
    start = browser.post("/woocommerce/connect", data={"store_url": fake.url})
    [binding] = [c for c in start.headers.getlist("Set-Cookie") if c.startswith(f"{BINDING}=")]
    # Signed, this browser only, and sent back on Woo's top-level redirect to the return URL.
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Max-Age=3600"} <= {p.strip() for p in binding.split(";")}
    delivery, return_url = fake.approve(start.headers["Location"])
    assert browser.get("/admin").status_code == 401

    # Woo redirected the browser before Facet saved the keys: a page that asks again, nobody signed in.
    early = browser.get(return_url)
    page = early.get_data(as_text=True)
    assert early.status_code == 200 and "finishing the connection" in page
    assert "Facet is connected" not in page
    query = urlencode({"success": 1, "user_id": user_id_of(return_url), "try": 1})
    again = f"{e2e.PUBLIC_URL}/woocommerce/return?{query}"
    assert f'<meta http-equiv="refresh" content="3;url={again}">' in page.replace("&amp;", "&")
    assert admin_cookie(early) is None and browser.get("/admin").status_code == 401
    # After a minute of asking, the page stops refreshing and says what to do.
    given_up = browser.get(again.replace("try=1", "try=20")).get_data(as_text=True)
    assert "Facet has not received your store's approval" in given_up and "http-equiv" not in given_up
    # A count that is not plain ASCII digits (here a superscript two, which int() refuses) starts over.
    odd = browser.get(again.replace("try=1", "try=%C2%B2"))
    assert odd.status_code == 200 and "finishing the connection" in odd.get_data(as_text=True)

    assert store.deliver(delivery).status_code == 200
    merchant = e2e.merchant(woo_app, "woocommerce")
    credentials, installed_at = dict(merchant.credentials), merchant.installed_at
    connected = browser.get(again)  # the refresh
    page = connected.get_data(as_text=True)
    assert connected.status_code == 200 and f"Facet is connected to {merchant.name}" in page
    assert '<a class="dashboard" href="/admin">Open your dashboard</a>' in page
    assert merchant.publishable_key in page and "Nothing to paste" in page
    # Merchants are told what happens to their domains in plain words, not an operator's command.
    words = " ".join(page.split())
    assert (
        f"<code>{origin_of(fake.url)}</code>. Your store's primary domain is added automatically after the "
        "catalog import. For any other domain, contact Facet support.</dd>"
    ) in words
    assert "flask" not in page and "--add" not in page
    cookie = admin_cookie(connected)
    assert cookie and {"Secure", "HttpOnly", "Max-Age=28800"} <= {p.strip() for p in cookie.split(";")}
    dashboard = browser.get("/admin")
    assert dashboard.status_code == 200 and f"<h1>{merchant.name}</h1>" in dashboard.get_data(as_text=True)
    summary = browser.get(SUMMARY)
    assert summary.status_code == 200 and summary.json["shop_domain"] == merchant.shop_domain

    # Showing the page saved nothing: same keys (webhook secret included), no second install.
    after = e2e.merchant(woo_app, "woocommerce")
    assert after.credentials == credentials and after.installed_at == installed_at
    assert after.credentials["consumer_key"].startswith("ck_") and after.credentials["webhook_secret"]


def test_a_return_not_bound_to_this_browser_signs_nothing_in(woo_app, fake):
    merchant_browser, store = e2e.Browser(woo_app), e2e.Browser(woo_app)
    delivery, return_url = connect(merchant_browser, fake)
    assert store.deliver(delivery).status_code == 200
    user_id = user_id_of(return_url)
    signer = URLSafeTimedSerializer(woo_app.config["SECRET_KEY"], salt="facet.install-cookie")
    genuine = merchant_browser.client.get_cookie(BINDING, domain="facet.test").value

    # Another browser that started its own connection (a validly signed cookie for another user_id).
    other = e2e.Browser(woo_app)
    other_delivery, other_return = connect(other, fake)
    assert store.deliver(other_delivery).status_code == 200

    def visit(cookie: str | None, url: str = return_url):
        client = e2e.Browser(woo_app)
        if cookie is not None:
            client.client.set_cookie(BINDING, cookie, domain="facet.test")
        return client, client.get(url)

    cases = {
        "missing": visit(None),
        "foreign": (other, other.get(return_url)),
        "tampered": visit(genuine[:-3] + ("AAA" if not genuine.endswith("AAA") else "BBB")),
        "unsigned": visit(user_id),
        "other secret": visit(
            URLSafeTimedSerializer("not-the-secret", salt="facet.install-cookie").dumps(user_id)
        ),
        "other salt": visit(URLSafeTimedSerializer(woo_app.config["SECRET_KEY"]).dumps(user_id)),
        "mismatched user_id": visit(genuine, other_return),
        "mismatched, own cookie": (merchant_browser, merchant_browser.get(other_return)),
        "not approved": visit(genuine, return_url.replace("success=1", "success=0")),
    }
    for case, (client, response) in cases.items():
        page = response.get_data(as_text=True)
        assert response.status_code in (200, 400), case
        assert "Facet is connected" not in page and "Open your dashboard" not in page, case
        assert admin_cookie(response) is None, case
        assert_sign_in_page(client.get("/admin"), 401, "open Facet from your store's admin")
    # A browser that never started a connection is not told a store is connected: it cannot be known here.
    unknown = cases["missing"][1].get_data(as_text=True)
    assert (
        "this browser is not the one that started the connection" in unknown
        and "is connected." not in unknown
    )
    assert 'name="viewport"' in unknown  # merchants often approve from a phone
    assert cases["not approved"][1].status_code == 400

    # The same browser with its genuine, correctly signed cookie is let in: the cases above fail for their
    # reason, not because the flow is broken.
    assert signer.loads(genuine) == user_id
    client, response = visit(genuine)
    assert admin_cookie(response) is not None and client.get("/admin").status_code == 200
    landing = merchant_browser.get(return_url)
    assert "Facet is connected" in landing.get_data(as_text=True) and admin_cookie(landing)


def test_a_store_that_revoked_facets_key_is_taken_as_removed_after_three_days(woo_app, fake):
    """WooCommerce tells no one when a merchant revokes Facet's key: refused syncs, day after day, are the
    notice. The merchant is warned with a date, a working sync clears it, and past it the data goes as
    after an uninstall."""
    from datetime import timedelta

    from plugin_api.jobs.sync import schedule_polls
    from plugin_api.models import utcnow
    from plugin_api.services.installs import ACCESS_REVOKED_AFTER

    browser = e2e.Browser(woo_app)
    delivery, return_url = connect(browser, fake)
    assert e2e.Browser(woo_app).deliver(delivery).status_code == 200
    browser.get(return_url)
    m = e2e.merchant(woo_app, "woocommerce")
    runner = woo_app.test_cli_runner()
    keys = dict(fake.keys)

    fake.revoke_keys()
    assert runner.invoke(args=["facet", "sync", "--full", "--", m.public_id]).exit_code != 0
    first = e2e.merchant(woo_app, "woocommerce").sync_state["access_refused_since"]
    assert runner.invoke(args=["facet", "sync", "--full", "--", m.public_id]).exit_code != 0
    assert (
        e2e.merchant(woo_app, "woocommerce").sync_state["access_refused_since"] == first
    )  # the first refusal
    page = browser.get("/admin").get_data(as_text=True)
    assert "Your store no longer accepts Facet&#39;s access" in page and "connect it again" in page

    fake.keys.update(keys)  # put back in time: the next sync works and the warning goes
    assert runner.invoke(args=["facet", "sync", "--full", "--", m.public_id]).exit_code == 0
    assert "access_refused_since" not in e2e.merchant(woo_app, "woocommerce").sync_state

    fake.revoke_keys()
    runner.invoke(args=["facet", "sync", "--full", "--", m.public_id])
    with woo_app.app_context():
        schedule_polls(now=utcnow() + ACCESS_REVOKED_AFTER - timedelta(hours=1))
    assert e2e.merchant(woo_app, "woocommerce").is_installed
    with woo_app.app_context():
        schedule_polls(now=utcnow() + ACCESS_REVOKED_AFTER + timedelta(minutes=1))
    gone = e2e.merchant(woo_app, "woocommerce")
    assert not gone.is_installed and gone.credentials is None and gone.sync_state["data_delete_after"]
    widget = browser.client.get("/api/v1/widget/config", headers={"Origin": origin_of(fake.url)})
    assert widget.status_code == 401

    # The merchant connects again within the 48 hours: the old refusals are forgotten, so the next tick
    # (before the new import has even run) leaves the store installed.
    fake.keys.update(keys)
    delivery, _ = connect(e2e.Browser(woo_app), fake)
    assert e2e.Browser(woo_app).deliver(delivery).status_code == 200
    back = e2e.merchant(woo_app, "woocommerce")
    assert back.is_installed and "access_refused_since" not in back.sync_state
    with woo_app.app_context():
        schedule_polls(now=utcnow() + ACCESS_REVOKED_AFTER + timedelta(minutes=20))
    assert e2e.merchant(woo_app, "woocommerce").is_installed


def test_disconnect_in_the_dashboard_stops_facet_and_says_when_the_data_goes(woo_app, fake):
    from datetime import timedelta

    from plugin_api.jobs.sync import schedule_polls
    from plugin_api.models import utcnow

    browser = e2e.Browser(woo_app)
    delivery, return_url = connect(browser, fake)
    assert e2e.Browser(woo_app).deliver(delivery).status_code == 200
    browser.get(return_url)
    assert "data-disconnect-form" in browser.get("/admin").get_data(as_text=True)
    assert len(fake.webhooks) == 5

    unconfirmed = browser.post("/admin/disconnect", data={})
    assert unconfirmed.status_code == 422 and "Tick the box" in unconfirmed.get_data(as_text=True)
    elsewhere = browser.post(
        "/admin/disconnect", data={"confirm": "yes"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert elsewhere.status_code == 403
    assert e2e.merchant(woo_app, "woocommerce").is_installed

    done = browser.post("/admin/disconnect", data={"confirm": "yes"})
    page = done.get_data(as_text=True)
    m = e2e.merchant(woo_app, "woocommerce")
    delete_after = m.sync_state["data_delete_after"]
    assert done.status_code == 200 and "Facet is disconnected" in page
    assert delete_after[:16].replace("T", " ") in page
    # The key and the plugin stay (WooCommerce's API cannot remove either): the page names where they are.
    assert (
        '<p class="muted" data-app-left>To remove Facet from your store completely: In WordPress: '
        "WooCommerce › Settings › Advanced › REST API, revoke the key named “Facet - API (…)”, then "
        "deactivate and delete the Facet plugin under Plugins.</p>"
    ) in page
    assert "data-app-removed" not in page and "app, plugin or integration" not in page
    assert not m.is_installed and m.credentials is None and fake.webhooks == {}  # its webhooks removed
    signed_out = browser.get("/admin")  # the session ended with the store's connection
    assert signed_out.status_code == 403 and b'content="merchant_uninstalled"' in signed_out.data
    with woo_app.app_context():
        assert schedule_polls(now=utcnow() + timedelta(hours=49))["purged"] == 1
    with woo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Merchant)) == 0


def test_a_firewalls_403_is_not_taken_for_revoked_access(woo_app, fake):
    """Only the platform's own refusal (401) starts the three days; a host's or firewall's 403 does not."""
    browser = e2e.Browser(woo_app)
    delivery, _ = connect(browser, fake)
    assert e2e.Browser(woo_app).deliver(delivery).status_code == 200
    m = e2e.merchant(woo_app, "woocommerce")
    fake.inject("403", r"/wp-json/wc/v3/products", times=100)
    assert (
        woo_app.test_cli_runner().invoke(args=["facet", "sync", "--full", "--", m.public_id]).exit_code != 0
    )
    state = e2e.merchant(woo_app, "woocommerce").sync_state
    assert state["last_error"]["code"] == "auth_error" and "access_refused_since" not in state
