"""Deterministic, cheap product catalogs for the fake stores (eyewear-heavy, like Facet's customers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)
SHAPES = ("round", "square", "aviator", "cat-eye", "rectangle", "oval", "browline", "geometric")
COLOURS = ("black", "tortoise", "gold", "silver", "clear", "blue", "red", "green", "pink", "brown")
KINDS = ("Sunglasses", "Eyeglasses", "Sunglasses", "Eyeglasses", "Lipstick", "Foundation", "Earrings", "Hat")
VENDORS = ("Lumen Optics", "Northbrow", "Solace", "Kite & Co", "Verre")


@dataclass
class Variant:
    id: int
    title: str
    sku: str
    price: str
    colour: str
    in_stock: bool
    tracked: bool = True  # False: the store does not count it (made to order), so it is always for sale
    image: str | None = None  # the variant's own photo (a shade's swatch), a path like the product's images


@dataclass
class Product:
    id: int
    title: str
    handle: str
    vendor: str
    kind: str
    tags: list[str]
    price: str
    variants: list[Variant]
    images: list[str]  # file paths like `/f/a/facet-1001-1.jpg`
    updated_at: datetime
    description: str
    variable: bool
    in_stock: bool = True
    published: bool = True  # to the storefront (Shopify's Online Store channel)
    category_id: int = 0
    # Shopify metafields, "namespace.key" → (type, value as Shopify stores it: text, or JSON for a dimension).
    metafields: dict[str, tuple[str, str]] = field(default_factory=dict)


def generate(count: int, *, first_id: int = 1001, variable_every: int = 10) -> list[Product]:
    """`count` products; every `variable_every`-th has three colour variants (others one)."""
    products = []
    for n in range(count):
        pid = first_id + n
        shape, colour = SHAPES[n % len(SHAPES)], COLOURS[(n // 3) % len(COLOURS)]
        kind = KINDS[n % len(KINDS)]
        title = f"{shape.title()} {colour} {kind.lower()} {pid}"
        handle = f"{shape}-{colour}-{kind.lower()}-{pid}"
        price = f"{49 + (n * 7) % 150}.{(n * 13) % 100:02d}"
        variable = variable_every > 0 and n % variable_every == 0
        colours = (
            [colour, COLOURS[(n + 3) % len(COLOURS)], COLOURS[(n + 6) % len(COLOURS)]]
            if variable
            else [colour]
        )
        variants = [
            Variant(
                id=pid * 10 + i,
                title=c,
                sku=f"SKU-{pid}-{i}",
                price=price if i == 0 else f"{float(price) + 10 * i:.2f}",
                colour=c,
                in_stock=(n + i) % 17 != 0,
                image=f"/{handle[0]}/{handle[1]}/{handle}-{c}.jpg" if variable else None,
            )
            for i, c in enumerate(colours)
        ]
        products.append(
            Product(
                id=pid,
                title=title,
                handle=handle,
                vendor=VENDORS[n % len(VENDORS)],
                kind=kind,
                tags=[shape, colour, kind.lower()],
                price=price,
                variants=variants,
                images=[f"/{handle[0]}/{handle[1]}/{handle}-{i}.jpg" for i in (1, 2)],
                updated_at=BASE_TIME + timedelta(minutes=n),
                description=f"{shape} frame in {colour}",
                variable=variable,
                in_stock=any(v.in_stock for v in variants),
                category_id=3 + KINDS.index(kind),
            )
        )
    return products


class EditableCatalog:
    """Store-admin edits every fake platform offers its tests: change a product (bumping its `updated_at`, as
    the platforms do) or remove it."""

    products: dict[int, Product]

    def update_product(self, pid: int, **changes: Any) -> Product:
        product = self.products[pid]
        for key, value in changes.items():
            setattr(product, key, value)
        product.updated_at = datetime.now(UTC).replace(microsecond=0)
        return product

    def sell_out(self, pid: int) -> Product:
        """An order took the last of it: its stock changes, its update time does not (Magento's salable
        quantity), so only a stock check sees it."""
        product = self.products[pid]
        for variant in product.variants:
            variant.in_stock = False
        product.in_stock = False
        return product

    def delete_product(self, pid: int) -> None:
        del self.products[pid]
