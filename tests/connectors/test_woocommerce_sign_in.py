"""WooCommerce dashboard sign-in: the plugin's store-signed "Open Facet dashboard", and a key renewal that
signs nobody in (WooCommerce's key flow cannot tell whose browser approved it)."""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.connectors import e2e
from tests.connectors.test_e2e_woocommerce import admin_cookie, connect
from tests.fakes.woocommerce import FakeWooCommerce

PLUGIN_SIGN_IN = Path(__file__).resolve().parents[2] / "widgets" / "woocommerce" / "includes" / "sign-in.php"


@pytest.fixture
def fake():
    fake = FakeWooCommerce(products=20).start()
    yield fake
    fake.stop()


@pytest.fixture
def woo_app(app_factory):
    return app_factory(**e2e.app_config())


def plugin_fields(
    store: str, key_id: int | str, secret: str, *, now: int | None = None, nonce: str = ""
) -> dict:
    """The form fields the WordPress plugin's own PHP signs (`facet_tryon_sign_in_fields`)."""
    if shutil.which("php") is None:
        pytest.skip("php is not installed (CI installs php-cli): the plugin's signing is PHP")
    args = [store, str(key_id), secret, str(now or int(time.time())), nonce or secrets.token_urlsafe(24)]
    code = (
        "define('FACET_TRYON_TESTING', true); require $argv[1]; "
        "echo json_encode(facet_tryon_sign_in_fields("
        "$argv[2], $argv[3], $argv[4], (int) $argv[5], $argv[6]));"
    )
    out = subprocess.run(
        ["php", "-r", code, str(PLUGIN_SIGN_IN), *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def connected_store(woo_app, fake):
    """Connect the fake store once (as its admin), returning Facet's key id and secret for it."""
    browser = e2e.Browser(woo_app)
    delivery, return_url = connect(browser, fake)
    assert e2e.Browser(woo_app).deliver(delivery).status_code == 200
    body = json.loads(delivery.body)
    return body["key_id"], body["consumer_secret"]


def test_the_plugins_signed_button_opens_the_dashboard_once(woo_app, fake):
    key_id, secret = connected_store(woo_app, fake)
    fields = plugin_fields(f"{fake.url}/", key_id, secret)
    browser = e2e.Browser(woo_app)
    # Posted from the store's WordPress admin: another site, by design (the signature is the credential).
    answer = browser.post(
        "/woocommerce/sign-in", data=fields, headers={"Origin": fake.url, "Sec-Fetch-Site": "cross-site"}
    )
    assert answer.status_code == 303 and answer.headers["Location"] == f"{e2e.PUBLIC_URL}/admin"
    assert admin_cookie(answer)
    dashboard = browser.get("/admin")
    assert dashboard.status_code == 200 and "<h1>" in dashboard.get_data(as_text=True)
    # No new keys were minted to open the dashboard.
    assert len(fake.keys) == 1

    replayed = e2e.Browser(woo_app).post("/woocommerce/sign-in", data=fields)
    assert replayed.status_code == 401 and admin_cookie(replayed) is None
    assert "Open Facet dashboard" in replayed.get_data(as_text=True)


@pytest.mark.parametrize(
    "case",
    ["another secret", "another key id", "three minutes old", "another store", "altered payload", "nothing"],
)
def test_a_sign_in_not_signed_by_the_stores_facet_key_signs_nobody_in(woo_app, fake, case):
    key_id, secret = connected_store(woo_app, fake)
    store = f"{fake.url}/"
    fields = {
        "another secret": lambda: plugin_fields(store, key_id, "cs_" + "1" * 40),
        "another key id": lambda: plugin_fields(store, int(key_id) + 1, secret),
        "three minutes old": lambda: plugin_fields(store, key_id, secret, now=int(time.time()) - 180),
        "another store": lambda: plugin_fields("https://other-shop.example/", key_id, secret),
        "altered payload": lambda: {**plugin_fields(store, key_id, secret), "payload": "e30"},
        "nothing": lambda: {},
    }[case]()
    browser = e2e.Browser(woo_app)
    answer = browser.post("/woocommerce/sign-in", data=fields)
    assert answer.status_code == 401 and admin_cookie(answer) is None, case
    assert browser.get("/admin").status_code == 401


def test_renewing_a_connected_stores_keys_signs_nobody_in(woo_app, fake):
    """A stranger starts a connection for a store that is already connected and sends its admin the
    approval link. The admin approves (real keys arrive); the stranger's browser is still not signed in."""
    connected_store(woo_app, fake)
    stranger = e2e.Browser(woo_app)
    start = stranger.post("/woocommerce/connect", data={"store_url": fake.url})
    delivery, return_url = fake.approve(start.headers["Location"])  # the admin presses Approve
    assert e2e.Browser(woo_app).deliver(delivery).status_code == 200
    back = stranger.get(return_url)
    page = back.get_data(as_text=True)
    assert (
        back.status_code == 200 and "Facet already knew this store" in page and "Open Facet dashboard" in page
    )
    assert admin_cookie(back) is None and stranger.get("/admin").status_code == 401
    assert parse_qs(urlsplit(return_url).query)["success"] == ["1"]


def test_a_stranger_started_reconnection_of_a_disconnected_store_signs_nobody_in(woo_app, fake):
    """A store that pressed Disconnect keeps its data 48 hours: a stranger's approval link must not open it
    either (the store is known to Facet, so this is no first connection)."""
    browser = e2e.Browser(woo_app)
    delivery, return_url = connect(browser, fake)
    assert e2e.Browser(woo_app).deliver(delivery).status_code == 200
    browser.get(return_url)
    assert browser.post("/admin/disconnect", data={"confirm": "yes"}).status_code == 200

    stranger = e2e.Browser(woo_app)
    start = stranger.post("/woocommerce/connect", data={"store_url": fake.url})
    delivery, return_url = fake.approve(start.headers["Location"])
    assert e2e.Browser(woo_app).deliver(delivery).status_code == 200
    back = stranger.get(return_url)
    assert "Facet already knew this store" in back.get_data(as_text=True) and admin_cookie(back) is None
    assert stranger.get("/admin").status_code == 401
    # The store's admin opens it with the plugin's signed button, with the keys just delivered.
    body = json.loads(delivery.body)
    fields = plugin_fields(f"{fake.url}/", body["key_id"], body["consumer_secret"])
    assert e2e.Browser(woo_app).post("/woocommerce/sign-in", data=fields).status_code == 303


def test_a_sign_in_nonce_is_claimed_once_even_by_concurrent_requests(app):
    from plugin_api.services.installs import DbPendingStore

    with app.app_context():
        store = DbPendingStore()
        assert store.claim("woocommerce", "sign-in:abc", 60) is True
        assert store.claim("woocommerce", "sign-in:abc", 60) is False
        assert store.claim("woocommerce", "sign-in:other", 60) is True
