"""Helpers for the end-to-end connector tests: Facet's side through the Flask test client over https."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select, text

from plugin_api.extensions import db
from plugin_api.models import Merchant, Product, WebhookReceipt
from tests.connectors.conftest import FAST_RETRY

PUBLIC_URL = "https://facet.test"


def app_config(**extra: Any) -> dict[str, Any]:
    # Feature extraction for thousands of products is the catalog job's business (and its own tests);
    # `test_sync_enqueues_features` below checks the hand-over with a small catalog.
    return {
        "FACET_PUBLIC_URL": PUBLIC_URL,
        "FACET_CONNECTOR_RETRY": FAST_RETRY,
        "FACET_SYNC_FEATURES": "0",
        **extra,
    }


class Browser:
    """The merchant's browser / the platform's HTTP client hitting Facet at https://facet.test."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def get(self, url: str, **kw: Any) -> Any:
        parts = urlsplit(url)
        return self.client.get(parts.path, query_string=parts.query, base_url=PUBLIC_URL, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        parts = urlsplit(url)
        return self.client.post(parts.path, query_string=parts.query, base_url=PUBLIC_URL, **kw)

    def deliver(self, delivery: Any) -> Any:
        """POST a fake platform's webhook delivery exactly as built (raw body, headers)."""
        return self.post(delivery.url, data=delivery.body, headers=delivery.headers)


def merchant(app: Any, platform: str) -> Merchant:
    with app.app_context():
        row = db.session.scalars(select(Merchant).where(Merchant.platform == platform)).one()
        db.session.expunge(row)
        return row


def raw_credentials(app: Any, merchant_id: int) -> str | None:
    """The credentials column exactly as stored in the database."""
    with app.app_context():
        return db.session.execute(
            text("SELECT credentials FROM merchants WHERE id = :id"), {"id": merchant_id}
        ).scalar()


def product(app: Any, merchant_id: int, platform_id: str) -> Product:
    with app.app_context():
        row = db.session.scalars(
            select(Product).where(
                Product.merchant_id == merchant_id, Product.platform_product_id == platform_id
            )
        ).one()
        db.session.expunge(row)
        return row


def live_products(app: Any, merchant_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(Product)
            .where(Product.merchant_id == merchant_id, Product.deleted.is_(False))
        )


def receipts(app: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(WebhookReceipt))


def set_title(app: Any, merchant_id: int, platform_id: str, title: str) -> None:
    with app.app_context():
        db.session.execute(
            text("UPDATE products SET title = :t WHERE merchant_id = :m AND platform_product_id = :p"),
            {"t": title, "m": merchant_id, "p": platform_id},
        )
        db.session.commit()
