"""A customer's erasure and data requests leave no customer id in Facet's logs: logs are kept and shipped
to places `customers/redact` never reaches, so an id logged there would outlive the erasure it records."""

from __future__ import annotations

import logging

from connectors import WebhookEvent, WebhookKind
from plugin_api.extensions import db
from plugin_api.models import Event, Merchant
from plugin_api.services.webhooks import ORDER_EVENT, apply_event

CUSTOMER = "6048201937"


def test_data_request_and_redaction_log_what_happened_without_the_customers_id(app, merchant_factory, caplog):
    merchant = merchant_factory()
    with app.app_context():
        db.session.add(
            Event(
                merchant_id=merchant.id,
                type=ORDER_EVENT,
                properties={"order_id": "11", "customer_id": CUSTOMER},
            )
        )
        db.session.commit()
        store = db.session.get(Merchant, merchant.id)
        caplog.set_level(logging.INFO)
        request = WebhookEvent(
            kind=WebhookKind.CUSTOMER_DATA_REQUEST,
            topic="customers/data_request",
            delivery_id="d-1",
            customer_id=CUSTOMER,
            payload={"customer": {"id": int(CUSTOMER)}, "data_request": {"id": 9}},
        )
        assert apply_event(store, request) == "data_request:1"
        redact = WebhookEvent(
            kind=WebhookKind.CUSTOMER_REDACT,
            topic="customers/redact",
            delivery_id="d-2",
            customer_id=CUSTOMER,
            payload={"customer": {"id": int(CUSTOMER)}, "orders_to_redact": [11]},
        )
        assert apply_event(store, redact) == "customer_redacted:1"
        db.session.commit()
    messages = [r.getMessage() for r in caplog.records]
    assert any("data request 9" in m for m in messages), messages
    assert any("redacted 1 records and 1 data exports" in m for m in messages), messages
    assert not [m for m in messages if CUSTOMER in m]
