"""Customers' data requests (Shopify's `customers/data_request`), as the merchant answers them: Facet writes
what it holds about the customer (`webhooks.answer_data_request`); the dashboard lists each request and
serves its export, which the merchant sends to the customer. Before, the file was written where no one could
fetch it.

An export is itself the customer's data: it goes when the customer's data is erased (`customers/redact`) and
`EXPORTS_KEPT` after the request in any case (`purge_old_exports`, with the hourly purge), long enough for
the merchant to answer (Shopify asks for 30 days).

Which stores have an export due is read from the database, not from storage: each request arrives as a
webhook whose `WebhookReceipt` (topic `DATA_REQUEST_TOPIC`) is kept until the purge has deleted its export,
so the hourly purge lists the storage of those few stores only (it listed every store's, every hour).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from plugin_api.errors import ApiError
from plugin_api.extensions import db
from plugin_api.models import Merchant, WebhookReceipt
from plugin_api.storage import current_storage
from plugin_api.storage.base import ObjectNotFound, merchant_key

log = logging.getLogger(__name__)

_FOLDER = "compliance"
_PREFIX = "data-request-"
EXPORTS_KEPT = timedelta(days=30)
# The webhook topic of a data request; its receipts are what `purge_old_exports` reads (the general purge of
# webhook receipts leaves them).
DATA_REQUEST_TOPIC = "customers/data_request"
# An export is written just after its delivery's receipt (milliseconds later): a receipt is kept this much
# past its export's due time, so that it goes only once its export is certainly due, and deleted.
RECEIPT_SLACK = timedelta(hours=1)


@dataclass(frozen=True)
class DataRequest:
    request_id: str
    customer_id: str
    received_at: str | None
    records: int


def _key(merchant: Merchant, request_id: str) -> str:
    return merchant_key(merchant.public_id, _FOLDER, f"{_PREFIX}{request_id}.json")


def _exports(merchant: Merchant) -> list[tuple[str, DataRequest]]:
    """(storage key, request) for each of the store's exports."""
    storage = current_storage()
    found = []
    for key in storage.list(merchant_key(merchant.public_id, _FOLDER, _PREFIX)):
        try:
            export = json.loads(storage.get(key))
        except (ObjectNotFound, ValueError):
            continue
        request = DataRequest(
            request_id=key.rsplit("/", 1)[-1].removeprefix(_PREFIX).removesuffix(".json"),
            customer_id=str(export.get("customer_id") or ""),
            received_at=export.get("received_at"),
            records=len(export.get("orders") or []),
        )
        found.append((key, request))
    return found


def data_requests(merchant: Merchant) -> list[DataRequest]:
    """The store's customer data requests, newest first."""
    return sorted((r for _, r in _exports(merchant)), key=lambda r: r.received_at or "", reverse=True)


def delete_customer_exports(merchant: Merchant, customer_id: str | None) -> int:
    """Delete the exports made for one customer (their data is being erased); returns how many."""
    if not customer_id:
        return 0
    storage = current_storage()
    keys = [key for key, r in _exports(merchant) if r.customer_id == str(customer_id)]
    for key in keys:
        storage.delete(key)
    return len(keys)


def purge_old_exports(now: datetime) -> int:
    """Delete the exports older than `EXPORTS_KEPT` (undated ones too) of the stores whose data requests are
    that old (their receipts say so), then those receipts; returns how many exports were deleted. A store
    whose files cannot be deleted keeps its receipts (`StorageError` propagates) and is tried again."""
    storage = current_storage()
    requests = WebhookReceipt.topic == DATA_REQUEST_TOPIC
    stores = select(WebhookReceipt.merchant_id).where(
        requests, WebhookReceipt.received_at <= now - EXPORTS_KEPT
    )
    done = requests & (WebhookReceipt.received_at <= now - EXPORTS_KEPT - RECEIPT_SLACK)
    deleted = 0
    for merchant in db.session.scalars(select(Merchant).where(Merchant.id.in_(stores.distinct()))).all():
        for key, request in _exports(merchant):
            received = _parse(request.received_at)
            if received is None or now - received > EXPORTS_KEPT:
                storage.delete(key)
                deleted += 1
        db.session.execute(delete(WebhookReceipt).where(done, WebhookReceipt.merchant_id == merchant.id))
        db.session.commit()
    if deleted:
        log.info("deleted %d customer data exports older than %d days", deleted, EXPORTS_KEPT.days)
    return deleted


def _parse(stamp: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(stamp) if stamp else None
    except ValueError:
        return None


def data_request_export(merchant: Merchant, request_id: str) -> bytes:
    """One request's export, as written for this merchant only; 404 `data_request_not_found` otherwise."""
    safe = "".join(c for c in request_id if c.isalnum() or c in "-_")[:64]
    try:
        if safe and safe == request_id:
            return current_storage().get(_key(merchant, safe))
    except ObjectNotFound:
        pass
    raise ApiError(
        404, "data_request_not_found", "There is no customer data request with this id for your store."
    )
