"""Magento 2: OAuth 1.0a integration activation (HMAC-SHA256), signed REST catalog, polled changes."""

from __future__ import annotations

from connectors.magento.connector import MagentoConnector

__all__ = ["MagentoConnector"]
