"""The merchant aggregate: one installed store on one platform."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plugin_api.crypto import EncryptedJSON
from plugin_api.models.base import Base, TimestampMixin, random_token, utcnow


class Platform(StrEnum):
    """`Merchant.platform` values with no connector (the connectors' own: `connectors.registry.PLATFORMS`)."""

    DEMO = "demo"


class MerchantStatus(StrEnum):
    INSTALLED = "installed"
    UNINSTALLED = "uninstalled"


class Plan(StrEnum):
    """Billing plan; it decides the analysis queue (see `plugin_api.jobs.queueing.PLAN_QUEUES`)."""

    FREE = "free"
    STANDARD = "standard"
    PREMIUM = "premium"


def new_publishable_key() -> str:
    """A fresh publishable widget key, `pk_` + 24 url-safe characters (public by design)."""
    return "pk_" + random_token(18)


class Merchant(TimestampMixin, Base):
    """A store that installed Facet.

    `settings` keys Facet understands: `keep_uploads_days` (int, default 0 = delete the selfie as soon as the
    analysis ends), plus widget settings owned by the widget/config code.
    """

    __tablename__ = "merchants"
    __table_args__ = (UniqueConstraint("platform", "shop_domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short random id used in URLs (webhook endpoints, storage keys) instead of the sequential primary key.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=random_token)
    platform: Mapped[str] = mapped_column(String(20))
    # Shopify: `x.myshopify.com`; WooCommerce/Magento: normalised store base URL; demo: `demo`.
    shop_domain: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default=MerchantStatus.INSTALLED.value)
    plan: Mapped[str] = mapped_column(String(20), default=Plan.STANDARD.value)
    installed_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    uninstalled_at: Mapped[datetime | None]
    allowed_origins: Mapped[list[str]] = mapped_column(default=list)
    publishable_key: Mapped[str] = mapped_column(String(64), unique=True, default=new_publishable_key)
    # Platform tokens/keys; Fernet-encrypted in the database (see plugin_api.crypto).
    credentials: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Catalog sync bookkeeping: cursor/page, last_sync_at, counts, last_error (owned by the sync job).
    sync_state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Catalog intelligence status: embedding backend in use, feature counts (owned by the features job).
    catalog_status: Mapped[dict[str, Any]] = mapped_column(default=dict)

    @property
    def is_installed(self) -> bool:
        return self.status == MerchantStatus.INSTALLED.value

    @property
    def keep_uploads_days(self) -> int:
        """Days to keep uploaded selfies after their analysis; 0 deletes them at once (the default)."""
        try:
            return max(0, int((self.settings or {}).get("keep_uploads_days", 0)))
        except (TypeError, ValueError):
            return 0

    def __repr__(self) -> str:
        return f"<Merchant {self.id} {self.platform}:{self.shop_domain}>"
