"""Fake Magento 2: integration activation, OAuth 1.0a exchange (HMAC-SHA256 only), signed REST catalog."""

from __future__ import annotations

import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlencode

from tests.fakes import catalog, oauth1
from tests.fakes.server import FakeServer, Request, Response

CATEGORY_NAMES = {3 + i: k for i, k in enumerate(dict.fromkeys(catalog.KINDS))}


def parse_fields(spec: str) -> dict[str, Any]:
    """Magento's partial-response `fields` syntax (`items[id,sku],total_count`) as a nested dict."""
    tree: dict[str, Any] = {}
    stack = [tree]
    name = ""
    for ch in spec + ",":
        if ch in ",[]":
            if name.strip():
                stack[-1][name.strip()] = {}
            if ch == "[":
                child: dict[str, Any] = {}
                stack[-1][name.strip()] = child
                stack.append(child)
            elif ch == "]":
                stack.pop()
            name = ""
        else:
            name += ch
    return tree


def apply_fields(data: Any, tree: dict[str, Any]) -> Any:
    """Keep only the fields in `tree` (lists are filtered item by item), as Magento's webapi does."""
    if not tree:
        return data
    if isinstance(data, list):
        return [apply_fields(item, tree) for item in data]
    if isinstance(data, dict):
        return {k: apply_fields(v, tree[k]) for k, v in data.items() if k in tree}
    return data


NO_ROUTE = {"message": "Request does not match any route."}


class FakeMagento(catalog.EditableCatalog, FakeServer):
    """One Magento store; `activate()` plays the admin clicking Activate on an integration.

    As in Magento 2.3–2.4 (magento/magento2#36533), the product list carries no `stock_item`: whether a
    product can be bought comes from MSI's salable check (`msi=False` plays a store with the Inventory
    modules disabled, which has only the legacy per-SKU `stockItems`). Signatures are checked with
    Magento's own parameter order (natural, `oauth1.base_string`). Every `variable_every`-th product is a
    configurable one: listed at price 0 (magento/magento2#10644), its colours are simple children, not
    visible individually, listed as products of their own and returned by
    `configurable-products/{sku}/children`. `max_page_size` plays the admin's "Enable Input Limits" (the
    REST default maximum is 300).
    """

    def __init__(
        self,
        *,
        products: int = 2000,
        currency: str = "USD",
        variable_every: int = 0,
        msi: bool = True,
        inventory_granted: bool = True,
        own_stock: bool = True,
        max_page_size: int | None = None,
        store_code_in_urls: bool = False,
        admin_url: str | None = None,
    ) -> None:
        super().__init__()
        # "Add Store Code to Urls": storefront links carry `default/`, media and static files do not.
        self.store_code_in_urls = store_code_in_urls
        # "Use Custom Admin URL": the admin (and its integration popup) on a domain of its own.
        self.admin_url = admin_url
        self.products = {p.id: p for p in catalog.generate(products, variable_every=variable_every)}
        self.currency = currency
        self.msi = msi
        # An integration whose resource access leaves out Stores > Inventory: MSI's endpoints answer 401.
        self.inventory_granted = inventory_granted
        # The storefront website's stock: one of its own (2), or none linked, when it sells from the default
        # stock (1) and the stock resolver answers 404.
        self.stock_id = 2 if own_stock else 1
        self.own_stock = own_stock
        self.max_page_size = max_page_size
        self.consumers: dict[str, dict[str, str]] = {}  # key -> {secret, verifier}
        self.request_tokens: dict[str, dict[str, str]] = {}  # token -> {secret, consumer}
        self.access_tokens: dict[str, dict[str, str]] = {}
        self.nonces: set[str] = set()
        self.route("POST", "/oauth/token/request", self._token_request)
        self.route("POST", "/oauth/token/access", self._token_access)
        self.route("GET", "/rest/V1/products", self._products)
        self.route("GET", "/rest/V1/store/storeConfigs", self._store_configs)
        self.route("GET", "/rest/V1/categories/list", self._categories)
        self.route("GET", "/rest/V1/inventory/are-products-salable", self._are_salable)
        self.route("GET", "/rest/V1/inventory/stock-resolver/website/(?P<code>[^/?]+)", self._stock_resolver)
        self.route("GET", "/rest/V1/store/websites", self._websites)
        self.route("GET", "/rest/V1/stockItems/(?P<sku>[^/?]+)", self._stock_item)
        self.route("GET", "/rest/V1/configurable-products/(?P<sku>[^/?]+)/children", self._children)

    @property
    def base_url(self) -> str:
        return f"{self.url}/"

    @property
    def link_base(self) -> str:
        return f"{self.base_url}default/" if self.store_code_in_urls else self.base_url

    # -- admin actions ----------------------------------------------------------------------------------
    def activate(self, identity_url: str) -> tuple[dict[str, str], str]:
        """The form Magento POSTs to the callback URL, and the identity-link URL its popup opens."""
        key, secret, verifier = secrets.token_hex(16), secrets.token_hex(16), secrets.token_hex(16)
        self.consumers[key] = {"secret": secret, "verifier": verifier}
        form = {
            "oauth_consumer_key": key,
            "oauth_consumer_secret": secret,
            "store_base_url": self.base_url,
            "oauth_verifier": verifier,
        }
        back = f"{self.admin_url or self.base_url + 'admin/'}admin/integration/loginSuccessCallback/"
        return form, f"{identity_url}?{urlencode({'oauth_consumer_key': key, 'success_call_back': back})}"

    # -- OAuth ------------------------------------------------------------------------------------------
    def _check(self, request: Request, token_secret: str, consumer_secret: str) -> Response | None:
        oauth = oauth1.parse_authorization(request.header("authorization"))
        if oauth.get("oauth_signature_method") != "HMAC-SHA256":
            return self._oauth_error("signature_method_rejected")
        if abs(time.time() - int(oauth.get("oauth_timestamp") or 0)) > 600:
            return self._oauth_error("timestamp_refused")
        nonce = f"{oauth.get('oauth_consumer_key')}:{oauth.get('oauth_nonce')}"
        if nonce in self.nonces:
            return self._oauth_error("nonce_used")
        form = request.body if "form-urlencoded" in (request.header("content-type") or "") else None
        params = oauth1.request_params(request.query, oauth, form)
        expected = oauth1.signature(
            request.method, request.url, params, consumer_secret, token_secret, natural=True
        )
        if not oauth1.valid(oauth.get("oauth_signature"), expected):
            return self._oauth_error("signature_invalid")
        self.nonces.add(nonce)
        return None

    @staticmethod
    def _oauth_error(problem: str) -> Response:
        return Response(
            401, f"oauth_problem={problem}".encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def _token_request(self, request: Request, _m: re.Match[str]) -> Response:
        oauth = oauth1.parse_authorization(request.header("authorization"))
        consumer = self.consumers.get(oauth.get("oauth_consumer_key", ""))
        if consumer is None:
            return self._oauth_error("consumer_key_rejected")
        denied = self._check(request, "", consumer["secret"])
        if denied:
            return denied
        token, secret = secrets.token_hex(16), secrets.token_hex(16)
        self.request_tokens[token] = {"secret": secret, "consumer": oauth["oauth_consumer_key"]}
        return Response(200, urlencode({"oauth_token": token, "oauth_token_secret": secret}).encode())

    def _token_access(self, request: Request, _m: re.Match[str]) -> Response:
        oauth = oauth1.parse_authorization(request.header("authorization"))
        consumer = self.consumers.get(oauth.get("oauth_consumer_key", ""))
        pending = self.request_tokens.get(oauth.get("oauth_token", ""))
        if consumer is None or pending is None or pending["consumer"] != oauth["oauth_consumer_key"]:
            return self._oauth_error("token_rejected")
        denied = self._check(request, pending["secret"], consumer["secret"])
        if denied:
            return denied
        if oauth.get("oauth_verifier") != consumer["verifier"]:
            return self._oauth_error("verifier_invalid")
        del self.request_tokens[oauth["oauth_token"]]
        token, secret = secrets.token_hex(16), secrets.token_hex(16)
        self.access_tokens[token] = {"secret": secret, "consumer": oauth["oauth_consumer_key"]}
        return Response(200, urlencode({"oauth_token": token, "oauth_token_secret": secret}).encode())

    def _authorized(self, request: Request) -> Response | None:
        oauth = oauth1.parse_authorization(request.header("authorization"))
        access = self.access_tokens.get(oauth.get("oauth_token", ""))
        consumer = self.consumers.get(oauth.get("oauth_consumer_key", ""))
        if access is None or consumer is None or access["consumer"] != oauth["oauth_consumer_key"]:
            return Response.json(
                {
                    "message": "The consumer isn't authorized to access %resources.",
                    "parameters": {"resources": "Magento_Catalog::products"},
                },
                401,
            )
        return self._check(request, access["secret"], consumer["secret"])

    # -- REST -------------------------------------------------------------------------------------------
    @staticmethod
    def parent_sku(p: catalog.Product) -> str:
        return f"CFG-{p.id}" if p.variable else p.variants[0].sku

    def _rows(self) -> list[tuple[int, dict[str, Any]]]:
        """Every catalog entity (configurable parents and their children too) as (entity id, item)."""
        rows = []
        for p in self.products.values():
            rows.append((p.id, self._item(p)))
            if p.variable:
                rows += [(v.id, self._child(p, v)) for v in p.variants]
        return sorted(rows, key=lambda row: row[0])

    def _child(self, p: catalog.Product, v: catalog.Variant) -> dict[str, Any]:
        item = self._item(p)
        item.update(
            id=v.id,
            sku=v.sku,
            name=f"{p.title}-{v.title}",
            price=float(v.price),
            type_id="simple",
            visibility=1,  # not visible individually: bought through the configurable parent
            media_gallery_entries=[],
        )
        return item

    def _stock_of(self, sku: str) -> catalog.Variant | None:
        for p in self.products.values():
            for v in p.variants:
                if v.sku == sku and (p.variable or v is p.variants[0]):
                    return v
        return None

    def _item(self, p: catalog.Product) -> dict[str, Any]:
        stamp = p.updated_at.strftime("%Y-%m-%d %H:%M:%S")
        return {
            "id": p.id,
            "sku": self.parent_sku(p),
            "name": p.title,
            "attribute_set_id": 4,
            "price": 0 if p.variable else float(p.price),
            "status": 1,
            "visibility": 4,
            "type_id": "configurable" if p.variable else "simple",
            "created_at": "2025-12-01 00:00:00",
            "updated_at": stamp,
            "weight": 0.1,
            "extension_attributes": {
                "website_ids": [1],
                "category_links": [{"position": 0, "category_id": str(p.category_id)}],
            },
            "custom_attributes": [
                {"attribute_code": "url_key", "value": p.handle},
                {"attribute_code": "short_description", "value": p.description},
                {"attribute_code": "brand", "value": p.vendor},
            ],
            "media_gallery_entries": [
                {
                    "id": p.id * 10 + i,
                    "media_type": "image",
                    "label": "",
                    "position": i + 1,
                    "disabled": False,
                    "types": ["image"] if i == 0 else [],
                    "file": f,
                }
                for i, f in enumerate(p.images)
            ],
        }

    def _products(self, request: Request, _m: re.Match[str]) -> Response:
        denied = self._authorized(request)
        if denied:
            return denied
        args = request.args
        too_big = self._page_size_refused(args)
        if too_big:
            return too_big
        rows = self._rows()
        for group in range(4):
            prefix = f"searchCriteria[filter_groups][{group}][filters][0]"
            field, cond, value = (args.get(f"{prefix}[{k}]") for k in ("field", "condition_type", "value"))
            if field is None:
                continue
            if cond != "gt" or field not in ("updated_at", "entity_id"):
                return Response.json({"message": f"unsupported filter {field} {cond}"}, 400)
            if field == "updated_at":
                since = datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
                rows = [
                    r
                    for r in rows
                    if datetime.strptime(r[1]["updated_at"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC) > since
                ]
            else:
                rows = [r for r in rows if r[0] > int(value)]
        size = int(args.get("searchCriteria[pageSize]") or 0)
        total = len(rows)
        if size:
            last = max(1, -(-total // size))
            page = min(
                int(args.get("searchCriteria[currentPage]") or 1), last
            )  # Magento repeats the last page
            rows = rows[(page - 1) * size : page * size]
        answer = {"items": [item for _, item in rows], "search_criteria": {}, "total_count": total}
        if args.get("fields"):
            answer = apply_fields(answer, parse_fields(args["fields"]))
        return Response.json(answer)

    def _store_configs(self, request: Request, _m: re.Match[str]) -> Response:
        denied = self._authorized(request)
        base = self.base_url
        return denied or Response.json(
            [
                {
                    "id": 1,
                    "code": "default",
                    "website_id": 1,
                    "locale": "en_US",
                    "base_currency_code": self.currency,
                    "default_display_currency_code": self.currency,
                    "timezone": "UTC",
                    "weight_unit": "kgs",
                    "base_url": base,
                    "base_link_url": self.link_base,
                    "base_static_url": f"{base}static/",
                    "base_media_url": f"{base}media/",
                    "secure_base_url": base,
                    "secure_base_link_url": self.link_base,
                    "secure_base_static_url": f"{base}static/",
                    "secure_base_media_url": f"{base}media/",
                }
            ]
        )

    def _page_size_refused(self, args: dict[str, str]) -> Response | None:
        size = int(args.get("searchCriteria[pageSize]") or 0)
        if self.max_page_size and size > self.max_page_size:
            return Response.json(
                {
                    "message": "Maximum SearchCriteria pageSize is %max",
                    "parameters": {"max": self.max_page_size},
                },
                400,
            )
        return None

    @staticmethod
    def _page(rows: list[Any], args: dict[str, str]) -> list[Any]:
        size = int(args.get("searchCriteria[pageSize]") or 0)
        if not size:
            return rows
        last = max(1, -(-len(rows) // size))
        page = min(int(args.get("searchCriteria[currentPage]") or 1), last)  # Magento repeats the last page
        return rows[(page - 1) * size : page * size]

    def _categories(self, request: Request, _m: re.Match[str]) -> Response:
        denied = self._authorized(request) or self._page_size_refused(request.args)
        items = [
            {"id": 1, "name": "Root Catalog", "level": 0},
            {"id": 2, "name": "Default Category", "level": 1},
        ]
        items += [{"id": cid, "name": name, "level": 2} for cid, name in CATEGORY_NAMES.items()]
        # Stores have hundreds of (sub)categories: enough here that one page of 300 does not hold them.
        items += [{"id": 1000 + n, "name": f"Collection {n}", "level": 3} for n in range(400)]
        page = self._page(items, request.args)
        return denied or Response.json({"items": page, "total_count": len(items)})

    def _inventory(self, request: Request) -> Response | None:
        """MSI's gate: the integration's signature, the module, the resource granted."""
        denied = self._authorized(request)
        if denied:
            return denied
        if not self.msi:
            return Response.json(NO_ROUTE, 404)
        if not self.inventory_granted:
            return Response.json(
                {
                    "message": "The consumer isn't authorized to access %resources.",
                    "parameters": {"resources": "Magento_InventorySalesApi::stock"},
                },
                401,
            )
        return None

    def _are_salable(self, request: Request, _m: re.Match[str]) -> Response:
        """MSI: `GET /V1/inventory/are-products-salable?skus[0]=…&stockId=`."""
        refused = self._inventory(request)
        if refused:
            return refused
        args = request.args
        if int(args.get("stockId") or 0) != self.stock_id:
            return Response.json([])  # another stock holds none of this website's products
        skus = [v for k, v in sorted(args.items()) if k.startswith("skus[")]
        rows = []
        for sku in skus:
            variant = self._stock_of(sku)
            rows.append(
                {"sku": sku, "stock_id": self.stock_id, "salable": bool(variant and variant.in_stock)}
            )
        return Response.json(rows)

    def _stock_resolver(self, request: Request, m: re.Match[str]) -> Response:
        refused = self._inventory(request)
        if refused:
            return refused
        if m.group("code") != "base" or not self.own_stock:
            return Response.json({"message": "No linked stock found"}, 404)
        channels = [{"type": "website", "code": "base"}]
        return Response.json(
            {
                "stock_id": self.stock_id,
                "name": "Main Stock",
                "extension_attributes": {"sales_channels": channels},
            }
        )

    def _websites(self, request: Request, _m: re.Match[str]) -> Response:
        denied = self._authorized(request)
        websites = [
            {"id": 0, "code": "admin", "name": "Admin", "default_group_id": 0},
            {"id": 1, "code": "base", "name": "Main Website", "default_group_id": 1},
        ]
        return denied or Response.json(websites)

    def _stock_item(self, request: Request, m: re.Match[str]) -> Response:
        """Legacy CatalogInventory: one SKU's stock item."""
        denied = self._authorized(request)
        if denied:
            return denied
        variant = self._stock_of(unquote(m.group("sku")))
        if variant is None:
            return Response.json({"message": 'The Product with the "%1" SKU doesn\'t exist.'}, 404)
        return Response.json(
            {
                "item_id": variant.id,
                "product_id": variant.id,
                "stock_id": 1,
                "qty": 5 if variant.in_stock else 0,
                "is_in_stock": variant.in_stock,
                "manage_stock": True,
            }
        )

    def _children(self, request: Request, m: re.Match[str]) -> Response:
        denied = self._authorized(request)
        if denied:
            return denied
        sku = unquote(m.group("sku"))
        parent = next((p for p in self.products.values() if p.variable and self.parent_sku(p) == sku), None)
        if parent is None:
            return Response.json([])  # a simple product has no children
        return Response.json([self._child(parent, v) for v in parent.variants])
