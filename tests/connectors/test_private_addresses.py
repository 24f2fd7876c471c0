"""Store addresses are typed by whoever starts an install: Facet never calls one on its own network, never
follows a store's redirect to an unchecked address, and never shows a non-platform answer on its pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from connectors import AddressRefused, ConnectorError, ProtocolError, StoreSession
from connectors.http import HttpClient
from connectors.woocommerce import WooCommerceConnector
from tests.connectors import e2e
from tests.connectors.conftest import FAST_RETRY
from tests.fakes.server import FakeServer, Response
from tests.fakes.woocommerce import FakeWooCommerce


@pytest.fixture
def internal():
    """A service on Facet's own network that must never hear from a connector."""
    server = FakeServer()
    server.route("GET", "/.*", lambda _r, _m: Response(400, b"INTERNAL-ONLY: db_password=hunter2"))
    server.route("POST", "/.*", lambda _r, _m: Response(200, b"oauth_token=a&oauth_token_secret=b"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def production_app(app_factory):
    return app_factory(**e2e.app_config(FACET_CONNECTOR_ALLOW_PRIVATE="0"))


def test_a_woocommerce_connection_to_a_private_address_is_refused_at_the_form(production_app, internal):
    browser = e2e.Browser(production_app)
    for address in (internal.url, "http://localhost:6379/", "http://169.254.169.254/latest/"):
        answer = browser.post("/woocommerce/connect", data={"store_url": address})
        assert answer.status_code == 400 and "on a private network" in answer.text, address
        assert "Set-Cookie" not in answer.headers
    assert internal.request_count == 0


def test_keys_delivered_for_a_private_address_are_never_tried(settings, internal, ctx):
    """Even past the form (a pending connection made before the check, or allowed locally then not):
    every outbound call checks its address first."""
    from dataclasses import replace

    connector = WooCommerceConnector(replace(settings, allow_private_hosts=False))
    session = StoreSession(
        store=f"{internal.url}/", credentials={"consumer_key": "ck_x", "consumer_secret": "cs_x"}
    )
    with pytest.raises(AddressRefused):
        connector.currency(session)
    assert internal.request_count == 0


def test_a_magento_activation_naming_a_private_address_is_refused(production_app, internal):
    form = {
        "oauth_consumer_key": "k" * 32,
        "oauth_consumer_secret": "s" * 32,
        "oauth_verifier": "v" * 32,
        "store_base_url": internal.url,
    }
    answer = e2e.Browser(production_app).post("/magento/callback", data=form)
    assert answer.status_code == 400 and answer.json["error"]["code"] == "store_address_refused"
    assert internal.request_count == 0


def test_a_redirect_is_not_followed_and_is_named(internal):
    """A public store that redirects into the private network would otherwise take the request there."""
    hop = FakeServer()
    target = f"{internal.url}/secret?consumer_key=ck_abc&consumer_secret=cs_def"
    hop.route("GET", "/.*", lambda _r, _m: Response(302, b"", {"Location": target}))
    hop.start()
    try:
        client = HttpClient(policy=FAST_RETRY, allow_private=True)
        with pytest.raises(ProtocolError) as raised:
            client.request("GET", f"{hop.url}/wp-json/wc/v3/products")
        # The address is named by its host only: the redirect's query can hold query-string keys.
        assert str(raised.value) == f"HTTP 302: the store redirects to {internal.url}"
        assert internal.request_count == 0
    finally:
        hop.stop()


def test_only_a_platforms_own_error_words_reach_the_merchant(settings, internal):
    """A store's error answer ends up on the merchant's catalog status: a platform's `{code, message}` does,
    anything else (an HTML page, whatever a host sends) is reduced to its status."""
    client = HttpClient(policy=FAST_RETRY, allow_private=True)
    with pytest.raises(ConnectorError) as raised:
        client.request("GET", f"{internal.url}/anything")
    assert str(raised.value) == "HTTP 400: no error details"

    woo = FakeWooCommerce(products=1).start()
    try:
        keys = {"consumer_key": "ck_unknown", "consumer_secret": "cs_unknown"}
        with pytest.raises(ConnectorError) as refused:
            WooCommerceConnector(settings).currency(StoreSession(store=f"{woo.url}/", credentials=keys))
        assert "woocommerce_rest_authentication_error" in str(refused.value)
    finally:
        woo.stop()


def test_a_connection_started_from_another_site_is_not_started(production_app):
    browser = e2e.Browser(production_app)
    answer = browser.post(
        "/woocommerce/connect",
        data={"store_url": "https://shop.example.com"},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert answer.status_code == 403 and "started from another website" in answer.text
    assert "Set-Cookie" not in answer.headers


@pytest.mark.parametrize("address", ["https://[", "http://[::1", "https://shop.example.com:port/"])
def test_an_address_that_cannot_be_parsed_gets_the_forms_answer(production_app, address):
    answer = e2e.Browser(production_app).post("/woocommerce/connect", data={"store_url": address})
    assert answer.status_code == 400 and "Enter your store address" in answer.text


def test_a_public_store_still_connects(production_app):
    """The check refuses private addresses only: a store on a public address gets the usual redirect."""
    answer = e2e.Browser(production_app).post(
        "/woocommerce/connect", data={"store_url": "https://93.184.215.14"}
    )
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["app_name"] == ["Facet"]


def test_a_store_typed_at_an_address_that_redirects_connects_at_the_address_it_names(app_factory):
    """`shop.com` for a store at `www.shop.com`: the connect form follows the REST root's redirect (each hop
    checked), and everything after it talks to the store's own address, with no redirect to follow."""
    from tests.fakes.woocommerce import FakeWooCommerce

    store = FakeWooCommerce(products=3).start()
    apex = FakeServer()
    apex.route("GET", "/.*", lambda r, _m: Response(301, b"", {"Location": f"{store.url}{r.path}"}))
    apex.start()
    try:
        app = app_factory(**e2e.app_config())
        browser = e2e.Browser(app)
        start = browser.post("/woocommerce/connect", data={"store_url": apex.url})
        assert start.status_code == 302 and start.headers["Location"].startswith(
            f"{store.url}/wc-auth/v1/authorize"
        )
        delivery, _ = store.approve(start.headers["Location"])
        assert e2e.Browser(app).deliver(delivery).status_code == 200
        assert e2e.merchant(app, "woocommerce").shop_domain == f"{store.url}/"
    finally:
        apex.stop()
        store.stop()
