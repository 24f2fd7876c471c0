"""The storage interface: a flat key → bytes store, keys prefixed by merchant."""

from __future__ import annotations

import re
from typing import Protocol, runtime_checkable

_SAFE_PART = re.compile(r"^[A-Za-z0-9._-]+$")


class StorageError(RuntimeError):
    """The storage backend failed (I/O error, bucket unreachable, ...)."""


class ObjectNotFound(StorageError):
    """No object under that key."""


@runtime_checkable
class Storage(Protocol):
    """Where uploads and generated assets live. Implementations: `LocalStorage`, `S3Storage`."""

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Store `data` under `key`, replacing any previous object."""
        ...

    def get(self, key: str) -> bytes:
        """Return the object's bytes; raises `ObjectNotFound`."""
        ...

    def delete(self, key: str) -> None:
        """Delete the object; deleting a missing key is not an error."""
        ...

    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""
        ...

    def list(self, prefix: str = "") -> list[str]:
        """All keys starting with `prefix`, sorted."""
        ...

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object under `prefix`; returns how many were deleted."""
        ...


def merchant_key(public_id: str, *parts: str) -> str:
    """Build `merchants/<public_id>/<parts...>`, refusing path tricks in any part."""
    for part in (public_id, *parts):
        if not _SAFE_PART.match(part) or part in (".", ".."):
            raise ValueError(f"unsafe storage key part: {part!r}")
    return "/".join(("merchants", public_id, *parts))


def merchant_prefix(public_id: str) -> str:
    """The prefix of every key belonging to one merchant (for data deletion on uninstall)."""
    return merchant_key(public_id) + "/"


def check_key(key: str) -> str:
    """Validate a full key: relative, `/`-separated safe parts."""
    parts = key.split("/")
    if not key or any(not _SAFE_PART.match(p) or p in (".", "..") for p in parts):
        raise ValueError(f"unsafe storage key: {key!r}")
    return key
