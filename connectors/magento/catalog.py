"""Magento `/V1/products` items -> CatalogProduct, plus the searchCriteria query builder."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.base import CatalogProduct, any_variant_available

PAGE_SIZE = 100
# 300 is Magento's maximum page size once the admin enables its REST input limits ("Maximum SearchCriteria
# pageSize is %max"), so no listing asks for more; id-only listings are tiny, so they page that wide.
MAX_PAGE_SIZE = 300
ID_PAGE_SIZE = MAX_PAGE_SIZE
# SKUs per salable check: Magento sorts OAuth parameters in natural order (Zend_Oauth `strnatcmp`), not byte
# order as RFC 5849 and every client library do. They agree while the `skus[i]` indices are single digits;
# from `skus[10]` on, Magento computes another signature and refuses the request.
SALABLE_CHUNK = 10
# A stock poll on a store without MSI reads one stock item per SKU: at most this many per poll.
PER_SKU_STOCK_CHECKS = 40
# Magento's partial-response syntax: only these fields come back (no media, attributes or stock).
ID_FIELDS = "items[id,sku],total_count"
STATUS_ENABLED = 1
VISIBILITY_NOT_INDIVIDUALLY = 1


def search_params(after_id: int, since: datetime | None) -> dict[str, Any]:
    """searchCriteria for the next page after entity `after_id` (filter groups are ANDed)."""
    first = "searchCriteria[filter_groups][0][filters][0]"
    params: dict[str, Any] = {
        f"{first}[field]": "entity_id",
        f"{first}[value]": after_id,
        f"{first}[condition_type]": "gt",
        "searchCriteria[pageSize]": PAGE_SIZE,
        "searchCriteria[currentPage]": 1,
        "searchCriteria[sortOrders][0][field]": "entity_id",
        "searchCriteria[sortOrders][0][direction]": "ASC",
    }
    if since is not None:
        prefix = "searchCriteria[filter_groups][1][filters][0]"
        params[f"{prefix}[field]"] = "updated_at"
        params[f"{prefix}[value]"] = since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        params[f"{prefix}[condition_type]"] = "gt"
    return params


def id_params(after_id: int) -> dict[str, Any]:
    """searchCriteria + `fields` for the next id-only page after entity `after_id` (deletion polling)."""
    params = search_params(after_id, None)
    params["searchCriteria[pageSize]"] = ID_PAGE_SIZE
    params["fields"] = ID_FIELDS
    return params


def _attr(item: dict[str, Any], code: str) -> Any:
    for attr in item.get("custom_attributes") or []:
        if attr.get("attribute_code") == code:
            return attr.get("value")
    return None


# Custom attributes that carry a frame's measurements as text or numbers. Select-type attributes (colour,
# shape) hold option ids, not words, so they are not read.
_SPEC_CODE = re.compile(r"lens|bridge|temple|frame_(?:size|width)|eye_size")


def _category(item: dict[str, Any], store: dict[str, Any]) -> str:
    """Every category the product is linked to, joined: its first link is often a department
    ("Accessories") and a later one the product's kind ("Sunglasses")."""
    names: dict[str, str] = store.get("categories") or {}
    found: list[str] = []
    for link in (item.get("extension_attributes") or {}).get("category_links") or []:
        name = names.get(str(link.get("category_id")))
        if name and name not in found:
            found.append(name)
    return " / ".join(found)


def parse_magento_time(value: str | None) -> datetime | None:
    """Magento stores `YYYY-MM-DD HH:MM:SS` in UTC."""
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def salable_params(skus: list[str], stock_id: int) -> dict[str, Any]:
    """Query of MSI's `/V1/inventory/are-products-salable` for these SKUs in one stock."""
    params: dict[str, Any] = {f"skus[{i}]": sku for i, sku in enumerate(skus)}
    params["stockId"] = stock_id
    return params


def listed_stock(item: dict[str, Any]) -> bool | None:
    """`stock_item.is_in_stock` when the listing carries it. Core Magento 2.3+ puts it only on a single
    product's answer (magento/magento2#36533), some extensions add it to lists."""
    stock = ((item.get("extension_attributes") or {}).get("stock_item") or {}).get("is_in_stock")
    return None if stock is None else bool(stock)


def sellable_on_its_own(item: dict[str, Any]) -> bool:
    """Enabled and visible in the storefront (a configurable product's children are bought through it)."""
    return item.get("status") == STATUS_ENABLED and item.get("visibility") != VISIBILITY_NOT_INDIVIDUALLY


def needs_children(item: dict[str, Any]) -> bool:
    """A configurable product's price, variants and stock are its children's."""
    return item.get("type_id") == "configurable"


def _price(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def product_from_item(
    item: dict[str, Any],
    store: dict[str, Any],
    stock: dict[str, bool] | None = None,
    children: list[dict[str, Any]] | None = None,
) -> CatalogProduct:
    """Map one item; `store` holds `base_url`, `base_media_url`, `currency` and `categories` (id -> name),
    `stock` in-stock flags by SKU (what the listing lacks), `children` a configurable product's simple
    children (its list price is 0: magento/magento2#10644)."""
    stock = stock or {}
    url_key = _attr(item, "url_key") or ""
    media_base = store.get("base_media_url", "")
    images = [
        f"{media_base}catalog/product{e['file']}"
        for e in sorted(item.get("media_gallery_entries") or [], key=lambda e: e.get("position") or 0)
        if e.get("media_type") == "image" and not e.get("disabled") and e.get("file")
    ]
    sku = item.get("sku")
    if children is not None:
        buyable = [c for c in children if c.get("status") == STATUS_ENABLED]
        variants = [
            {
                "id": str(c["id"]),
                "sku": c.get("sku"),
                "title": c.get("name"),
                "price": c.get("price"),
                "available": listed_stock(c) if listed_stock(c) is not None else stock.get(c.get("sku")),
            }
            for c in buyable
        ]
        prices = [p for p in (_price(v["price"]) for v in variants) if p is not None]
        price = min(prices) if prices else None
        in_stock = any_variant_available([v["available"] for v in variants]) if variants else False
    else:
        price = _price(item.get("price"))
        if price == 0 and item.get("type_id") not in ("simple", "virtual", "downloadable"):
            price = None  # bundles and grouped products list 0: their price is their parts'
        in_stock = listed_stock(item)
        if in_stock is None:
            in_stock = stock.get(sku)
        variants = [{"id": str(item["id"]), "sku": sku, "price": item.get("price"), "available": in_stock}]
    return CatalogProduct(
        platform_id=str(item["id"]),
        title=item.get("name") or "",
        handle=url_key,
        url=f"{store.get('base_url', '')}{url_key}.html" if url_key else None,
        vendor=str(_attr(item, "brand") or _attr(item, "manufacturer") or ""),
        product_type=_category(item, store),
        tags=[],
        price=price,
        currency=store.get("currency"),
        variants=variants,
        image_urls=images,
        updated_at=parse_magento_time(item.get("updated_at")),
        in_stock=in_stock,
        active=sellable_on_its_own(item),
        description=str(_attr(item, "short_description") or _attr(item, "description") or ""),
        attributes={
            str(a["attribute_code"]): str(a.get("value"))
            for a in item.get("custom_attributes") or []
            if _SPEC_CODE.search(str(a.get("attribute_code") or "")) and a.get("value") not in (None, "")
        },
    )
