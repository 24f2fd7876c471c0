"""Shopify: OAuth (expiring offline tokens), webhook HMAC, Admin GraphQL catalog sync."""

from __future__ import annotations

from connectors.shopify.connector import ShopifyConnector
from connectors.shopify.signing import sign_webhook, valid_shop_domain, verify_query_hmac, verify_webhook_hmac

__all__ = [
    "ShopifyConnector",
    "sign_webhook",
    "valid_shop_domain",
    "verify_query_hmac",
    "verify_webhook_hmac",
]
