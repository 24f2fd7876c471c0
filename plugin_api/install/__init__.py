"""Install flows and webhooks for every store platform, through generic routes.

`/<platform>/<step>` (e.g. `/shopify/install`, `/shopify/callback`, `/woocommerce/connect`,
`/woocommerce/callback`, `/woocommerce/return`, `/magento/callback`, `/magento/identity`) and
`/webhooks/<platform>[/<merchant public id>]` hand the request to the platform's connector; nothing here
branches on a platform name. Cookies the connectors set (OAuth state, WooCommerce's browser binding) are
signed with the app secret. A merchant shown the connected page is also signed into the merchant dashboard
(`plugin_api.admin`): after a verified install or app-open step (`InstallResponse.result`), or when the
connector vouches that the browser belongs to an installed store (`InstallResponse.verified_store`).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, jsonify, make_response, redirect, render_template, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from connectors import (
    PLATFORMS,
    AddressRefused,
    AuthError,
    Connector,
    ConnectorError,
    InboundRequest,
    InstallContext,
    NotFound,
)
from plugin_api.admin import start_session
from plugin_api.admin.same_origin import from_own_page
from plugin_api.errors import ApiError
from plugin_api.observability import current_request_id
from plugin_api.services.installs import (
    DbPendingStore,
    catalog_status_text,
    complete_install,
    connector_for,
    find_merchant,
    find_moved_merchant,
    product_understanding_lines,
)
from plugin_api.services.webhooks import handle_webhook

log = logging.getLogger(__name__)

install_bp = Blueprint("install", __name__, template_folder="templates")
_PLATFORM = f"any({', '.join(PLATFORMS)})"
COOKIE_MAX_AGE = 3600


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="facet.install-cookie")


def _inbound() -> InboundRequest:
    signer, cookies = _signer(), {}
    for name, value in request.cookies.items():
        try:
            cookies[name] = signer.loads(value, max_age=COOKIE_MAX_AGE)
        except BadSignature:
            continue  # unsigned or tampered cookies simply do not exist for the connector
    body = request.get_data(cache=True)  # raw bytes first: signatures are over the exact body
    form = (
        dict(parse_qsl(body.decode("utf-8", "replace")))
        if request.mimetype == "application/x-www-form-urlencoded"
        else {}
    )
    return InboundRequest(
        method=request.method,
        path=request.path,
        query_string=request.query_string.decode("latin-1"),
        args=request.args.to_dict(),
        form=form,
        headers=dict(request.headers),
        body=body,
        cookies=cookies,
    )


def _installed_credentials(platform: str, store: str) -> dict[str, Any] | None:
    """The credentials of the installed merchant for `store`, for a connector's checks (None otherwise)."""
    merchant = find_merchant(platform, store)
    return dict(merchant.credentials or {}) if merchant is not None and merchant.is_installed else None


def _connector_error(exc: ConnectorError) -> ApiError:
    if isinstance(exc, AddressRefused):
        return ApiError(
            400, "store_address_refused", "Facet only connects to stores at public web addresses."
        )
    if isinstance(exc, AuthError):
        return ApiError(401, "unauthorized", "Signature or credentials rejected.")
    if isinstance(exc, NotFound):
        return ApiError(404, "not_found", str(exc.message))
    return ApiError(502, "store_unavailable", "The store did not answer as expected; try again.")


def _wants_html() -> bool:
    """A merchant's browser following an install link, rather than a script asking for JSON."""
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


# What a merchant can do about each refusal (the JSON answer carries the same code and message).
_REFUSAL_TEXT = {
    "unauthorized": (
        "The link that brought you here was not signed by your store, has expired, or was already used.",
        "start the installation again from your store's admin. {how}",
    ),
    "not_found": (
        "This installation link is not one Facet knows, or your store did not have what it asked for.",
        "start the installation again from your store's admin. {how}",
    ),
    "store_address_refused": (
        "Your store's address points at a private network, which Facet does not connect to.",
        "check the store address in your store's settings, then start again. {how}",
    ),
    "store_unavailable": (
        "Your store did not answer as expected, so the installation could not finish.",
        "wait a minute and start again from your store's admin. {how}",
    ),
}


def _refused_page(connector: Connector, error: ApiError) -> Response:
    """The install refusal as a page a merchant can act on, with the API's status and error code (every
    code `_connector_error` gives has its text)."""
    reason, todo = _REFUSAL_TEXT[error.code]
    todo = todo.format(how=connector.dashboard_sign_in).strip()
    page = render_template(
        "install/refused.html",
        error=error,
        reason=reason,
        what_to_do=todo[:1].upper() + todo[1:],
        request_id=current_request_id(),
    )
    response = make_response(page, error.status)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    return response


@install_bp.route(f"/<{_PLATFORM}:platform>/<step>", methods=["GET", "POST"])
def install_step(platform: str, step: str) -> Response:
    """Run one install step; on completion persist the merchant and start the catalog import."""
    connector = connector_for(platform)
    ctx = InstallContext(
        public_url=current_app.config["FACET_PUBLIC_URL"],
        pending=DbPendingStore(),
        from_own_page=from_own_page(
            request.headers, (request.host_url, current_app.config["FACET_PUBLIC_URL"])
        ),
        stored_credentials=lambda store: _installed_credentials(platform, store),
        known_store=lambda store: (
            (find_merchant(platform, store) or find_moved_merchant(platform, store)) is not None
        ),
    )
    try:
        answer = connector.handle_install(step, _inbound(), ctx)
    except ConnectorError as exc:
        log.warning("%s install step %s refused: %s", platform, step, exc)
        error = _connector_error(exc)
        if request.method == "GET" and _wants_html():
            return _refused_page(connector, error)
        raise error from exc
    merchant, connected = None, False
    if answer.result is not None:
        merchant = complete_install(platform, answer.result)
        connected = not (answer.redirect or answer.html is not None or answer.json is not None)
    elif answer.verified_store and answer.json is None:
        # The connector tied this browser to a store it installed earlier (the install itself happened in a
        # server-to-server step, or this is a store-signed sign-in): nothing to save, only the page (or the
        # connector's redirect) and the session. Until that store is installed, the connector's own page
        # (`html`) stands.
        merchant = find_merchant(platform, answer.verified_store)
        connected = merchant is not None and merchant.is_installed
    if connected and not answer.redirect:
        # The merchant's browser finished the install: show them what they now have and what to do next.
        answer.html = render_template(
            "install/connected.html",
            merchant=merchant,
            next_steps=answer.next_steps,
            back_url=answer.back_url,
            catalog_status=catalog_status_text(merchant),
            product_understanding=product_understanding_lines(merchant),
        )
    if answer.redirect:
        response = redirect(answer.redirect, code=answer.status if answer.status in (301, 302, 303) else 302)
    elif answer.html is not None:
        response = make_response(answer.html, answer.status)
        response.headers["Content-Type"] = "text/html; charset=utf-8"
    else:
        response = make_response(jsonify(answer.json or {"ok": True}), answer.status)
    secure = current_app.config["FACET_PUBLIC_URL"].startswith("https://")
    for name, (value, max_age) in answer.set_cookies.items():
        response.set_cookie(
            name, _signer().dumps(value), max_age=max_age, secure=secure, httponly=True, samesite="Lax"
        )
    for name in answer.clear_cookies:
        response.delete_cookie(name, secure=secure, httponly=True, samesite="Lax")
    if connected:
        # The platform vouched for this browser (a signed landing, a verified callback): sign it in.
        start_session(response, merchant)
    response.headers["Cache-Control"] = "no-store"
    return response


@install_bp.post(f"/webhooks/<{_PLATFORM}:platform>")
@install_bp.post(f"/webhooks/<{_PLATFORM}:platform>/<merchant_key>")
def webhook(platform: str, merchant_key: str | None = None) -> Response:
    """Verify the signature before reading anything, then apply the delivery once."""
    try:
        outcome = handle_webhook(platform, merchant_key, _inbound())
    except ConnectorError as exc:
        if isinstance(exc, AuthError):
            log.warning("%s webhook with a bad signature refused", platform)
        raise _connector_error(exc) from exc
    return make_response(jsonify({"ok": True, "result": outcome.result}), outcome.status)
