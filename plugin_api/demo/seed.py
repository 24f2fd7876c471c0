"""Seed the demo merchant's catalog: upsert the generated products, store their photos, compute features."""

from __future__ import annotations

import logging

from sqlalchemy import select

from connectors.cart import ORDER_MARK, ORDER_MARK_VALUE
from inference.catalog.embedding import get_embedder
from plugin_api.demo.catalog import DemoProduct, generate_demo_catalog, png_bytes
from plugin_api.extensions import db
from plugin_api.jobs.catalog_upsert import soft_delete
from plugin_api.jobs.features import apply_features, embedding_config, features_hash, update_catalog_status
from plugin_api.models import Merchant, Product, utcnow
from plugin_api.storage import current_storage, merchant_key

log = logging.getLogger(__name__)


def demo_add_to_cart(platform_id: str) -> dict:
    """The demo platform's add-to-cart: the demo store's own cart endpoint (its `/cart/add`)."""
    return {
        "method": "POST",
        "url": "/demo/cart/add",
        # Shopify's hidden line-item property, which the demo cart keeps and its orders bring back.
        "fields": {"id": platform_id, f"properties[{ORDER_MARK}]": ORDER_MARK_VALUE},
        "ajax_url": "/demo/cart/add",
        "cart_url": "/demo/cart",
    }


def seed_demo_catalog(
    merchant: Merchant, *, config: dict, catalog: list[DemoProduct] | None = None
) -> dict[str, int]:
    """Create or refresh the demo catalog (`generate_demo_catalog()` unless given) with features computed.

    Idempotent: unchanged products are skipped. Products an earlier version of the demo generated and this one
    does not (the foundation range was renumbered) are retired as a platform sync would retire them, so a
    re-seeded demo store never shows two ranges at once.
    """
    catalog = generate_demo_catalog() if catalog is None else catalog
    storage = current_storage()
    embedder = get_embedder(embedding_config(config))
    existing = {
        p.platform_product_id: p
        for p in db.session.scalars(select(Product).where(Product.merchant_id == merchant.id))
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for item in catalog:
        product = existing.get(item.platform_id)
        created = product is None
        if created:
            product = Product(merchant_id=merchant.id, platform_product_id=item.platform_id)
            db.session.add(product)
            counts["created"] += 1
        filename = f"{item.platform_id}.png"
        product.title = item.title
        product.handle = item.platform_id
        product.url = f"/demo/products/{item.platform_id}"
        product.vendor = item.vendor
        product.product_type = item.product_type
        product.tags = item.tags
        product.price = item.price
        product.currency = "USD"
        product.variants = [{**v, "add_to_cart": demo_add_to_cart(item.platform_id)} for v in item.variants]
        product.image_urls = [f"/api/v1/widget/media/{merchant.public_id}/{filename}"]
        product.status = "active"
        product.in_stock = item.in_stock
        product.deleted, product.deleted_at = False, None
        db.session.flush()
        digest = features_hash(product, embedder.status.kind)
        if product.features_hash == digest and product.features_status == "ready":
            counts["unchanged"] += 1
            continue
        storage.put(merchant_key(merchant.public_id, "catalog", filename), png_bytes(item.image), "image/png")
        apply_features(
            product, item.image, merchant=merchant, storage=storage, embedder=embedder, digest=digest
        )
        if not created:
            counts["updated"] += 1
    counts["retired"] = soft_delete(merchant, set(existing) - {item.platform_id for item in catalog})
    # The seed is the demo platform's catalog sync: the merchant dashboard then reads "imported", not
    # "importing", and shows when it ran.
    synced = {"status": "ok", "last_sync_at": utcnow().isoformat()}
    merchant.sync_state = {**(merchant.sync_state or {}), **synced}
    db.session.commit()
    update_catalog_status(merchant, embedder)
    return counts
