"""What shoppers bought after adding it with Facet's own Add to cart: orders, items and their value.

Counted from the order webhooks the store sends: `webhooks` keeps, with each order, the lines that carry the
mark Facet's button puts on the cart item (`connectors.cart`). It counts purchases made through the button,
not purchases Facet caused: a shopper who would have bought the item anyway counts too, and one who tried a
frame on and then used the store's own button does not. The holdout test's lift is the causal figure.

Only platforms whose orders carry the mark (`orders_show_facet_items`) have figures; for the others the
dashboard says why there are none rather than showing zeros.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors import registry
from plugin_api.extensions import db
from plugin_api.models import Event, Merchant, Product
from plugin_api.services.shade_coverage import rate
from plugin_api.services.webhooks import FACET_ITEMS, ORDER_EVENT
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
    orders_received: int  # every order the store reported in the period
    orders_with_facet_items: int
    items: int  # units across those orders' Facet lines
    value: list[Amount]  # of the Facet lines, per currency
    share_of_orders: float | None
    top_products: list[SoldProduct]


def sales(merchant: Merchant, since: datetime) -> Sales:
    counted = registry.orders_show_facet_items(merchant.platform)
    orders = db.session.scalars(
        scoped(Event, merchant=merchant)
        .where(Event.type == ORDER_EVENT, Event.occurred_at >= since)
        .with_only_columns(Event.properties)
    ).all()
    with_items, units, orders_of = 0, Counter[str](), Counter[str]()
    value: dict[str, Decimal] = defaultdict(Decimal)
    for order in orders:
        lines = _lines(order)
        if not lines:
            continue
        with_items += 1
        currency = str(order.get("currency") or "")
        for line in lines:
            units[line["product_id"]] += line["quantity"]
            value[currency] += line["value"]
        orders_of.update({line["product_id"] for line in lines})
    top = sorted(units, key=lambda pid: (-units[pid], -orders_of[pid], pid))[:TOP_SOLD]
    titles = _titles(merchant, top)
    return Sales(
        counted=counted,
        orders_received=len(orders),
        orders_with_facet_items=with_items,
        items=sum(units.values()),
        value=[Amount(currency, str(total)) for currency, total in sorted(value.items())],
        share_of_orders=rate(with_items, len(orders)),
        top_products=[SoldProduct(pid, titles.get(pid, pid), units[pid], orders_of[pid]) for pid in top],
    )


def _lines(order: dict[str, Any]) -> list[dict[str, Any]]:
    """The order's Facet lines as stored, skipping any a bad payload left malformed."""
    lines = []
    for line in order.get(FACET_ITEMS) or []:
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
