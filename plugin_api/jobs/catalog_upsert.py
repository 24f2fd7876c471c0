"""Product upserts shared by the sync job and the webhooks: race-safe against a concurrent writer.

Two writers can insert the same platform product at once (a webhook during a sync, or two syncs before the
per-merchant lock existed). New rows therefore go in with `INSERT ... ON CONFLICT DO NOTHING` (PostgreSQL and
SQLite both speak it); a row someone else inserted in between is then read back and updated like any existing
row, instead of the unique constraint failing the whole page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from connectors import CatalogProduct
from plugin_api.extensions import db
from plugin_api.models import Merchant, Product, utcnow
from plugin_api.tenancy import scoped

# `Merchant.sync_state` key: the store's currency, as the last sync's products gave it. Some payloads carry
# prices without it (Shopify's products/* webhook bodies): a product new to Facet takes this one, or it would
# have no currency until the next full sync and show a yen price as a bare "5,500.00".
STORE_CURRENCY = "currency"
# Enough for a spec table; a long story about the brand adds nothing the features read.
DESCRIPTION_CHARS = 2000
_TAG = re.compile(r"<[^>]*>")


def plain_text(markup: str) -> str:
    """A description as words: platforms send HTML (webhook bodies, WooCommerce, Magento) or plain text
    (Shopify's GraphQL), and both must store the same string, or every webhook would look like a change."""
    return " ".join(html.unescape(_TAG.sub(" ", markup or "")).split())


def product_values(p: CatalogProduct) -> dict[str, Any]:
    """Product column values for a CatalogProduct (currency omitted when the payload does not carry it)."""
    values: dict[str, Any] = {
        "title": p.title[:512],
        "handle": (p.handle or None) and p.handle[:512],
        "url": p.url,
        "vendor": (p.vendor or None) and p.vendor[:255],
        "product_type": (p.product_type or None) and p.product_type[:255],
        "description": plain_text(p.description)[:DESCRIPTION_CHARS],
        "attributes": {
            str(k)[:100]: plain_text(str(v))[:200] for k, v in list((p.attributes or {}).items())[:40]
        },
        "tags": list(p.tags),
        "price": p.price.quantize(Decimal("0.01")) if p.price is not None else None,
        "variants": list(p.variants),
        "image_urls": list(p.image_urls),
        "status": "active" if p.active else "inactive",
        "in_stock": p.in_stock,
        "platform_updated_at": p.updated_at,
        # Drafts/archived/disabled products must never be recommended: they are soft-deleted too.
        "deleted": not p.active,
    }
    if p.currency:
        values["currency"] = p.currency[:3]
    return values


def _insert_new(merchant: Merchant, products: dict[str, CatalogProduct]) -> dict[str, int]:
    """Insert rows that do not exist yet; returns {platform id: row id} of the rows this call inserted."""
    now = utcnow()
    rows = []
    for pid, product in products.items():
        values = product_values(product)
        rows.append(
            {
                "merchant_id": merchant.id,
                "platform_product_id": pid,
                **values,
                "deleted_at": now if values["deleted"] else None,
            }
        )
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(Product)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["merchant_id", "platform_product_id"])
        .returning(Product.platform_product_id, Product.id)
    )
    return {pid: row_id for pid, row_id in db.session.execute(stmt)}


def _apply(row: Product, product: CatalogProduct, counts: dict[str, int]) -> bool:
    """Update an existing row from a product; True when something changed."""
    values = product_values(product)
    if product.in_stock is None:
        del values["in_stock"]  # the payload could not say: keep what the last full read found
    if product.attributes is None:
        del values["attributes"]  # likewise
    values["variants"] = _keep_known_availability(values["variants"], row.variants or [])
    stored, incoming = row.platform_updated_at, product.updated_at
    # Webhooks arrive out of order: never let an older copy overwrite a newer one.
    stale = stored is not None and incoming is not None and incoming < stored
    diff = {} if stale else {k: v for k, v in values.items() if getattr(row, k) != v}
    if not diff:
        counts["unchanged"] += 1
        return False
    for key, value in diff.items():
        setattr(row, key, value)
    if "deleted" in diff:
        row.deleted_at = utcnow() if row.deleted else None
    counts["updated" if product.active else "deactivated"] += 1
    return True


def _keep_known_availability(
    incoming: list[dict[str, Any]], stored: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Variants whose availability the payload cannot say (`available: None`, a Shopify webhook's untracked
    or sold-out variant) keep what the last full read found, so add-to-cart still skips a sold-out one."""
    known = {str(v.get("id")): v.get("available") for v in stored if v.get("available") is not None}
    return [
        {**v, "available": known[str(v.get("id"))]}
        if v.get("available") is None and str(v.get("id")) in known
        else v
        for v in incoming
    ]


def _existing(merchant: Merchant, pids: list[str]) -> dict[str, Product]:
    return {
        row.platform_product_id: row
        for row in db.session.scalars(
            scoped(Product, merchant=merchant).where(Product.platform_product_id.in_(pids))
        )
    }


def upsert_products(merchant: Merchant, products: list[CatalogProduct], counts: dict[str, int]) -> list[int]:
    """Insert or update rows by platform product id; return the ids of rows that are new or changed."""
    if not products:
        return []
    remembered = (merchant.sync_state or {}).get(STORE_CURRENCY)
    # A page may repeat a product; the last copy wins.
    by_id = {
        p.platform_id: p if p.currency or not remembered else replace(p, currency=remembered)
        for p in products
    }
    counts["seen"] += len(by_id)
    existing = _existing(merchant, list(by_id))
    changed: list[int] = []
    new = {pid: p for pid, p in by_id.items() if pid not in existing}
    if new:
        inserted = _insert_new(merchant, new)
        for pid, row_id in inserted.items():
            active = new[pid].active
            counts["created" if active else "deactivated"] += 1
            if active:
                changed.append(row_id)
        raced = [pid for pid in new if pid not in inserted]
        if raced:  # another writer inserted these between our read and our insert: update them instead
            existing.update(_existing(merchant, raced))
    for pid, row in existing.items():
        if _apply(row, by_id[pid], counts) and not row.deleted:
            changed.append(row.id)
    db.session.flush()
    return changed


def soft_delete(merchant: Merchant, platform_ids: Iterable[str]) -> int:
    """Mark products deleted (kept for analytics/history); returns how many rows changed."""
    ids = list(platform_ids)
    if not ids:
        return 0
    result = db.session.execute(
        update(Product)
        .where(
            Product.merchant_id == merchant.id,
            Product.platform_product_id.in_(ids),
            Product.deleted.is_(False),
        )
        .values(deleted=True, deleted_at=utcnow())
    )
    return int(result.rowcount or 0)


def live_ids(merchant: Merchant) -> list[str]:
    """Platform ids of the merchant's live (not soft-deleted) products."""
    return list(
        db.session.scalars(
            select(Product.platform_product_id).where(
                Product.merchant_id == merchant.id, Product.deleted.is_(False)
            )
        )
    )
