"""Webhook effects: verified deliveries become product upserts, soft-deletes, uninstalls, order events and
GDPR redactions. Each delivery is processed at most once (`WebhookReceipt` on the platform delivery id)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from connectors import InboundRequest, NotFound, WebhookEvent, WebhookKind
from plugin_api.extensions import db
from plugin_api.models import Event, Merchant, WebhookReceipt, utcnow
from plugin_api.services.installs import (
    connector_for,
    find_merchant,
    purge_merchant,
    session_for,
    uninstall_merchant,
)
from plugin_api.tenancy import scoped

log = logging.getLogger(__name__)

ORDER_EVENT = "order_created"
SALE_EVENT = "facet_sale"  # an order's lines added with Facet's button, without the order's or customer's id


@dataclass
class WebhookOutcome:
    """What happened, for the HTTP answer and the logs."""

    status: int
    result: str
    merchant_id: int | None = None


def handle_webhook(platform: str, merchant_key: str | None, request: InboundRequest) -> WebhookOutcome:
    """Verify (connector, raises AuthError → 401), dedupe, apply. Unknown stores: acknowledged."""
    connector = connector_for(platform)
    merchant = None
    if merchant_key is not None:
        merchant = db.session.scalars(
            select(Merchant).where(Merchant.public_id == merchant_key, Merchant.platform == platform)
        ).one_or_none()
        if merchant is None:
            raise NotFound("unknown merchant")
    event = connector.parse_webhook(request, session_for(merchant) if merchant is not None else None)
    if event.kind is WebhookKind.PING:
        return WebhookOutcome(200, "ping", merchant.id if merchant else None)
    if merchant is None:
        merchant = find_merchant(platform, event.store)
    if merchant is None:
        log.info("%s webhook %s for unknown store %s acknowledged", platform, event.topic, event.store)
        return WebhookOutcome(200, "unknown_store")
    if event.delivery_id:
        db.session.add(
            WebhookReceipt(
                platform=platform,
                delivery_id=event.delivery_id[:255],
                topic=event.topic[:128],
                merchant_id=merchant.id,
            )
        )
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            log.info("duplicate %s delivery %s ignored", platform, event.delivery_id)
            return WebhookOutcome(200, "duplicate", merchant.id)
    result = apply_event(merchant, event)
    db.session.commit()
    return WebhookOutcome(200, result, merchant.id)


def apply_event(merchant: Merchant, event: WebhookEvent) -> str:
    """The effect of one verified, first-time delivery (the caller commits)."""
    from plugin_api.jobs import sync

    kind = event.kind
    catalog_or_orders = (WebhookKind.PRODUCT_UPSERT, WebhookKind.PRODUCT_DELETE, WebhookKind.ORDER_CREATED)
    if kind in catalog_or_orders and not merchant.is_installed:
        return "ignored_uninstalled"  # late deliveries after uninstall must not resurrect data
    if kind is WebhookKind.PRODUCT_UPSERT and event.product is not None:
        changed = sync.upsert_products(merchant, [event.product], sync.zero_counts())
        db.session.commit()
        sync.after_sync(merchant.id, changed)
        return "product_upserted"
    if kind is WebhookKind.PRODUCT_DELETE and event.product_id:
        return (
            "product_deleted" if sync.soft_delete(merchant, [event.product_id]) else "product_already_deleted"
        )
    if kind is WebhookKind.APP_UNINSTALLED:
        if not merchant.is_installed:
            # Facet's own Disconnect removed the app: the deletion date the merchant was shown stands.
            return "already_uninstalled"
        uninstall_merchant(merchant, notify_platform=False)
        return "uninstalled"
    if kind is WebhookKind.ORDER_CREATED:
        db.session.add(
            Event(merchant_id=merchant.id, type=ORDER_EVENT, properties=_order_properties(event.payload))
        )
        if event.facet_items:
            db.session.add(
                # To the hour: the order's own time would tie these items back to the order (and its
                # customer) in the store's order list, even after customers/redact erased the order row.
                Event(
                    merchant_id=merchant.id,
                    type=SALE_EVENT,
                    properties=_sale_properties(event),
                    occurred_at=utcnow().replace(minute=0, second=0, microsecond=0),
                )
            )
        return "order_recorded"
    if kind is WebhookKind.CUSTOMER_REDACT:
        return f"customer_redacted:{redact_customer(merchant, event)}"
    if kind is WebhookKind.CUSTOMER_DATA_REQUEST:
        return f"data_request:{answer_data_request(merchant, event)}"
    if kind is WebhookKind.SHOP_REDACT:
        if merchant.is_installed:
            log.warning("shop/redact for installed shop %s ignored", merchant.shop_domain)
            return "ignored_installed"
        purge_merchant(merchant)
        return "shop_redacted"
    return "ignored"


def _order_properties(payload: dict[str, Any]) -> dict[str, str]:
    """An order is counted (the share of orders with an item added through Facet), so it keeps only its id.

    Its id is what a platform's data-request and erasure notices list (Shopify's `orders_requested`,
    `orders_to_redact`), so those still find it. The customer's id, the total and the products are not
    kept: nothing reads them, and not every platform tells Facet when a customer asks to be erased."""
    return {"order_id": str(payload.get("id"))}


def _sale_properties(event: WebhookEvent) -> dict[str, Any]:
    """The order's lines that Facet's own Add to cart put in the cart, for the dashboard's "Sold with Facet".
    Kept apart from the order's row: no order or customer id, so they are never tied to a customer (and stay
    counted when that customer's data is erased)."""
    return {
        "currency": event.payload.get("currency"),
        "items": [
            {"product_id": item.product_id, "quantity": item.quantity, "value": str(item.value)}
            for item in event.facet_items
        ],
    }


def customer_records(merchant: Merchant, event: WebhookEvent) -> list[Event]:
    """Every Facet row tied to the customer: order events by the order ids the notice lists (and, for rows
    kept before orders stopped keeping a customer id, by that id)."""
    orders = {
        str(o) for o in event.payload.get("orders_to_redact") or event.payload.get("orders_requested") or []
    }
    rows = db.session.scalars(scoped(Event, merchant=merchant).where(Event.type == ORDER_EVENT)).all()
    return [
        r
        for r in rows
        if (event.customer_id and (r.properties or {}).get("customer_id") == event.customer_id)
        or (r.properties or {}).get("order_id") in orders
    ]


def redact_customer(merchant: Merchant, event: WebhookEvent) -> int:
    """Delete the customer's data. Shoppers' selfies/analyses are anonymous (no customer id), so orders are
    the only customer-linked rows Facet holds, with any export of them made for a data request."""
    from plugin_api.services.data_requests import delete_customer_exports

    ids = [r.id for r in customer_records(merchant, event)]
    if ids:
        db.session.execute(delete(Event).where(Event.merchant_id == merchant.id, Event.id.in_(ids)))
    exports = delete_customer_exports(merchant, event.customer_id)
    # No customer id: logs outlive the erasure they record.
    log.info(
        "redacted %d records and %d data exports of a customer at %s", len(ids), exports, merchant.shop_domain
    )
    return len(ids)


def answer_data_request(merchant: Merchant, event: WebhookEvent) -> int:
    """Write everything Facet holds about the customer to the merchant's storage, where the dashboard lists
    it for the merchant to download and send on (`services.data_requests`); returns how many records it
    holds."""
    from plugin_api.storage import current_storage
    from plugin_api.storage.base import merchant_key

    records = customer_records(merchant, event)
    request_id = str((event.payload.get("data_request") or {}).get("id") or event.delivery_id or "request")
    export = {
        "customer_id": event.customer_id,
        "data_request_id": request_id,
        "received_at": utcnow().isoformat(),
        "note": (
            "Facet keeps no shopper identity with try-ons or analyses; of orders it keeps only their ids, "
            "to count them."
        ),
        "orders": [{**(r.properties or {}), "occurred_at": r.occurred_at.isoformat()} for r in records],
    }
    safe_id = "".join(c for c in request_id if c.isalnum() or c in "-_")[:64] or "request"
    key = merchant_key(merchant.public_id, "compliance", f"data-request-{safe_id}.json")
    current_storage().put(key, json.dumps(export, indent=2).encode(), "application/json")
    log.info(  # the request id finds the export; the customer's own id stays out of the logs
        "data request %s at %s: %d records written to %s", request_id, merchant.shop_domain, len(records), key
    )
    return len(records)
