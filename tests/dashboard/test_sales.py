"""'Sold with Facet': orders the store reported, and the items in them added with Facet's Add to cart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from connectors import WebhookEvent, WebhookKind
from connectors.cart import items_added_with_facet
from plugin_api.extensions import db
from plugin_api.models import Event, Merchant, utcnow
from plugin_api.services.webhooks import apply_event
from tests.dashboard.helpers import SUMMARY, sign_in

MARK = [{"name": "_facet", "value": "added with Facet"}]


def line(product_id: int, price: str, quantity: int = 1, marked: bool = True) -> dict[str, Any]:
    return {
        "product_id": product_id,
        "price": price,
        "quantity": quantity,
        "properties": MARK if marked else [],
    }


def order(app, merchant: Merchant, order_id: int, lines: list[dict], *, days_ago: int = 0, currency="USD"):
    """An orders/create delivery as the Shopify connector hands it over, applied as the webhook route does."""
    payload = {"id": order_id, "currency": currency, "line_items": lines}
    event = WebhookEvent(
        WebhookKind.ORDER_CREATED,
        "orders/create",
        str(order_id),
        payload=payload,
        facet_items=items_added_with_facet(payload),
    )
    with app.app_context():
        before = db.session.scalar(select(func.max(Event.id))) or 0
        apply_event(db.session.get(Merchant, merchant.id), event)
        db.session.commit()
        for row in db.session.scalars(select(Event).where(Event.id > before)):  # the order and its sale
            row.occurred_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()


def test_sold_with_facet_counts_marked_lines_of_this_stores_orders_in_the_period(app, merchant_factory):
    mine, theirs = merchant_factory(), merchant_factory()
    order(app, mine, 1, [line(11, "20.00", quantity=2), line(12, "5.00", marked=False)])
    order(app, mine, 2, [line(13, "100.00")], currency="EUR")
    order(app, mine, 3, [line(12, "5.00", marked=False)])
    order(app, mine, 4, [line(11, "20.00")], days_ago=40)  # outside the last 30 days
    order(app, theirs, 5, [line(11, "999.00", quantity=9)])  # another store's order
    sold = sign_in(app, mine).get(SUMMARY).json["sales"]
    assert sold["counted"] is True
    assert (sold["orders_received"], sold["orders_with_facet_items"], sold["items"]) == (3, 2, 3)
    assert sold["value"] == [{"currency": "EUR", "value": "100.00"}, {"currency": "USD", "value": "40.00"}]
    assert sold["share_of_orders"] == round(2 / 3, 4)
    assert [(p["product_id"], p["quantity"], p["orders"]) for p in sold["top_products"]] == [
        ("11", 2, 1),
        ("13", 1, 1),
    ]

    page = sign_in(app, mine).get("/admin?days=90").get_data(as_text=True)
    assert '<dd data-sales="orders">3 of 4 orders (75 %)' in page
    assert '<dd data-sales="items">4</dd>' in page
    assert '<dd data-sales="value">€100.00, $60.00</dd>' in page
    assert '<tr data-sold="11"><td>11</td><td class="n">3</td><td class="n">2</td></tr>' in page
    assert "999" not in page


def test_a_store_without_orders_and_a_platform_that_cannot_mark_items_say_so(app, merchant_factory):
    quiet = merchant_factory()
    page = sign_in(app, quiet).get("/admin").get_data(as_text=True)
    assert 'data-sales="no_orders"' in page and "No orders reported by your store in this period" in page

    woo = merchant_factory(platform="woocommerce", shop_domain="https://woo.example")
    order(app, woo, 7, [line(11, "20.00")])
    admin = sign_in(app, woo)
    sold = admin.get(SUMMARY).json["sales"]
    assert sold["counted"] is False and sold["orders_received"] == 1
    page = admin.get("/admin").get_data(as_text=True)
    assert 'data-sales="not_counted"' in page and 'data-sales="orders"' not in page


def test_amounts_read_as_money() -> None:
    from plugin_api.money import money

    assert money("1234.5", "USD") == "$1,234.50"  # sums of platform strings lose their trailing zeros
    assert money("1E+3", "EUR") == "€1,000.00"
    assert money("-5", "GBP") == "−£5.00"
    assert money("1200.00", "JPY") == "¥1,200"  # no minor units
    assert money("99", "chf") == "99.00 CHF"  # no symbol known: the code after the amount
    assert money("12", None) == "12.00"
    assert money("n/a", "USD") == "n/a USD"
