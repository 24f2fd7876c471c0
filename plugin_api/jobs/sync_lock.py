"""The per-merchant sync lock: at most one catalog sync runs for a merchant at a time.

Two layers, because either alone has a hole:

* Redis (when configured): `SET facet:sync-lock:<merchant> <token> NX PX ttl`, released and extended only by
  its owner (compare-and-delete / compare-and-pexpire in Lua). Cheap; it stops duplicates before they
  touch the database.
* A database lease in `Merchant.sync_state["lease"]` (`owner`, `until`), taken under a row lock. It works
  without Redis (SQLite, in-process jobs), survives a Redis flush, and acts as a fence: a run checks it still
  owns the lease before committing each page, so a run whose lease expired (a stalled worker) and was taken
  over stops instead of writing alongside its successor.

Both expire (`FACET_SYNC_LOCK_TTL`, default 600 s) and are extended at every page, so a crashed worker blocks
the merchant for at most one TTL.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from redis import Redis
from sqlalchemy import update

from plugin_api.extensions import db
from plugin_api.models import Merchant, utcnow

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 600

_RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_EXTEND_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


def lock_row(merchant_id: int) -> None:
    """Take the merchant row's write lock for the rest of the transaction.

    A no-op UPDATE rather than `SELECT ... FOR UPDATE`: PostgreSQL row-locks it the same way, and SQLite
    (which ignores FOR UPDATE) takes its database write lock: the read-check-write that follows is atomic.
    """
    db.session.execute(
        update(Merchant).where(Merchant.id == merchant_id).values(updated_at=Merchant.updated_at)
    )


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass
class SyncLock:
    """One run's hold on a merchant's sync lock (see the module docstring)."""

    merchant_id: int
    redis: Redis | None = None
    ttl_seconds: int = DEFAULT_TTL_SECONDS
    token: str = field(default_factory=lambda: secrets.token_hex(12))
    holder: str | None = None  # who held it when `acquire` failed

    @property
    def key(self) -> str:
        return f"facet:sync-lock:{self.merchant_id}"

    def lease(self) -> dict[str, Any]:
        """The lease dict a run stores in `sync_state["lease"]` (until now + TTL)."""
        until = utcnow() + timedelta(seconds=self.ttl_seconds)
        return {"owner": self.token, "until": until.isoformat()}

    def acquire(self) -> bool:
        """Take the Redis lock (if any), then the database lease; False (nothing held) when either is taken.

        On success the lease is committed to `sync_state`; on failure the session is rolled back.
        """
        if self.redis is not None:
            if not self.redis.set(self.key, self.token, nx=True, px=self.ttl_seconds * 1000):
                raw = self.redis.get(self.key)
                self.holder = raw.decode() if isinstance(raw, bytes) else raw
                return False
        lock_row(self.merchant_id)
        merchant = db.session.get(Merchant, self.merchant_id, populate_existing=True)
        state = dict((merchant.sync_state if merchant else None) or {})
        held = state.get("lease") or {}
        until = _parse(held.get("until"))
        if held.get("owner") not in (None, self.token) and until is not None and until > utcnow():
            self.holder = held.get("owner")
            db.session.rollback()
            self._release_redis()
            return False
        if merchant is not None:
            state["lease"] = self.lease()
            merchant.sync_state = state
        db.session.commit()
        return True

    def owns(self, state: dict[str, Any]) -> bool:
        """True when `state` (read under `lock_row`) still carries this run's lease."""
        return (state.get("lease") or {}).get("owner") == self.token

    def extend(self) -> None:
        """Push the Redis lock's expiry out (the lease is renewed with each page's state commit)."""
        if self.redis is not None:
            self.redis.eval(_EXTEND_LUA, 1, self.key, self.token, self.ttl_seconds * 1000)

    def release(self) -> None:
        """Drop the lease (if still ours) and the Redis lock; safe to call twice."""
        try:
            db.session.rollback()
            lock_row(self.merchant_id)
            merchant = db.session.get(Merchant, self.merchant_id, populate_existing=True)
            if merchant is not None and self.owns(merchant.sync_state or {}):
                state = dict(merchant.sync_state)
                state.pop("lease", None)
                merchant.sync_state = state
            db.session.commit()
        except Exception:  # noqa: BLE001 - the lease expires on its own; never mask the run's own error
            db.session.rollback()
            log.warning("could not release the sync lease of merchant %s", self.merchant_id, exc_info=True)
        self._release_redis()

    def _release_redis(self) -> None:
        if self.redis is not None:
            self.redis.eval(_RELEASE_LUA, 1, self.key, self.token)
