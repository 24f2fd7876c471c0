"""A WooCommerce store whose address now redirects (http → https, or to www): connected before Facet stopped
following redirects, its syncs meet the redirect. The merchant is told where the store answers now and how
to connect it again, and connecting again moves the same Facet record (key, analytics, settings) there."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select, update

from plugin_api.extensions import db
from plugin_api.models import Merchant
from tests.connectors import e2e
from tests.fakes.server import FakeServer, Response
from tests.fakes.woocommerce import FakeWooCommerce

MOVED = (
    "Your store now answers at {new}: open the Facet plugin in WordPress and click “Connect this store to "
    "Facet” again"
)


@pytest.fixture
def store():
    fake = FakeWooCommerce(products=30, variable_every=10).start()
    yield fake
    fake.stop()


@pytest.fixture
def old_address(store):
    """The store's former address: answers every request with a 301 to the same path at the store."""
    hop = FakeServer()

    def moved(request, _match):
        return Response(
            301, b"", {"Location": f"{store.url}{request.path}" + (f"?{request.query}" * bool(request.query))}
        )

    for method in ("GET", "POST", "PUT", "DELETE"):
        hop.route(method, "/.*", moved)
    hop.start()
    yield hop
    hop.stop()


def admin_cookie(response) -> str | None:
    return next((c for c in response.headers.getlist("Set-Cookie") if c.startswith("facet_admin=")), None)


def connect(app, store, typed: str):
    browser = e2e.Browser(app)
    start = browser.post("/woocommerce/connect", data={"store_url": typed})
    assert start.status_code == 302 and start.headers["Location"].startswith(f"{store.url}/wc-auth/")
    delivery, return_url = store.approve(start.headers["Location"])
    assert e2e.Browser(app).deliver(delivery).status_code == 200
    return browser, browser.get(return_url)


def merchants(app) -> list[Merchant]:
    with app.app_context():
        rows = db.session.scalars(select(Merchant)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


@pytest.mark.parametrize("typed", ["old", "new"])
def test_a_store_that_moved_is_told_so_and_connecting_again_moves_its_record(
    app_factory, store, old_address, typed
):
    app = app_factory(**e2e.app_config())
    browser, landing = connect(app, store, store.url)
    assert admin_cookie(landing)
    [m] = merchants(app)
    assert len(store.webhooks) == 5
    # Connected at its old address before Facet stopped following redirects; that address now redirects.
    old = f"{old_address.url}/"
    with app.app_context():
        db.session.execute(update(Merchant).where(Merchant.id == m.id).values(shop_domain=old))
        db.session.commit()

    runner = app.test_cli_runner()
    assert runner.invoke(args=["facet", "sync", "--full", "--", m.public_id]).exit_code != 0
    [stuck] = merchants(app)
    new = f"{store.url}/"
    assert stuck.sync_state["last_error"]["code"] == "store_moved"
    assert stuck.sync_state["moved_to"] == new and "access_refused_since" not in stuck.sync_state
    page = browser.get("/admin").get_data(as_text=True)
    told = MOVED.format(new=new)
    assert f"<dd>{told}.</dd>" in page and "Facet retries it" not in page

    # The merchant connects again, typing the old address (settled to the new one) or the new one.
    again, back = connect(app, store, old if typed == "old" else store.url)
    [moved] = merchants(app)  # the same record: no second merchant, no new key
    assert (moved.id, moved.public_id, moved.publishable_key) == (m.id, m.public_id, m.publishable_key)
    assert moved.shop_domain == new and moved.is_installed
    assert moved.sync_state["status"] == "ok" and "moved_to" not in moved.sync_state
    assert e2e.live_products(app, m.id) == 30
    # Its webhooks: registered again at the store's address, the old ones removed (no double deliveries).
    hooks = list(store.webhooks.values())
    assert len(hooks) == 5 and moved.credentials["webhook_ids"] == [str(i) for i in sorted(store.webhooks)]
    assert {h["delivery_url"] for h in hooks} == {f"{e2e.PUBLIC_URL}/webhooks/woocommerce/{m.public_id}"}
    # Facet held this store's data already: the unsigned return signs no browser into it.
    assert admin_cookie(back) is None and again.get("/admin").status_code == 401
    assert "Facet retries it" not in browser.get("/admin").get_data(as_text=True)


def test_connecting_again_at_the_same_address_leaves_one_set_of_webhooks(app_factory, store):
    """A key renewal (the same store connected again) replaces Facet's webhooks instead of adding five."""
    app = app_factory(**e2e.app_config())
    connect(app, store, store.url)
    connect(app, store, store.url)
    [m] = merchants(app)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["facet", "sync", "--full", "--", m.public_id]).exit_code == 0
    assert len(store.webhooks) == 5
    assert merchants(app)[0].credentials["webhook_ids"] == [str(i) for i in sorted(store.webhooks)]


def test_a_redirect_elsewhere_is_not_taken_for_a_move(app_factory, store):
    """A redirect to another path (a login or maintenance page) is no new store address: the import
    stopped, Facet retries it, and nothing is recorded as the store's new address."""
    app = app_factory(**e2e.app_config())
    connect(app, store, store.url)
    [m] = merchants(app)
    login = FakeServer()
    login.route("GET", "/.*", lambda _r, _m: Response(302, b"", {"Location": f"{store.url}/wp-login.php"}))
    login.start()
    try:
        with app.app_context():
            db.session.execute(
                update(Merchant).where(Merchant.id == m.id).values(shop_domain=f"{login.url}/")
            )
            db.session.commit()
        assert app.test_cli_runner().invoke(args=["facet", "sync", "--", m.public_id]).exit_code != 0
    finally:
        login.stop()
    [stuck] = merchants(app)
    assert stuck.sync_state["last_error"]["code"] == "protocol_error" and "moved_to" not in stuck.sync_state
    with app.app_context():
        from plugin_api.services.installs import catalog_status_text

        text = catalog_status_text(db.session.get(Merchant, m.id))
    assert text == f"The import stopped (HTTP 302: the store redirects to {store.url}); Facet retries it."
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Merchant)) == 1


def test_the_connect_form_keeps_the_address_as_typed(app_factory, store, old_address):
    app = app_factory(**e2e.app_config())
    start = e2e.Browser(app).post("/woocommerce/connect", data={"store_url": old_address.url})
    user_id = parse_qs(urlsplit(start.headers["Location"]).query)["user_id"][0]
    with app.app_context():
        from plugin_api.services.installs import DbPendingStore

        assert DbPendingStore().get("woocommerce", user_id) == {
            "store_url": f"{store.url}/",
            "typed_url": f"{old_address.url}/",
        }
