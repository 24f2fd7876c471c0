"""Object storage for uploads and generated assets: local directory by default, S3 when configured.

The app's storage is `app.extensions["facet.storage"]` (or `current_storage()`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from plugin_api.storage.base import (
    ObjectNotFound,
    Storage,
    StorageError,
    check_key,
    merchant_key,
    merchant_prefix,
)
from plugin_api.storage.local import LocalStorage

__all__ = [
    "LocalStorage",
    "ObjectNotFound",
    "Storage",
    "StorageError",
    "build_storage",
    "check_key",
    "current_storage",
    "init_app",
    "merchant_key",
    "merchant_prefix",
]


def build_storage(config: dict[str, Any]) -> Storage:
    """S3 when `FACET_S3_BUCKET` is set, else a local directory."""
    if config.get("FACET_S3_BUCKET"):
        from plugin_api.storage.s3 import S3Storage  # boto3 is only imported when S3 is in use

        return S3Storage(
            config["FACET_S3_BUCKET"],
            prefix=config.get("FACET_S3_PREFIX") or "",
            endpoint_url=config.get("FACET_S3_ENDPOINT_URL"),
            region=config.get("FACET_S3_REGION"),
            access_key_id=config.get("FACET_S3_ACCESS_KEY_ID"),
            secret_access_key=config.get("FACET_S3_SECRET_ACCESS_KEY"),
        )
    return LocalStorage(config["FACET_STORAGE_DIR"])


def init_app(app: Flask) -> None:
    """Bind the configured storage to `app.extensions["facet.storage"]` (no I/O happens here)."""
    app.extensions["facet.storage"] = build_storage(app.config)


def current_storage() -> Storage:
    """The running app's storage."""
    return current_app.extensions["facet.storage"]
