"""ShopifyConnector: OAuth install, webhook verification, Admin GraphQL catalog, webhook registration."""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from connectors.base import (
    InboundRequest,
    InstallContext,
    InstallResponse,
    InstallResult,
    ProductPage,
    StoreSession,
    WebhookEvent,
    WebhookKind,
    WebhookRegistration,
    origins_of,
)
from connectors.cart import ORDER_MARK, ORDER_MARK_VALUE, items_added_with_facet, variant_id_of
from connectors.errors import AuthError, NotFound, ProtocolError
from connectors.http import HttpClient
from connectors.settings import ConnectorSettings
from connectors.shopify import bulk, catalog
from connectors.shopify.admin import ShopifyAdmin, shop_base_url
from connectors.shopify.signing import valid_shop_domain, verify_query_hmac, verify_webhook_hmac

log = logging.getLogger(__name__)

STATE_COOKIE = "shopify_app_state"
STATE_TTL = 600  # Shopify's libs use 60 s; merchants on slow links need longer to click "Install"
NEXT_STEPS = (
    "In your Shopify admin, open Online Store → Themes → Customize → App embeds and switch on “Facet try-on”."
)

TOPIC_KINDS = {
    "products/create": WebhookKind.PRODUCT_UPSERT,
    "products/update": WebhookKind.PRODUCT_UPSERT,
    "products/delete": WebhookKind.PRODUCT_DELETE,
    "app/uninstalled": WebhookKind.APP_UNINSTALLED,
    "orders/create": WebhookKind.ORDER_CREATED,
    "customers/data_request": WebhookKind.CUSTOMER_DATA_REQUEST,
    "customers/redact": WebhookKind.CUSTOMER_REDACT,
    "shop/redact": WebhookKind.SHOP_REDACT,
}


class ShopifyConnector:
    """Shopify behind Facet's Connector protocol."""

    name = "shopify"
    dashboard_sign_in = "Shopify: in your Shopify admin, open Apps, then Facet."
    needs_polling = False
    tells_of_uninstall = True
    leftover_after_disconnect = None  # `uninstall` removes the app from the shop's Apps list
    marks_orders = True  # a cart line's hidden properties stay on the order's line item

    def __init__(self, settings: ConnectorSettings, http: HttpClient | None = None) -> None:
        self.settings = settings
        self.http = http or HttpClient(policy=settings.retry, allow_private=settings.allow_private_hosts)

    @staticmethod
    def cart_action(
        *, store_url: str, product: Mapping[str, Any], variant: Mapping[str, Any] | None
    ) -> dict[str, Any] | None:
        """Online Store's AJAX/form endpoint: POST /cart/add with the variant id, marked as Facet's add."""
        variant_id = variant_id_of(variant)
        if not variant_id:
            return None
        return {
            "method": "POST",
            "url": "/cart/add",
            "fields": {"id": variant_id, "quantity": 1, f"properties[{ORDER_MARK}]": ORDER_MARK_VALUE},
            "ajax_url": "/cart/add.js",  # the Ajax API's twin of the form endpoint (JSON, 422 when sold out)
            "cart_url": "/cart",
        }

    def admin(self, session: StoreSession) -> ShopifyAdmin:
        """The Admin API client for one shop (shares this connector's HttpClient and its counters)."""
        return ShopifyAdmin(self.settings, session, self.http)

    # -- install ------------------------------------------------------------------------------------------
    def handle_install(self, step: str, request: InboundRequest, ctx: InstallContext) -> InstallResponse:
        """`install` redirects to the authorize page; `callback` verifies and exchanges the code."""
        if step == "install":
            return self._install(request, ctx)
        if step == "callback":
            return self._callback(request, ctx)
        raise NotFound(f"no Shopify install step {step!r}")

    def _verified_shop(self, request: InboundRequest) -> str:
        if not verify_query_hmac(
            request.query_string, self.settings.shopify_api_secret, max_age=self.settings.shopify_hmac_max_age
        ):
            raise AuthError("bad or stale Shopify HMAC")
        shop = valid_shop_domain(request.args.get("shop"))
        if not shop:
            raise AuthError("not a Shopify shop domain")
        return shop

    def _install(self, request: InboundRequest, ctx: InstallContext) -> InstallResponse:
        shop = self._verified_shop(request)
        state = secrets.token_hex(32)
        ctx.pending.put(self.name, state, {"shop": shop}, STATE_TTL)
        query = urlencode(
            {
                "client_id": self.settings.shopify_api_key,
                "scope": self.settings.shopify_scopes,
                "redirect_uri": f"{ctx.public_url.rstrip('/')}/shopify/callback",
                "state": state,
            }
        )
        # Offline access: no `grant_options[]=per-user`. The state is also bound to this browser by cookie.
        url = f"{shop_base_url(self.settings, shop)}/admin/oauth/authorize?{query}&grant_options[]="
        return InstallResponse(status=302, redirect=url, set_cookies={STATE_COOKIE: (state, STATE_TTL)})

    def _callback(self, request: InboundRequest, ctx: InstallContext) -> InstallResponse:
        shop = self._verified_shop(request)
        state = request.args.get("state") or ""
        cookie = request.cookies.get(STATE_COOKIE) or ""
        if not state or not hmac.compare_digest(state, cookie):
            raise AuthError("OAuth state does not match this browser")
        pending = ctx.pending.pop(self.name, state)  # single use: a replayed callback finds nothing
        if not pending or pending.get("shop") != shop:
            raise AuthError("unknown, used or foreign OAuth state")
        code = request.args.get("code")
        if not code:
            raise AuthError("callback without code")
        session = StoreSession(store=shop, credentials={})
        creds = self.admin(session).exchange_code(code)
        result = InstallResult(
            store=shop,
            credentials=creds,
            name=shop,
            # The shop's primary custom domain is added by the catalog sync (`primaryDomain`).
            storefront_origins=[f"https://{shop}"],
        )
        # The app answers with Facet's own page (key, catalog status, next steps): redirecting back into the
        # Shopify admin would load the app URL, which starts this OAuth round again, and so on forever.
        return InstallResponse(status=200, clear_cookies=[STATE_COOKIE], result=result, next_steps=NEXT_STEPS)

    # -- webhooks -----------------------------------------------------------------------------------------
    def parse_webhook(self, request: InboundRequest, session: StoreSession | None) -> WebhookEvent:
        """Check the body HMAC first (app secret), then decode the topic.

        Headers are read under both of Shopify's spellings: `X-Shopify-*` and the newer deliveries'
        `shopify-*`. The shop a header names must agree with the one the signed body names, where it names
        one (headers are not covered by the signature)."""
        if not verify_webhook_hmac(
            request.body, _shopify_header(request, "Hmac-Sha256"), self.settings.shopify_api_secret
        ):
            raise AuthError("bad Shopify webhook HMAC")
        topic = _shopify_header(request, "Topic") or ""
        try:
            payload: dict[str, Any] = json.loads(request.body or b"{}")
        except ValueError as exc:
            raise ProtocolError("webhook body is not JSON") from exc
        if not isinstance(payload, dict):
            raise ProtocolError("webhook body is not a JSON object")
        header_shop = valid_shop_domain(_shopify_header(request, "Shop-Domain"))
        body_shop = valid_shop_domain(payload.get("shop_domain") or payload.get("myshopify_domain"))
        if header_shop and body_shop and header_shop != body_shop:
            raise AuthError("the webhook's shop header and its signed body name different shops")
        kind = TOPIC_KINDS.get(topic, WebhookKind.OTHER)
        shop = header_shop or body_shop
        event = WebhookEvent(
            kind=kind,
            topic=topic,
            delivery_id=_shopify_header(request, "Webhook-Id") or _shopify_header(request, "Event-Id"),
            store=shop,
            payload=payload,
        )
        if kind is WebhookKind.PRODUCT_UPSERT:
            event.product = catalog.product_from_rest(payload, shop or "")
            event.product_id = event.product.platform_id
        elif kind is WebhookKind.PRODUCT_DELETE:
            event.product_id = str(payload.get("id"))
        elif kind in (
            WebhookKind.CUSTOMER_REDACT,
            WebhookKind.CUSTOMER_DATA_REQUEST,
            WebhookKind.ORDER_CREATED,
        ):
            customer = payload.get("customer") or {}
            event.customer_id = str(customer["id"]) if customer.get("id") is not None else None
        if kind is WebhookKind.ORDER_CREATED:
            event.facet_items = items_added_with_facet(payload)
        return event

    def register_webhooks(
        self, session: StoreSession, *, public_url: str, merchant_key: str
    ) -> WebhookRegistration:
        """`webhookSubscriptionCreate` for each topic; an already-registered address counts as done.

        Order topics carry protected customer data, which Shopify refuses until the app's access is approved
        in the Partner dashboard: without them the catalog still stays in sync, so that refusal is reported
        as withheld (in Shopify's words) and the other topics are kept rather than failing the whole
        registration.
        """
        admin = self.admin(session)
        callback = f"{public_url.rstrip('/')}/webhooks/shopify"
        registration = WebhookRegistration()
        for topic in catalog.WEBHOOK_TOPICS:
            subscription: dict[str, Any] = {"callbackUrl": callback, "format": "JSON"}
            if topic.startswith("PRODUCTS_"):
                subscription["metafieldNamespaces"] = [catalog.METAFIELD_NAMESPACE]
            data = admin.graphql(
                catalog.WEBHOOK_CREATE, {"topic": topic, "webhookSubscription": subscription}
            )
            answer = data["webhookSubscriptionCreate"]
            errors = [e["message"] for e in answer.get("userErrors") or []]
            if (
                errors
                and topic in catalog.PROTECTED_TOPICS
                and all("protected customer data" in m for m in errors)
            ):
                log.warning("Shopify refused %s for %s: %s", topic, session.store, "; ".join(errors))
                kind = TOPIC_KINDS.get(catalog.rest_topic(topic), WebhookKind.OTHER)
                registration.withheld[kind] = "; ".join(errors)
                continue
            if errors and not all("already been taken" in m for m in errors):
                raise ProtocolError(f"webhookSubscriptionCreate {topic}: {'; '.join(errors)}")
            if answer.get("webhookSubscription"):
                registration.ids.append(answer["webhookSubscription"]["id"])
        return registration

    def _bulk_pages(
        self, admin: ShopifyAdmin, session: StoreSession, cursor: str | None, shop: dict[str, Any]
    ) -> Iterator[ProductPage]:
        operation_id, offset = bulk.parse_cursor(cursor) if cursor else (bulk.start(admin), 0)
        url = bulk.wait(
            admin,
            operation_id,
            poll_seconds=self.settings.shopify_bulk_poll_seconds,
            timeout=self.settings.shopify_bulk_timeout,
        )
        if url is None:
            yield ProductPage(products=[], next_cursor=None, storefront_origins=_storefront(shop))
            return
        response = self.http.request("GET", url, stream=True)
        products = bulk.parse_jsonl(response.iter_lines(), session.store, shop.get("currencyCode"))
        yield from bulk.pages(products, operation_id, offset, _storefront(shop))

    def confirm_gone(self, session: StoreSession, platform_ids: list[str]) -> list[str]:
        """Cursor pagination by ID never skips rows, so a product missing from its id range is gone."""
        return list(platform_ids)

    def uninstall(self, session: StoreSession) -> bool:
        """Remove the app from the shop, so a merchant who disconnects in Facet's dashboard does not also
        have to find it under Apps. Its webhooks and tokens go with it; the `app/uninstalled` notice
        Shopify then sends finds the store already uninstalled."""
        self.admin(session).revoke_access()
        return True

    # -- catalog ------------------------------------------------------------------------------------------
    def iter_products(
        self, session: StoreSession, *, since: datetime | None = None, cursor: str | None = None
    ) -> Iterator[ProductPage]:
        """Cursor-paginate `products` (ID order), filtered by `updated_at` for incremental syncs; full
        imports of big shops run as a bulk operation instead (no cost-bucket throttling)."""
        admin = self.admin(session)
        threshold = self.settings.shopify_bulk_min_products
        if since is None and threshold > 0 and (cursor is None or cursor.startswith(bulk.PREFIX)):
            count, shop = bulk.count_products(admin)
            if cursor is not None or count >= threshold:
                yield from self._bulk_pages(admin, session, cursor, shop)
                return
        search = None
        if since is not None:
            stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            search = f"updated_at:>'{stamp}'"
        after = cursor
        while True:
            data = admin.graphql(
                catalog.PRODUCTS_QUERY,
                {
                    "first": catalog.PAGE_SIZE,
                    "after": after,
                    "query": search,
                    "media": catalog.MEDIA_FIRST,
                    "variants": catalog.VARIANTS_FIRST,
                    "metafields": catalog.METAFIELDS_FIRST,
                },
            )
            shop = data.get("shop") or {}
            connection = data["products"]
            currency = shop.get("currencyCode")
            for node in connection["nodes"]:
                _read_all_variants(admin, node)
            products = [catalog.product_from_node(n, session.store, currency) for n in connection["nodes"]]
            info = connection["pageInfo"]
            after = info.get("endCursor") if info.get("hasNextPage") else None
            yield ProductPage(products=products, next_cursor=after, storefront_origins=_storefront(shop))
            if after is None:
                return


def _read_all_variants(admin: ShopifyAdmin, node: dict[str, Any]) -> None:
    """Complete a product node's variants when the page carried only the first VARIANTS_FIRST: every shade
    of a foundation is a product the shopper may be matched to, and stock and price count them all."""
    variants = node.get("variants") or {}
    info = variants.get("pageInfo") or {}
    while info.get("hasNextPage"):
        data = admin.graphql(
            catalog.VARIANTS_QUERY,
            {"id": node["id"], "first": catalog.VARIANTS_PAGE, "after": info.get("endCursor")},
        )
        more = ((data.get("product") or {}).get("variants")) or {}
        variants.setdefault("nodes", []).extend(more.get("nodes") or [])
        info = more.get("pageInfo") or {}


def _storefront(shop: dict[str, Any]) -> list[str]:
    """The shop's primary storefront origin (its custom domain, when it has one) from a `shop` object."""
    return origins_of((shop.get("primaryDomain") or {}).get("url"))


def _shopify_header(request: InboundRequest, name: str) -> str | None:
    """`X-Shopify-<name>`, or `shopify-<name>` as Shopify's newer deliveries spell it."""
    return request.header(f"X-Shopify-{name}") or request.header(f"shopify-{name}")
