"""The demo store: a product listing, product pages and a cart for the demo merchant's catalog.

It embeds the widget exactly as a merchant's theme would (one async script tag with the publishable key, and a
`data-facet-tryon` placement element on product pages), so what works here works on a real storefront.
The cart is a cookie of product ids: the demo platform's equivalent of Shopify's `/cart/add`. Like Shopify,
it keeps the hidden line-item property Facet's own Add to cart sends (`connectors.cart.ORDER_MARK`), and its
"Place order" hands the order to the same code as a Shopify `orders/create` webhook, in Shopify's payload
shape: so the demo dashboard's "Sold with Facet" counts what was bought through the widget.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from connectors import WebhookEvent, WebhookKind
from connectors.cart import ORDER_MARK, ORDER_MARK_VALUE, items_added_with_facet
from plugin_api.demo import DEMO_KEY
from plugin_api.extensions import db
from plugin_api.models import Merchant, Product
from plugin_api.money import money
from plugin_api.services.category_labels import CATEGORY_LABELS, category_label
from plugin_api.services.webhooks import apply_event
from plugin_api.tenancy import scoped

DEMO_DIR = Path(__file__).resolve().parents[2] / "widgets" / "demo"
CART_COOKIE = "facet_demo_cart"
MAX_CART_ITEMS = 50
# A cart entry added with Facet's button: `<product id>~facet` (product ids hold no `~` or `,`).
_MARKED = "~facet"
# Friendly names and order for the catalog's categories (anything else is shown title-cased, last).

bp = Blueprint(
    "demo_store",
    __name__,
    template_folder=str(DEMO_DIR / "templates"),
    static_folder=str(DEMO_DIR / "static"),
    static_url_path="/demo/static",
)


def demo_merchant() -> Merchant | None:
    """The merchant the demo store shows (the one with the `pk_demo` key)."""
    return db.session.scalars(select(Merchant).where(Merchant.publishable_key == DEMO_KEY)).one_or_none()


def product_category(product: Product) -> str:
    """The catalog's category when features are computed, else the platform's product type."""
    return str((product.features or {}).get("category") or product.product_type or "other").lower()


def format_price(price: Decimal | None, currency: str | None) -> str:
    """A demo price (USD unless the product says otherwise); nothing for a product without one."""
    return "" if price is None else money(price, currency or "USD")


def _catalog(merchant: Merchant) -> list[Product]:
    """The store's products in the order a shopper reads a range: 10N before 100N."""
    products = db.session.scalars(scoped(Product, merchant=merchant).where(Product.deleted.is_(False)))
    return sorted(products, key=lambda p: (_natural(p.title or ""), p.id))


def _natural(title: str) -> list[tuple[int, int | str]]:
    return [(0, int(part)) if part.isdigit() else (1, part.lower()) for part in re.split(r"(\d+)", title)]


def _view(product: Product) -> dict[str, Any]:
    category = product_category(product)
    return {
        "id": product.platform_product_id,
        "title": product.title,
        "url": url_for("demo_store.product_page", product_id=product.platform_product_id),
        "image": (product.image_urls or [None])[0],
        "images": product.image_urls or [],
        "price": format_price(product.price, product.currency),
        "category": category,
        "category_label": category_label(category),
        "vendor": product.vendor,
        "variants": product.variants or [],
        "tryon": bool(product.tryon_asset_key),
        "in_stock": product.in_stock is not False,
    }


def _cart_entries() -> list[str]:
    raw = request.cookies.get(CART_COOKIE, "")
    return [entry for entry in raw.split(",") if entry][:MAX_CART_ITEMS]


def _cart_items() -> list[tuple[str, bool]]:
    """(product id, added with Facet's button) for each item in the cart."""
    return [(entry.removesuffix(_MARKED), entry.endswith(_MARKED)) for entry in _cart_entries()]


def _cart_ids() -> list[str]:
    return [pid for pid, _ in _cart_items()]


def _render(template: str, merchant: Merchant, **context: Any) -> str:
    return render_template(
        f"demo_store/{template}",
        store_name=merchant.name or "Demo store",
        widget_key=DEMO_KEY,
        cart_count=len(_cart_ids()),
        # What the store's owner sees of the widget's use (`/admin/demo` exists in the demo only).
        dashboard_url=url_for("admin.demo_sign_in") if current_app.config["FACET_ENV"] == "demo" else None,
        **context,
    )


def _require_merchant() -> Merchant:
    merchant = demo_merchant()
    if merchant is None:
        abort(404, description="The demo store is not set up: run `flask facet seed-demo` (make demo does).")
    return merchant


@bp.get("/")
def home() -> Response:
    """In demo mode the product's front page is the demo store."""
    if current_app.config.get("FACET_ENV") not in ("demo", "test"):
        abort(404)
    return redirect(url_for("demo_store.listing"))


@bp.get("/demo")
def listing() -> str:
    """The store's product listing, filterable by category."""
    merchant = _require_merchant()
    products = [_view(p) for p in _catalog(merchant)]
    order = list(CATEGORY_LABELS)
    categories = sorted(
        {p["category"] for p in products}, key=lambda c: (order.index(c) if c in order else 99, c)
    )
    selected = request.args.get("category") or ""
    shown = [p for p in products if not selected or p["category"] == selected]
    return _render(
        "listing.html",
        merchant,
        products=shown,
        total=len(products),
        categories=[(c, category_label(c)) for c in categories],
        selected=selected,
    )


@bp.get("/demo/products/<product_id>")
def product_page(product_id: str) -> str | tuple[str, int]:
    """A product page with the try-on placement element, as a theme would render it."""
    merchant = _require_merchant()
    product = db.session.scalars(
        scoped(Product, merchant=merchant).where(
            Product.platform_product_id == product_id, Product.deleted.is_(False)
        )
    ).one_or_none()
    if product is None:
        # A store's page, not an API answer: the shopper followed a stale or mistyped link.
        return _render("not_found.html", merchant), 404
    view = _view(product)
    related = [
        _view(p) for p in _catalog(merchant) if product_category(p) == view["category"] and p.id != product.id
    ]
    return _render("product.html", merchant, product=view, related=related[:4])


@bp.route("/demo/cart/add", methods=["GET", "POST"])
def cart_add() -> Response:
    """Add a product to the demo cart (`id` as a query or form field), then show the cart."""
    pid = (request.values.get("id") or request.values.get("product_id") or "").strip()
    entries = _cart_entries()
    if pid and len(pid) <= 255 and not {",", "~"} & set(pid) and len(entries) < MAX_CART_ITEMS:
        marked = request.values.get(f"properties[{ORDER_MARK}]") is not None
        entries.append(pid + _MARKED if marked else pid)
    response = redirect(url_for("demo_store.cart", added=pid or None))
    response.set_cookie(CART_COOKIE, ",".join(entries), max_age=7 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.get("/demo/cart")
def cart() -> str:
    """The demo cart."""
    merchant = _require_merchant()
    lines = _cart_lines(merchant)
    total = sum((line["price"] * line["qty"] for line in lines), Decimal("0"))
    currency = next((line["currency"] for line in lines if line["currency"]), None)
    for line in lines:
        line["total"] = format_price(line["price"] * line["qty"], line["currency"])
    return _render(
        "cart.html",
        merchant,
        lines=lines,
        total=format_price(total, currency),
        added=request.args.get("added"),
        ordered=request.args.get("ordered"),
    )


def _cart_lines(merchant: Merchant) -> list[dict[str, Any]]:
    """The cart's lines, one per product and way it was added (a Facet line stays its own line, as a
    line-item property makes it on Shopify), in the order first added."""
    by_id = {
        p.platform_product_id: p
        for p in db.session.scalars(
            scoped(Product, merchant=merchant).where(Product.platform_product_id.in_(_cart_ids()))
        )
    }
    lines: dict[tuple[str, bool], dict[str, Any]] = {}
    for pid, marked in _cart_items():
        product = by_id.get(pid)
        if product is None:
            continue
        line = lines.setdefault(
            (pid, marked),
            {
                "product": _view(product),
                "qty": 0,
                "with_facet": marked,
                "price": product.price or Decimal("0"),
                "currency": product.currency,
            },
        )
        line["qty"] += 1
    return list(lines.values())


@bp.post("/demo/cart/order")
def place_order() -> Response:
    """The demo checkout: no payment; the order reaches Facet as a Shopify store's `orders/create` would."""
    merchant = _require_merchant()
    lines = _cart_lines(merchant)
    if not lines:
        return redirect(url_for("demo_store.cart"))
    order_id = f"demo-{uuid.uuid4().hex[:12]}"
    payload = {
        "id": order_id,
        "currency": next((line["currency"] for line in lines if line["currency"]), None),
        "source_name": "demo",
        "line_items": [
            {
                "product_id": line["product"]["id"],
                "quantity": line["qty"],
                "price": str(line["price"]),
                "properties": [{"name": ORDER_MARK, "value": ORDER_MARK_VALUE}] if line["with_facet"] else [],
            }
            for line in lines
        ],
    }
    facet_items = items_added_with_facet(payload)
    event = WebhookEvent(
        WebhookKind.ORDER_CREATED, "orders/create", order_id, payload=payload, facet_items=facet_items
    )
    apply_event(merchant, event)
    db.session.commit()
    response = redirect(url_for("demo_store.cart", ordered=order_id))
    response.delete_cookie(CART_COOKIE)
    return response


@bp.post("/demo/cart/clear")
def cart_clear() -> Response:
    response = redirect(url_for("demo_store.cart"))
    response.delete_cookie(CART_COOKIE)
    return response
