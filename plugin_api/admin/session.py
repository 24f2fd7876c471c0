"""The merchant's admin session: a signed, time-limited cookie naming one merchant.

A merchant is signed in only by something the platform vouched for (the connected page an install or app-open
step renders after the connector verified it) or by a single-use link Facet support signs
(`plugin_api.admin.links`). The cookie carries nothing but the merchant's `public_id`, signed with the app
secret under its own salt, so a link token can never be replayed as a session cookie or the other way round.
Nothing is stored server-side for a session but when the store last uninstalled Facet: sessions signed before
it are over, whoever installs it next.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from plugin_api.errors import ApiError
from plugin_api.extensions import db
from plugin_api.models import Merchant, utcnow
from plugin_api.services.installs import ADMIN_SESSIONS_ENDED_AT
from plugin_api.tenancy import bind_merchant

COOKIE_NAME = "facet_admin"
SESSION_SALT = "facet.admin-session"
SESSION_MAX_AGE = 8 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SESSION_SALT)


def start_session(response: Response, merchant: Merchant) -> Response:
    """Sign the merchant into the dashboard on `response` (an 8-hour, httponly cookie)."""
    # Every sign-in is a top-level page (the Shopify app is not embedded; WooCommerce and Magento open Facet
    # in a tab or popup), so the cookie never needs to cross sites: Lax, and Secure wherever Facet is https.
    https = current_app.config["FACET_PUBLIC_URL"].startswith("https://")
    response.set_cookie(
        COOKIE_NAME,
        _serializer().dumps(merchant.public_id),
        max_age=SESSION_MAX_AGE,
        httponly=True,
        secure=https,
        samesite="Lax",
        path="/",
    )
    return response


def end_session(response: Response) -> Response:
    """Sign this browser out (its cookie goes)."""
    https = current_app.config["FACET_PUBLIC_URL"].startswith("https://")
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, secure=https, samesite="Lax")
    return response


def end_every_session(merchant: Merchant) -> None:
    """End every dashboard session of the store signed before now (a shared computer, a departed staff
    member's browser): the cookie is stateless, so the store remembers from when sessions count again. The
    caller commits."""
    # Other writers rewrite `settings` whole (a widget-settings save): lock the row and read it again first.
    db.session.refresh(merchant, with_for_update=True)
    # Sessions carry whole seconds: one signed earlier within this second must end too.
    ended = utcnow().replace(microsecond=0) + timedelta(seconds=1)
    merchant.settings = {**(merchant.settings or {}), ADMIN_SESSIONS_ENDED_AT: ended.isoformat()}


def _merchant(public_id: object) -> Merchant | None:
    if not isinstance(public_id, str):
        return None
    return db.session.scalars(select(Merchant).where(Merchant.public_id == public_id)).one_or_none()


def _ended_by_uninstall(merchant: Merchant, issued: datetime) -> bool:
    """True for a session signed before the store last uninstalled Facet (whole seconds, as signed)."""
    ended = (merchant.settings or {}).get(ADMIN_SESSIONS_ENDED_AT)
    return bool(ended) and issued < datetime.fromisoformat(ended).replace(microsecond=0)


def authenticate_admin() -> Merchant:
    """The merchant the request's session cookie names, bound as the request's tenant.

    Raises 401 `admin_sign_in_required` (no, forged or expired cookie; merchant gone; a session from before
    the store last uninstalled and installed Facet again) and 403
    `merchant_uninstalled` (the store removed Facet since signing in).
    """
    try:
        public_id, issued = _serializer().loads(
            request.cookies.get(COOKIE_NAME, ""), max_age=SESSION_MAX_AGE, return_timestamp=True
        )
    except BadSignature:
        public_id, issued = None, None
    merchant = _merchant(public_id)
    if merchant is not None and merchant.is_installed and _ended_by_uninstall(merchant, issued):
        # Installed again, or signed out everywhere, since this session was signed: it is over.
        merchant = None
    if merchant is None:
        raise ApiError(
            401,
            "admin_sign_in_required",
            "Sign in to your Facet dashboard by opening Facet from your store's admin.",
        )
    if not merchant.is_installed:
        raise ApiError(403, "merchant_uninstalled", "Facet is no longer installed on this store.")
    bind_merchant(merchant)
    return merchant
