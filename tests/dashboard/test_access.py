"""Who gets into the merchant dashboard: the verified platform landing, support links, the demo only."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.test import TestResponse

from plugin_api.demo import seed_demo_merchant
from plugin_api.demo.seed import seed_demo_catalog
from plugin_api.extensions import db
from plugin_api.models import Merchant, UsedSignInLink
from plugin_api.services.installs import ADMIN_SESSIONS_ENDED_AT
from tests.connectors import e2e
from tests.dashboard.helpers import (
    SUMMARY,
    admin_link,
    assert_sign_in_page,
    assert_signed_in,
    confirmation_form,
    press_sign_in,
    sign_in,
    signed_in,
)
from tests.fakes.shopify import FakeShopify
from tests.helpers import assert_error


def signed(secret: str, value: Any, salt: str, *, age: int = 0, at: int | None = None) -> str:
    """`value` signed the way the dashboard documents it (salt, secret), `age` seconds ago (or at the Unix
    second `at`)."""

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - age if at is None else at

    return URLSafeTimedSerializer(secret, salt=salt, signer=Earlier).dumps(value)


def link_token(secret: str, public_id: str, *, link_id: str = "link-0001", age: int = 0) -> str:
    """A sign-in link's token as documented: the merchant and the link's own id, salt `facet.admin-link`."""
    return signed(secret, {"merchant": public_id, "link": link_id}, "facet.admin-link", age=age)


def use_link(client: FlaskClient, link: str) -> TestResponse:
    """Open `link` in `client` and press "Sign in" on the page it shows: the answer to the button."""
    page = client.get(link)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return press_sign_in(client, page)


def post_token(client: FlaskClient, token: str, origin: str | None = "http://localhost") -> TestResponse:
    """POST `token` to the sign-in endpoint as the confirmation page's form does, from `origin`."""
    return client.post(
        "/admin/sign-in", data={"token": token}, headers={"Origin": origin} if origin is not None else {}
    )


def used_links(app: Flask) -> list[UsedSignInLink]:
    with app.app_context():
        return db.session.scalars(select(UsedSignInLink)).all()


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
            "click “Open Facet dashboard”",
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
        (link_token(secret, merchant.public_id, age=15 * 60 + 30), "expired"),
        (link_token(secret, merchant.public_id)[:-3] + "AAA", "tampered"),
        (signed(secret, merchant.public_id, "facet.admin-session"), "a session cookie is no link"),
        # Links printed before they were single use carried no link id: nothing could mark them used.
        (signed(secret, merchant.public_id, "facet.admin-link"), "no link id"),
        ("", "missing"),
    ]:
        fresh = app.test_client()
        # Refused on opening (no button to press) and when posted all the same.
        for response in (
            fresh.get("/admin/sign-in", query_string={"token": token}),
            post_token(fresh, token),
        ):
            page = assert_sign_in_page(
                response, 401, "not valid or has expired", "Ask Facet support for a fresh link"
            )
            assert '<meta name="facet-error-code" content="invalid_sign_in_link">' in page, why
            assert "<form" not in page, why
            assert "facet_admin=" not in response.headers.get("Set-Cookie", ""), why
        assert fresh.get("/admin").status_code == 401, why
    assert len(used_links(app)) == 1  # the link `sign_in` used above: no refused one was recorded
    almost = link_token(secret, merchant.public_id, age=14 * 60)
    assert_signed_in(use_link(app.test_client(), f"/admin/sign-in?token={almost}"))


def test_opening_an_admin_link_asks_first_and_uses_nothing_up(app, merchant_factory):
    merchant = merchant_factory(name="Lumen Optics")
    link = admin_link(app, merchant)
    token = link.split("token=", 1)[1]
    # A mail scanner (GET), a chat app's link preview (HEAD, then GET), the merchant's own browser: whoever
    # opens the link is asked, nothing more.
    browser = app.test_client()
    for client, how in [(app.test_client(), "GET"), (app.test_client(), "HEAD"), (browser, "GET")]:
        response = client.open(link, method=how)
        assert response.status_code == 200, how
        assert "Set-Cookie" not in response.headers, how
        assert response.headers["Cache-Control"] == "no-store", how
        assert response.headers["Content-Security-Policy"] == "frame-ancestors 'none'", how
        assert client.get("/admin").status_code == 401, how
    assert used_links(app) == []

    page = browser.get(link)
    html = page.get_data(as_text=True)
    assert page.mimetype == "text/html"
    assert "<h1>Sign in to Lumen Optics's Facet dashboard</h1>" in html
    form = confirmation_form(page)  # one form, one button
    assert form["action"] == "/admin/sign-in" and form["fields"] == {"token": token}

    # Pressing the button signs in, once.
    assert_signed_in(press_sign_in(browser, page))
    [used] = used_links(app)
    assert used.merchant_id == merchant.id
    assert "<h1>Lumen Optics</h1>" in browser.get("/admin").get_data(as_text=True)
    again = press_sign_in(app.test_client(), page)  # the same page's button, pressed again
    html = assert_sign_in_page(again, 401, "This sign-in link has already been used.")
    assert '<meta name="facet-error-code" content="sign_in_link_used">' in html
    assert "facet_admin=" not in again.headers.get("Set-Cookie", "")
    assert len(used_links(app)) == 1


def test_an_admin_link_signs_in_once(app, merchant_factory):
    merchant = merchant_factory(name="Lumen Optics")
    link = admin_link(app, merchant)
    first = app.test_client()
    landing = use_link(first, link)
    assert_signed_in(landing)
    assert landing.headers["Set-Cookie"].startswith("facet_admin=")

    # The same link again, from another browser (a forwarded mail) or from the one it signed in, opened or
    # posted: refused, saying why and how to get in, and no session is set or cleared.
    token = link.split("token=", 1)[1]
    for client, who in [(app.test_client(), "another browser"), (first, "the same browser")]:
        for again in (client.get(link), post_token(client, token)):
            page = assert_sign_in_page(
                again,
                401,
                "This sign-in link has already been used. Ask Facet support for a new link.",
                "Each sign-in link signs in once, within 15 minutes",
                '<a href="/admin">open your',
                "Shopify: in your Shopify admin, open Apps, then Facet.",
            )
            assert '<meta name="facet-error-code" content="sign_in_link_used">' in page, who
            assert "not valid or has expired" not in page and "<form" not in page, who
            assert "facet_admin=" not in again.headers.get("Set-Cookie", ""), who
    with app.app_context():
        [used] = db.session.scalars(select(UsedSignInLink)).all()
        assert used.merchant_id == merchant.id and used.used_at <= used.expires_at
    assert app.test_client().get(link).status_code == 401

    # The browser the link signed in stays signed in.
    assert "<h1>Lumen Optics</h1>" in first.get("/admin").get_data(as_text=True)
    assert first.get(SUMMARY).json["store_name"] == "Lumen Optics"


def test_every_printed_admin_link_is_its_own(app, merchant_factory):
    merchant = merchant_factory()
    one, two = admin_link(app, merchant), admin_link(app, merchant)  # within the same second, most likely
    assert one != two
    assert use_link(app.test_client(), two).status_code == 303  # using one uses no other
    assert use_link(app.test_client(), one).status_code == 303
    assert app.test_client().get(one).status_code == 401 and app.test_client().get(two).status_code == 401


def test_a_used_link_past_its_15_minutes_gets_the_expired_answer(app, merchant_factory):
    merchant = merchant_factory()
    secret = app.config["SECRET_KEY"]
    used = link_token(secret, merchant.public_id, link_id="mailed-0001")
    assert use_link(app.test_client(), f"/admin/sign-in?token={used}").status_code == 303
    # The same link (same id) as it stands once its 15 minutes are over: expired, whether used or not.
    late = link_token(secret, merchant.public_id, link_id="mailed-0001", age=15 * 60 + 30)
    for response in (
        app.test_client().get("/admin/sign-in", query_string={"token": late}),
        post_token(app.test_client(), late),
    ):
        page = assert_sign_in_page(response, 401, "not valid or has expired")
        assert '<meta name="facet-error-code" content="invalid_sign_in_link">' in page


def test_only_the_confirmation_page_itself_can_press_sign_in(app_factory, merchant_factory):
    # Facet behind a proxy: its public URL is not the host the app sees (http://localhost in tests).
    app = app_factory(FACET_PUBLIC_URL="https://facet.example")
    merchant = merchant_factory(app)
    link = admin_link(app, merchant)
    browser = app.test_client()
    page = browser.get(link)
    # Another site's page posting the link from a visitor's browser (to sign them into a store not theirs),
    # as current browsers, older ones and privacy-stripped ones say it: refused, and the link stays unused.
    for headers in [
        {"Origin": "https://evil.example"},
        {"Origin": "https://facet.example.evil.example"},
        {"Origin": "null"},
        {"Origin": None, "Referer": "https://evil.example/phish"},
        {"Origin": "https://facet.example", "Sec-Fetch-Site": "cross-site"},  # the browser's word wins
        {"Origin": "http://localhost", "Sec-Fetch-Site": "same-site"},  # a sibling subdomain
    ]:
        refused = press_sign_in(browser, page, headers)
        html = assert_sign_in_page(refused, 403, "This sign-in did not come from Facet", "was not used up")
        assert '<meta name="facet-error-code" content="cross_site_sign_in">' in html, headers
        assert "facet_admin=" not in refused.headers.get("Set-Cookie", ""), headers
    assert used_links(app) == [] and browser.get("/admin").status_code == 401
    # The same link, pressed on its own page (Origin: the page's, as the app sees it): still signs in.
    landing = press_sign_in(browser, page)
    assert landing.status_code == 303 and landing.headers["Location"] == "/admin"
    assert landing.headers["Set-Cookie"].startswith("facet_admin=")

    # The page's own origin as Facet's public URL (with or without its default port), by Sec-Fetch-Site,
    # Origin or Referer, or no word at all (not a browser: it holds the token).
    for headers in [
        {"Sec-Fetch-Site": "same-origin", "Origin": None},
        {"Origin": "https://FACET.example:443"},
        {"Origin": None, "Referer": f"https://facet.example{link}"},
        {"Origin": None},
    ]:
        landing = press_sign_in(app.test_client(), browser.get(admin_link(app, merchant)), headers)
        assert landing.status_code == 303 and landing.headers["Location"] == "/admin", headers
        assert landing.headers["Set-Cookie"].startswith("facet_admin="), headers
    assert len(used_links(app)) == 5


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
    for browser in (client, demo.test_client()):  # not a support link: the demo signs in every time
        again = browser.get("/admin/demo")
        assert again.status_code == 302 and again.headers["Set-Cookie"].startswith("facet_admin=")
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


def test_sign_out_ends_this_browser_and_everywhere_ends_every_session(app, merchant_factory):
    merchant = merchant_factory()
    here, there = signed_in(app, merchant), signed_in(app, merchant)
    assert "data-sign-out" in here.get("/admin").get_data(as_text=True)

    assert here.post("/admin/sign-out", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    out = here.post("/admin/sign-out")
    assert out.status_code == 200 and "This browser is signed out" in out.get_data(as_text=True)
    assert here.get("/admin").status_code == 401
    assert there.get("/admin").status_code == 200  # another browser's session stands

    before = int(time.time())
    everywhere = there.post("/admin/sign-out", data={"everywhere": "yes"})
    after = int(time.time())
    assert everywhere.status_code == 200 and "Every browser signed in" in everywhere.get_data(as_text=True)
    # Sessions carry whole seconds: the store remembers the second after the sign-out's as the first to count.
    with app.app_context():
        stored = db.session.get(Merchant, merchant.id)
        counts_from = int(datetime.fromisoformat(stored.settings[ADMIN_SESSIONS_ENDED_AT]).timestamp())
    assert before < counts_from <= after + 1
    secret = app.config["SECRET_KEY"]

    def opens(issued: int) -> int:
        browser = app.test_client()
        browser.set_cookie(
            "facet_admin", signed(secret, merchant.public_id, "facet.admin-session", at=issued)
        )
        return browser.get("/admin").status_code

    # A copy of a cookie kept elsewhere (a shared computer), even one signed in the sign-out's own second,
    # no longer signs anyone in.
    assert [opens(before), opens(before - 30)] == [401, 401]
    # One signed from that second on does: moved a second back (the next second cannot be signed before it
    # comes), the first second that counts is now, and the one before it still does not.
    with app.app_context():
        stored = db.session.get(Merchant, merchant.id)
        earlier = datetime.fromtimestamp(counts_from - 1, UTC).isoformat()
        stored.settings = {**stored.settings, ADMIN_SESSIONS_ENDED_AT: earlier}
        db.session.commit()
    assert [opens(counts_from - 1), opens(counts_from - 2)] == [200, 401]
    assert signed_in(app, merchant).get("/admin").status_code == 200
