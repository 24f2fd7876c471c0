"""Fake WooCommerce: /wc-auth key delivery, REST v3 with one-legged OAuth1 (HTTP), pings + signed webhooks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from tests.fakes import catalog
from tests.fakes.server import FakeServer, Request, Response
from tests.fakes.shopify import Delivery

API = "/wp-json/wc/v3"


def _php_normalize(value: str) -> str:
    # WC_REST_Authentication::normalize_parameters: rawurlencode(rawurldecode(x)) then '%' -> '%25'.
    return quote(unquote(value), safe="-_.~").replace("%", "%25")


def woo_oauth_signature(method: str, base_url: str, params: dict[str, str], consumer_secret: str) -> str:
    """WooCommerce's own one-legged OAuth1 check (key `cs&`), as the PHP server computes it."""
    pairs = sorted(
        (_php_normalize(k), _php_normalize(v)) for k, v in params.items() if k != "oauth_signature"
    )
    query = "%26".join(f"{k}%3D{v}" for k, v in pairs)
    string_to_sign = f"{method}&{quote(base_url, safe='')}&{query}"
    key = f"{consumer_secret}&".encode()
    return base64.b64encode(hmac.new(key, string_to_sign.encode(), hashlib.sha256).digest()).decode()


def _auth_error(message: str) -> Response:
    """WooCommerce's 401 body for every authentication failure (only the message differs)."""
    return Response.json(
        {"code": "woocommerce_rest_authentication_error", "message": message, "data": {"status": 401}}, 401
    )


def _paging(args: dict[str, str]) -> tuple[int, int] | Response:
    """`page` and `per_page` as WordPress reads them (10 a page unless asked; 1–100), or its 400."""
    page, per_page = int(args.get("page") or 1), int(args.get("per_page") or 10)
    if 1 <= per_page <= 100:
        return page, per_page
    return Response.json(
        {"code": "rest_invalid_param", "message": "Invalid parameter(s): per_page", "data": {"status": 400}},
        400,
    )


class FakeWooCommerce(catalog.EditableCatalog, FakeServer):
    """One WordPress site with WooCommerce; products every 10th variable with 3 variations.

    Over HTTP it checks one-legged OAuth1; with `tls=True` it takes the keys from HTTP Basic auth or from the
    `consumer_key`/`consumer_secret` query parameters, as WC_REST_Authentication does over SSL.
    `strip_authorization=True` plays a host (CGI/FastCGI PHP, some proxies) that drops the Authorization
    header before WordPress sees it: Basic auth then fails with "Consumer key is missing."
    """

    def __init__(
        self,
        *,
        products: int = 2000,
        currency: str = "GBP",
        variable_every: int = 10,
        tls: bool = False,
        strip_authorization: bool = False,
    ) -> None:
        super().__init__(tls=tls)
        self.strip_authorization = strip_authorization
        self.auth_methods: list[str] = []  # per authenticated request: "oauth1", "basic" or "query"
        self.products = {p.id: p for p in catalog.generate(products, variable_every=variable_every)}
        self.currency = currency
        self.keys: dict[str, str] = {}  # consumer_key -> consumer_secret
        self.nonces: set[str] = set()
        self.webhooks: dict[int, dict[str, Any]] = {}
        self.pings: list[Delivery] = []
        self._next_webhook = 1
        self.clock = time.time  # what a delivery id's second is read from
        self.route("GET", "/wc-auth/v1/authorize", self._authorize)
        self.route("GET", f"{API}/products", self._list_products)
        self.route("GET", f"{API}/products/(?P<id>[0-9]+)", self._get_product)
        self.route("GET", f"{API}/products/(?P<id>[0-9]+)/variations", self._variations)
        self.route("GET", f"{API}/data/currencies/current", self._currency)
        self.route("GET", f"{API}/webhooks", self._list_webhooks)
        self.route("POST", f"{API}/webhooks", self._create_webhook)
        self.route("DELETE", f"{API}/webhooks/(?P<id>[0-9]+)", self._delete_webhook)
        self.route("GET", f"{API}/webhooks/(?P<id>[0-9]+)", self._get_webhook)
        self.route("PUT", f"{API}/webhooks/(?P<id>[0-9]+)", self._update_webhook)

    # -- merchant actions -------------------------------------------------------------------------------
    def approve(self, authorize_url: str) -> tuple[Delivery, str]:
        """The merchant grants access: the key-delivery POST Woo makes, and where the browser goes next."""
        args = dict(parse_qsl(urlsplit(authorize_url).query))
        missing = {"app_name", "scope", "user_id", "return_url", "callback_url"} - set(args)
        if missing:
            raise ValueError(f"authorize URL lacks {missing}")
        if not args["callback_url"].startswith("https://"):
            raise ValueError("The callback_url needs to be over SSL")
        ck, cs = "ck_" + secrets.token_hex(20), "cs_" + secrets.token_hex(20)
        self.keys[ck] = cs
        body = json.dumps(
            {
                "key_id": len(self.keys),
                "user_id": args["user_id"],
                "consumer_key": ck,
                "consumer_secret": cs,
                "key_permissions": args["scope"],
            }
        ).encode()
        delivery = Delivery(args["callback_url"], {"Content-Type": "application/json;charset=UTF-8"}, body)
        return delivery, f"{args['return_url']}?{urlencode({'success': 1, 'user_id': args['user_id']})}"

    def revoke_keys(self) -> None:
        self.keys.clear()

    def deliveries(self, topic: str, payload: dict[str, Any], *, secret: str | None = None) -> list[Delivery]:
        """Signed POSTs to every active webhook subscribed to `topic` (body = trimmed compact JSON)."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        out = []
        for wid, hook in self.webhooks.items():
            if hook["topic"] != topic or hook["status"] != "active":
                continue
            key = (secret or hook["secret"]).encode()
            resource, event = topic.split(".")
            headers = {
                "Content-Type": "application/json",
                "User-Agent": "WooCommerce/9.9.0 Hookshot (WordPress/6.8)",
                "X-WC-Webhook-Source": f"{self.url}/",
                "X-WC-Webhook-Topic": topic,
                "X-WC-Webhook-Resource": resource,
                "X-WC-Webhook-Event": event,
                "X-WC-Webhook-Signature": base64.b64encode(
                    hmac.new(key, body, hashlib.sha256).digest()
                ).decode(),
                "X-WC-Webhook-ID": str(wid),
                # As WooCommerce makes it: wp_hash(webhook id . current second), the same for every delivery
                # of one webhook within a second.
                "X-WC-Webhook-Delivery-ID": hashlib.md5(f"{wid}{int(self.clock())}".encode()).hexdigest(),
            }
            out.append(Delivery(hook["delivery_url"], headers, body))
        return out

    def rest_product(self, pid: int) -> dict[str, Any]:
        p = self.products[pid]
        stamp = p.updated_at.strftime("%Y-%m-%dT%H:%M:%S")
        return {
            "id": p.id,
            "name": p.title,
            "slug": p.handle,
            "permalink": f"{self.url}/product/{p.handle}/",
            "date_modified": stamp,
            "date_modified_gmt": stamp,
            "type": "variable" if p.variable else "simple",
            "status": "publish",
            "description": f"<p>{p.description}</p>",
            "short_description": p.description,
            "sku": p.variants[0].sku,
            "price": p.price,
            "regular_price": p.price,
            "sale_price": "",
            "stock_status": "instock" if p.in_stock else "outofstock",
            "categories": [{"id": p.category_id, "name": p.kind, "slug": p.kind.lower()}],
            "tags": [{"id": i + 1, "name": t, "slug": t} for i, t in enumerate(p.tags)],
            "images": [
                {"id": i + 1, "src": f"{self.url}/wp-content/uploads{f}", "name": p.handle, "alt": ""}
                for i, f in enumerate(p.images)
            ],
            "attributes": [
                {
                    "id": 0,
                    "name": "Brand",
                    "position": 0,
                    "visible": True,
                    "variation": False,
                    "options": [p.vendor],
                }
            ],
            "variations": [v.id for v in p.variants] if p.variable else [],
        }

    # -- auth -------------------------------------------------------------------------------------------
    def _authenticate(self, request: Request) -> Response | None:
        if self.tls:
            return self._authenticate_ssl(request)
        args = request.args
        ck = args.get("oauth_consumer_key")
        if ck is None:
            return Response.json(
                {
                    "code": "woocommerce_rest_cannot_view",
                    "message": "Sorry, you cannot list resources.",
                    "data": {"status": 401},
                },
                401,
            )
        secret = self.keys.get(ck)
        if secret is None:
            return _auth_error("Consumer key is invalid.")
        if abs(time.time() - int(args.get("oauth_timestamp") or 0)) > 900:
            return _auth_error("Invalid timestamp.")
        if args.get("oauth_signature_method") not in ("HMAC-SHA1", "HMAC-SHA256"):
            return _auth_error("Invalid signature method.")
        expected = woo_oauth_signature(request.method, request.url, args, secret)
        if not hmac.compare_digest(expected, args.get("oauth_signature") or ""):
            return _auth_error("Invalid signature - provided signature does not match.")
        nonce = f"{ck}:{args.get('oauth_nonce')}:{args.get('oauth_timestamp')}"
        if nonce in self.nonces:
            return _auth_error("Invalid nonce - nonce has already been used.")
        self.nonces.add(nonce)
        self.auth_methods.append("oauth1")
        return None

    def _authenticate_ssl(self, request: Request) -> Response | None:
        args = request.args
        method = "query"
        ck, cs = args.get("consumer_key"), args.get("consumer_secret")
        header = None if self.strip_authorization else request.header("authorization")
        if not (ck and cs) and header and header.lower().startswith("basic "):
            ck, _, cs = base64.b64decode(header[6:]).decode().partition(":")
            method = "basic"
        if not (ck and cs):
            return _auth_error("Consumer key is missing.")
        if self.keys.get(ck) is None:
            return _auth_error("Consumer key is invalid.")
        if not hmac.compare_digest(self.keys[ck], cs):
            return _auth_error("Consumer secret is invalid.")
        self.auth_methods.append(method)
        return None

    # -- routes -----------------------------------------------------------------------------------------
    def _authorize(self, request: Request, _m: re.Match[str]) -> Response:
        args = request.args
        if not args.get("callback_url", "").startswith("https://"):
            return Response.json(
                {"code": "woocommerce_rest_auth_error", "message": "The callback_url needs to be over SSL"},
                401,
            )
        return Response(200, b"<html>Log in to authorize</html>", {"Content-Type": "text/html"})

    def _list_products(self, request: Request, _m: re.Match[str]) -> Response:
        denied = self._authenticate(request)
        if denied:
            return denied
        args = request.args
        paging = _paging(args)
        if isinstance(paging, Response):
            return paging
        page, per_page = paging
        rows = sorted(self.products.values(), key=lambda p: p.id)
        if args.get("modified_after"):
            since = datetime.fromisoformat(args["modified_after"]).replace(tzinfo=UTC)
            rows = [p for p in rows if p.updated_at > since]
        total = len(rows)
        pages = max(1, -(-total // per_page))
        chunk = rows[(page - 1) * per_page : page * per_page]
        base = f"{self.url}{API}/products"
        links = []
        keep = {
            k: v
            for k, v in args.items()
            if not k.startswith("oauth_") and k not in ("consumer_key", "consumer_secret")
        }
        if page < pages:
            links.append(f'<{base}?{urlencode(dict(keep, page=page + 1))}>; rel="next"')
        if page > 1:
            links.append(f'<{base}?{urlencode(dict(keep, page=page - 1))}>; rel="prev"')
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        if links:
            headers["Link"] = ", ".join(links)
        return Response.json([self.rest_product(p.id) for p in chunk], headers=headers)

    def _get_product(self, request: Request, m: re.Match[str]) -> Response:
        denied = self._authenticate(request)
        if denied:
            return denied
        pid = int(m.group("id"))
        if pid not in self.products:
            return Response.json(
                {
                    "code": "woocommerce_rest_product_invalid_id",
                    "message": "Invalid ID.",
                    "data": {"status": 404},
                },
                404,
            )
        return Response.json(self.rest_product(pid))

    def _variations(self, request: Request, m: re.Match[str]) -> Response:
        denied = self._authenticate(request)
        if denied:
            return denied
        p = self.products.get(int(m.group("id")))
        if p is None:
            return Response.json(
                {
                    "code": "woocommerce_rest_product_invalid_id",
                    "message": "Invalid ID.",
                    "data": {"status": 404},
                },
                404,
            )
        paging = _paging(request.args)
        if isinstance(paging, Response):
            return paging
        page, per_page = paging
        chunk = p.variants[(page - 1) * per_page : page * per_page]
        pages = max(1, -(-len(p.variants) // per_page))
        headers = {"X-WP-Total": str(len(p.variants)), "X-WP-TotalPages": str(pages)}
        return Response.json(
            [
                {
                    "id": v.id,
                    "sku": v.sku,
                    "price": v.price,
                    "regular_price": v.price,
                    "sale_price": "",
                    "stock_status": "instock" if v.in_stock else "outofstock",
                    "attributes": [{"id": 0, "name": "Color", "option": v.colour}],
                    "image": {"src": f"{self.url}/wp-content/uploads{p.images[0]}"},
                }
                for v in chunk
            ],
            headers=headers,
        )

    def _currency(self, request: Request, _m: re.Match[str]) -> Response:
        denied = self._authenticate(request)
        return denied or Response.json({"code": self.currency, "name": "Pound sterling", "symbol": "&pound;"})

    def _list_webhooks(self, request: Request, _m: re.Match[str]) -> Response:
        denied = self._authenticate(request)
        return denied or Response.json([dict(h, id=i) for i, h in self.webhooks.items()])

    def _create_webhook(self, request: Request, _m: re.Match[str]) -> Response:
        denied = self._authenticate(request)
        if denied:
            return denied
        body = request.json()
        if not body.get("topic") or not body.get("delivery_url"):
            return Response.json(
                {
                    "code": "rest_missing_callback_param",
                    "message": "Missing parameter(s): topic, delivery_url",
                    "data": {"status": 400},
                },
                400,
            )
        wid = self._next_webhook
        self._next_webhook += 1
        hook = {
            "name": body.get("name", ""),
            "topic": body["topic"],
            "delivery_url": body["delivery_url"],
            "secret": body.get("secret") or secrets.token_urlsafe(37),
            "status": body.get("status", "active"),
        }
        self.webhooks[wid] = hook
        # Woo pings the new delivery URL: form body, no signature, no X-WC headers.
        self.pings.append(
            Delivery(
                hook["delivery_url"],
                {"Content-Type": "application/x-www-form-urlencoded"},
                f"webhook_id={wid}".encode(),
            )
        )
        return Response.json(dict(hook, id=wid, secret=None), 201, {"Location": f"{API}/webhooks/{wid}"})

    @staticmethod
    def _no_webhook() -> Response:
        return Response.json(
            {
                "code": "woocommerce_rest_webhook_invalid_id",
                "message": "Invalid ID.",
                "data": {"status": 404},
            },
            404,
        )

    def fail_deliveries(self, wid: int) -> None:
        """What WooCommerce does after more than 5 failed deliveries in a row: the webhook is disabled."""
        self.webhooks[wid]["status"] = "disabled"

    def _delete_webhook(self, request: Request, m: re.Match[str]) -> Response:
        denied = self._authenticate(request)
        if denied:
            return denied
        hook = self.webhooks.pop(int(m.group("id")), None)
        if hook is None:
            return self._no_webhook()
        return Response.json(dict(hook, id=int(m.group("id"))))

    def _get_webhook(self, request: Request, m: re.Match[str]) -> Response:
        denied = self._authenticate(request)
        hook = self.webhooks.get(int(m.group("id")))
        return denied or (Response.json(dict(hook, id=int(m.group("id")))) if hook else self._no_webhook())

    def _update_webhook(self, request: Request, m: re.Match[str]) -> Response:
        denied = self._authenticate(request)
        if denied:
            return denied
        hook = self.webhooks.get(int(m.group("id")))
        if hook is None:
            return self._no_webhook()
        status = request.json().get("status", hook["status"])
        if status not in ("active", "paused", "disabled"):
            return Response.json(
                {"code": "rest_invalid_param", "message": "Invalid parameter(s): status"}, 400
            )
        hook["status"] = status
        return Response.json(dict(hook, id=int(m.group("id"))))
