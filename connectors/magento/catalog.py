"""Magento `/V1/products` items -> CatalogProduct, plus the searchCriteria query builder."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.base import CatalogProduct

PAGE_SIZE = 100
# Id-only listings are tiny, so they page wider; 300 is Magento 2.4.7's default REST maximum page size.
ID_PAGE_SIZE = 300
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


def _category(item: dict[str, Any], store: dict[str, Any]) -> str:
    names: dict[str, str] = store.get("categories") or {}
    for link in (item.get("extension_attributes") or {}).get("category_links") or []:
        name = names.get(str(link.get("category_id")))
        if name:
            return name
    return ""


def parse_magento_time(value: str | None) -> datetime | None:
    """Magento stores `YYYY-MM-DD HH:MM:SS` in UTC."""
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def product_from_item(item: dict[str, Any], store: dict[str, Any]) -> CatalogProduct:
    """Map one item; `store` holds `base_url`, `base_media_url`, `currency` and `categories` (id -> name)."""
    url_key = _attr(item, "url_key") or ""
    media_base = store.get("base_media_url", "")
    images = [
        f"{media_base}catalog/product{e['file']}"
        for e in sorted(item.get("media_gallery_entries") or [], key=lambda e: e.get("position") or 0)
        if e.get("media_type") == "image" and not e.get("disabled") and e.get("file")
    ]
    try:
        price = Decimal(str(item["price"])) if item.get("price") is not None else None
    except InvalidOperation:
        price = None
    stock = ((item.get("extension_attributes") or {}).get("stock_item") or {}).get("is_in_stock")
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
        variants=[{"id": str(item["id"]), "sku": item.get("sku"), "price": item.get("price")}],
        image_urls=images,
        updated_at=parse_magento_time(item.get("updated_at")),
        in_stock=True if stock is None else bool(stock),
        active=item.get("status") == STATUS_ENABLED and item.get("visibility") != VISIBILITY_NOT_INDIVIDUALLY,
        description=str(_attr(item, "short_description") or _attr(item, "description") or ""),
    )
