"""MagentoConnector: integration activation (OAuth 1.0a), signed REST catalog, polling instead of webhooks."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode, urlparse

import requests

from connectors.address_guard import check_public
from connectors.base import (
    CatalogProduct,
    InboundRequest,
    InstallContext,
    InstallResponse,
    InstallResult,
    ProductPage,
    StoreSession,
    WebhookEvent,
    WebhookRegistration,
    origins_of,
)
from connectors.errors import AuthError, ConnectorError, NotFound, ProtocolError, RateLimited
from connectors.http import NO_REDIRECTS, HttpClient, json_body
from connectors.magento import catalog
from connectors.magento.oauth import oauth_auth, parse_token_answer
from connectors.settings import ConnectorSettings
from connectors.woocommerce.connector import normalise_store_url

log = logging.getLogger(__name__)

PENDING_TTL = 3600
NEXT_STEPS = (
    "Return to your store's admin, which then lists the Facet integration as active. The try-on button "
    "appears on your product pages once your catalog is imported; Facet checks your store for changes every "
    "15 minutes."
)


# The page Magento's integration popup returns to, under whatever admin path the store chose.
SUCCESS_CALLBACK_PATH = "/admin/integration/loginSuccessCallback/"


def _back_to_the_store_admin(back: str, store: str) -> bool:
    """Whether `success_call_back` may be the connected page's way back: the store's own host, or Magento's
    integration callback page on another host (a store whose admin runs on its own domain, "Use Custom Admin
    URL"). Only the activation that delivered the single-use consumer key reaches this page."""
    url = urlparse(back)
    if url.scheme not in ("http", "https") or not url.hostname:
        return False
    return url.hostname == urlparse(store).hostname or (
        url.scheme == "https" and url.path.endswith(SUCCESS_CALLBACK_PATH) and not url.query
    )


def _not_granted(exc: AuthError) -> bool:
    """A 401 for a resource the integration was not given (Magento's ACL message), not a refused signature."""
    return "isn't authorized to access" in exc.message


class MagentoConnector:
    """Magento 2 / Adobe Commerce behind Facet's Connector protocol."""

    name = "magento"
    dashboard_sign_in = "Magento: in System, then Integrations, click “Reauthorize” on Facet and allow it."
    needs_polling = True  # core Magento cannot push changes
    tells_of_uninstall = False
    leftover_after_disconnect = (
        "In the Magento admin: System › Extensions › Integrations, delete the Facet integration."
    )
    marks_orders = False  # the product page's own add-to-cart form knows nothing of Facet

    def __init__(self, settings: ConnectorSettings, http: HttpClient | None = None) -> None:
        self.settings = settings
        self.http = http or HttpClient(policy=settings.retry, allow_private=settings.allow_private_hosts)

    @staticmethod
    def cart_action(
        *, store_url: str, product: Mapping[str, Any], variant: Mapping[str, Any] | None
    ) -> dict[str, Any] | None:
        """None: a configurable product's options are chosen on its product page, so the shopper opens it."""
        return None

    # -- install ------------------------------------------------------------------------------------------
    def handle_install(self, step: str, request: InboundRequest, ctx: InstallContext) -> InstallResponse:
        """`callback`: Magento form-POSTs the consumer keys; `identity`: exchange tokens, show the connected
        page (with the way back to `success_call_back`)."""
        if step == "callback" and request.method == "POST":
            return self._activation(request, ctx)
        if step == "identity":
            return self._identity(request, ctx)
        raise NotFound(f"no Magento install step {step!r}")

    def _activation(self, request: InboundRequest, ctx: InstallContext) -> InstallResponse:
        form = request.form
        key, secret, verifier = (
            form.get(k) for k in ("oauth_consumer_key", "oauth_consumer_secret", "oauth_verifier")
        )
        store = normalise_store_url(form.get("store_base_url"))
        if not (key and secret and verifier and store):
            raise AuthError("activation without consumer key, secret, verifier or store URL")
        check_public(store, allow_private=self.settings.allow_private_hosts)  # before it is ever called
        ctx.pending.put(self.name, key, {"secret": secret, "verifier": verifier, "store": store}, PENDING_TTL)
        return InstallResponse(status=200, json={"ok": True})

    def _identity(self, request: InboundRequest, ctx: InstallContext) -> InstallResponse:
        key = request.args.get("oauth_consumer_key") or ""
        back = request.args.get("success_call_back") or ""
        pending = ctx.pending.pop(self.name, key) if key else None
        if not pending:
            raise AuthError("identity link for an unknown or already used consumer key")
        store = pending["store"]
        if back and not _back_to_the_store_admin(back, store):
            raise AuthError("success_call_back does not point at the activating store")
        first = oauth_auth(key, pending["secret"])
        answer = self._post_form(f"{store}oauth/token/request", first)
        request_token, request_secret = parse_token_answer(answer)
        second = oauth_auth(
            key, pending["secret"], request_token, request_secret, verifier=pending["verifier"]
        )
        access_token, access_secret = parse_token_answer(
            self._post_form(f"{store}oauth/token/access", second)
        )
        creds = {
            "consumer_key": key,
            "consumer_secret": pending["secret"],
            "access_token": access_token,
            "access_token_secret": access_secret,
        }
        result = InstallResult(
            store=store,
            credentials=creds,
            name=urlparse(store).hostname,
            storefront_origins=origins_of(store),
        )
        # The popup opened on the consumer key Magento delivered to the callback, single use, and the store
        # has just accepted it with the verifier: this browser is the activating admin's. So the app shows
        # the connected page here and signs it in; `success_call_back` (Magento closes the popup and
        # reloads its integration grid there) becomes the page's way back rather than an instant redirect.
        return InstallResponse(status=200, result=result, next_steps=NEXT_STEPS, back_url=back or store)

    def _post_form(self, url: str, auth: Any) -> str:
        response = self.http.send(
            lambda: requests.post(url, auth=auth, timeout=self.settings.magento_timeout, **NO_REDIRECTS),
            url=url,
        )
        if "oauth_token=" not in response.text:
            raise ProtocolError(f"unexpected token answer from {url}")
        return response.text

    # -- webhooks: none in core Magento -------------------------------------------------------------------
    def parse_webhook(self, request: InboundRequest, session: StoreSession | None) -> WebhookEvent:
        """Core Magento sends no webhooks; Facet polls instead."""
        raise NotFound("Magento has no webhooks: catalog changes are polled")

    def register_webhooks(
        self, session: StoreSession, *, public_url: str, merchant_key: str
    ) -> WebhookRegistration:
        """Nothing to register: the app schedules incremental polling for `needs_polling` connectors."""
        return WebhookRegistration()

    def confirm_gone(self, session: StoreSession, platform_ids: list[str]) -> list[str]:
        """Keyset paging (`entity_id > last`) skips nothing, so a product missing from its range is gone."""
        return list(platform_ids)

    def uninstall(self, session: StoreSession) -> bool:
        """Nothing registered on the store. Magento offers an integration no way to delete itself: the
        merchant deletes it in the Magento admin."""
        return False

    # -- REST ---------------------------------------------------------------------------------------------
    def get(self, session: StoreSession, path: str, params: dict[str, Any] | None = None) -> Any:
        """An OAuth1 (HMAC-SHA256) signed GET of `{store}rest/V1/{path}`."""
        c = session.credentials
        auth = oauth_auth(
            c["consumer_key"], c["consumer_secret"], c["access_token"], c["access_token_secret"]
        )
        url = f"{session.store}rest/V1/{path}"
        if params:
            url = f"{url}?{urlencode(params)}"  # encoded once, so the signed URI is exactly the one sent
        return json_body(
            self.http.send(
                lambda: requests.get(url, auth=auth, timeout=self.settings.magento_timeout, **NO_REDIRECTS),
                url=url,
            )
        )

    def count_products(self, session: StoreSession) -> int:
        """`total_count` alone (`fields=total_count`, one-item page): the poll's cheap deletion check."""
        params = {"searchCriteria[pageSize]": 1, "searchCriteria[currentPage]": 1, "fields": "total_count"}
        return int(self.get(session, "products", params).get("total_count") or 0)

    def list_product_ids(self, session: StoreSession) -> list[str]:
        """Every product id, keyset-paged with `fields=items[id,sku],total_count` (a few hundred bytes per
        hundred products), so the 15-minute poll notices deletions without a full sync."""
        ids: list[str] = []
        after = 0
        while True:
            answer = self.get(session, "products", catalog.id_params(after))
            items = answer.get("items") or []
            # Under the `entity_id > after` filter total_count is what remains, so the listing is complete
            # exactly when a page holds all of it, even if the store caps pageSize below what we asked.
            remaining = int(answer.get("total_count") or 0)
            if not items and remaining:
                raise ProtocolError(f"id listing stalled after entity {after} with {remaining} left")
            ids += [str(item["id"]) for item in items]
            if remaining <= len(items):
                return ids
            after = max(int(item["id"]) for item in items)

    def stock_of(self, session: StoreSession, skus: list[str], memo: dict[str, Any]) -> dict[str, bool]:
        """`ChecksStock`: the same salable check as a sync, against the storefront website's stock. The memo
        keeps the website, its stock and whether MSI answers; without MSI each SKU is a request of its own,
        so only the first PER_SKU_STOCK_CHECKS are read."""
        if "website_id" not in memo:
            memo["website_id"] = self._store_config(session).get("website_id")
        if memo.get("msi") is False:
            skus = list(dict.fromkeys(skus))[: catalog.PER_SKU_STOCK_CHECKS]
        return self._stock(session, skus, memo)

    def _store_config(self, session: StoreSession) -> dict[str, Any]:
        """The default store view's `/V1/store/storeConfigs` entry (the first one when none is `default`)."""
        configs = self.get(session, "store/storeConfigs")
        return next((c for c in configs if c.get("code") == "default"), configs[0] if configs else {})

    def store_info(self, session: StoreSession) -> dict[str, Any]:
        """Base URLs and currency from `/V1/store/storeConfigs`, category names from `/V1/categories/list`."""
        config = self._store_config(session)
        secure = session.store.startswith("https")
        info: dict[str, Any] = {
            # The link base: with store codes in URLs or without URL rewrites it carries `en/` or
            # `index.php/`, which the plain base URL does not.
            "base_url": config.get("secure_base_link_url" if secure else "base_link_url")
            or config.get("secure_base_url" if secure else "base_url")
            or session.store,
            "base_media_url": config.get("secure_base_media_url" if secure else "base_media_url")
            or f"{session.store}media/",
            "currency": config.get("base_currency_code"),
            "website_id": config.get("website_id"),
        }
        info["categories"] = {
            str(c["id"]): c.get("name") for c in self._categories(session) if int(c.get("level") or 0) >= 2
        }
        return info

    def _categories(self, session: StoreSession) -> list[dict[str, Any]]:
        """Every category, in pages Magento accepts even with its REST input limits on (at most 300)."""
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            params = {"searchCriteria[pageSize]": catalog.MAX_PAGE_SIZE, "searchCriteria[currentPage]": page}
            answer = self.get(session, "categories/list", params)
            items = answer.get("items") or []
            found += items
            # Magento answers a page past the end with the last page again: stop on the count.
            if not items or len(found) >= int(answer.get("total_count") or 0):
                return found
            page += 1

    def _stock(self, session: StoreSession, skus: list[str], store: dict[str, Any]) -> dict[str, bool]:
        """Whether each SKU can be bought: MSI's salable check against the website's stock (stock data,
        backorders, "Manage Stock: No" and open orders all count), or, on a store without the Inventory
        modules or an integration not granted them, the legacy stock item of each SKU. SKUs the store
        answers nothing for are left out (unknown)."""
        skus = [sku for sku in dict.fromkeys(skus) if sku]
        if not skus:
            return {}
        if store.get("msi") is not False:
            try:
                return self._salable(session, skus, self._stock_id(session, store))
            except (NotFound, AuthError) as exc:
                if isinstance(exc, AuthError) and not _not_granted(exc):
                    raise  # the integration itself is refused: the sync must say so
                log.warning("%s: Inventory (MSI) unavailable (%s); reading stock per SKU", session.store, exc)
                store["msi"] = False
        flags: dict[str, bool] = {}
        for sku in skus:
            try:
                item = self.get(session, f"stockItems/{quote(sku, safe='')}")
            except NotFound:
                continue
            if item.get("is_in_stock") is not None:
                flags[sku] = bool(item["is_in_stock"])
        return flags

    def _stock_id(self, session: StoreSession, store: dict[str, Any]) -> int:
        """The MSI stock of the storefront's website (1, the default stock, unless the store assigned
        another), resolved once per sync."""
        if "stock_id" not in store:
            stock_id = 1
            try:
                websites = [
                    w for w in self.get(session, "store/websites") if w.get("id") == store.get("website_id")
                ]
            except AuthError as exc:
                if not _not_granted(exc):
                    raise
                websites = []  # Stores > Settings not granted: the default stock
            if websites and websites[0].get("code"):
                code = quote(str(websites[0]["code"]), safe="")
                try:
                    stock_id = int(
                        self.get(session, f"inventory/stock-resolver/website/{code}").get("stock_id") or 1
                    )
                except NotFound:
                    pass  # "No linked stock found": the website sells from the default stock
            store["stock_id"] = stock_id
        return int(store["stock_id"])

    def _salable(self, session: StoreSession, skus: list[str], stock_id: int) -> dict[str, bool]:
        flags: dict[str, bool] = {}
        for start in range(0, len(skus), catalog.SALABLE_CHUNK):
            chunk = skus[start : start + catalog.SALABLE_CHUNK]
            try:
                rows = self.get(
                    session, "inventory/are-products-salable", catalog.salable_params(chunk, stock_id)
                )
            except ConnectorError as exc:
                if isinstance(exc, (NotFound, AuthError, RateLimited)):
                    raise  # no Inventory, no grant, or the store asks us to slow down: for the caller
                # Stock is secondary: a chunk the store fails on stays unknown, the sync goes on.
                log.warning("%s: salable check failed for %d SKUs: %s", session.store, len(chunk), exc)
                continue
            for row in rows or []:
                if row.get("sku") is not None and row.get("salable") is not None:
                    flags[str(row["sku"])] = bool(row["salable"])
        return flags

    def _children(self, session: StoreSession, sku: str) -> list[dict[str, Any]] | None:
        """A configurable product's simple children (full product data); None when the store cannot say
        (a SKU with a `/` that the web server refuses encoded): the product is then mapped without them."""
        try:
            answer = self.get(session, f"configurable-products/{quote(sku, safe='')}/children")
        except NotFound:
            return None
        return answer if isinstance(answer, list) else None

    def _page_products(
        self, session: StoreSession, items: list[dict[str, Any]], store: dict[str, Any]
    ) -> list[CatalogProduct]:
        """Map a page of items, with what the listing leaves out: configurable products' children, and
        stock (the listing carries none)."""
        sold = [item for item in items if catalog.sellable_on_its_own(item)]
        children = {
            item["sku"]: self._children(session, item["sku"]) for item in sold if catalog.needs_children(item)
        }
        wanted = [
            i.get("sku") for i in sold if not catalog.needs_children(i) and catalog.listed_stock(i) is None
        ]
        wanted += [
            c.get("sku") for kids in children.values() for c in kids or [] if catalog.listed_stock(c) is None
        ]
        stock = self._stock(session, wanted, store)
        return [
            catalog.product_from_item(item, store, stock, children.get(item.get("sku"))) for item in items
        ]

    def iter_products(
        self, session: StoreSession, *, since: datetime | None = None, cursor: str | None = None
    ) -> Iterator[ProductPage]:
        """Keyset-page `/V1/products` (`entity_id > last`, always page 1): offsets would skip rows when
        products are deleted mid-sync, and Magento answers a page past the end with the last page again."""
        store = self.store_info(session)
        after = int(cursor or 0)
        while True:
            answer = self.get(session, "products", catalog.search_params(after, since))
            items = answer.get("items") or []
            products = self._page_products(session, items, store)
            has_next = len(items) == catalog.PAGE_SIZE and int(answer.get("total_count") or 0) > len(items)
            after = max((int(item["id"]) for item in items), default=after)
            yield ProductPage(products=products, next_cursor=str(after) if has_next else None)
            if not has_next:
                return
