"""Add-to-cart, the way each platform's storefront does it: the action the widget runs for a recommendation.

Each connector knows its storefront's own add (`Connector.cart_action`: Shopify's `POST /cart/add`,
WooCommerce's `?add-to-cart=`); `add_to_cart` asks the store's connector and otherwise opens the product page.
The widget runs inside the store's own page, so relative URLs resolve against the storefront (custom
domains included) and the shopper's cart cookie applies. `LINK` means "open the product page": the only safe
choice when options must be picked or the platform has no simple add-to-cart URL. `ajax_url`, when present,
is the same request the page can make in the background (same method and fields), so the shopper keeps
their results and adds more; `cart_url` is where "View cart" goes.

Where the platform carries a line-item property from the cart to the order (Shopify, `marks_orders`), Facet's
own add marks its item (`ORDER_MARK`), and `items_added_with_facet` finds the marked items in that platform's
order payload: the dashboard counts what shoppers bought after adding it with Facet's button. The mark says
only that the button was used: no analysis or shopper id, so an order (which names a customer) is never tied
to anyone's photo or readings.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.base import FacetItem
from connectors.registry import PLATFORMS, connector_class

# A line-item property name Shopify's storefront hides from the shopper (leading underscore) and keeps on the
# order's line item, with the value Facet gives it.
ORDER_MARK = "_facet"
ORDER_MARK_VALUE = "added with Facet"
# Shopify's `source_name` of the orders a subscription app creates at each renewal; they copy the first
# order's line-item properties, mark included, but nobody pressed a button for them.
_RENEWAL_SOURCE = "subscription_contract"


def add_to_cart(
    platform: str, *, store_url: str, product: Mapping[str, Any], variant: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The widget's add-to-cart action for one product/variant: the platform's own add where its connector
    has one, else the product page; None when there is neither."""
    action = None
    if platform in PLATFORMS:
        action = connector_class(platform).cart_action(store_url=store_url, product=product, variant=variant)
    if action is None and product.get("url"):
        # Magento (configurable products need their options chosen) and anything else: the product page.
        return {"method": "LINK", "url": product["url"], "kind": "product_page"}
    return action


def variant_id_of(variant: Mapping[str, Any] | None) -> str | None:
    """The platform's id of a variant, as text; None when it has none."""
    return str((variant or {}).get("id") or "") or None


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
