"""Widget analytics events and webhook receipts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plugin_api.models.base import Base, TenantMixin, utcnow


class Event(TenantMixin, Base):
    """An anonymous widget analytics event (opened, photo_submitted, recommendation_clicked, ...)."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_merchant_type_occurred", "merchant_id", "type", "occurred_at"),
        # The hourly purge finds beacons past their retention by time alone.
        Index("ix_events_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str | None] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[str | None] = mapped_column(String(255))
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookReceipt(Base):
    """A webhook delivery already processed; the unique key makes redelivery a no-op."""

    __tablename__ = "webhook_receipts"
    __table_args__ = (UniqueConstraint("platform", "delivery_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    delivery_id: Mapped[str] = mapped_column(String(255))
    topic: Mapped[str] = mapped_column(String(128))
    merchant_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("merchants.id", ondelete="CASCADE"), index=True
    )
    # Indexed for the purge (`maintenance.WEBHOOK_RECEIPTS_KEPT`).
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
