"""Customers' data requests (Shopify's `customers/data_request`), as the merchant answers them: Facet writes
what it holds about the customer (`webhooks.answer_data_request`); the dashboard lists each request and
serves its export, which the merchant sends to the customer. Before, the file was written where no one could
fetch it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from plugin_api.errors import ApiError
from plugin_api.models import Merchant
from plugin_api.storage import current_storage
from plugin_api.storage.base import ObjectNotFound, merchant_key

_FOLDER = "compliance"
_PREFIX = "data-request-"


@dataclass(frozen=True)
class DataRequest:
    request_id: str
    customer_id: str
    received_at: str | None
    records: int


def _key(merchant: Merchant, request_id: str) -> str:
    return merchant_key(merchant.public_id, _FOLDER, f"{_PREFIX}{request_id}.json")


def data_requests(merchant: Merchant) -> list[DataRequest]:
    """The store's customer data requests, newest first."""
    storage = current_storage()
    found = []
    for key in storage.list(merchant_key(merchant.public_id, _FOLDER, _PREFIX)):
        try:
            export = json.loads(storage.get(key))
        except (ObjectNotFound, ValueError):
            continue
        found.append(
            DataRequest(
                request_id=key.rsplit("/", 1)[-1].removeprefix(_PREFIX).removesuffix(".json"),
                customer_id=str(export.get("customer_id") or ""),
                received_at=export.get("received_at"),
                records=len(export.get("orders") or []),
            )
        )
    return sorted(found, key=lambda r: r.received_at or "", reverse=True)


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
