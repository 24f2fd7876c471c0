"""Per-merchant tenancy: the one place tenant-owned rows are queried from.

A request that authenticated a merchant (widget key, admin session, webhook signature) binds it with
`bind_merchant`; views then use `scoped(Model)` / `get_owned_or_404(Model, id)`, which filter by that
merchant,
so a request can only ever see its own merchant's rows. Jobs, which run outside a request, pass the merchant
explicitly: `scoped(Model, merchant=m)`.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, TypeVar

from flask import g, has_request_context
from sqlalchemy import Select, select

from plugin_api.errors import ApiError
from plugin_api.extensions import db
from plugin_api.models import Merchant, TenantMixin

T = TypeVar("T", bound=TenantMixin)


class NoMerchantBound(RuntimeError):
    """A tenant-owned query ran without a merchant: a programming error, never a client error."""


def bind_merchant(merchant: Merchant) -> None:
    """Make `merchant` the tenant of the current request."""
    g.facet_merchant = merchant


def current_merchant() -> Merchant:
    """The merchant the current request authenticated as."""
    merchant = g.get("facet_merchant") if has_request_context() else None
    if merchant is None:
        raise NoMerchantBound("no merchant is bound to this request")
    return merchant


def scoped(model: type[T], *, merchant: Merchant | None = None) -> Select[tuple[T]]:
    """`select(model)` restricted to one merchant's rows (the current request's unless given)."""
    owner = merchant or current_merchant()
    return select(model).where(model.merchant_id == owner.id)


def get_owned(model: type[T], ident: Any, *, merchant: Merchant | None = None) -> T | None:
    """Fetch one row by primary key if, and only if, it belongs to the merchant."""
    pk = model.__mapper__.primary_key[0]
    if isinstance(pk.type.python_type, type) and pk.type.python_type is uuid.UUID:
        try:
            ident = ident if isinstance(ident, uuid.UUID) else uuid.UUID(str(ident))
        except ValueError:
            return None
    return db.session.scalars(scoped(model, merchant=merchant).where(pk == ident)).one_or_none()


def get_owned_or_404(model: type[T], ident: Any, *, merchant: Merchant | None = None) -> T:
    """Like `get_owned`, but 404 — never 403 — so other merchants' ids do not leak their existence."""
    row = get_owned(model, ident, merchant=merchant)
    if row is None:
        # The class name, not the table's: "analyses" minus its "s" read "No such analyse."
        name = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
        raise ApiError(404, "not_found", f"No such {name}.")
    return row
