"""Short-lived install state: OAuth `state`, WooCommerce `user_id` tokens, Magento consumer keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plugin_api.crypto import EncryptedJSON
from plugin_api.models.base import Base, utcnow


class PendingInstall(Base):
    """One in-flight or just completed install step, consumed once (`pop`) or read (`get`) until `expires_at`.

    `data` can hold secrets (Magento's consumer secret and verifier), so it is encrypted like credentials.
    """

    __tablename__ = "pending_installs"
    __table_args__ = (UniqueConstraint("platform", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(128))
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
