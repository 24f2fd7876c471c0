"""In-memory PendingStore for connector-level tests (the app uses a database-backed one)."""

from __future__ import annotations

import time
from typing import Any


class MemoryPending:
    """Single-use, expiring key/value store implementing `connectors.base.PendingStore`."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], tuple[dict[str, Any], float]] = {}

    def put(self, platform: str, key: str, data: dict[str, Any], ttl_seconds: int) -> None:
        self.items[(platform, key)] = (data, time.time() + ttl_seconds)

    def pop(self, platform: str, key: str) -> dict[str, Any] | None:
        data, expires = self.items.pop((platform, key), (None, 0.0))
        return data if data is not None and expires > time.time() else None

    def get(self, platform: str, key: str) -> dict[str, Any] | None:
        data, expires = self.items.get((platform, key), (None, 0.0))
        return data if data is not None and expires > time.time() else None

    def claim(self, platform: str, key: str, ttl_seconds: int) -> bool:
        if self.get(platform, key) is not None:
            return False
        self.put(platform, key, {}, ttl_seconds)
        return True
