"""Widget authentication: publishable key + storefront Origin, and the CORS answers that go with them.

The publishable key (`X-Facet-Key` header or `?key=`) is public by design; what stops another site from using
it is the Origin check against `Merchant.allowed_origins`. Requests without an Origin header (same-origin
GETs, server-side calls) are allowed: browsers always send Origin on cross-origin requests, which is what
we police. Without a key, the store is the one whose storefront origin the request comes from (installs
record it), so a theme needs no key pasted in; a key still wins when given. A header key and a `?key=` that
disagree are refused (400 `key_mismatch`) rather than one silently winning.

Caching: every answer says `Vary: Origin, X-Facet-Key`. A cache that keys on the URL alone (many CDNs ignore
`Vary`) must never hand one store's answer to another, so an answer the URL does not name the store of (key
in the header, or no key at all) is never `public`: its `Cache-Control: public` becomes `private`.

Every widget blueprint calls `protect_widget_blueprint(blp)` once.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, request
from sqlalchemy import Select, String, cast, func, or_, select

from plugin_api.errors import ApiError, error_response
from plugin_api.extensions import db
from plugin_api.models import Merchant, MerchantStatus
from plugin_api.tenancy import bind_merchant

ALLOWED_HEADERS = "Content-Type, X-Facet-Key, X-Request-Id, X-Facet-Session"
EXPOSED_HEADERS = "X-Request-Id, Retry-After, Location"
PREFLIGHT_MAX_AGE = "600"


def normalize_origin(origin: str) -> str:
    """Compare origins case-insensitively and without a trailing slash."""
    return origin.strip().rstrip("/").lower()


def origin_allowed(merchant: Merchant, origin: str) -> bool:
    """Whether `origin` is one of the merchant's storefront origins."""
    wanted = normalize_origin(origin)
    return any(normalize_origin(o) == wanted for o in (merchant.allowed_origins or []))


def request_key() -> str | None:
    """The publishable key sent by the widget, if any; raises 400 `key_mismatch` when the `X-Facet-Key`
    header and `?key=` name different keys."""
    header = request.headers.get("X-Facet-Key") or None
    query = request.args.get("key") or None
    if header and query and header != query:
        raise ApiError(
            400,
            "key_mismatch",
            "The X-Facet-Key header and the ?key= parameter name different publishable keys; send one of "
            "them, or the same key in both.",
        )
    return header or query


def _key_in_url() -> bool:
    """Whether the request's URL alone names its store (`?key=`), so a URL-keyed cache cannot mix stores."""
    return bool(request.args.get("key"))


def merchant_for_key(key: str | None) -> Merchant | None:
    """The installed merchant owning publishable `key`, else None."""
    if not key or len(key) > 64:
        return None
    merchant = db.session.scalars(select(Merchant).where(Merchant.publishable_key == key)).one_or_none()
    if merchant is None or merchant.status != MerchantStatus.INSTALLED.value:
        return None
    return merchant


def merchant_for_origin(origin: str | None) -> Merchant | None:
    """The one installed merchant whose storefront `origin` is, else None (none, or several: ambiguous)."""
    if not origin:
        return None
    wanted = normalize_origin(origin)
    owners = [
        m
        for m in db.session.scalars(_stores_mentioning(select(Merchant), wanted))
        if any(normalize_origin(o) == wanted for o in (m.allowed_origins or []))
    ]
    return owners[0] if len(owners) == 1 else None


def _stores_mentioning(query: Select, wanted: str) -> Select:
    """`query` narrowed to installed stores whose allowed origins list `wanted` (normalised) as text.

    JSON lists are stored as text on SQLite and PostgreSQL alike: the whole origin is looked for between its
    quotes (with or without a trailing slash), literally, so `%` and `_` in an Origin header are no wildcards
    and a short or partial one (`https://%`, `https:/`) reads no store (both once read every store's row).
    The exact, normalised comparison stays the caller's."""
    text = func.lower(cast(Merchant.allowed_origins, String))
    return query.where(
        Merchant.status == MerchantStatus.INSTALLED.value,
        or_(
            text.contains(f'"{wanted}"', autoescape=True),
            text.contains(f'"{wanted}/"', autoescape=True),
        ),
    )


def authenticate_widget() -> Merchant:
    """Authenticate the widget request and bind its merchant; raises 401 `invalid_key` / 403."""
    key = request_key()
    merchant = merchant_for_key(key) if key else merchant_for_origin(request.headers.get("Origin"))
    if merchant is None:
        raise ApiError(
            401,
            "invalid_key",
            "Unknown publishable key."
            if key
            else "No publishable key, and this page's address is not one connected store's storefront.",
        )
    origin = request.headers.get("Origin")
    if origin and not origin_allowed(merchant, origin):
        raise ApiError(
            403,
            "origin_not_allowed",
            "This page's origin is not one of the store's allowed origins.",
            details={"origin": origin},
        )
    bind_merchant(merchant)
    return merchant


def _preflight() -> Response:
    """Answer a CORS preflight; the real request is checked again in full."""
    origin = request.headers.get("Origin", "")
    try:
        key = request_key()
    except ApiError as exc:
        return error_response(exc.status, exc.code, exc.message)
    if key:
        merchant = merchant_for_key(key)
        if merchant is None:
            return error_response(401, "invalid_key", "Missing or unknown publishable key.")
        allowed = origin_allowed(merchant, origin)
    else:
        # Browsers send no custom headers (X-Facet-Key) on preflights: accept any installed store's origin
        # (only the origins of the stores that mention it are read, not every store's).
        wanted = normalize_origin(origin)
        candidates = (
            db.session.scalars(_stores_mentioning(select(Merchant.allowed_origins), wanted)) if wanted else []
        )
        allowed = any(wanted == normalize_origin(o) for origins in candidates for o in (origins or []))
    if not allowed:
        return error_response(403, "origin_not_allowed", "This origin may not call the Facet widget API.")
    response = current_app.response_class(status=204)
    # DELETE: a shopper deleting their own results (`widget_analyses`).
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, DELETE, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response


def _before() -> Response | None:
    if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
        g.facet_cors_origin = request.headers.get("Origin")
        return _preflight()
    origin = request.headers.get("Origin")
    try:
        merchant = authenticate_widget()
    except ApiError:
        # Let the browser read the error body: echo the origin even on 401/403 (nothing is disclosed).
        g.facet_cors_origin = origin
        raise
    if origin and origin_allowed(merchant, origin):
        g.facet_cors_origin = origin
    return None


def _after(response: Response) -> Response:
    origin = g.get("facet_cors_origin")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    # The answer depends on both (the store, and the CORS headers), whether or not this request sent them.
    response.vary.add("Origin")
    response.vary.add("X-Facet-Key")
    if response.cache_control.public and not _key_in_url():
        response.cache_control.public = False
        response.cache_control.private = True
    return response


def protect_widget_blueprint(blp: Blueprint) -> None:
    """Require widget auth on every request to `blp` and answer CORS for it."""
    blp.before_request(_before)
    blp.after_request(_after)
