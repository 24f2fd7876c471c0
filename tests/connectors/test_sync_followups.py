"""Connector follow-ups over real HTTP against the fakes: the per-merchant sync lock, race-safe upserts,
WooCommerce's query-string auth fallback and Magento deletions noticed by the 15-minute poll."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from connectors import CatalogProduct
from plugin_api.extensions import db
from plugin_api.jobs import sync
from plugin_api.models import Merchant, Product, utcnow
from tests.connectors import e2e
from tests.fakes.magento import FakeMagento
from tests.fakes.tls import certificate
from tests.fakes.woocommerce import FakeWooCommerce

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


@pytest.fixture
def woo():
    fake = FakeWooCommerce(products=300, variable_every=0).start()
    yield fake
    fake.stop()


def woo_merchant(app, fake) -> int:
    """A connected WooCommerce merchant whose catalog was never synced (keys issued by the fake)."""
    fake.keys["ck_test"] = "cs_test"
    with app.app_context():
        m = Merchant(
            platform="woocommerce",
            shop_domain=f"{fake.url}/",
            name="woo",
            credentials={"consumer_key": "ck_test", "consumer_secret": "cs_test"},
        )
        db.session.add(m)
        db.session.commit()
        return m.id


def run_concurrently(app, merchant_id, n=2):
    """Start `n` full syncs of one merchant at the same instant; return their results (or exceptions)."""
    barrier, results = threading.Barrier(n), [None] * n

    def work(i):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = sync.sync_merchant(merchant_id, full=True)
            except Exception as exc:  # noqa: BLE001 - the test asserts there is none
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def live(app, merchant_id):
    return e2e.live_products(app, merchant_id)


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_concurrent_syncs_of_one_merchant_do_not_collide(app_factory, woo, backend, request):
    config = e2e.app_config()
    if backend == "redis":
        config["REDIS_URL"] = request.getfixturevalue("redis_url")
    app = app_factory(**config)
    mid = woo_merchant(app, woo)
    # The first request of whichever run gets the lock waits a little, so the two runs really overlap.
    woo.inject("call", "/products$", action=lambda _r: time.sleep(0.3))

    results = run_concurrently(app, mid)
    assert not any(isinstance(r, Exception) for r in results), results
    ran = [r for r in results if "skipped" not in r]
    assert len(ran) == 1 and ran[0]["created"] == 300 and {"skipped": 1} in results
    assert live(app, mid) == 300
    m = e2e.merchant(app, "woocommerce")
    assert m.sync_state["status"] == "ok" and m.sync_state["last_counts"]["created"] == 300
    assert m.sync_state["skipped_runs"] == 1 and "lease" not in m.sync_state  # released at the end
    if backend == "redis":
        assert app.extensions["facet.redis"].get(f"facet:sync-lock:{mid}") is None

    # Released: the next run goes ahead and finds nothing new.
    with app.app_context():
        assert sync.sync_merchant(mid, full=True)["unchanged"] == 300


def test_an_expired_lease_does_not_block_and_a_live_one_does(app_factory, woo):
    app = app_factory(**e2e.app_config())
    mid = woo_merchant(app, woo)
    with app.app_context():
        m = db.session.get(Merchant, mid)
        until = (utcnow() + timedelta(minutes=5)).isoformat()
        m.sync_state = {"lease": {"owner": "another-worker", "until": until}}
        db.session.commit()
        requests_before = woo.request_count
        assert sync.sync_merchant(mid) == {"skipped": 1}
        assert woo.request_count == requests_before  # skipped before touching the store

        m = db.session.get(Merchant, mid)
        m.sync_state = {
            "lease": {"owner": "crashed-worker", "until": (utcnow() - timedelta(seconds=1)).isoformat()}
        }
        db.session.commit()
        assert sync.sync_merchant(mid)["created"] == 300


def test_upsert_survives_a_concurrent_insert_of_the_same_product(app_factory, woo):
    """A webhook and a sync (or two writers) insert the same product: the later one updates, not fails."""
    app = app_factory(**e2e.app_config())
    mid = woo_merchant(app, woo)

    def product(pid, title):
        return CatalogProduct(platform_id=pid, title=title, handle=f"p-{pid}", url=None)

    started, outcome = threading.Event(), {}

    def second_writer():
        with app.app_context():
            merchant = db.session.get(Merchant, mid)
            counts = sync.zero_counts()
            started.set()
            try:
                sync.upsert_products(merchant, [product("7", "newer"), product("8", "eight")], counts)
                db.session.commit()
                outcome["counts"] = counts
            except Exception as exc:  # noqa: BLE001 - asserted below
                outcome["error"] = exc
                db.session.rollback()
            finally:
                db.session.remove()

    with app.app_context():
        merchant = db.session.get(Merchant, mid)
        sync.upsert_products(merchant, [product("7", "first")], sync.zero_counts())  # inserted, not committed
        writer = threading.Thread(target=second_writer)
        writer.start()
        started.wait(5)
        time.sleep(0.5)  # the second writer has read "no product 7" and now waits on our lock
        db.session.commit()
        writer.join(30)

    assert "error" not in outcome, outcome
    assert outcome["counts"]["created"] == 1 and outcome["counts"]["updated"] == 1
    with app.app_context():
        rows = dict(
            db.session.execute(
                select(Product.platform_product_id, Product.title).where(Product.merchant_id == mid)
            ).all()
        )
    assert rows == {"7": "newer", "8": "eight"}


# -- WooCommerce over HTTPS on a host that strips the Authorization header ---------------------------------
@pytest.fixture
def trust_fake_tls(monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certificate()[0])


def connect_woo(app, fake):
    browser = e2e.Browser(app)
    start = browser.post("/woocommerce/connect", data={"store_url": fake.url})
    delivery, return_url = fake.approve(start.headers["Location"])
    assert browser.deliver(delivery).status_code == 200
    assert browser.get(return_url).status_code == 200
    return e2e.merchant(app, "woocommerce")


@pytest.mark.usefixtures("trust_fake_tls")
@pytest.mark.parametrize("strips", [True, False])
def test_woocommerce_falls_back_to_query_string_auth_and_remembers_it(app_factory, strips):
    fake = FakeWooCommerce(products=250, variable_every=0, tls=True, strip_authorization=strips).start()
    try:
        app = app_factory(**e2e.app_config())
        m = connect_woo(app, fake)
        assert m.sync_state["status"] == "ok" and live(app, m.id) == 250
        assert len(fake.webhooks) == 5 and m.sync_state["webhooks"]["error"] is None
        if not strips:  # a well-behaved host keeps the keys out of URLs (and access logs)
            assert "query_string_auth" not in m.credentials and set(fake.auth_methods) == {"basic"}
            return
        assert m.credentials["query_string_auth"] is True
        assert fake.auth_methods and set(fake.auth_methods) == {"query"}
        # Remembered: a later sync goes straight to query-string keys, no 401 first.
        fake.update_product(1042, title="Renamed")
        before = fake.request_count
        with app.app_context():
            assert sync.sync_merchant(m.id)["updated"] == 1
        assert fake.request_count - before == 2  # currency + one products page, no 401 first
    finally:
        fake.stop()


@pytest.mark.usefixtures("trust_fake_tls")
def test_woocommerce_revoked_keys_are_not_mistaken_for_a_stripped_header(app_factory):
    fake = FakeWooCommerce(products=120, variable_every=0, tls=True).start()
    try:
        app = app_factory(**e2e.app_config())
        m = connect_woo(app, fake)
        fake.revoke_keys()
        with app.app_context():
            with pytest.raises(Exception, match="Consumer key is invalid"):
                sync.sync_merchant(m.id, full=True)
        m = e2e.merchant(app, "woocommerce")
        assert "query_string_auth" not in m.credentials and m.sync_state["last_error"]["code"] == "auth_error"
    finally:
        fake.stop()


# -- Magento: deletions noticed by the 15-minute poll -----------------------------------------------------
def test_magento_poll_soft_deletes_removed_products_cheaply(app_factory):
    fake = FakeMagento(products=700).start()
    try:
        app = app_factory(**e2e.app_config())
        browser = e2e.Browser(app)
        form, identity = fake.activate(f"{e2e.PUBLIC_URL}/magento/identity")
        assert browser.post("/magento/callback", data=form).status_code == 200
        assert browser.get(identity).status_code == 200
        m = e2e.merchant(app, "magento")
        assert live(app, m.id) == 700

        def poll(minutes):
            with app.app_context():
                return sync.schedule_polls(now=utcnow() + timedelta(minutes=minutes))

        # Nothing deleted: the poll costs one `fields=total_count` request on top of the incremental pass.
        fake.request_log.clear()
        assert poll(16)["enqueued"] == 1
        listing = [q for q in fake.request_log if q[1].endswith("/products")]
        assert len(listing) == 2  # the incremental page and the count

        # Two products deleted and one changed in the same window.
        fake.update_product(1100, title="Still here")
        for pid in (1200, 1300):
            fake.delete_product(pid)
        fake.request_log.clear()
        assert poll(32)["enqueued"] == 1
        state = e2e.merchant(app, "magento").sync_state
        assert state["mode"] == "incremental" and state["last_counts"]["deleted"] == 2
        assert state["last_counts"]["updated"] == 1 and live(app, m.id) == 698
        gone = e2e.product(app, m.id, "1200")
        assert gone.deleted and gone.deleted_at is not None and gone.status == "deleted"
        assert e2e.product(app, m.id, "1100").title == "Still here"
        # count + ceil(700 / 300) id pages of `items[id,sku]` only
        assert sum(1 for q in fake.request_log if q[1].endswith("/products")) == 1 + 1 + 3

        # The counts agree again: the next poll is back to one count request, no listing.
        fake.request_log.clear()
        assert poll(48)["enqueued"] == 1
        assert sum(1 for q in fake.request_log if q[1].endswith("/products")) == 2
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Product)) == 700
    finally:
        fake.stop()


def test_magento_fields_parameter_returns_only_the_requested_fields(app_factory):
    """The fake implements Magento's partial responses; the connector's id listing relies on them."""
    from connectors import get_connector, settings_from_mapping
    from connectors.base import StoreSession

    fake = FakeMagento(products=5).start()
    try:
        app = app_factory(**e2e.app_config())
        browser = e2e.Browser(app)
        form, identity = fake.activate(f"{e2e.PUBLIC_URL}/magento/identity")
        browser.post("/magento/callback", data=form)
        browser.get(identity)
        m = e2e.merchant(app, "magento")
        connector = get_connector("magento", settings_from_mapping(app.config))
        session = StoreSession(store=m.shop_domain, credentials=dict(m.credentials))
        answer = connector.get(
            session, "products", {"searchCriteria[pageSize]": 2, "fields": "items[id,sku],total_count"}
        )
        assert answer == {
            "items": [
                {"id": 1001, "sku": answer["items"][0]["sku"]},
                {"id": 1002, "sku": answer["items"][1]["sku"]},
            ],
            "total_count": 5,
        }
        assert connector.count_products(session) == 5
        assert connector.list_product_ids(session) == ["1001", "1002", "1003", "1004", "1005"]
    finally:
        fake.stop()
