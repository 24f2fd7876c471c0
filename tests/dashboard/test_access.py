"""Who gets into the merchant dashboard: the verified platform landing, support links, the demo only."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from plugin_api.demo import seed_demo_merchant
from plugin_api.demo.seed import seed_demo_catalog
from plugin_api.extensions import db
from plugin_api.models import Merchant
from tests.connectors import e2e
from tests.dashboard.helpers import SUMMARY, assert_sign_in_page, sign_in
from tests.fakes.shopify import FakeShopify
from tests.helpers import assert_error


def signed(secret: str, value: str, salt: str, *, age: int = 0) -> str:
    """`value` signed the way the dashboard documents it (salt, secret), `age` seconds ago."""

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - age

    return URLSafeTimedSerializer(secret, salt=salt, signer=Earlier).dumps(value)


@pytest.fixture
def shopify():
    fake = FakeShopify(products=3, bucket_max=20000, restore_rate=20000).start()
    yield fake
    fake.stop()


def test_opening_the_app_from_shopify_signs_into_the_dashboard_until_uninstall(app_factory, shopify):
    app = app_factory(
        **e2e.app_config(
            FACET_SHOPIFY_API_KEY=shopify.api_key,
            FACET_SHOPIFY_API_SECRET=shopify.api_secret,
            FACET_SHOPIFY_API_BASE_URL=shopify.url,
        )
    )
    browser = e2e.Browser(app)
    assert browser.get("/admin").status_code == 401  # not before the platform vouched for this browser
    start = browser.get(f"/shopify/install?{shopify.signed_query()}")
    connected = browser.get(shopify.approve(start.headers["Location"]))
    page = connected.get_data(as_text=True)
    assert connected.status_code == 200 and "Facet is connected" in page
    assert '<a class="dashboard" href="/admin">Open your dashboard</a>' in page
    [cookie] = [c for c in connected.headers.getlist("Set-Cookie") if c.startswith("facet_admin=")]
    # https public URL: Secure; never sent with another site's requests (the app opens top-level).
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Max-Age=28800"} <= {p.strip() for p in cookie.split(";")}

    merchant = e2e.merchant(app, "shopify")
    dashboard = browser.get("/admin")
    assert dashboard.status_code == 200 and f"<h1>{merchant.name}</h1>" in dashboard.get_data(as_text=True)
    summary = browser.get(SUMMARY)
    assert summary.status_code == 200 and summary.json["shop_domain"] == shopify.shop
    assert summary.json["settings"]["publishable_key"] == merchant.publishable_key
    assert summary.json["catalog"]["status"].startswith("3 products imported")

    uninstall = shopify.deliver("app/uninstalled", {"myshopify_domain": shopify.shop})
    assert browser.deliver(uninstall).json["result"] == "uninstalled"
    assert_sign_in_page(browser.get("/admin"), 403, "Facet is no longer installed on this store")
    assert_error(browser.get(SUMMARY), 403, "merchant_uninstalled")

    # Installed again (by a new owner, say): a session from before the uninstall does not come back to life.
    stale = signed(app.config["SECRET_KEY"], merchant.public_id, "facet.admin-session", age=60)
    new_owner = e2e.Browser(app)
    start = new_owner.get(f"/shopify/install?{shopify.signed_query()}")
    assert new_owner.get(shopify.approve(start.headers["Location"])).status_code == 200
    assert new_owner.get("/admin").status_code == 200
    browser.client.set_cookie("facet_admin", stale, domain="facet.test")
    assert_sign_in_page(browser.get("/admin"), 401, "open Facet from your store's admin")
    assert_error(browser.get(SUMMARY), 401, "admin_sign_in_required")


def test_without_a_valid_session_the_page_explains_how_to_sign_in(app, merchant_factory):
    merchant = merchant_factory()
    secret = app.config["SECRET_KEY"]
    cookies = {
        "none": None,
        "tampered": signed(secret, merchant.public_id, "facet.admin-session")[:-3] + "AAA",
        "other secret": signed("not-the-secret", merchant.public_id, "facet.admin-session"),
        "expired": signed(secret, merchant.public_id, "facet.admin-session", age=8 * 3600 + 60),
        # A sign-in link's token is not a session, whatever it names.
        "link token": signed(secret, merchant.public_id, "facet.admin-link"),
        "unknown merchant": signed(secret, "no-such-merchant", "facet.admin-session"),
    }
    for case, value in cookies.items():
        client = app.test_client()
        if value is not None:
            client.set_cookie("facet_admin", value)
        page = assert_sign_in_page(
            client.get("/admin"),
            401,
            "open Facet from your store's admin",
            "Shopify: in your Shopify admin, open Apps, then Facet.",
            "click “Connect this store to Facet”",
            "click “Reauthorize” on Facet",
        )
        assert merchant.publishable_key not in page, case
        assert_error(client.get(SUMMARY), 401, "admin_sign_in_required")
    # The same cookie, signed as documented and fresh, is let in: the cases above fail for their reason.
    client = app.test_client()
    client.set_cookie("facet_admin", signed(secret, merchant.public_id, "facet.admin-session", age=7 * 3600))
    assert client.get("/admin").status_code == 200 and client.get(SUMMARY).status_code == 200


def test_an_uninstalled_store_gets_403(app, merchant_factory):
    merchant = merchant_factory(status="uninstalled")
    client = app.test_client()
    client.set_cookie(
        "facet_admin", signed(app.config["SECRET_KEY"], merchant.public_id, "facet.admin-session")
    )
    assert_sign_in_page(client.get("/admin"), 403, "Facet is no longer installed on this store")
    assert_error(client.get(SUMMARY), 403, "merchant_uninstalled")


def test_admin_link_signs_in_for_15_minutes(app, merchant_factory):
    merchant = merchant_factory(name="Lumen Optics")
    client = sign_in(app, merchant)
    assert "<h1>Lumen Optics</h1>" in client.get("/admin").get_data(as_text=True)
    assert "Set-Cookie" not in client.get("/admin").headers  # the session is set once, at sign-in
    assert client.get(SUMMARY).json["store_name"] == "Lumen Optics"

    secret = app.config["SECRET_KEY"]
    for token, why in [
        (signed(secret, merchant.public_id, "facet.admin-link", age=15 * 60 + 30), "expired"),
        (signed(secret, merchant.public_id, "facet.admin-link")[:-3] + "AAA", "tampered"),
        (signed(secret, merchant.public_id, "facet.admin-session"), "a session cookie is no link"),
        ("", "missing"),
    ]:
        fresh = app.test_client()
        response = fresh.get("/admin/sign-in", query_string={"token": token})
        assert_sign_in_page(response, 401, "not valid or has expired", "Ask Facet support for a fresh link")
        assert "facet_admin=" not in response.headers.get("Set-Cookie", ""), why
        assert fresh.get("/admin").status_code == 401, why
    almost = app.test_client().get(
        "/admin/sign-in",
        query_string={"token": signed(secret, merchant.public_id, "facet.admin-link", age=14 * 60)},
    )
    assert almost.status_code == 302 and almost.headers["Location"] == "/admin"


def test_admin_link_refuses_unknown_and_uninstalled_stores(app, merchant_factory):
    gone = merchant_factory(status="uninstalled")
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["facet", "admin-link", "nowhere.myshopify.com"])
    assert unknown.exit_code == 1 and "no store 'nowhere.myshopify.com'" in unknown.output
    refused = runner.invoke(args=["facet", "admin-link", gone.shop_domain])
    assert refused.exit_code == 1 and "no longer installed" in refused.output
    assert "/admin/sign-in" not in refused.output


def test_demo_sign_in_exists_in_the_demo_only(app_factory):
    demo = app_factory(FACET_ENV="demo", FACET_INLINE_HOUSEKEEPING_SECONDS=0)
    with demo.app_context():
        # `make demo`'s seed is the demo platform's catalog sync (an empty catalog keeps this test fast).
        seed_demo_catalog(seed_demo_merchant(), config=demo.config, catalog=[])
    client = demo.test_client()
    store = client.get("/demo").get_data(as_text=True)
    assert '<a href="/admin/demo" data-dashboard-link>Merchant dashboard</a>' in store
    landing = client.get("/admin/demo")
    assert landing.status_code == 302 and landing.headers["Location"] == "/admin"
    assert "<h1>Facet Demo Store</h1>" in client.get("/admin").get_data(as_text=True)
    summary = client.get(SUMMARY).json
    assert summary["settings"]["publishable_key"] == "pk_demo" and summary["catalog"]["last_sync_at"]
    assert summary["catalog"]["status"].startswith("0 products imported")

    other = app_factory()  # FACET_ENV=test, same database, demo merchant present
    with other.app_context():
        assert db.session.scalars(select(Merchant).where(Merchant.publishable_key == "pk_demo")).one()
    client = other.test_client()
    assert "data-dashboard-link" not in client.get("/demo").get_data(as_text=True)
    response = client.get("/admin/demo")
    assert response.status_code == 404 and "facet_admin=" not in response.headers.get("Set-Cookie", "")
    assert client.get("/admin").status_code == 401


def test_the_summary_is_documented_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/admin/summary"]["get"]
    assert set(operation["responses"]) >= {"200", "401", "403", "422"}
    assert operation["security"] == [{"adminSession": []}]
    assert spec["components"]["securitySchemes"]["adminSession"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "facet_admin",
    }
    [days] = operation["parameters"]
    assert days["name"] == "days" and days["schema"]["enum"] == [7, 30, 90]
