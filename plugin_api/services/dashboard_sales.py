"""What shoppers ordered after adding it with Facet's own Add to cart: orders, items and their value.

Counted from the order webhooks the store sends: `webhooks` keeps, beside each order's row, an anonymous row
of its lines that carry the mark Facet's button puts on the cart item (`connectors.cart`). It counts orders
placed through the button, not orders Facet caused: a shopper who would have bought the item anyway counts
too, one who tried a frame on and then used the store's own button does not, and an order cancelled later
still counts. The holdout test's lift is the causal figure.

Only platforms whose orders carry the mark (`orders_show_facet_items`) have figures; for the others the
dashboard says why there are none rather than showing zeros. So it does when the platform withheld the order
notifications at install (`jobs.sync` records it, and asks again with each daily sync).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func

from connectors import WebhookKind, registry
from plugin_api.extensions import db
from plugin_api.models import Event, Merchant, Product
from plugin_api.services.shade_coverage import rate
from plugin_api.services.webhooks import ORDER_EVENT, SALE_EVENT
from plugin_api.tenancy import scoped

TOP_SOLD = 5


@dataclass(frozen=True)
class Amount:
    currency: str
    value: str  # a decimal string, as the platform priced it


@dataclass(frozen=True)
class SoldProduct:
    product_id: str
    title: str
    quantity: int
    orders: int


@dataclass(frozen=True)
class Sales:
    counted: bool  # False: the store's platform cannot say which items Facet's button added
    orders_withheld: str | None  # the platform refused to send orders yet: its words
    orders_received: int  # every order the store reported in the period
    orders_with_facet_items: int
    items: int  # units across those orders' Facet lines
    value: list[Amount]  # of the Facet lines, per currency
    share_of_orders: float | None
    top_products: list[SoldProduct]


def sales(merchant: Merchant, since: datetime) -> Sales:
    counted = registry.orders_show_facet_items(merchant.platform)
    in_period = scoped(Event, merchant=merchant).where(Event.occurred_at >= since)
    orders = db.session.scalar(in_period.where(Event.type == ORDER_EVENT).with_only_columns(func.count()))
    sales_rows = db.session.scalars(
        in_period.where(Event.type == SALE_EVENT).with_only_columns(Event.properties)
    ).all()
    units, orders_of = Counter[str](), Counter[str]()
    value: dict[str, Decimal] = defaultdict(Decimal)
    for sale in sales_rows:
        lines = _lines(sale)
        currency = str(sale.get("currency") or "")
        for line in lines:
            units[line["product_id"]] += line["quantity"]
            value[currency] += line["value"]
        orders_of.update({line["product_id"] for line in lines})
    top = sorted(units, key=lambda pid: (-units[pid], -orders_of[pid], pid))[:TOP_SOLD]
    titles = _titles(merchant, top)
    hooks = (merchant.sync_state or {}).get("webhooks") or {}
    return Sales(
        counted=counted,
        orders_withheld=(hooks.get("withheld") or {}).get(WebhookKind.ORDER_CREATED.value),
        orders_received=orders or 0,
        orders_with_facet_items=len(sales_rows),
        items=sum(units.values()),
        value=[Amount(currency, str(total)) for currency, total in sorted(value.items())],
        share_of_orders=rate(len(sales_rows), orders or 0),
        top_products=[SoldProduct(pid, titles.get(pid, pid), units[pid], orders_of[pid]) for pid in top],
    )


def _lines(sale: dict[str, Any]) -> list[dict[str, Any]]:
    """The sale's lines as stored, skipping any a bad payload left malformed."""
    lines = []
    for line in sale.get("items") or []:
        try:
            lines.append(
                {
                    "product_id": str(line["product_id"]),
                    "quantity": int(line["quantity"]),
                    "value": Decimal(str(line["value"])),
                }
            )
        except (KeyError, TypeError, ValueError, InvalidOperation):
            continue
    return lines


def _titles(merchant: Merchant, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    query = scoped(Product, merchant=merchant).where(Product.platform_product_id.in_(ids))
    return {p.platform_product_id: p.title or p.platform_product_id for p in db.session.scalars(query)}
