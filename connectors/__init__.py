"""Store platform adapters. Public names: the Protocol and dataclasses, the error tree, `get_connector`."""

from __future__ import annotations

from connectors.base import (
    CatalogProduct,
    ChecksStock,
    Connector,
    InboundRequest,
    InstallContext,
    InstallResponse,
    InstallResult,
    ListsProductIds,
    PendingStore,
    ProductPage,
    RevivesWebhooks,
    StoreSession,
    WebhookEvent,
    WebhookKind,
    WebhookRegistration,
)
from connectors.errors import (
    AddressRefused,
    AuthError,
    ConnectorError,
    NotFound,
    ProtocolError,
    RateLimited,
    StoreMoved,
)
from connectors.registry import PLATFORMS, get_connector
from connectors.settings import ConnectorSettings, settings_from_mapping

__all__ = [
    "AddressRefused",
    "PLATFORMS",
    "AuthError",
    "CatalogProduct",
    "ChecksStock",
    "Connector",
    "ConnectorError",
    "ConnectorSettings",
    "InboundRequest",
    "InstallContext",
    "InstallResponse",
    "InstallResult",
    "ListsProductIds",
    "NotFound",
    "PendingStore",
    "ProductPage",
    "ProtocolError",
    "RateLimited",
    "RevivesWebhooks",
    "StoreMoved",
    "StoreSession",
    "WebhookEvent",
    "WebhookKind",
    "WebhookRegistration",
    "get_connector",
    "settings_from_mapping",
]
