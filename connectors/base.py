"""The connector interface: one small Protocol and the dataclasses it speaks.

The Flask app only ever sees these types. Each platform package (`connectors/shopify`, ...) turns its wire
protocol into them, so nothing outside `connectors/` needs to know what a GraphQL cursor or an OAuth1
signature is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit


@dataclass
class CatalogProduct:
    """One store product in Facet's own shape (prices as Decimal, times timezone-aware UTC)."""

    platform_id: str
    title: str
    handle: str = ""
    url: str | None = None
    vendor: str = ""
    product_type: str = ""
    tags: list[str] = field(default_factory=list)
    price: Decimal | None = None
    currency: str | None = None
    variants: list[dict[str, Any]] = field(default_factory=list)
    image_urls: list[str] = field(default_factory=list)
    updated_at: datetime | None = None
    # None: the payload cannot say (a Shopify webhook's untracked variants); the stored value is kept.
    in_stock: bool | None = True
    # False for drafts/archived/disabled products: never recommended, so the sync soft-deletes them.
    active: bool = True
    description: str = ""
    # The store's spec attributes as text ("Frame size": "52-18-140", "lens_width": "52"): a frame's printed
    # size is often only here. None: the payload cannot say (a webhook without metafields); stored ones stay.
    attributes: dict[str, str] | None = field(default_factory=dict)


def any_variant_available(flags: list[bool | None]) -> bool | None:
    """A product is in stock when one of its variants is; unknown (None) when none is and one is unknown;
    sold out when all are. (Without variants the caller decides.)"""
    if any(f is True for f in flags):
        return True
    return None if any(f is None for f in flags) else False


@dataclass
class ProductPage:
    """A page of products plus the cursor that resumes *after* it (None when this was the last page), and
    any storefront origins the store reports on the way (a Shopify shop's primary custom domain)."""

    products: list[CatalogProduct]
    next_cursor: str | None
    storefront_origins: list[str] = field(default_factory=list)


@dataclass
class StoreSession:
    """What a connector needs to call one store: its identity and decrypted credentials.

    Connectors may rotate credentials (Shopify token refresh, a generated webhook secret); they set `changed`
    and the caller re-encrypts and persists `credentials`.
    """

    store: str
    credentials: dict[str, Any]
    changed: bool = False

    def update(self, **values: Any) -> None:
        """Merge new credential values and remember that they must be saved."""
        self.credentials.update(values)
        self.changed = True


@dataclass
class InboundRequest:
    """A framework-neutral view of an HTTP request that reached one of Facet's install/webhook routes."""

    method: str
    path: str
    query_string: str = ""
    args: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    # Cookie values already verified/unsigned by the app (connectors never see the signing key).
    cookies: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        """Case-insensitive header lookup."""
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None


@dataclass
class InstallResult:
    """A completed install: which store, its name, and the credentials to store encrypted.

    `storefront_origins` are the web origins the store's shoppers browse (the widget's requests come from
    them and are refused from anywhere else). What the merchant should do next is not part of what got
    installed: it is part of the page the install step answers with (`InstallResponse.next_steps`).
    """

    store: str
    credentials: dict[str, Any]
    name: str | None = None
    storefront_origins: list[str] = field(default_factory=list)
    # Addresses the connector knows to be this same store's former ones (a WooCommerce address typed on the
    # connect form that redirected to `store`): a merchant Facet holds under one of them moves to `store`.
    former_stores: list[str] = field(default_factory=list)


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """The web origin `scheme://host[:port]` of `url`, as browsers send it in `Origin`; None if it has none.

    `https://Shop.example:443/path/` → `https://shop.example`: lower case, no default port (a browser never
    sends one, so an origin stored with it would never match). A bare host (`shop.example`, as platforms
    give store domains) is taken as https. Anything else that is not http(s) with a host, `null` included
    (what a sandboxed or privacy-stripped page sends), has no origin here. Used for the storefront origins
    the widget answers and for the admin's same-origin check (`plugin_api.admin.same_origin`).
    """
    text = url.strip()
    if not text or text.lower() == "null":
        return None
    parts = urlsplit(text if "://" in text else f"https://{text}")
    try:
        port = parts.port
    except ValueError:  # a port that is no number, or out of range
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname  # IPv6 keeps its brackets
    suffix = f":{port}" if port is not None and port != DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{host}{suffix}"


def origins_of(*urls: str | None) -> list[str]:
    """The web origins of the given store URLs, skipping empty or non-web ones."""
    return [origin for origin in (origin_of(u) for u in urls if u) if origin]


@dataclass
class InstallResponse:
    """How the app must answer an install step, and what (if anything) got installed.

    `next_steps` (how to switch the widget on, in the platform's words) and `back_url` (a link back into the
    platform's admin) are shown on the connected page only, so they live here and not on `result`: that page
    is also shown without a `result` (a `verified_store` landing), and a `result` may come from a
    server-to-server step whose answer no merchant sees (WooCommerce's key delivery).
    """

    status: int = 200
    redirect: str | None = None
    html: str | None = None
    json: dict[str, Any] | None = None
    set_cookies: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (value, max_age s)
    clear_cookies: list[str] = field(default_factory=list)
    result: InstallResult | None = None
    # The platform vouched that this browser is the admin of this already installed store (a WooCommerce
    # return bound by a signed cookie to the browser that started the connection, a store-signed sign-in):
    # the app answers with the connected page (or the connector's `redirect`) and a dashboard session
    # instead of `html`, which stays the answer while the store is not
    # (yet) installed. Never set it for a request the connector has not tied to the store.
    verified_store: str | None = None
    # On the connected page (see above): the merchant's next step, and the way back into the platform's
    # admin (Magento closes its activation popup there).
    next_steps: str | None = None
    back_url: str | None = None


class PendingStore(Protocol):
    """Short-lived install state (OAuth `state`, Woo `user_id`, Magento consumer keys), consumed by `pop`."""

    def put(self, platform: str, key: str, data: dict[str, Any], ttl_seconds: int) -> None: ...

    def pop(self, platform: str, key: str) -> dict[str, Any] | None: ...

    def get(self, platform: str, key: str) -> dict[str, Any] | None:
        """Read without consuming (a completed step a browser may look up more than once)."""
        ...

    def claim(self, platform: str, key: str, ttl_seconds: int) -> bool:
        """Record `key` once: True for the first caller, False for every other, concurrent ones included
        (a single-use nonce)."""
        ...


@dataclass
class InstallContext:
    """What the app lends a connector during an install step."""

    public_url: str
    pending: PendingStore
    # Whether the request was posted from one of Facet's own pages (or from no browser at all), as the app
    # reads the browser's Sec-Fetch-Site / Origin / Referer: a form another site posts from a visitor's
    # browser must not start an install in their name.
    from_own_page: bool = True
    # The credentials Facet holds for a store it has installed (None: not installed): a connector checks a
    # store-signed sign-in with them.
    stored_credentials: Callable[[str], dict[str, Any] | None] = lambda _store: None
    # Whether Facet holds anything of a store at all (installed, or removed with its data not yet deleted).
    known_store: Callable[[str], bool] = lambda _store: False


class WebhookKind(StrEnum):
    """Platform-neutral meaning of a webhook delivery."""

    PING = "ping"
    PRODUCT_UPSERT = "product_upsert"
    PRODUCT_DELETE = "product_delete"
    APP_UNINSTALLED = "app_uninstalled"
    ORDER_CREATED = "order_created"
    CUSTOMER_DATA_REQUEST = "customer_data_request"
    CUSTOMER_REDACT = "customer_redact"
    SHOP_REDACT = "shop_redact"
    OTHER = "other"


@dataclass
class WebhookRegistration:
    """What subscribing a store's notifications achieved.

    `withheld` names the notifications the platform refused to send for now, in its own words (Shopify sends
    no orders until the app's access to protected customer data is approved). The catalog syncs without
    them, so this is not an error; but a dashboard figure built on them would read zero for a reason the
    merchant should be told.
    """

    ids: list[str] = field(default_factory=list)
    withheld: dict[WebhookKind, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FacetItem:
    """A line of an order that Facet's own Add to cart put in the cart (where the platform can say so)."""

    product_id: str
    quantity: int
    value: Decimal  # what the shopper paid for the line: unit price × quantity, less its discounts


@dataclass
class WebhookEvent:
    """A verified webhook delivery."""

    kind: WebhookKind
    topic: str
    delivery_id: str | None
    store: str | None = None
    product: CatalogProduct | None = None
    product_id: str | None = None
    customer_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    facet_items: list[FacetItem] = field(default_factory=list)  # of an order, marked by Facet's add


@runtime_checkable
class Connector(Protocol):
    """One store platform. Implementations live in `connectors/<platform>/` and are built by the registry."""

    name: str
    # True when the platform cannot push changes (Magento core): the app schedules incremental polling.
    needs_polling: bool
    # True when the platform tells Facet it was removed (Shopify's `app/uninstalled`); else refused
    # credentials, day after day, are the only notice (a revoked WooCommerce key, a deleted Magento
    # integration).
    tells_of_uninstall: bool
    # How this platform's merchant opens Facet from their store's admin, which signs them into the merchant
    # dashboard (one sentence, shown on the dashboard's sign-in page).
    dashboard_sign_in: str
    # What the merchant still removes in the store's own admin after disconnecting Facet, named exactly (one
    # or two sentences, shown on the "Facet is disconnected" page); None when `uninstall` removes Facet
    # from the store altogether.
    leftover_after_disconnect: str | None
    # True when Facet's add-to-cart marks its cart line and the platform keeps the mark on the order
    # (`connectors.cart.ORDER_MARK`), so its orders say which items Facet's button added.
    marks_orders: bool

    @staticmethod
    def cart_action(
        *, store_url: str, product: Mapping[str, Any], variant: Mapping[str, Any] | None
    ) -> dict[str, Any] | None:
        """The storefront's own add-to-cart request for this product/variant, as the widget runs it (see
        `connectors.cart`); None when the shopper must open the product page instead."""
        ...

    def handle_install(self, step: str, request: InboundRequest, ctx: InstallContext) -> InstallResponse:
        """Run one step of the install flow (`/<platform>/<step>`); raise AuthError on a bad signature."""
        ...

    def parse_webhook(self, request: InboundRequest, session: StoreSession | None) -> WebhookEvent:
        """Verify a delivery's signature before reading it, then decode it. AuthError when unsigned/wrong."""
        ...

    def iter_products(
        self, session: StoreSession, *, since: datetime | None = None, cursor: str | None = None
    ) -> Iterator[ProductPage]:
        """Yield the catalog in ascending product-id order, page by page (changed after `since`), resuming
        after `cursor`. Id order lets a full sync detect deletions page by page (see `confirm_gone`)."""
        ...

    def confirm_gone(self, session: StoreSession, platform_ids: list[str]) -> list[str]:
        """Of products missing from a full listing, those really gone from the store."""
        ...

    def register_webhooks(
        self, session: StoreSession, *, public_url: str, merchant_key: str
    ) -> WebhookRegistration:
        """Subscribe the store's change notifications to Facet; calling it again leaves one subscription per
        topic (kept, or replaced where the platform's subscriptions carry a secret)."""
        ...

    def uninstall(self, session: StoreSession) -> bool:
        """Best-effort removal of what Facet registered on the store (the store may already be gone). True
        when the store no longer lists Facet at all; False when the merchant still has a plugin or an
        integration to remove in the store's own admin."""
        ...


@runtime_checkable
class ListsProductIds(Protocol):
    """Optional: a polling connector that can list every product id cheaply, so an incremental poll (which
    only sees changed products) can still notice deletions without a full sync."""

    def count_products(self, session: StoreSession) -> int:
        """How many products the store has (enabled or not), in one small request."""
        ...

    def list_product_ids(self, session: StoreSession) -> list[str]:
        """Every product id currently in the store (enabled or not); ProtocolError when incomplete."""
        ...


@runtime_checkable
class ChecksStock(Protocol):
    """Optional: a polling connector whose stock changes leave the product untouched (Magento's salable
    quantity moves with every order, and the product's `updated_at` does not), so an incremental poll never
    sees a product sell out. The poll asks it for the stock of the products shoppers are being shown."""

    def stock_of(self, session: StoreSession, skus: list[str], memo: dict[str, Any]) -> dict[str, bool]:
        """Whether each SKU can be bought now; SKUs the store says nothing about (or that this call did not
        get to) are left out. `memo` is what the connector learned of the store's stock set-up on earlier
        calls (JSON-able; the caller keeps it between polls and drops it at each full sync), so a poll does
        not find it out again every 15 minutes."""
        ...


@runtime_checkable
class RevivesWebhooks(Protocol):
    """Optional: a connector whose store switches Facet's webhooks off after failed deliveries (WooCommerce
    disables one after more than 5 in a row, so a Facet outage would leave the store on the daily sync only).
    The full sync asks it to switch them back on."""

    def revive_webhooks(self, session: StoreSession, *, public_url: str, merchant_key: str) -> int:
        """Re-activate (or re-create) Facet's webhooks the store disabled or lost; how many it revived."""
        ...
