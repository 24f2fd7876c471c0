"""`get_connector(platform)`: the only way the app obtains a connector."""

from __future__ import annotations

from collections.abc import Callable

from connectors.base import Connector
from connectors.errors import NotFound
from connectors.settings import ConnectorSettings


def _shopify() -> type[Connector]:
    from connectors.shopify import ShopifyConnector

    return ShopifyConnector


def _woocommerce() -> type[Connector]:
    from connectors.woocommerce import WooCommerceConnector

    return WooCommerceConnector


def _magento() -> type[Connector]:
    from connectors.magento import MagentoConnector

    return MagentoConnector


# Imports are deferred so an app that never talks to Magento never imports Authlib.
_CLASSES: dict[str, Callable[[], type[Connector]]] = {
    "shopify": _shopify,
    "woocommerce": _woocommerce,
    "magento": _magento,
}

PLATFORMS: tuple[str, ...] = tuple(_CLASSES)
# The demo store (`plugin_api.web.demo_store`) is no connector: its products carry their own add-to-cart
# action (the seed's), and its orders keep Facet's mark the way Shopify's do.
DEMO_PLATFORM = "demo"


def connector_class(platform: str) -> type[Connector]:
    """The connector class of `platform` (its class-level facts, without building one); NotFound for a
    platform Facet does not support."""
    load = _CLASSES.get(platform)
    if load is None:
        raise NotFound(f"unsupported platform {platform!r}")
    return load()


def get_connector(platform: str, settings: ConnectorSettings | None = None) -> Connector:
    """Build the connector for `platform`; NotFound for a platform Facet does not support."""
    return connector_class(platform)(settings or ConnectorSettings())


def orders_show_facet_items(platform: str) -> bool:
    """Whether this platform's orders say which items Facet's Add to cart added (the dashboard's "Sold with
    Facet")."""
    if platform == DEMO_PLATFORM:
        return True
    return platform in _CLASSES and connector_class(platform).marks_orders
