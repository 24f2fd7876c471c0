"""WooCommerce REST v3 product payloads -> CatalogProduct."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.base import CatalogProduct

PER_PAGE = 100
WEBHOOK_TOPICS = (
    "product.created",
    "product.updated",
    "product.deleted",
    "product.restored",
    "order.created",
)


def parse_gmt(value: str | None) -> datetime | None:
    """Woo's `date_modified_gmt` has no offset; it is UTC by definition."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def variant_from_rest(v: dict[str, Any]) -> dict[str, Any]:
    """One `/products/{id}/variations` item."""
    return {
        "id": str(v.get("id")),
        "title": " / ".join(str(a.get("option")) for a in v.get("attributes") or []),
        "sku": v.get("sku"),
        "price": v.get("price"),
        "compare_at_price": v.get("regular_price") if v.get("sale_price") else None,
        "available": v.get("stock_status", "instock") != "outofstock",
        "options": {a.get("name"): a.get("option") for a in v.get("attributes") or []},
        "image_url": (v.get("image") or {}).get("src"),
    }


def product_from_rest(
    p: dict[str, Any], currency: str | None, variations: list[dict[str, Any]] | None = None
) -> CatalogProduct:
    """Map a REST/webhook product (webhook bodies are the same resource as a REST GET)."""
    variants = [variant_from_rest(v) for v in variations or []]
    price = _decimal(p.get("price"))
    if variants:
        prices = [x for x in (_decimal(v["price"]) for v in variants) if x is not None]
        price = min(prices) if prices else price
    categories = [c.get("name") for c in p.get("categories") or [] if c.get("name")]
    brand = next((a for a in p.get("attributes") or [] if str(a.get("name", "")).lower() == "brand"), None)
    in_stock = p.get("stock_status", "instock") != "outofstock"
    if variants:
        in_stock = any(v["available"] for v in variants)
    return CatalogProduct(
        platform_id=str(p["id"]),
        title=p.get("name") or "",
        handle=p.get("slug") or "",
        url=p.get("permalink") or None,
        vendor=(brand or {}).get("options", [""])[0] if brand else "",
        # Every category the product sits in: "Accessories" alone would hide that it is in "Sunglasses" too.
        product_type=" / ".join(categories) if categories else (p.get("type") or ""),
        tags=[t.get("name") for t in p.get("tags") or [] if t.get("name")],
        price=price,
        currency=currency,
        variants=variants,
        image_urls=[i["src"] for i in p.get("images") or [] if i.get("src")],
        updated_at=parse_gmt(p.get("date_modified_gmt") or p.get("date_modified")),
        in_stock=in_stock,
        active=p.get("status", "publish") == "publish",
        description=p.get("short_description") or p.get("description") or "",
        attributes={
            str(a["name"]): ", ".join(str(o) for o in a.get("options") or [])
            for a in p.get("attributes") or []
            if a.get("name") and not a.get("variation") and a is not brand and a.get("options")
        },
    )
