"""What a product category is called where people read it: the demo store's shelves, the merchant dashboard.

The catalog's category codes (`inference.catalog.category`) are machine values; "eyewear" reads as
"Eyeglasses" on a shelf and in a report alike.
"""

from __future__ import annotations

CATEGORY_LABELS = {
    "eyewear": "Eyeglasses",
    "sunglasses": "Sunglasses",
    "foundation": "Foundation",
    "concealer": "Concealer",
    "lipstick": "Lipstick",
    "blush": "Blush",
    "apparel": "Clothing",
    "accessory": "Accessories",
}


def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category.replace("_", " ").title())
