"""Configuration for the Facet app: defaults, then the environment, then explicit overrides.

Every `FACET_*` setting the app reads is declared here with its default (`_STR_DEFAULTS`, `_INT_SETTINGS`,
`_MODULE_DEFAULTS`), and the README's configuration table lists each once; the modules that use one read it
from `app.config`. Environment variables use the `FACET_` prefix, plus the conventional `DATABASE_URL` and
`REDIS_URL`; an int setting's value is converted here, the others reach `app.config` as the strings the
environment gave. Two exceptions: the `inference` package, which never imports Flask, reads
`ENVIRONMENT_ONLY` from the process environment itself, and `DERIVED_SETTINGS` are worked out here.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ENVIRONMENTS = ("production", "demo", "test")

# Settings with a type other than str; everything else is read verbatim.
_INT_SETTINGS = {
    "FACET_MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
    "FACET_MAX_IMAGE_PIXELS": 40_000_000,
    "FACET_MAX_INFLIGHT_PER_MERCHANT": 5,
    "FACET_RETRY_AFTER_SECONDS": 5,
    "FACET_JOB_TIMEOUT_SECONDS": 180,
    "FACET_ANALYSIS_DEADLINE_SECONDS": 900,
    "FACET_ANALYSIS_RETENTION_DAYS": 30,
    # Analytics beacons: the dashboard's longest period is 90 days; 0 = keep them forever.
    "FACET_EVENT_RETENTION_DAYS": 180,
    "FACET_JOB_RETRIES": 1,
    # Without Redis (no cron scheduler): reap + purge after a response at most this often; 0 = never.
    "FACET_INLINE_HOUSEKEEPING_SECONDS": 600,
    # Per shopper address and store (`plugin_api.rate_limits`); a rate of 0 = no limit.
    "FACET_CLIENT_UPLOADS_PER_HOUR": 30,
    "FACET_CLIENT_UPLOAD_BURST": 10,
    "FACET_CLIENT_EVENTS_PER_MINUTE": 120,
    "FACET_CLIENT_EVENT_BURST": 240,
    # Photos the browser cannot decode (HEIC) converted for the widget: their own allowance, so a shopper
    # whose photo needs converting is not charged twice for one photo (the upload that follows counts).
    "FACET_CLIENT_CONVERSIONS_PER_HOUR": 30,
    "FACET_CLIENT_CONVERSION_BURST": 10,
    # The merchant dashboard's breakdowns by skin tone, undertone and face shape need this many readings
    # (per tone for shade coverage), so none points at one shopper (`services.dashboard`).
    "FACET_DASHBOARD_MIN_READINGS": 5,
    # Reverse proxies in front of Facet whose X-Forwarded-For / -Proto are trusted (0: none, use the peer).
    "FACET_TRUSTED_PROXIES": 0,
    # PostgreSQL: seconds to wait for a new connection (libpq's own default is forever, so a database
    # behind a dropped route held every web thread) and for a free one from the pool when all are busy.
    "FACET_DB_CONNECT_TIMEOUT": 3,
    "FACET_DB_POOL_TIMEOUT": 10,
}
# Tests share one address (127.0.0.1) across hundreds of uploads: limits apply where a test sets them.
_RATE_LIMITS = (
    "FACET_CLIENT_UPLOADS_PER_HOUR",
    "FACET_CLIENT_EVENTS_PER_MINUTE",
    "FACET_CLIENT_CONVERSIONS_PER_HOUR",
)
_DEMO_UPLOAD_ALLOWANCE = {
    "FACET_CLIENT_UPLOADS_PER_HOUR": 300,
    "FACET_CLIENT_UPLOAD_BURST": 60,
    "FACET_CLIENT_CONVERSIONS_PER_HOUR": 300,
    "FACET_CLIENT_CONVERSION_BURST": 60,
}

_STR_DEFAULTS: dict[str, str | None] = {
    "FACET_ENV": "production",
    "FACET_LOG_LEVEL": "INFO",
    "FACET_LOG_FORMAT": "json",
    "FACET_PUBLIC_URL": "http://127.0.0.1:8000",
    "FACET_STORAGE_DIR": None,  # default: <instance>/storage
    "FACET_S3_BUCKET": None,
    "FACET_S3_ENDPOINT_URL": None,
    "FACET_S3_REGION": None,
    "FACET_S3_ACCESS_KEY_ID": None,
    "FACET_S3_SECRET_ACCESS_KEY": None,
    "FACET_S3_PREFIX": "",
    "FACET_SECRET_KEY": None,
    "FACET_ENCRYPTION_KEYS": None,
}

# Read from `app.config` by other modules, which keep a fallback of their own for a config without them:
# each default here must stay equal to its reader's (tests/foundation/test_config_and_crypto.py checks those
# it can call). Their readers convert environment strings, so these are not converted here.
_MODULE_DEFAULTS: dict[str, Any] = {
    # `connectors.settings` (connectors/README.md)
    "FACET_SHOPIFY_API_KEY": "",
    "FACET_SHOPIFY_API_SECRET": "",
    "FACET_SHOPIFY_SCOPES": "read_products,read_orders",
    "FACET_SHOPIFY_API_VERSION": "2026-01",
    "FACET_SHOPIFY_API_BASE_URL": None,
    "FACET_SHOPIFY_EXPIRING_TOKENS": True,
    "FACET_SHOPIFY_HMAC_MAX_AGE": 90,
    "FACET_SHOPIFY_BULK_MIN_PRODUCTS": 5000,
    "FACET_SHOPIFY_BULK_POLL_SECONDS": 2.0,
    "FACET_WOOCOMMERCE_APP_NAME": "Facet",
    "FACET_WOOCOMMERCE_TIMEOUT": 20.0,
    "FACET_MAGENTO_TIMEOUT": 20.0,
    "FACET_CONNECTOR_ALLOW_PRIVATE": False,
    # A `connectors.http.RetryPolicy` object, so only through `create_app({...})`; None = the default policy.
    "FACET_CONNECTOR_RETRY": None,
    # `jobs.sync`, `jobs.sync_lock`
    "FACET_SYNC_FEATURES": True,
    "FACET_SYNC_LOCK_TTL": 600,
    # `jobs.features`
    "FACET_EMBEDDING_MODEL": None,
    "FACET_EMBEDDING_WEIGHTS": None,
    "FACET_IMAGE_FETCH_TIMEOUT": 10,
    "FACET_IMAGE_MAX_BYTES": 8 * 1024 * 1024,
    "FACET_IMAGE_ALLOW_PRIVATE": False,
    # `web.widget_files`; None = the repository's widgets/widget/dist
    "FACET_WIDGET_DIST": None,
}

# Read by `inference` from the process environment (it never imports Flask), not from `app.config`:
# FACET_TORCH_THREADS (default 0: one thread per 2 cores, at most 4), FACET_DEVICE (default: CUDA when
# available, else the CPU) and FACET_TORCH_JIT (default 1; 0 keeps the face networks eager).
ENVIRONMENT_ONLY = ("FACET_TORCH_THREADS", "FACET_DEVICE", "FACET_TORCH_JIT")
# Set by `load_config` from the other settings; a value in the environment is overwritten.
DERIVED_SETTINGS = ("FACET_PUBLIC_URL_SET", "FACET_INSECURE_DEFAULTS")

# The merchant dashboard's longest period (`services.dashboard.PERIODS`): beacons are kept at least this long.
LONGEST_DASHBOARD_PERIOD_DAYS = 90

# Demo/test mode only: fixed, publicly known values so the product runs with zero set-up.
_INSECURE_SECRET = "facet-demo-insecure-secret-key"
_INSECURE_FERNET = base64.urlsafe_b64encode(hashlib.sha256(b"facet-demo-insecure-fernet").digest()).decode()


class ConfigError(RuntimeError):
    """The configuration cannot run the app (e.g. a required secret is missing in production)."""


def normalize_database_url(url: str) -> str:
    """Point bare `postgres://` / `postgresql://` URLs at the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _parse_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    instance_path: str,
) -> dict[str, Any]:
    """Build the app config from defaults, the environment and explicit overrides (in that order)."""
    env = os.environ if env is None else env
    overrides = dict(overrides or {})
    cfg: dict[str, Any] = {**_STR_DEFAULTS, **_INT_SETTINGS, **_MODULE_DEFAULTS}

    for key, value in env.items():
        if key.startswith("FACET_"):
            cfg[key] = int(value) if key in _INT_SETTINGS else value
    # Whether FACET_PUBLIC_URL was given rather than defaulted (`configured_public_url`).
    cfg["FACET_PUBLIC_URL_SET"] = bool(env.get("FACET_PUBLIC_URL") or overrides.get("FACET_PUBLIC_URL"))
    cfg["DATABASE_URL"] = env.get("DATABASE_URL") or None
    cfg["REDIS_URL"] = env.get("REDIS_URL") or None
    if overrides.get("TESTING"):
        cfg["FACET_ENV"] = "test"
    cfg.update(overrides)

    if cfg["FACET_ENV"] not in ENVIRONMENTS:
        raise ConfigError(f"FACET_ENV must be one of {', '.join(ENVIRONMENTS)}, not {cfg['FACET_ENV']!r}")
    relaxed = cfg["FACET_ENV"] in ("demo", "test")
    if cfg["FACET_ENV"] == "test" and "FACET_INLINE_HOUSEKEEPING_SECONDS" not in overrides:
        cfg["FACET_INLINE_HOUSEKEEPING_SECONDS"] = 0  # tests decide when housekeeping runs
    if cfg["FACET_ENV"] == "test":
        for key in _RATE_LIMITS:
            if key not in overrides and key not in env:
                cfg[key] = 0
    if cfg["FACET_ENV"] == "demo":
        # One presenter on one address tries photo after photo: a shopper's allowance would stop a sales
        # demo at the eleventh. Still limited, so the demo can show what a shopper over it is told.
        for key, value in _DEMO_UPLOAD_ALLOWANCE.items():
            if key not in overrides and key not in env:
                cfg[key] = value
    cfg["TESTING"] = cfg.get("TESTING", False) or cfg["FACET_ENV"] == "test"

    event_days = int(cfg["FACET_EVENT_RETENTION_DAYS"])
    if event_days < 0 or 0 < event_days < LONGEST_DASHBOARD_PERIOD_DAYS:
        raise ConfigError(
            f"FACET_EVENT_RETENTION_DAYS must be 0 (keep) or at least {LONGEST_DASHBOARD_PERIOD_DAYS}, the "
            f"dashboard's longest period, not {cfg['FACET_EVENT_RETENTION_DAYS']}"
        )
    missing = [k for k in ("FACET_SECRET_KEY", "FACET_ENCRYPTION_KEYS") if not cfg.get(k)]
    if missing and not relaxed:
        raise ConfigError(
            "Missing required secret(s): "
            + ", ".join(missing)
            + ". Set them in the environment (FACET_ENCRYPTION_KEYS: comma-separated Fernet keys, "
            "newest first; generate one with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`), or set FACET_ENV=demo for a local demo."
        )
    cfg["FACET_SECRET_KEY"] = cfg.get("FACET_SECRET_KEY") or _INSECURE_SECRET
    cfg["FACET_ENCRYPTION_KEYS"] = cfg.get("FACET_ENCRYPTION_KEYS") or _INSECURE_FERNET
    cfg["FACET_INSECURE_DEFAULTS"] = bool(missing)
    cfg.setdefault("SECRET_KEY", cfg["FACET_SECRET_KEY"])

    db_url = cfg.get("SQLALCHEMY_DATABASE_URI") or cfg["DATABASE_URL"]
    if not db_url:
        db_url = "sqlite:///" + str(Path(instance_path) / "facet.db")
    cfg["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(db_url)
    cfg.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(cfg))
    cfg["FACET_STORAGE_DIR"] = cfg.get("FACET_STORAGE_DIR") or str(Path(instance_path) / "storage")

    # Werkzeug rejects bigger bodies before reading them; the exact per-file limit is checked on upload.
    cfg.setdefault("MAX_CONTENT_LENGTH", int(cfg["FACET_MAX_UPLOAD_BYTES"]) + 256 * 1024)
    cfg.setdefault("JSON_SORT_KEYS", False)
    cfg.update(_openapi_settings())
    return cfg


def engine_options(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """SQLAlchemy engine options: connections checked before use, and, on PostgreSQL, bounded waits for a
    new connection and for a free pooled one (SQLite connects to a file and has neither)."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    if str(cfg["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        options["connect_args"] = {"connect_timeout": int(cfg["FACET_DB_CONNECT_TIMEOUT"])}
        options["pool_timeout"] = int(cfg["FACET_DB_POOL_TIMEOUT"])
    return options


def _openapi_settings() -> dict[str, Any]:
    return {
        "API_TITLE": "Facet",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        # Served from the swagger-ui-bundle package (plugin_api/api/docs_assets.py): works offline.
        "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/static/",
        "API_SPEC_OPTIONS": {
            "info": {
                "description": (
                    "The shopper widget's API. A store is identified by its publishable key (`X-Facet-Key` "
                    "or `?key=`, public by design) or, without one, by the storefront origin the request "
                    "comes from; cross-origin requests must come from one of the store's allowed origins. "
                    "Errors always answer `{error: {code, message, details}, request_id}`. The merchant "
                    "dashboard's `/admin` endpoints are signed in with its session cookie instead."
                )
            },
            "components": {
                "securitySchemes": {
                    "publishableKey": {"type": "apiKey", "in": "header", "name": "X-Facet-Key"},
                    "adminSession": {"type": "apiKey", "in": "cookie", "name": "facet_admin"},
                }
            },
            # The key is optional where the storefront origin names the store.
            "security": [{"publishableKey": []}, {}],
        },
    }


def env_flag(cfg: Mapping[str, Any], key: str, default: bool = False) -> bool:
    """Read a boolean setting that may come from the environment as a string."""
    value = cfg.get(key)
    if value is None:
        return default
    return value if isinstance(value, bool) else _parse_bool(str(value))


def configured_public_url(cfg: Mapping[str, Any]) -> str | None:
    """FACET_PUBLIC_URL without a trailing slash when it was set (not left at its default), else None.

    Links handed to browsers (e.g. the widget's `poll_url`) use it when set, else the request's own host: an
    unset default would point a dev server on another port at the wrong place.
    """
    url = cfg.get("FACET_PUBLIC_URL")
    if not url or (not cfg.get("FACET_PUBLIC_URL_SET") and url == _STR_DEFAULTS["FACET_PUBLIC_URL"]):
        return None
    return str(url).rstrip("/")
