"""Connector configuration, built from the app's config mapping (keys prefixed `FACET_`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.http import RetryPolicy

DEFAULT_SHOPIFY_SCOPES = "read_products,read_orders"
DEFAULT_SHOPIFY_API_VERSION = "2026-01"


@dataclass(frozen=True)
class ConnectorSettings:
    """Everything the connectors need from configuration; frozen so one worker cannot mutate another's."""

    public_url: str = "http://127.0.0.1:8000"  # the app's own default (FACET_PUBLIC_URL in config.py)
    shopify_api_key: str = ""
    shopify_api_secret: str = ""
    shopify_scopes: str = DEFAULT_SHOPIFY_SCOPES
    shopify_api_version: str = DEFAULT_SHOPIFY_API_VERSION
    # Replaces `https://{shop}` for every Shopify call (tests point it at the fake server).
    shopify_api_base_url: str | None = None
    shopify_expiring_tokens: bool = True
    # Reject install/callback HMACs whose timestamp is further than this from now (Shopify's own libs: 90 s).
    shopify_hmac_max_age: int = 90
    # Full imports of shops with at least this many products use a bulk operation (0 = never).
    shopify_bulk_min_products: int = 5000
    shopify_bulk_poll_seconds: float = 2.0
    shopify_bulk_timeout: float = 3600.0
    woocommerce_app_name: str = "Facet"
    # The real Woo refuses a non-https callback_url; tests may relax it for an http fake.
    woocommerce_timeout: float = 20.0
    magento_timeout: float = 20.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # Call stores on loopback / private addresses too (a local setup; the tests' fakes). Off in production:
    # see `connectors.address_guard`.
    allow_private_hosts: bool = False


def _flag(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _get(config: Mapping[str, Any], key: str, default: Any) -> Any:
    value = config.get(key)
    return default if value is None or value == "" else value


def settings_from_mapping(config: Mapping[str, Any]) -> ConnectorSettings:
    """Read `FACET_*` connector keys from a Flask config (or any mapping); missing keys keep defaults."""
    defaults = ConnectorSettings()
    retry = config.get("FACET_CONNECTOR_RETRY")
    return ConnectorSettings(
        public_url=str(config.get("FACET_PUBLIC_URL") or defaults.public_url),
        shopify_api_key=str(config.get("FACET_SHOPIFY_API_KEY") or ""),
        shopify_api_secret=str(config.get("FACET_SHOPIFY_API_SECRET") or ""),
        shopify_scopes=str(config.get("FACET_SHOPIFY_SCOPES") or DEFAULT_SHOPIFY_SCOPES),
        shopify_api_version=str(config.get("FACET_SHOPIFY_API_VERSION") or DEFAULT_SHOPIFY_API_VERSION),
        shopify_api_base_url=config.get("FACET_SHOPIFY_API_BASE_URL") or None,
        shopify_expiring_tokens=_flag(config.get("FACET_SHOPIFY_EXPIRING_TOKENS"), True),
        shopify_hmac_max_age=int(config.get("FACET_SHOPIFY_HMAC_MAX_AGE") or 90),
        shopify_bulk_min_products=int(_get(config, "FACET_SHOPIFY_BULK_MIN_PRODUCTS", 5000)),
        shopify_bulk_poll_seconds=float(config.get("FACET_SHOPIFY_BULK_POLL_SECONDS") or 2.0),
        woocommerce_app_name=str(config.get("FACET_WOOCOMMERCE_APP_NAME") or "Facet"),
        woocommerce_timeout=float(config.get("FACET_WOOCOMMERCE_TIMEOUT") or 20.0),
        magento_timeout=float(config.get("FACET_MAGENTO_TIMEOUT") or 20.0),
        retry=retry if isinstance(retry, RetryPolicy) else RetryPolicy(),
        allow_private_hosts=_flag(config.get("FACET_CONNECTOR_ALLOW_PRIVATE"), False),
    )
