"""A purge that cannot delete a shopper's photo keeps the row that names it, and tries again later: deleting
the row anyway would leave the photo where no later purge could find it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from plugin_api.extensions import db
from plugin_api.jobs.maintenance import purge_expired
from plugin_api.jobs.sync import schedule_polls
from plugin_api.models import Analysis, Merchant, MerchantStatus, WebhookReceipt, utcnow
from plugin_api.services.data_requests import DATA_REQUEST_TOPIC, EXPORTS_KEPT
from plugin_api.storage import LocalStorage, StorageError, merchant_key
from tests.helpers import upload


class FlakyStorage(LocalStorage):
    """Local storage whose deletes fail while `down` (a storage outage, or a bucket refusing deletes)."""

    down = True

    def delete(self, key: str) -> None:
        if self.down:
            raise StorageError(f"cannot delete {key}: service unavailable")
        super().delete(key)

    def delete_prefix(self, prefix: str) -> int:
        if self.down:
            raise StorageError(f"cannot delete under {prefix}: service unavailable")
        return super().delete_prefix(prefix)


@pytest.fixture
def flaky(app, tmp_path) -> FlakyStorage:
    storage = FlakyStorage(tmp_path / "flaky")
    app.extensions["facet.storage"] = storage
    return storage


def test_an_expired_analysis_whose_photo_cannot_be_deleted_waits_for_the_next_purge(
    app, client, merchant_factory, widget_headers, make_jpeg, flaky
):
    merchant = merchant_factory(settings={"keep_uploads_days": 60})  # kept past the analysis' own expiry
    body = upload(client, widget_headers(merchant), make_jpeg()).json
    later = utcnow() + timedelta(days=61)
    with app.app_context():
        photo = db.session.get(Analysis, body["id"]).upload_key
        assert photo and flaky.exists(photo)
        assert purge_expired(now=later)["analyses_deleted"] == 0
        assert db.session.get(Analysis, body["id"]).upload_key == photo  # still names the photo
        flaky.down = False
        assert purge_expired(now=later)["analyses_deleted"] == 1
        assert not flaky.exists(photo) and db.session.get(Analysis, body["id"]) is None


def test_a_store_whose_files_cannot_be_deleted_is_purged_when_they_can(app, merchant_factory, flaky):
    merchant = merchant_factory(platform="woocommerce", shop_domain="shop.example")
    key = merchant_key(merchant.public_id, "uploads", "left.jpg")
    with app.app_context():
        flaky.put(key, b"photo")
        row = db.session.get(Merchant, merchant.id)
        row.status = MerchantStatus.UNINSTALLED.value
        row.sync_state = {
            "status": "stopped",
            "data_delete_after": (utcnow() - timedelta(hours=1)).isoformat(),
        }
        db.session.commit()

        assert schedule_polls()["purged"] == 0
        assert db.session.get(Merchant, merchant.id) is not None and flaky.exists(key)
        flaky.down = False
        assert schedule_polls()["purged"] == 1
        assert db.session.get(Merchant, merchant.id) is None and not flaky.exists(key)


def put_data_request(merchant: Merchant, request_id: str, received_at: datetime) -> None:
    """What a `customers/data_request` delivery leaves: its receipt, then (a moment later) the export."""
    from plugin_api.storage import current_storage

    db.session.add(
        WebhookReceipt(
            platform=merchant.platform,
            delivery_id=f"delivery-{request_id}",
            topic=DATA_REQUEST_TOPIC,
            merchant_id=merchant.id,
            received_at=received_at - timedelta(milliseconds=5),
        )
    )
    db.session.commit()
    export: dict[str, Any] = {"customer_id": "7", "received_at": received_at.isoformat(), "orders": []}
    key = merchant_key(merchant.public_id, "compliance", f"data-request-{request_id}.json")
    current_storage().put(key, json.dumps(export).encode(), "application/json")


def test_customer_data_exports_go_after_thirty_days(app, merchant_factory):
    from plugin_api.storage import current_storage

    merchant = merchant_factory()
    now = utcnow()
    with app.app_context():
        storage = current_storage()
        for request_id, age in [("fresh", timedelta(days=29)), ("old", EXPORTS_KEPT + timedelta(hours=2))]:
            put_data_request(merchant, request_id, now - age)
        assert purge_expired(now=now)["data_exports_deleted"] == 1
        left = storage.list(f"merchants/{merchant.public_id}/compliance/")
        assert [k.rsplit("/", 1)[-1] for k in left] == ["data-request-fresh.json"]
        receipts = db.session.scalars(select(WebhookReceipt.delivery_id)).all()
        assert receipts == ["delivery-fresh"]  # the old request's receipt went with its export


class CountingStorage(LocalStorage):
    """Local storage that records the prefixes listed (a bucket listing costs a request per 1,000 keys)."""

    def __init__(self, root) -> None:
        super().__init__(root)
        self.listed: list[str] = []

    def list(self, prefix: str = "") -> list[str]:
        self.listed.append(prefix)
        return super().list(prefix)


def test_the_hourly_purge_lists_only_the_stores_with_a_data_export_due(app, merchant_factory, tmp_path):
    counting = CountingStorage(tmp_path / "counted")
    app.extensions["facet.storage"] = counting
    quiet = [merchant_factory() for _ in range(30)]  # stores with no data request: never listed
    due, fresh = merchant_factory(), merchant_factory()
    now = utcnow()
    with app.app_context():
        # A receipt past the general 30 days, not yet past its export's (received milliseconds after it).
        put_data_request(due, "due", now - EXPORTS_KEPT - timedelta(minutes=30))
        put_data_request(fresh, "fresh", now - timedelta(days=3))
        for merchant in quiet[:2]:  # other webhooks' receipts say nothing about exports
            db.session.add(
                WebhookReceipt(
                    platform="shopify",
                    delivery_id=f"order-{merchant.id}",
                    topic="orders/create",
                    merchant_id=merchant.id,
                    received_at=now - timedelta(days=40),
                )
            )
        db.session.commit()
        counting.listed.clear()

        first = purge_expired(now=now)
        assert (first["data_exports_deleted"], first["webhook_receipts_deleted"]) == (1, 2)
        listing = f"merchants/{due.public_id}/compliance/data-request-"
        assert counting.listed == [listing]
        # Its receipt stays for RECEIPT_SLACK past the export's due time, so no export is ever left unfound.
        receipts = sorted(db.session.scalars(select(WebhookReceipt.delivery_id)))
        assert receipts == ["delivery-due", "delivery-fresh"]

        counting.listed.clear()
        assert purge_expired(now=now + timedelta(hours=1))["data_exports_deleted"] == 0
        assert counting.listed == [listing]
        assert db.session.scalars(select(WebhookReceipt.delivery_id)).all() == ["delivery-fresh"]

        counting.listed.clear()
        assert purge_expired(now=now + timedelta(hours=2))["data_exports_deleted"] == 0
        assert counting.listed == []  # nothing due: no storage listing at all
