"""Add-to-cart, the way each platform's storefront does it: the action the widget runs for a recommendation.

The widget runs inside the store's own page, so relative URLs resolve against the storefront (custom
domains included) and the shopper's cart cookie applies. `LINK` means "open the product page": the only safe
choice when options must be picked or the platform has no simple add-to-cart URL. `ajax_url`, when present,
is the same request the page can make in the background (same method and fields), so the shopper keeps
their results and adds more; `cart_url` is where "View cart" goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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
            "fields": {"id": variant_id, "quantity": 1},
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
