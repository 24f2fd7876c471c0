"""A purge that cannot delete a shopper's photo keeps the row that names it, and tries again later: deleting
the row anyway would leave the photo where no later purge could find it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from plugin_api.extensions import db
from plugin_api.jobs.maintenance import purge_expired
from plugin_api.jobs.sync import schedule_polls
from plugin_api.models import Analysis, Merchant, MerchantStatus, utcnow
from plugin_api.services.data_requests import EXPORTS_KEPT
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


def test_customer_data_exports_go_after_thirty_days(app, merchant_factory):
    from plugin_api.storage import current_storage

    merchant = merchant_factory()
    now = utcnow()
    with app.app_context():
        storage = current_storage()
        for request_id, age in [("fresh", timedelta(days=29)), ("old", EXPORTS_KEPT + timedelta(hours=1))]:
            export: dict[str, Any] = {
                "customer_id": "7",
                "received_at": (now - age).isoformat(),
                "orders": [],
            }
            key = merchant_key(merchant.public_id, "compliance", f"data-request-{request_id}.json")
            storage.put(key, json.dumps(export).encode(), "application/json")
        assert purge_expired(now=now)["data_exports_deleted"] == 1
        left = storage.list(f"merchants/{merchant.public_id}/compliance/")
        assert [k.rsplit("/", 1)[-1] for k in left] == ["data-request-fresh.json"]
