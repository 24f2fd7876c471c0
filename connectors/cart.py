"""Add-to-cart, the way each platform's storefront does it: the action the widget runs for a recommendation.

The widget runs inside the store's own page, so relative URLs resolve against the storefront (custom
domains included) and the shopper's cart cookie applies. `LINK` means "open the product page": the only safe
choice when options must be picked or the platform has no simple add-to-cart URL. `ajax_url`, when present,
is the same request the page can make in the background (same method and fields), so the shopper keeps
their results and adds more; `cart_url` is where "View cart" goes.

Where the platform carries a line-item property from the cart to the order (Shopify), Facet's own add marks
its item (`ORDER_MARK`), and `items_added_with_facet` finds the marked items in that platform's order
payload: the dashboard counts what shoppers bought after adding it with Facet's button. The mark says only
that the button was used: no analysis or shopper id, so an order (which names a customer) is never tied to
anyone's photo or readings.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.base import FacetItem

# A line-item property name Shopify's storefront hides from the shopper (leading underscore) and keeps on the
# order's line item, with the value Facet gives it.
ORDER_MARK = "_facet"
ORDER_MARK_VALUE = "added with Facet"
# Platforms whose orders show which items Facet's button added (the others' add-to-cart cannot carry it).
# The demo store (`plugin_api.web.demo_store`) keeps the mark the way Shopify does.
_MARKING_PLATFORMS = frozenset({"shopify", "demo"})
# Shopify's `source_name` of the orders a subscription app creates at each renewal; they copy the first
# order's line-item properties, mark included, but nobody pressed a button for them.
_RENEWAL_SOURCE = "subscription_contract"


def add_to_cart(
    platform: str, *, store_url: str, product: Mapping[str, Any], variant: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The widget's add-to-cart action for one product/variant, or None to let the caller decide."""
    variant_id = str((variant or {}).get("id") or "") or None
    if platform == "shopify" and variant_id:
        # Online Store AJAX/form endpoint: POST /cart/add with the variant id.
        return {
            "method": "POST",
            "url": "/cart/add",
            "fields": {"id": variant_id, "quantity": 1, f"properties[{ORDER_MARK}]": ORDER_MARK_VALUE},
            "ajax_url": "/cart/add.js",  # the Ajax API's twin of the form endpoint (JSON, 422 when sold out)
            "cart_url": "/cart",
        }
    if platform == "woocommerce":
        # `?add-to-cart=<id>` adds a simple product or a specific variation by its id.
        item = variant_id or str(product.get("platform_product_id") or "")
        if item:
            base = store_url.rstrip("/") + "/" if store_url.startswith("http") else "/"
            # The same GET adds it when fetched in the background (the cart page's address varies by store).
            return {
                "method": "GET",
                "url": base,
                "fields": {"add-to-cart": item, "quantity": 1},
                "ajax_url": base,
            }
    if product.get("url"):
        # Magento (configurable products need their options chosen) and anything else: the product page.
        return {"method": "LINK", "url": product["url"], "kind": "product_page"}
    return None


def orders_show_facet_items(platform: str) -> bool:
    """Whether this platform's orders say which items Facet's Add to cart added."""
    return platform in _MARKING_PLATFORMS


def items_added_with_facet(order: Mapping[str, Any]) -> list[FacetItem]:
    """The lines of a Shopify-shaped order payload that carry Facet's mark, each valued at what the shopper
    paid for it: price × quantity less the discounts allocated to the line (`discount_allocations`, which
    carry discount codes and automatic discounts; `total_discount` is only set by draft orders, scripts and
    the API, and is the fallback). None for subscription renewals."""
    if str(order.get("source_name") or "").startswith(_RENEWAL_SOURCE):
        return []
    items = []
    for line in order.get("line_items") or []:
        if not isinstance(line, Mapping) or not line.get("product_id") or not _marked(line.get("properties")):
            continue
        quantity = _whole(line.get("quantity"), default=1)
        allocations = [a for a in line.get("discount_allocations") or [] if isinstance(a, Mapping)]
        discount = (
            sum((_amount(a.get("amount")) for a in allocations), Decimal(0))
            if allocations
            else _amount(line.get("total_discount"))
        )
        value = _amount(line.get("price")) * quantity - discount
        items.append(FacetItem(str(line["product_id"]), quantity, max(value, Decimal(0))))
    return items


def _marked(properties: Any) -> bool:
    """Shopify sends line-item properties as `[{"name", "value"}]` (a name → value object in some older
    payloads)."""
    if isinstance(properties, Mapping):
        return properties.get(ORDER_MARK) is not None
    if isinstance(properties, list):
        return any(isinstance(p, Mapping) and p.get("name") == ORDER_MARK for p in properties)
    return False


def _amount(raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw)) if raw not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
    return value if value.is_finite() else Decimal(0)


def _whole(raw: Any, *, default: int) -> int:
    try:
        return max(int(raw), 0)
    except (TypeError, ValueError):
        return default
