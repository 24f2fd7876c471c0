"""WooCommerce: /wc-auth key delivery, signed webhooks, REST v3 catalog."""

from __future__ import annotations

from connectors.woocommerce.connector import WooCommerceConnector, normalise_store_url, webhook_signature

__all__ = ["WooCommerceConnector", "normalise_store_url", "webhook_signature"]
