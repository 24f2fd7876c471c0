"""WooCommerce end to end: connect, key delivery, webhooks + ping, sync, webhooks, disconnect."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from connectors.base import origin_of
from plugin_api.extensions import db
from plugin_api.models import Merchant
from tests.connectors import e2e
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
    keys = browser.deliver(delivery)
    assert keys.status_code == 200
    assert browser.get(return_url).status_code == 200

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
