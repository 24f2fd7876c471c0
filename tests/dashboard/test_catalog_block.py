"""The summary's catalog block: the failed sync's machine-readable code next to the merchant's words.

A real WooCommerce store (the fake, on 127.0.0.1) connected through the plugin's flow, then synced at an
address that now redirects to it: the sync fails with `store_moved`, and `GET /api/v1/admin/summary` says
so in `catalog.sync_error_code` for tooling to act on."""

from __future__ import annotations

from dataclasses import fields

import pytest
from sqlalchemy import select, update

from plugin_api.extensions import db
from plugin_api.models import Merchant
from plugin_api.services.dashboard import DashboardSummary
from tests.connectors import e2e
from tests.dashboard.helpers import SUMMARY
from tests.fakes.server import FakeServer, Response
from tests.fakes.woocommerce import FakeWooCommerce


@pytest.fixture
def store():
    fake = FakeWooCommerce(products=4).start()
    yield fake
    fake.stop()


@pytest.fixture
def old_address(store):
    """The store's former address: every request gets a 301 to the same path at the store."""
    hop = FakeServer()
    hop.route(
        "GET", "/.*", lambda request, _m: Response(301, b"", {"Location": f"{store.url}{request.path}"})
    )
    hop.start()
    yield hop
    hop.stop()


def _connected(app, store) -> tuple[e2e.Browser, Merchant]:
    """The store connected from its plugin; the browser that connected it is signed in."""
    browser = e2e.Browser(app)
    start = browser.post("/woocommerce/connect", data={"store_url": store.url})
    delivery, return_url = store.approve(start.headers["Location"])
    assert e2e.Browser(app).deliver(delivery).status_code == 200
    assert browser.get(return_url).status_code == 200
    with app.app_context():
        merchant = db.session.scalars(select(Merchant)).one()
        db.session.expunge(merchant)
    return browser, merchant


def _sync_at(app, merchant: Merchant, address: str) -> None:
    with app.app_context():
        db.session.execute(update(Merchant).where(Merchant.id == merchant.id).values(shop_domain=address))
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["facet", "sync", "--", merchant.public_id]).exit_code != 0


def test_a_store_that_moved_is_said_so_in_the_summary_with_its_code(app_factory, store, old_address):
    app = app_factory(**e2e.app_config())
    browser, merchant = _connected(app, store)
    summary = browser.get(SUMMARY)
    assert summary.status_code == 200, summary.json
    # Every block of the summary comes through the documented response schema.
    assert set(summary.json) == {f.name for f in fields(DashboardSummary)}
    assert summary.json["catalog"]["sync_error_code"] is None

    _sync_at(app, merchant, f"{old_address.url}/")
    catalog = browser.get(SUMMARY).json["catalog"]
    assert catalog["sync_error_code"] == "store_moved"
    assert catalog["status"].startswith(f"Your store now answers at {store.url}/: ")
    assert set(catalog) == {"status", "understanding", "last_sync_at", "sync_error_code"}


def test_another_failure_gives_its_own_code_and_a_sync_under_way_none(app_factory, store):
    app = app_factory(**e2e.app_config())
    browser, merchant = _connected(app, store)
    login = FakeServer()  # a redirect to a login page: not the store at another address
    login.route("GET", "/.*", lambda _r, _m: Response(302, b"", {"Location": f"{store.url}/wp-login.php"}))
    login.start()
    try:
        _sync_at(app, merchant, f"{login.url}/")
    finally:
        login.stop()
    assert browser.get(SUMMARY).json["catalog"]["sync_error_code"] == "protocol_error"
    # A new run clears the error only when it starts; a reinstall's pending import keeps the old one stored.
    with app.app_context():
        row = db.session.get(Merchant, merchant.id)
        row.sync_state = {**row.sync_state, "status": "pending"}
        db.session.commit()
    assert browser.get(SUMMARY).json["catalog"]["sync_error_code"] is None


def test_the_code_is_documented_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json
    response = spec["paths"]["/api/v1/admin/summary"]["get"]["responses"]["200"]
    ref = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    catalog = spec["components"]["schemas"][ref]["properties"]["catalog"]
    catalog_schema = spec["components"]["schemas"][catalog["$ref"].rsplit("/", 1)[-1]]
    code = catalog_schema["properties"]["sync_error_code"]
    assert code["type"] == "string" and code["nullable"] is True  # OpenAPI 3.0
    assert "`store_moved`" in code["description"] and "null unless it failed" in code["description"]
