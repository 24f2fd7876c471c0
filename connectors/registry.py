"""`get_connector(platform)`: the only way the app obtains a connector."""

from __future__ import annotations

from collections.abc import Callable

from connectors.base import Connector

# Re-exported for the recommendations service (the add) and the dashboard (whether orders show what it sold).
from connectors.cart import add_to_cart, orders_show_facet_items  # noqa: F401
from connectors.errors import NotFound
from connectors.settings import ConnectorSettings


def _shopify(settings: ConnectorSettings) -> Connector:
    from connectors.shopify import ShopifyConnector

    return ShopifyConnector(settings)


def _woocommerce(settings: ConnectorSettings) -> Connector:
    from connectors.woocommerce import WooCommerceConnector

    return WooCommerceConnector(settings)


def _magento(settings: ConnectorSettings) -> Connector:
    from connectors.magento import MagentoConnector

    return MagentoConnector(settings)


# Imports are deferred so an app that never talks to Magento never imports Authlib.
_FACTORIES: dict[str, Callable[[ConnectorSettings], Connector]] = {
    "shopify": _shopify,
    "woocommerce": _woocommerce,
    "magento": _magento,
}

PLATFORMS: tuple[str, ...] = tuple(_FACTORIES)


def get_connector(platform: str, settings: ConnectorSettings | None = None) -> Connector:
    """Build the connector for `platform`; NotFound for a platform Facet does not support."""
    factory = _FACTORIES.get(platform)
    if factory is None:
        raise NotFound(f"unsupported platform {platform!r}")
    return factory(settings or ConnectorSettings())
