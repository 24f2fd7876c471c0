"""WooCommerceConnector: /wc-auth key delivery, signed webhooks, REST v3 catalog via the `woocommerce` SDK."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import secrets
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse

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
from connectors.cart import variant_id_of
from connectors.errors import (
    AddressRefused,
    AuthError,
    ConnectorError,
    NotFound,
    ProtocolError,
    Redirected,
    StoreMoved,
)
from connectors.http import HttpClient, json_body, moved_address
from connectors.settings import ConnectorSettings
from connectors.woocommerce import catalog, sign_in
from connectors.woocommerce.pages import (
    ALREADY_CONNECTED_TEXT,
    CONNECT_FORM,
    CROSS_SITE_TEXT,
    FINISHING_PAGE,
    NEXT_STEPS,
    NOT_CONNECTED_TEXT,
    NOT_RECEIVED_PAGE,
    SIGN_IN_REFUSED_TEXT,
    UNKNOWN_BROWSER_TEXT,
    plain_page,
)
from connectors.woocommerce.store_address import settled_store_address
from connectors.woocommerce.store_api import StoreAPI

PENDING_TTL = 3600  # the merchant may need to log in to WordPress first
# Binds the browser that started a connection to its `user_id` (signed by the app), so only that browser's
# return is signed into the dashboard: the return URL itself is unsigned and anyone could type it.
BROWSER_COOKIE = "facet_wc_user"
USER_ID = re.compile(r"[A-Za-z0-9_-]{32}")  # `secrets.token_urlsafe(24)`
FINISHING_REFRESH = 3  # seconds before the "finishing" page asks again
# Checks before the page stops asking (a minute): a key delivery the store never sent, or that was refused,
# must not keep a tab refreshing for the cookie's hour.
FINISHING_TRIES = 20

TOPIC_KINDS = {
    "product.created": WebhookKind.PRODUCT_UPSERT,
    "product.updated": WebhookKind.PRODUCT_UPSERT,
    "product.restored": WebhookKind.PRODUCT_UPSERT,
    "product.deleted": WebhookKind.PRODUCT_DELETE,
    "order.created": WebhookKind.ORDER_CREATED,
}


def _done_key(user_id: str) -> str:
    """Pending-store key recording that the key delivery for `user_id` arrived (read by the return)."""
    return f"done:{user_id}"


def delivery_key(request: InboundRequest) -> str | None:
    """What makes a WooCommerce delivery unique, for the webhook receipts' dedupe.

    Why not `X-WC-Webhook-Delivery-ID` alone: WooCommerce makes it `wp_hash(webhook id . current second)`, so
    every delivery of one webhook within a second carries the same id (bulk edits, CSV imports).
    The body's digest tells those apart, and a true redelivery of the same body is still recognised.
    """
    delivery = request.header("X-WC-Webhook-Delivery-ID")
    if not delivery:
        return None
    return f"{delivery}:{hashlib.sha256(request.body).hexdigest()[:32]}"


def webhook_signature(body: bytes, secret: str) -> str:
    """`X-WC-Webhook-Signature`: base64 HMAC-SHA256 of the raw body with the (entity-decoded) secret."""
    key = html.unescape(secret).encode()
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def normalise_store_url(value: str | None) -> str | None:
    """`https://shop.example.com/` form of a merchant-typed URL, or None when it is not a web URL."""
    value = (value or "").strip()
    if value and "://" not in value:
        value = "https://" + value
    try:
        parsed = urlparse(value)  # raises on an unclosed IPv6 bracket ("https://[")
        parsed.port  # noqa: B018 - raises on a non-numeric port such as `javascript:alert(1)`
    except ValueError:
        return None
    host = parsed.hostname or ""
    if parsed.scheme not in ("http", "https") or parsed.username or parsed.query or parsed.fragment:
        return None
    if "." not in host and host != "localhost" or not _valid_host_name(host):
        return None
    return f"{parsed.scheme}://{parsed.netloc}{parsed.path.rstrip('/')}/"


_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _valid_host_name(host: str) -> bool:
    """Whether a host name can be looked up at all: "shop..example.com" or a 64-character label used to
    pass, and the redirect to it failed with a bare 500 after a pending install had been written."""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return len(ascii_host) <= 253 and all(_HOST_LABEL.match(label) for label in labels)


class WooCommerceConnector:
    """WooCommerce behind Facet's Connector protocol."""

    name = "woocommerce"
    dashboard_sign_in = (
        "WooCommerce: in WordPress, open WooCommerce, then Facet Try-On, and click “Open Facet dashboard”."
    )
    needs_polling = False
    tells_of_uninstall = False
    marks_orders = False  # `?add-to-cart=` carries nothing from the cart to the order

    def __init__(self, settings: ConnectorSettings, http: HttpClient | None = None) -> None:
        self.settings = settings
        self.http = http or HttpClient(policy=settings.retry, allow_private=settings.allow_private_hosts)
        # WooCommerce names the key it makes at /wc-auth "<app_name> - API (<date and time>)".
        self.leftover_after_disconnect = (
            f"In WordPress: WooCommerce › Settings › Advanced › REST API, revoke the key named "
            f"“{settings.woocommerce_app_name} - API (…)”, then deactivate and delete the Facet plugin "
            "under Plugins."
        )

    @staticmethod
    def cart_action(
        *, store_url: str, product: Mapping[str, Any], variant: Mapping[str, Any] | None
    ) -> dict[str, Any] | None:
        """`?add-to-cart=<id>`, which adds a simple product or a specific variation by its id."""
        item = variant_id_of(variant) or str(product.get("platform_product_id") or "")
        if not item:
            return None
        base = store_url.rstrip("/") + "/" if store_url.startswith("http") else "/"
        # The same GET adds it when fetched in the background (the cart page's address varies by store).
        return {
            "method": "GET",
            "url": base,
            "fields": {"add-to-cart": item, "quantity": 1},
            "ajax_url": base,
        }

    def api(self, session: StoreSession) -> StoreAPI:
        """The SDK client for one store (HTTPS: basic auth, or query-string keys on hosts that strip the
        header; HTTP: one-legged OAuth1 HMAC-SHA256)."""
        return StoreAPI(session, version="wc/v3", timeout=self.settings.woocommerce_timeout)

    def _call(self, session: StoreSession, fn: Any) -> Any:
        try:
            return self.http.send(fn, url=session.store)
        except Redirected as exc:
            # A store connected before Facet stopped following redirects, since moved (http → https, to
            # www): the connect form settles the new address, and the key delivery moves the merchant there.
            address = moved_address(session.store, exc)
            if address is None:
                raise
            raise StoreMoved(
                f"Your store now answers at {address}: open the Facet plugin in WordPress and click "
                "“Connect this store to Facet” again",
                address=address,
                status=exc.status,
            ) from exc

    # -- install ------------------------------------------------------------------------------------------
    def handle_install(self, step: str, request: InboundRequest, ctx: InstallContext) -> InstallResponse:
        """`connect` (form + redirect to /wc-auth), `callback` (key delivery), `return` (merchant lands)."""
        public = ctx.public_url.rstrip("/")
        if step == "connect" and request.method == "GET":
            return InstallResponse(
                html=CONNECT_FORM.format(action=f"{public}/woocommerce/connect", value="", error="")
            )
        if step == "connect":
            if not ctx.from_own_page:
                return InstallResponse(status=403, html=plain_page(CROSS_SITE_TEXT))
            store = normalise_store_url(request.form.get("store_url"))
            problem = "Enter your store address, e.g. https://shop.example.com" if not store else None
            typed = store
            if store and not problem:
                try:
                    store = settled_store_address(store, allow_private=self.settings.allow_private_hosts)
                except AddressRefused:
                    problem = "That address is on a private network. Enter your store’s public web address."
            if problem:
                page = CONNECT_FORM.format(
                    action=f"{public}/woocommerce/connect",
                    value=html.escape(request.form.get("store_url", "")),
                    error=f'<p role="alert">{problem}</p>',
                )
                return InstallResponse(status=400, html=page)
            user_id = secrets.token_urlsafe(24)
            # The address as typed too: a store Facet holds under it (connected before its address redirected)
            # is the same store, moved to the settled address at the key delivery.
            ctx.pending.put(self.name, user_id, {"store_url": store, "typed_url": typed}, PENDING_TTL)
            query = urlencode(
                {
                    "app_name": self.settings.woocommerce_app_name,
                    "scope": "read_write",  # write: Facet registers its webhooks through the API
                    "user_id": user_id,
                    "return_url": f"{public}/woocommerce/return",
                    "callback_url": f"{public}/woocommerce/callback",
                }
            )
            return InstallResponse(
                status=302,
                redirect=f"{store}wc-auth/v1/authorize?{query}",
                set_cookies={BROWSER_COOKIE: (user_id, PENDING_TTL)},
            )
        if step == "callback":
            return self._key_delivery(request, ctx)
        if step == "return":
            return self._return(request, ctx)
        if step == "sign-in" and request.method == "POST":
            return self._signed_sign_in(request, ctx)
        raise NotFound(f"no WooCommerce install step {step!r}")

    def _return(self, request: InboundRequest, ctx: InstallContext) -> InstallResponse:
        """The merchant's browser comes back from /wc-auth (`?success=1|0&user_id=`, unsigned).

        Only the browser holding the signed cookie set at `connect` for this very `user_id` is vouched for,
        and only once the key delivery for it has arrived (it can race the redirect: then a page that asks
        again). Anything else gets the plain page and no session.
        """
        if request.args.get("success") != "1":
            # WooCommerce sends the merchant back with success=0 when they press "Deny" on its page.
            return InstallResponse(status=400, html=plain_page(NOT_CONNECTED_TEXT))
        plain = InstallResponse(html=plain_page(UNKNOWN_BROWSER_TEXT))
        user_id = request.args.get("user_id") or ""
        bound = request.cookies.get(BROWSER_COOKIE) or ""
        if not (USER_ID.fullmatch(user_id) and bound and hmac.compare_digest(bound, user_id)):
            return plain
        tried = str(request.args.get("try", ""))
        tries = int(tried) if tried.isascii() and tried.isdigit() else 0  # not "²", which int() refuses
        query = {"success": 1, "user_id": user_id, "try": min(tries, FINISHING_TRIES) + 1}
        again = f"{ctx.public_url.rstrip('/')}/woocommerce/return?{urlencode(query)}"
        if tries >= FINISHING_TRIES:
            finishing = NOT_RECEIVED_PAGE.format(url=html.escape(again))
        else:
            finishing = FINISHING_PAGE.format(seconds=FINISHING_REFRESH, url=html.escape(again))
        done = ctx.pending.get(self.name, _done_key(user_id))
        if not done or not done.get("store_url"):
            return InstallResponse(html=finishing)
        if not done.get("first_connection"):
            # Keys for a store Facet knows already (connected, or removed with its data still kept): this flow
            # cannot tell whose browser this is (see `sign_in`), so it opens no dashboard; the plugin's
            # signed button does.
            return InstallResponse(html=plain_page(ALREADY_CONNECTED_TEXT))
        # The app swaps `html` for the connected page once it finds the installed store (the key delivery
        # commits the store just after recording `done`); until then the finishing page asks again.
        return InstallResponse(html=finishing, verified_store=done["store_url"], next_steps=NEXT_STEPS)

    def _signed_sign_in(self, request: InboundRequest, ctx: InstallContext) -> InstallResponse:
        """The plugin's "Open Facet dashboard" form (`sign_in`): a store-signed, single-use sign-in."""
        refused = InstallResponse(status=401, html=plain_page(SIGN_IN_REFUSED_TEXT))
        payload, signature = request.form.get("payload") or "", request.form.get("signature") or ""
        claims = sign_in.read_sign_in(payload)
        store = normalise_store_url(claims.store) if claims else None
        credentials = ctx.stored_credentials(store) if store else None
        if not (claims and store and credentials):
            return refused
        if not sign_in.signed_by(payload, signature, credentials, claims.key_id):
            return refused
        if not ctx.pending.claim(self.name, f"sign-in:{claims.nonce}", 2 * sign_in.MAX_AGE_SECONDS):
            return refused  # used already
        return InstallResponse(
            status=303, redirect=f"{ctx.public_url.rstrip('/')}/admin", verified_store=store
        )

    def _key_delivery(self, request: InboundRequest, ctx: InstallContext) -> InstallResponse:
        try:
            body = json.loads(request.body or b"{}")
        except ValueError as exc:
            raise AuthError("key delivery is not JSON") from exc
        user_id = str(body.get("user_id") or "")
        pending = ctx.pending.pop(self.name, user_id) if USER_ID.fullmatch(user_id) else None
        if not pending:
            raise AuthError("key delivery for an unknown or already used user_id")
        ck, cs = body.get("consumer_key"), body.get("consumer_secret")
        if not (
            isinstance(ck, str) and ck.startswith("ck_") and isinstance(cs, str) and cs.startswith("cs_")
        ):
            raise AuthError("key delivery without consumer keys")
        creds = {"consumer_key": ck, "consumer_secret": cs, "key_id": body.get("key_id")}
        # Anyone can start a connection for any store address and POST a delivery for its user_id: only keys
        # the store itself accepts show that the store's admin approved this one. Without this check a
        # stranger could replace a store's keys and be signed into its dashboard at the return.
        session = StoreSession(store=pending["store_url"], credentials=creds)
        try:
            self._call(session, lambda: self.api(session).get("products", params={"per_page": 1}))
        except AuthError as exc:
            raise AuthError("the store does not accept the delivered keys") from exc
        # The browser that started this user_id may now be signed in when it returns (see `_return`), if this
        # connection is the store's first: none of its data is at Facet (a store that removed Facet keeps
        # its data 48 hours, and a stranger's approval link must not open it either).
        store = pending["store_url"]
        former = [typed] if (typed := pending.get("typed_url")) and typed != store else []
        done = {
            "store_url": store,
            "first_connection": not any(ctx.known_store(address) for address in [store, *former]),
        }
        ctx.pending.put(self.name, _done_key(user_id), done, PENDING_TTL)
        result = InstallResult(
            store=store,
            credentials=creds,
            name=urlparse(store).hostname,
            storefront_origins=origins_of(store),
            former_stores=former,
        )
        # The store's server delivered the keys: no merchant sees this answer, the return shows next steps.
        return InstallResponse(status=200, json={"ok": True}, result=result)

    # -- webhooks -----------------------------------------------------------------------------------------
    def parse_webhook(self, request: InboundRequest, session: StoreSession | None) -> WebhookEvent:
        """Accept the unsigned creation ping; verify `X-WC-Webhook-Signature` on everything else."""
        if session is None:
            raise NotFound("webhook for an unknown store")
        signature = request.header("X-WC-Webhook-Signature")
        if signature is None and re.fullmatch(rb"webhook_id=\d+", request.body.strip()):
            # Woo's ping carries no signature and no topic; it changes nothing, it only needs a 200.
            webhook_id = dict(parse_qsl(request.body.decode()))["webhook_id"]
            return WebhookEvent(
                kind=WebhookKind.PING,
                topic="ping",
                delivery_id=None,
                store=session.store,
                payload={"webhook_id": webhook_id},
            )
        secret = str(session.credentials.get("webhook_secret") or "")
        if (
            not signature
            or not secret
            or not hmac.compare_digest(webhook_signature(request.body, secret), signature)
        ):
            raise AuthError("bad WooCommerce webhook signature")
        topic = request.header("X-WC-Webhook-Topic") or ""
        try:
            payload: dict[str, Any] = json.loads(request.body)
        except ValueError as exc:
            raise ProtocolError("webhook body is not JSON") from exc
        kind = TOPIC_KINDS.get(topic, WebhookKind.OTHER)
        event = WebhookEvent(
            kind=kind,
            topic=topic,
            delivery_id=delivery_key(request),
            store=session.store,
            payload=payload,
        )
        if kind is WebhookKind.PRODUCT_UPSERT:
            event.product = self._product_with_variations(session, payload)
            event.product_id = event.product.platform_id
        elif kind is WebhookKind.PRODUCT_DELETE:
            event.product_id = str(payload.get("id"))
        elif kind is WebhookKind.ORDER_CREATED and payload.get("customer_id"):
            event.customer_id = str(payload["customer_id"])
        return event

    def _product_with_variations(self, session: StoreSession, payload: dict[str, Any]) -> Any:
        variations = None
        if payload.get("type") == "variable" and payload.get("variations"):
            try:
                variations = self._variations(self.api(session), payload["id"])
            except ConnectorError:
                variations = None  # the delivery is still good; the next sync fills the variants in
        return catalog.product_from_rest(payload, session.credentials.get("currency"), variations)

    def register_webhooks(
        self, session: StoreSession, *, public_url: str, merchant_key: str
    ) -> WebhookRegistration:
        """Create one webhook per topic with a secret Facet generated (never Woo's default)."""
        api = self.api(session)
        self.uninstall(session)  # re-registering replaces, so a reinstall does not double-deliver
        secret = session.credentials.get("webhook_secret") or secrets.token_urlsafe(32)
        session.update(webhook_secret=secret)
        delivery_url = f"{public_url.rstrip('/')}/webhooks/woocommerce/{merchant_key}"
        ids: list[str] = []
        for topic in catalog.WEBHOOK_TOPICS:
            body = {
                "name": f"Facet {topic}",
                "topic": topic,
                "delivery_url": delivery_url,
                "secret": secret,
                "status": "active",
            }
            response = self._call(session, lambda body=body: api.post("webhooks", body))
            ids.append(str(json_body(response)["id"]))
            # Saved as each is made: if a later one fails, uninstall (and the next registration) still
            # find these, so a store that keeps failing does not collect duplicates.
            session.update(webhook_ids=list(ids))
        return WebhookRegistration(ids)

    def revive_webhooks(self, session: StoreSession, *, public_url: str, merchant_key: str) -> int:
        """Switch back on the webhooks WooCommerce disabled (more than 5 failed deliveries in a row); if one
        is gone (deleted in the WooCommerce admin) or was never made (registration failed at install),
        register them all again. A webhook the merchant paused stays paused."""
        api = self.api(session)
        ids = session.credentials.get("webhook_ids") or []
        try:
            hooks = [
                json_body(self._call(session, lambda wid=wid: api.get(f"webhooks/{wid}"))) for wid in ids
            ]
        except NotFound:
            hooks = []
        if len(hooks) < len(catalog.WEBHOOK_TOPICS):
            registration = self.register_webhooks(session, public_url=public_url, merchant_key=merchant_key)
            return len(registration.ids)
        disabled = [hook["id"] for hook in hooks if hook.get("status") == "disabled"]
        for webhook_id in disabled:
            self._call(session, lambda wid=webhook_id: api.put(f"webhooks/{wid}", {"status": "active"}))
        return len(disabled)

    def confirm_gone(self, session: StoreSession, platform_ids: list[str]) -> list[str]:
        """Offset paging can skip a row when another is deleted mid-sync: ask for each missing product."""
        api = self.api(session)
        gone = []
        for pid in platform_ids:
            try:
                product = json_body(self._call(session, lambda pid=pid: api.get(f"products/{pid}")))
            except NotFound:
                gone.append(pid)
                continue
            if product.get("status") == "trash":
                gone.append(pid)
        return gone

    def uninstall(self, session: StoreSession) -> bool:
        """Delete Facet's webhooks from the store (ignored when the keys were already revoked). The plugin
        and its API key stay: WooCommerce's REST API cannot delete either, the merchant does."""
        api = self.api(session)
        for webhook_id in session.credentials.get("webhook_ids") or []:
            try:
                self._call(
                    session, lambda wid=webhook_id: api.delete(f"webhooks/{wid}", params={"force": "true"})
                )
            except ConnectorError:
                continue
        if session.credentials.get("webhook_ids"):
            session.update(webhook_ids=[])
        return False

    # -- catalog ------------------------------------------------------------------------------------------
    def currency(self, session: StoreSession) -> str | None:
        """The store currency (`/data/currencies/current`), cached in the credentials blob."""
        try:
            answer = json_body(self._call(session, lambda: self.api(session).get("data/currencies/current")))
        except NotFound:
            return None
        code = answer.get("code") if isinstance(answer, dict) else None
        if code and session.credentials.get("currency") != code:
            session.update(currency=code)
        return code

    def _variations(self, api: StoreAPI, product_id: Any) -> list[dict[str, Any]]:
        """Every variation of a variable product, 100 a page (the REST maximum) until `X-WP-TotalPages`."""
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            query = {"per_page": 100, "page": page}
            response = self._call(
                api.store_session,
                lambda query=query: api.get(f"products/{product_id}/variations", params=query),
            )
            found += json_body(response)
            if page >= int(response.headers.get("X-WP-TotalPages") or 1):
                return found
            page += 1

    def iter_products(
        self, session: StoreSession, *, since: datetime | None = None, cursor: str | None = None
    ) -> Iterator[ProductPage]:
        """Page through `/products` in id order (`page`/`per_page`, `X-WP-TotalPages`, `Link: rel=next`)."""
        api = self.api(session)
        currency = self.currency(session)
        page = int(cursor or 1)
        params: dict[str, Any] = {"per_page": catalog.PER_PAGE, "orderby": "id", "order": "asc"}
        if since is not None:
            params["modified_after"] = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
            params["dates_are_gmt"] = "true"
        while True:
            query = dict(params, page=page)
            response = self._call(session, lambda query=query: api.get("products", params=query))
            items = json_body(response)
            if not isinstance(items, list):
                raise ProtocolError("products answer is not a list")
            products = []
            for item in items:
                variations = self._variations(api, item["id"]) if item.get("type") == "variable" else None
                products.append(catalog.product_from_rest(item, currency, variations))
            total_pages = int(response.headers.get("X-WP-TotalPages") or 0)
            has_next = page < total_pages if total_pages else 'rel="next"' in response.headers.get("Link", "")
            page += 1
            yield ProductPage(products=products, next_cursor=str(page) if has_next else None)
            if not has_next:
                return
