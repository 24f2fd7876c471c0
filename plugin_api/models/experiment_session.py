"""One storefront session of a holdout test, as the lift counts it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plugin_api.models.base import Base, TenantMixin, utcnow


class ExperimentSession(TenantMixin, Base):
    """Kept up to date as the session's `storefront_view` / `store_add_to_cart` beacons arrive
    (`plugin_api.services.lift_sessions`), so the lift counts sessions, not every page view of the test."""

    __tablename__ = "experiment_sessions"
    __table_args__ = (UniqueConstraint("merchant_id", "experiment_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[str] = mapped_column(String(32))
    session_id: Mapped[str] = mapped_column(String(64))
    group: Mapped[str] = mapped_column(String(16))
    viewed: Mapped[bool] = mapped_column(Boolean, default=False)
    added_to_cart: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
