"""Support sign-in links (`flask facet admin-link`): signed, valid for 15 minutes, good for one sign-in.

A link's token is `{"merchant": public_id, "link": random link id}` signed with the app secret under its own
salt (`facet.admin-link`), so it can never be replayed as a session cookie or the other way round. The
signature and its age say whether a link is genuine and fresh; only whether it was already used needs the
database (`UsedSignInLink`): support sends links by mail or chat, where a copy outlives the first sign-in, and
that copy must not let a second browser in.

Opening a link only checks it (`check_link`: the confirmation page); the page's button posts the token back
and that uses it up (`redeem_link`). Mail scanners, chat-app previews and prefetchers open links but never
press buttons, so they cannot use a link up before the merchant does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from plugin_api.errors import ApiError
from plugin_api.extensions import db
from plugin_api.models import Merchant, UsedSignInLink, random_token, utcnow

LINK_SALT = "facet.admin-link"
LINK_MAX_AGE = 15 * 60


@dataclass(frozen=True)
class SignInLink:
    """A genuine, fresh, unused link: the store it signs into, its own id and when it was signed."""

    merchant: Merchant
    link_id: str
    issued_at: datetime


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=LINK_SALT)


def sign_in_url(merchant: Merchant) -> str:
    """A link that signs one browser into `merchant`'s dashboard, once, within LINK_MAX_AGE seconds."""
    # The random id makes every link distinct (two printed in the same second too): using one uses no other.
    token = _serializer().dumps({"merchant": merchant.public_id, "link": random_token(16)})
    return f"{current_app.config['FACET_PUBLIC_URL'].rstrip('/')}/admin/sign-in?token={token}"


def _invalid() -> ApiError:
    return ApiError(401, "invalid_sign_in_link", "This sign-in link is not valid or has expired.")


def _used() -> ApiError:
    return ApiError(
        401, "sign_in_link_used", "This sign-in link has already been used. Ask Facet support for a new link."
    )


def check_link(token: str | None) -> SignInLink:
    """The link `token` stands for, when it may still sign in; records nothing.

    Raises 401 `invalid_sign_in_link` (forged, expired, without a link id, naming no merchant) and 401
    `sign_in_link_used` (genuine and fresh, but it already signed a browser in). Expiry is checked first, so
    an expired link gets the same answer whether or not it was used.
    """
    try:
        claims, issued = _serializer().loads(token or "", max_age=LINK_MAX_AGE, return_timestamp=True)
    except BadSignature:  # SignatureExpired is a BadSignature
        raise _invalid() from None
    public_id = claims.get("merchant") if isinstance(claims, dict) else None
    link_id = claims.get("link") if isinstance(claims, dict) else None
    if not (isinstance(public_id, str) and isinstance(link_id, str) and 0 < len(link_id) <= 64):
        raise _invalid()  # includes links printed before they had an id: they could not be used up
    merchant = db.session.scalars(select(Merchant).where(Merchant.public_id == public_id)).one_or_none()
    if merchant is None:
        raise _invalid()
    if db.session.scalar(select(UsedSignInLink.id).where(UsedSignInLink.link_id == link_id)) is not None:
        raise _used()
    return SignInLink(merchant=merchant, link_id=link_id, issued_at=issued)


def redeem_link(token: str | None) -> Merchant:
    """The merchant a sign-in link names; the link is used up, committed, before this returns.

    Raises what `check_link` raises; `sign_in_link_used` also for the loser of two requests racing with one
    link.
    """
    link = check_link(token)
    if not _use_up(link):
        raise _used()
    return link.merchant


def _use_up(link: SignInLink) -> bool:
    """Record the link as used; False when a concurrent request already did."""
    # Only the insert, in a transaction of its own: old rows are deleted by the hourly purge
    # (`jobs.maintenance.purge_expired`), never here, so two sign-ins at once cannot deadlock over them.
    expires_at = link.issued_at + timedelta(seconds=LINK_MAX_AGE)
    db.session.add(
        UsedSignInLink(
            link_id=link.link_id, merchant_id=link.merchant.id, used_at=utcnow(), expires_at=expires_at
        )
    )
    try:
        # The unique link_id decides, not the read in `check_link`: of two requests racing with one link,
        # exactly one commits.
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if db.session.scalar(select(UsedSignInLink.id).where(UsedSignInLink.link_id == link.link_id)) is None:
            raise  # not the marker (the merchant was deleted meanwhile, say): a real error
        return False
    return True
