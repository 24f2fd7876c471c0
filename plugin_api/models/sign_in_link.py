"""Dashboard sign-in links already used: each link signs a browser in once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from plugin_api.models.base import Base, utcnow

# A row outlives its link by this much before the hourly purge (`jobs.maintenance.purge_expired`) deletes
# it: itsdangerous counts whole seconds and web processes' clocks may disagree a little, and a row must not go
# while any process still takes its link.
KEPT_AFTER_EXPIRY = timedelta(hours=1)


class UsedSignInLink(Base):
    """A support sign-in link (`flask facet admin-link`) that has signed a browser in.

    The link itself is signed and carries its own expiry, so the database only has to remember which links
    were used, and only until they would have expired anyway; the unique `link_id` makes a second use (even
    a concurrent one) fail to insert rather than sign in twice.
    """

    __tablename__ = "used_sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[str] = mapped_column(String(64), unique=True)
    merchant_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("merchants.id", ondelete="CASCADE"), index=True
    )
    used_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the link stops working anyway; KEPT_AFTER_EXPIRY later the row can go.
    expires_at: Mapped[datetime] = mapped_column(index=True)
