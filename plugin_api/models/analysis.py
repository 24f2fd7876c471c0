"""A shopper's photo analysis: one upload, one job, one result."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, SmallInteger, String, Text, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from plugin_api.models.base import Base, TenantMixin, utcnow


class AnalysisStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (AnalysisStatus.DONE, AnalysisStatus.FAILED)


class Analysis(TenantMixin, Base):
    """Lifecycle: queued → running → done | failed. The id is a UUID so it can be handed to the browser."""

    __tablename__ = "analyses"
    __table_args__ = (
        Index("ix_analyses_status_queued_at", "status", "queued_at"),
        # The merchant dashboard reads one store's analyses of a period.
        Index("ix_analyses_merchant_queued_at", "merchant_id", "queued_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    status: Mapped[str] = mapped_column(String(16), default=AnalysisStatus.QUEUED.value)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    # Storage key of the (re-encoded, metadata-free) upload; None once deleted.
    upload_key: Mapped[str | None] = mapped_column(String(512))
    # Facts about the upload measured at validation time: format, size, original EXIF orientation, bytes.
    upload_info: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # When a kept upload (merchant setting keep_uploads_days) must be deleted.
    upload_delete_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None]
    # The platform product id of the product page the widget was opened on, if any.
    product_id: Mapped[str | None] = mapped_column(String(255))
    # The widget's anonymous session id (no PII).
    session_id: Mapped[str | None] = mapped_column(String(64))
    # The language the shopper reads (the widget's), for the recommendations' reasons; None: English.
    language: Mapped[str | None] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    queue: Mapped[str | None] = mapped_column(String(32))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # After this the analysis (result and any upload) is purged.
    expires_at: Mapped[datetime | None]
    # What the merchant dashboard counts, written once when the analysis is done
    # (`plugin_api.services.analysis_facts`); the recommended products are `ShownRecommendation` rows.
    # `facts_recorded` false on a done analysis: not written yet (finished by code older than 0010); the
    # maintenance job `catch_up` (`record_missing_facts`) writes them.
    facts_recorded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    shown_monk: Mapped[int | None] = mapped_column(SmallInteger)
    shown_undertone: Mapped[str | None] = mapped_column(String(32))
    face_shape: Mapped[str | None] = mapped_column(String(32))
    closest_shade_delta_e: Mapped[float | None] = mapped_column(Float)

    @property
    def state(self) -> AnalysisStatus:
        return AnalysisStatus(self.status)

    def __repr__(self) -> str:
        return f"<Analysis {self.id} {self.status}>"


class ShownRecommendation(TenantMixin, Base):
    """One product an analysis recommended: the dashboard counts them per category and names the products
    shoppers clicked. Deleted with its analysis."""

    __tablename__ = "shown_recommendations"
    __table_args__ = (Index("ix_shown_recommendations_merchant_queued_at", "merchant_id", "queued_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("analyses.id", ondelete="CASCADE"), index=True
    )
    # The analysis' own time, so a period's rows are one index range without a join.
    queued_at: Mapped[datetime]
    product_id: Mapped[str] = mapped_column(String(255))
    category: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(255))
