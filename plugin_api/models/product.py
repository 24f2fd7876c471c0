"""A product synced from a merchant's store, plus the features Facet derives from it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Numeric, String, Text, UniqueConstraint, cast, or_
from sqlalchemy.orm import Mapped, mapped_column

from plugin_api.models.base import Base, TenantMixin, TimestampMixin


class FeaturesStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class Product(TenantMixin, TimestampMixin, Base):
    """One store product. Upserted by platform product id; never hard-deleted by sync (`deleted` instead)."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("merchant_id", "platform_product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_product_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(512), default="")
    handle: Mapped[str | None] = mapped_column(String(512))
    url: Mapped[str | None] = mapped_column(Text)
    vendor: Mapped[str | None] = mapped_column(String(255))
    product_type: Mapped[str | None] = mapped_column(String(255))
    # Plain text, cut to DESCRIPTION_CHARS: read for the category and a frame's printed size.
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Spec attributes as text, name → value ("Frame size" → "52-18-140"); None before the first sync.
    attributes: Mapped[dict[str, Any] | None] = mapped_column(default=dict)
    tags: Mapped[list[str]] = mapped_column(default=list)
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    variants: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    image_urls: Mapped[list[str]] = mapped_column(default=list)
    # Platform status (active/draft/archived...), as the platform reports it.
    status: Mapped[str] = mapped_column(String(32), default="active")
    # None = the platform does not say.
    in_stock: Mapped[bool | None] = mapped_column(Boolean)
    platform_updated_at: Mapped[datetime | None]
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    deleted_at: Mapped[datetime | None]
    # Derived by the catalog features job.
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)
    features_status: Mapped[str] = mapped_column(String(16), default=FeaturesStatus.PENDING.value)
    features_error: Mapped[str | None] = mapped_column(Text)
    # Hash of the inputs the features were computed from; unchanged hash → skip recomputation.
    features_hash: Mapped[str | None] = mapped_column(String(64))
    # Storage key of the try-on asset PNG, or None when the product cannot be tried on.
    tryon_asset_key: Mapped[str | None] = mapped_column(String(512))

    def __repr__(self) -> str:
        return f"<Product {self.id} m={self.merchant_id} {self.platform_product_id}>"


def without_photo() -> ColumnElement[bool]:
    """Products with no photo at all, which are never recommended and which the merchant is told of. A JSON
    column has no portable emptiness test: its text is "[]" as written (SQLite, PostgreSQL), or JSON null."""
    return or_(Product.image_urls.is_(None), cast(Product.image_urls, Text).in_(("[]", "null")))
