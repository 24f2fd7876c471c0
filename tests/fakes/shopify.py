"""Fake Shopify: OAuth (signed callback, expiring tokens + refresh), Admin GraphQL with cost bucket, webhooks.

Signatures are computed here independently of `connectors/` (JS-library algorithm) so a bug in the
connector's verification cannot be mirrored by the fake.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from tests.fakes import catalog
from tests.fakes.server import FakeServer, Fault, Request, Response

API_PATH = r"/admin/api/(?P<version>[0-9]{4}-[0-9]{2}|unstable)/graphql\.json"
MAX_QUERY_COST = 1000  # Shopify refuses any single query whose requested cost is higher, whatever the bucket
BASE_PUBLISHED = "2026-01-01T00:00:00-05:00"  # when the fake's products went on sale
CDN = "https://cdn.shopify.com/s/files"


def media_files(p: catalog.Product) -> list[str]:
    """A product's media: its photos, then each variant's own (on Shopify a variant's image is one of the
    product's media)."""
    return list(dict.fromkeys([*p.images, *(v.image for v in p.variants if v.image)]))


@dataclass
class Delivery:
    """A webhook POST the fake would make: where, with which headers, which raw body."""

    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


def _namespace(query: str) -> str | None:
    """The namespace a query's `metafields(...)` connection names (None: the query reads no metafields)."""
    found = re.search(r'metafields\([^)]*namespace:\s*"([^"]+)"', query)
    return found.group(1) if found else None


def _metafields(p: catalog.Product, namespace: str | None) -> list[dict[str, str]]:
    """A product's metafields in `namespace` as GraphQL nodes."""
    return [
        {"key": key.split(".", 1)[1], "value": value, "type": kind}
        for key, (kind, value) in p.metafields.items()
        if namespace and key.split(".", 1)[0] == namespace
    ]


def js_hmac(params: dict[str, str], secret: str) -> str:
    """Shopify's callback signature: sorted, URLSearchParams-encoded `k=v&...`, hex HMAC-SHA256."""
    enc = lambda s: quote(s, safe="*-._").replace("~", "%7E")  # noqa: E731
    message = "&".join(
        f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()) if k not in ("hmac", "signature")
    )
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class FakeShopify(catalog.EditableCatalog, FakeServer):
    """One shop. `products` is the live catalog; mutate it with update/delete and build webhook deliveries."""

    def __init__(
        self,
        *,
        shop: str = "facet-test.myshopify.com",
        api_key: str = "fake-key",
        api_secret: str = "fake-secret",
        products: int = 2000,
        token_ttl: int = 3600,
        bucket_max: float = 2000.0,
        restore_rate: float = 1000.0,
        primary_domain: str = "https://www.facet-test.example",
        protected_data_approved: bool = True,
        password_protected: bool = False,
        currency: str = "EUR",
    ) -> None:
        super().__init__()
        self.currency = currency  # Shop.currencyCode
        self.password_protected = password_protected  # the storefront asks for a password (before launch)
        # Order topics carry protected customer data: refused until the Partner dashboard approves it.
        self.protected_data_approved = protected_data_approved
        self.webhooks_failing = False  # webhookSubscriptionCreate answers 503, as during a Shopify incident
        self.shop, self.api_key, self.api_secret = shop, api_key, api_secret
        self.primary_domain = primary_domain  # the storefront's custom domain (Shop.primaryDomain.url)
        self.products = {p.id: p for p in catalog.generate(products)}
        self.token_ttl = token_ttl
        self.codes: dict[str, str] = {}  # code -> redirect_uri
        self.tokens: dict[str, float] = {}  # access token -> expiry (inf for non-expiring)
        self.refresh_tokens: set[str] = set()
        self.subscriptions: list[dict[str, str]] = []
        self.bucket_max, self.restore_rate = bucket_max, restore_rate
        self._available, self._stamp = bucket_max, time.monotonic()
        self._bucket_lock = threading.Lock()
        self.throttled_count = 0
        self.graphql_log: list[str] = []  # every query's text, in order
        self.cost_used = 0.0  # actual query cost charged, summed
        self.route("GET", "/admin/oauth/authorize", self._authorize)
        self.route("POST", "/admin/oauth/access_token", self._access_token)
        self.route("POST", API_PATH, self._graphql)
        self.route("GET", r"/bulk/(?P<op>[0-9]+)\.jsonl", self._bulk_file)
        self.app_installed = True  # False once the app revoked its own access (the shop's Apps list drops it)
        self.bulk_results: dict[int, bytes] = {}
        self.bulk_polls: dict[int, int] = {}

    # -- merchant actions -------------------------------------------------------------------------------
    def signed_query(self, **params: str) -> str:
        """A query string as Shopify sends it to the App URL/callback: current timestamp + hmac."""
        params.setdefault("shop", self.shop)
        params.setdefault("timestamp", str(int(time.time())))
        params.setdefault(
            "host", base64.b64encode(f"admin.shopify.com/store/{self.shop.split('.')[0]}".encode()).decode()
        )
        params["hmac"] = js_hmac(params, self.api_secret)
        return urlencode(params)

    def approve(self, authorize_url: str) -> str:
        """The merchant clicks Install on the authorize page: return Shopify's redirect to the callback."""
        args = dict(parse_qsl(urlsplit(authorize_url).query, keep_blank_values=True))
        if args.get("client_id") != self.api_key or "state" not in args:
            raise ValueError(f"bad authorize URL {authorize_url}")
        code = secrets.token_hex(16)
        self.codes[code] = args["redirect_uri"]
        return f"{args['redirect_uri']}?{self.signed_query(code=code, state=args['state'])}"

    def expire_tokens(self) -> None:
        """Make every issued access token expired (the client must refresh)."""
        for token in self.tokens:
            self.tokens[token] = 0.0

    def deliver(
        self, topic: str, payload: dict[str, Any], url: str | None = None, *, secret: str | None = None
    ) -> Delivery:
        """A signed webhook POST for `topic` to the subscribed callback (or `url` for compliance topics)."""
        enum = topic.upper().replace("/", "_")
        if url is None:
            matches = [s["callbackUrl"] for s in self.subscriptions if s["topic"] == enum]
            if not matches:
                raise LookupError(f"no subscription for {enum}")
            url = matches[0]
        body = json.dumps(payload).encode()
        digest = hmac.new((secret or self.api_secret).encode(), body, hashlib.sha256).digest()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
            "X-Shopify-Shop-Domain": self.shop,
            "X-Shopify-API-Version": "2026-01",
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Triggered-At": datetime.now(UTC).isoformat(),
        }
        return Delivery(url, headers, body)

    def rest_product(self, pid: int, topic: str = "PRODUCTS_UPDATE") -> dict[str, Any]:
        """The REST shape Shopify puts in products/* webhook bodies (a variant's photo is one of the product's
        images, named by `image_id`; the metafields of the namespaces `topic`'s subscription asked for)."""
        p = self.products[pid]
        namespaces = [
            n for s in self.subscriptions if s["topic"] == topic for n in s.get("metafieldNamespaces") or []
        ]
        extra: dict[str, Any] = {}
        if namespaces:
            extra["metafields"] = [
                {
                    "id": p.id * 100 + n,
                    "namespace": key.split(".", 1)[0],
                    "key": key.split(".", 1)[1],
                    "value": value,
                    "type": kind,
                    "owner_id": p.id,
                    "owner_resource": "product",
                    "admin_graphql_api_id": f"gid://shopify/Metafield/{p.id * 100 + n}",
                }
                for n, (key, (kind, value)) in enumerate(p.metafields.items())
                if key.split(".", 1)[0] in namespaces
            ]
        files = media_files(p)
        image_ids = {f: p.id * 1000 + i for i, f in enumerate(files, start=1)}
        return {
            "id": p.id,
            "title": p.title,
            "handle": p.handle,
            "vendor": p.vendor,
            "product_type": p.kind,
            "tags": ", ".join(p.tags),
            "status": "active",
            "published_at": BASE_PUBLISHED if p.published else None,
            "body_html": p.description,
            "updated_at": p.updated_at.isoformat(),
            "variants": [
                {
                    "id": v.id,
                    "title": v.title,
                    "sku": v.sku,
                    "price": v.price,
                    "option1": v.colour,
                    # API 2026-01: no `inventory_management`, so an untracked variant's 0 looks sold out.
                    "inventory_quantity": 5 if v.in_stock and v.tracked else 0,
                    "inventory_policy": "deny",
                    "image_id": image_ids.get(v.image),
                }
                for v in p.variants
            ],
            "options": [{"name": "Color", "position": 1, "values": [v.colour for v in p.variants]}],
            "images": [{"id": image_ids[f], "src": f"{CDN}{f}"} for f in files],
            **extra,
        }

    # -- HTTP routes ------------------------------------------------------------------------------------
    def _authorize(self, request: Request, _m: re.Match[str]) -> Response:
        return Response(302, b"", {"Location": self.approve(request.url + "?" + request.query)})

    def _access_token(self, request: Request, _m: re.Match[str]) -> Response:
        is_json = "json" in (request.header("content-type") or "")
        body = request.json() if is_json else request.form()
        if body.get("client_id") != self.api_key or body.get("client_secret") != self.api_secret:
            return Response.json({"error": "invalid_client"}, 401)
        if body.get("grant_type") == "refresh_token":
            token = body.get("refresh_token")
            if token not in self.refresh_tokens:
                return Response.json({"error": "invalid_grant"}, 400)
            self.refresh_tokens.discard(token)  # refresh tokens rotate
            return Response.json(self._issue(expiring=True))
        code = body.get("code")
        if code not in self.codes:
            return Response.json(
                {
                    "error": "invalid_request",
                    "error_description": "The authorization code was not found or was already used",
                },
                400,
            )
        del self.codes[code]
        return Response.json(self._issue(expiring=str(body.get("expiring")) == "1"))

    def _issue(self, *, expiring: bool) -> dict[str, Any]:
        token = "shpat_" + secrets.token_hex(16)
        answer: dict[str, Any] = {"access_token": token, "scope": "read_products,read_orders"}
        if expiring:
            refresh = "shprt_" + secrets.token_hex(16)
            self.refresh_tokens.add(refresh)
            self.tokens[token] = time.time() + self.token_ttl
            answer.update(expires_in=self.token_ttl, refresh_token=refresh, refresh_token_expires_in=7776000)
        else:
            self.tokens[token] = float("inf")
        return answer

    def fault_response(self, fault: Fault, request: Request) -> Response | None:
        if fault.kind == "throttled":
            with self._bucket_lock:
                # Drain the bucket: this request gets a genuine THROTTLED answer.
                self._available, self._stamp = 0.0, time.monotonic()
            return None
        return super().fault_response(fault, request)

    def _take(self, requested: float) -> tuple[bool, float]:
        with self._bucket_lock:
            now = time.monotonic()
            self._available = min(self.bucket_max, self._available + (now - self._stamp) * self.restore_rate)
            self._stamp = now
            if self._available < requested:
                return False, self._available
            self._available -= requested
            return True, self._available

    def _refund(self, amount: float) -> None:
        with self._bucket_lock:
            self._available = min(self.bucket_max, self._available + amount)

    def _cost(self, requested: float, actual: float, available: float) -> dict[str, Any]:
        return {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": actual,
                "throttleStatus": {
                    "maximumAvailable": self.bucket_max,
                    "currentlyAvailable": round(available, 1),
                    "restoreRate": self.restore_rate,
                },
            }
        }

    def _token_refused(self, request: Request) -> Response | None:
        expiry = self.tokens.get(request.header("x-shopify-access-token") or "")
        if expiry is None or expiry < time.time():
            return Response.json(
                {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
                401,
            )
        return None

    def _app_uninstall(self) -> Response:
        """The app uninstalls itself: every token dies and its webhook subscriptions go with it."""
        self.tokens.clear()
        self.refresh_tokens.clear()
        self.subscriptions.clear()
        self.app_installed = False
        payload = {"appUninstall": {"app": {"id": "gid://shopify/App/1"}, "userErrors": []}}
        return Response.json({"data": payload, "extensions": self._cost(10, 10, self._take(10)[1])})

    def _graphql(self, request: Request, _m: re.Match[str]) -> Response:
        refused = self._token_refused(request)
        if refused is not None:
            return refused
        body = request.json()
        query, variables = body.get("query", ""), body.get("variables") or {}
        self.graphql_log.append(query)
        if "webhookSubscriptionCreate" in query:
            if self.webhooks_failing:
                return Response.json({"errors": "Service Unavailable"}, 503)
            return self._webhook_create(variables)
        if "appUninstall" in query:
            return self._app_uninstall()
        if "bulkOperationRunQuery" in query:
            return self._bulk_start(_namespace(variables.get("query") or ""))
        if "BulkOperation" in query:
            return self._bulk_poll(variables)
        if "productsCount" in query:
            data = {"productsCount": {"count": len(self.products)}, "shop": self._shop_object()}
            return Response.json({"data": data, "extensions": self._cost(2, 2, self._take(2)[1])})
        if "product(id:" in query:
            return self._product_variants(variables)
        if "products(" in query:
            return self._products(variables, _namespace(query))
        return Response.json({"errors": [{"message": "Field doesn't exist on type 'QueryRoot'"}]})

    def _shop_object(self) -> dict[str, Any]:
        return {"currencyCode": self.currency, "primaryDomain": {"url": self.primary_domain}}

    def _webhook_create(self, variables: dict[str, Any]) -> Response:
        ok, available = self._take(10)
        topic, sub = variables["topic"], variables["webhookSubscription"]
        if topic.startswith("ORDERS_") and not self.protected_data_approved:
            message = (
                "This app is not approved to subscribe to webhook topics containing protected customer data."
            )
            data = {"webhookSubscription": None, "userErrors": [{"field": ["topic"], "message": message}]}
        elif any(s["topic"] == topic and s["callbackUrl"] == sub["callbackUrl"] for s in self.subscriptions):
            data = {
                "webhookSubscription": None,
                "userErrors": [
                    {"field": ["callbackUrl"], "message": "Address for this topic has already been taken"}
                ],
            }
        else:
            sid = f"gid://shopify/WebhookSubscription/{len(self.subscriptions) + 1}"
            self.subscriptions.append(
                {
                    "id": sid,
                    "topic": topic,
                    "callbackUrl": sub["callbackUrl"],
                    "metafieldNamespaces": list(sub.get("metafieldNamespaces") or []),
                }
            )
            data = {"webhookSubscription": {"id": sid, "topic": topic}, "userErrors": []}
        return Response.json(
            {"data": {"webhookSubscriptionCreate": data}, "extensions": self._cost(10, 10, available)}
        )

    def _charge(self, requested: float) -> tuple[float, Response | None]:
        """Take a query's requested cost from the bucket: (points left, None), or the answer Shopify gives
        instead (over the single-query cap, or THROTTLED when the bucket holds too little)."""
        too_costly = self._too_costly(requested)
        if too_costly:
            return 0.0, too_costly
        ok, available = self._take(requested)
        if ok:
            return available, None
        self.throttled_count += 1
        throttled = {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
        }
        body = {"errors": [throttled], "extensions": self._cost(requested, 0, available)}
        return available, Response.json(body)

    def _too_costly(self, requested: float) -> Response | None:
        limit = min(self.bucket_max, MAX_QUERY_COST)
        if requested <= limit:
            return None
        message = f"Query cost is {requested}, which exceeds the single query max cost limit ({limit:g})."
        return Response.json({"errors": [{"message": message, "extensions": {"code": "MAX_COST_EXCEEDED"}}]})

    def _product_variants(self, v: dict[str, Any]) -> Response:
        """`product(id:) { variants(first:, after:) }`: one product's variants, a page at a time."""
        first = int(v.get("first") or 0)
        if not 0 < first <= 250:
            return Response.json({"errors": [{"message": "first must be between 1 and 250"}]})
        requested = 2 + 2 * first  # each variant and its image object
        available, refused = self._charge(requested)
        if refused:
            return refused
        with self.lock:
            product = self.products.get(int(str(v.get("id", "")).rsplit("/", 1)[-1] or 0))
        if product is None:
            return Response.json(
                {"data": {"product": None}, "extensions": self._cost(requested, 1, available)}
            )
        start = int(base64.b64decode(v["after"]).decode().split(":")[1]) if v.get("after") else 0
        variants = self._variants(product, start, first)
        actual = 2 + 2 * len(variants["nodes"])
        self._refund(requested - actual)
        self.cost_used += actual
        data = {"product": {"variants": variants}}
        return Response.json(
            {"data": data, "extensions": self._cost(requested, actual, available + requested - actual)}
        )

    def _variants(self, p: catalog.Product, start: int, first: int) -> dict[str, Any]:
        """A page of a product's variants as a GraphQL connection (cursors are positions)."""
        page = p.variants[start : start + first]
        end = start + len(page)
        return {
            "pageInfo": {
                "hasNextPage": end < len(p.variants),
                "endCursor": base64.b64encode(f"variant:{end}".encode()).decode() if page else None,
            },
            "nodes": [
                {
                    "id": f"gid://shopify/ProductVariant/{x.id}",
                    "title": x.title,
                    "sku": x.sku,
                    "price": x.price,
                    "compareAtPrice": None,
                    "availableForSale": x.in_stock or not x.tracked,
                    "selectedOptions": [{"name": "Color", "value": x.colour}],
                    "image": {"url": f"{CDN}{x.image}"} if x.image else None,
                }
                for x in page
            ],
        }

    def _products(self, v: dict[str, Any], namespace: str | None) -> Response:
        first = int(v.get("first") or 0)
        if not 0 < first <= 250:
            return Response.json({"errors": [{"message": "first must be between 1 and 250"}]})
        media, variants = int(v.get("media") or 0), int(v.get("variants") or 0)
        metafields = int(v.get("metafields") or 0) if namespace else 0
        # A variant and its image object: one point each; a metafield one.
        requested = 3 + first * (1 + media + 2 * variants + metafields)
        available, refused = self._charge(requested)
        if refused:
            return refused
        after = int(base64.b64decode(v["after"]).decode().split(":")[1]) if v.get("after") else 0
        since = None
        if v.get("query"):
            found = re.search(r"updated_at:>'([^']+)'", v["query"])
            since = datetime.fromisoformat(found.group(1).replace("Z", "+00:00")) if found else None
        with self.lock:
            rows = [
                p
                for pid, p in sorted(self.products.items())
                if pid > after and (since is None or p.updated_at > since)
            ]
        page, more = rows[:first], len(rows) > first
        nodes = [self._node(p, media, variants, namespace, metafields) for p in page]
        actual = 3 + sum(
            1 + len(n["media"]["nodes"]) + 2 * len(n["variants"]["nodes"]) + len(n["metafields"]["nodes"])
            for n in nodes
        )
        self._refund(requested - actual)
        self.cost_used += actual
        end = base64.b64encode(f"cursor:{page[-1].id}".encode()).decode() if page else None
        data = {
            "shop": self._shop_object(),
            "products": {"pageInfo": {"hasNextPage": more, "endCursor": end}, "nodes": nodes},
        }
        return Response.json(
            {"data": data, "extensions": self._cost(requested, actual, available + requested - actual)}
        )

    def _node(
        self, p: catalog.Product, media: int, variants: int, namespace: str | None = None, metafields: int = 0
    ) -> dict[str, Any]:
        return {
            "id": f"gid://shopify/Product/{p.id}",
            "title": p.title,
            "handle": p.handle,
            "vendor": p.vendor,
            "productType": p.kind,
            "tags": p.tags,
            "status": "ACTIVE",
            "description": p.description,
            "updatedAt": p.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "publishedAt": BASE_PUBLISHED if p.published else None,
            # Null when not on the Online Store, and on a password-protected shop (before launch) too.
            "onlineStoreUrl": f"https://{self.shop}/products/{p.handle}"
            if p.published and not self.password_protected
            else None,
            "media": {
                "nodes": [{"image": {"url": f"{CDN}{f}", "altText": p.title}} for f in media_files(p)[:media]]
            },
            "variants": self._variants(p, 0, variants),
            "metafields": {"nodes": _metafields(p, namespace)[:metafields]},
        }

    # -- bulk operations --------------------------------------------------------------------------------
    def _bulk_start(self, namespace: str | None) -> Response:
        op = len(self.bulk_results) + 1
        lines = []
        with self.lock:
            rows = [
                self.products[pid] for pid in sorted(self.products, reverse=True)
            ]  # order is not promised
        for p in rows:
            node = self._node(p, 100, 100)
            media, variants = node.pop("media")["nodes"], node.pop("variants")["nodes"]
            del node["metafields"]
            lines.append(json.dumps(node))
            parent = node["id"]
            lines += [json.dumps({**m, "__parentId": parent}) for m in media]
            lines += [json.dumps({**v, "__parentId": parent}) for v in variants]
            for n, field in enumerate(_metafields(p, namespace)):
                gid = f"gid://shopify/Metafield/{p.id * 100 + n}"
                lines.append(json.dumps({"id": gid, **field, "__parentId": parent}))
        self.bulk_results[op] = ("\n".join(lines) + "\n").encode()
        self.bulk_polls[op] = 0
        data = {
            "bulkOperationRunQuery": {
                "bulkOperation": {"id": f"gid://shopify/BulkOperation/{op}", "status": "CREATED"},
                "userErrors": [],
            }
        }
        return Response.json({"data": data, "extensions": self._cost(10, 10, self._take(10)[1])})

    def _bulk_poll(self, variables: dict[str, Any]) -> Response:
        op = int(str(variables.get("id", "")).rsplit("/", 1)[-1] or 0)
        if op not in self.bulk_results:
            return Response.json({"data": {"node": None}})
        self.bulk_polls[op] += 1
        done = self.bulk_polls[op] >= 2  # RUNNING on the first poll, COMPLETED afterwards
        node = {
            "id": f"gid://shopify/BulkOperation/{op}",
            "status": "COMPLETED" if done else "RUNNING",
            "errorCode": None,
            "objectCount": str(len(self.bulk_results[op].splitlines())),
            "url": f"{self.url}/bulk/{op}.jsonl" if done else None,
        }
        return Response.json({"data": {"node": node}, "extensions": self._cost(1, 1, self._take(1)[1])})

    def _bulk_file(self, request: Request, m: re.Match[str]) -> Response:
        body = self.bulk_results.get(int(m.group("op")))
        if body is None:
            return Response(404, b"NoSuchKey")
        return Response(200, body, {"Content-Type": "application/jsonl"})
