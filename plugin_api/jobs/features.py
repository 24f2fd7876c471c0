"""The catalog features job (queue `catalog`): understand each new or changed product after a sync.

`compute_product_features(merchant_id, product_ids)` is what the sync enqueues. For each product it hashes the
inputs the features depend on (text, variants, image URL, feature and embedding versions) and skips products
whose hash is unchanged (failed ones are retried), so re-running it is cheap and safe. A product whose
image cannot be fetched or
read is
marked `features_status=failed` with the reason; the job carries on with the others. Eyewear try-on assets are
stored as PNG + JSON in the merchant's storage and linked through `Product.tryon_asset_key`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from typing import Any

import requests
from flask import current_app
from sqlalchemy import func, select

from inference.catalog import FEATURES_VERSION, EmbeddingConfig, ProductInfo, extract_product_features
from inference.catalog.category import COLOUR_COSMETIC_CATEGORIES, SHADE_CATEGORIES, detect_category
from inference.catalog.embedding import Embedder, get_embedder
from inference.errors import InferenceError
from plugin_api.extensions import db
from plugin_api.jobs.image_fetch import FetchOptions, ImageFetchError, decode_image, fetch_image_bytes
from plugin_api.models import Merchant, Product, utcnow
from plugin_api.models.product import FeaturesStatus, without_photo
from plugin_api.storage import Storage, current_storage, merchant_key
from plugin_api.tenancy import scoped

log = logging.getLogger(__name__)

BATCH_COMMIT = 20
MAX_SWATCHES = 60  # variant swatch images fetched per shade product
# Photos tried in order when the first will not load: a deleted CDN file among a product's photos should not
# keep it from being understood and recommended; past a few, the product page itself is more likely broken.
MAX_PHOTOS_TRIED = 3
PHOTO_READ = "photo_read"  # in `Product.features`: the photo read when it was not the first


def embedding_config(config: dict[str, Any]) -> EmbeddingConfig:
    """The visual embedding backbone from `FACET_EMBEDDING_MODEL` / `FACET_EMBEDDING_WEIGHTS` (both or
    none)."""
    return EmbeddingConfig(
        model_name=config.get("FACET_EMBEDDING_MODEL") or None,
        weights=config.get("FACET_EMBEDDING_WEIGHTS") or None,
    )


def fetch_options(config: dict[str, Any]) -> FetchOptions:
    """Image fetch limits from `FACET_IMAGE_FETCH_TIMEOUT` (s per read; the whole download gets three times
    that, at least 30 s) and `FACET_IMAGE_MAX_BYTES`; `FACET_IMAGE_ALLOW_PRIVATE` lets a local setup fetch
    from its own network (never in production: store-written URLs would reach Facet's)."""
    timeout = float(config.get("FACET_IMAGE_FETCH_TIMEOUT") or 10)
    return FetchOptions(
        timeout=(min(3.05, timeout), timeout),
        max_bytes=int(config.get("FACET_IMAGE_MAX_BYTES") or 8 * 1024 * 1024),
        max_pixels=int(config.get("FACET_MAX_IMAGE_PIXELS") or 40_000_000),
        total_seconds=max(30.0, 3 * timeout),
        allow_private=str(config.get("FACET_IMAGE_ALLOW_PRIVATE") or "").lower() in ("1", "true", "yes"),
    )


def product_info(product: Product) -> ProductInfo:
    """The text side of a product, as the inference package wants it."""
    return ProductInfo(
        title=product.title or "",
        product_type=product.product_type or "",
        tags=list(product.tags or []),
        description=product.description or "",
        variants=list(product.variants or []),
        attributes=dict(product.attributes or {}),
    )


_VARIANT_INPUTS = ("id", "platform_id", "title", "options", "hex", "colour", "color", "swatch", "image_url")


def features_hash(product: Product, embedding_kind: str) -> str:
    """A digest of every input the features depend on; unchanged → nothing to recompute."""
    payload = {
        "v": FEATURES_VERSION,
        "embedding": embedding_kind,
        "title": product.title,
        "type": product.product_type,
        "tags": sorted(product.tags or []),
        "description": product.description or "",
        "attributes": product.attributes or {},
        # What the features read of each variant: a price or stock change alone recomputes nothing.
        "variants": [{k: v.get(k) for k in _VARIANT_INPUTS} for v in product.variants or []],
        "image": (product.image_urls or [None])[0],
        "swatches": [v.get("image_url") for v in product.variants or [] if v.get("image_url")],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def store_asset(storage: Storage, merchant: Merchant, product: Product, asset: Any) -> str:
    """Save a try-on asset's PNG and geometry JSON; returns the PNG's key."""
    png_key = merchant_key(merchant.public_id, "tryon", f"{product.id}.png")
    storage.put(png_key, asset.to_png(), "image/png")
    storage.put(
        merchant_key(merchant.public_id, "tryon", f"{product.id}.json"),
        asset.to_json().encode(),
        "application/json",
    )
    return png_key


def apply_features(
    product: Product,
    image: Any,
    *,
    merchant: Merchant,
    storage: Storage,
    embedder: Embedder,
    digest: str,
    swatches: dict | None = None,
) -> None:
    """Compute and store one product's features from an already-decoded image (also used by the demo seed)."""
    result = extract_product_features(product_info(product), image, embedder=embedder, swatches=swatches)
    product.features = result.features
    product.features_hash = digest
    product.features_error = None
    product.features_status = FeaturesStatus.READY.value
    if result.asset is not None:
        product.tryon_asset_key = store_asset(storage, merchant, product, result.asset)
    else:
        product.tryon_asset_key = None
        reason = ((result.features.get("eyewear") or {}).get("tryon") or {}).get("reason")
        if reason:
            log.info("product %s: no try-on asset (%s)", product.id, reason)


def _process(
    product: Product,
    merchant: Merchant,
    storage: Storage,
    embedder: Embedder,
    options: FetchOptions,
    http: requests.Session,
    digest: str,
) -> None:
    url, image = _first_photo_that_loads(product, merchant, storage, options, http)
    swatches = _variant_swatches(product, merchant, storage, options, http)
    apply_features(
        product,
        image,
        merchant=merchant,
        storage=storage,
        embedder=embedder,
        digest=digest,
        swatches=swatches,
    )
    if url is not None and url != product.image_urls[0]:
        # The shopper is shown the photo Facet read, not the product's broken first one.
        product.features = {**(product.features or {}), PHOTO_READ: url}


def _first_photo_that_loads(
    product: Product, merchant: Merchant, storage: Storage, options: FetchOptions, http: requests.Session
) -> tuple[str | None, Any]:
    """The product's first photo that can be fetched and decoded, and its URL; (None, None) without photos.
    When none of the first `MAX_PHOTOS_TRIED` loads, the first one's error is raised (and stored)."""
    first_error: ImageFetchError | None = None
    for position, url in enumerate((product.image_urls or [])[:MAX_PHOTOS_TRIED], start=1):
        try:
            data = fetch_image_bytes(
                url, storage=storage, public_id=merchant.public_id, session=http, options=options
            )
            return url, decode_image(data, max_pixels=options.max_pixels)
        except ImageFetchError as exc:
            log.info(
                "product %s: photo %d of %d skipped (%s)",
                product.id,
                position,
                len(product.image_urls),
                exc.reason,
            )
            first_error = first_error or exc
    if first_error is not None:
        tried = min(len(product.image_urls), MAX_PHOTOS_TRIED)
        if tried > 1:
            raise ImageFetchError(f"none of its first {tried} photos loads; the first: {first_error.reason}")
        raise first_error
    return None, None


def _variant_swatches(
    product: Product, merchant: Merchant, storage: Storage, options: FetchOptions, http: requests.Session
) -> dict[str, Any]:
    """Per-variant images of shade products (WooCommerce variations carry one): each shows that shade.

    Only fetched when the text already says "shade product"; a swatch that fails to load is skipped (the
    variant then falls back to its name), it does not fail the product.
    """
    variants = [v for v in product.variants or [] if v.get("image_url") and v.get("id")]
    if not variants:
        return {}
    text = detect_category(
        title=product.title or "", product_type=product.product_type or "", tags=product.tags or []
    )
    if text.category not in SHADE_CATEGORIES | COLOUR_COSMETIC_CATEGORIES:
        return {}
    swatches: dict[str, Any] = {}
    for variant in variants[:MAX_SWATCHES]:
        try:
            data = fetch_image_bytes(
                variant["image_url"],
                storage=storage,
                public_id=merchant.public_id,
                session=http,
                options=options,
            )
            swatches[str(variant["id"])] = decode_image(data, max_pixels=options.max_pixels)
        except ImageFetchError as exc:
            log.info("product %s variant %s: swatch skipped (%s)", product.id, variant["id"], exc.reason)
    return swatches


def compute_product_features(
    merchant_id: int, product_ids: Iterable[int] | None = None, *, force: bool = False
) -> dict[str, int]:
    """Compute features for the merchant's new/changed products (all of them when `product_ids` is None)."""
    merchant = db.session.get(Merchant, merchant_id)
    if merchant is None:
        log.warning("features job: merchant %s no longer exists", merchant_id)
        return {}
    config = current_app.config
    embedder = get_embedder(embedding_config(config))
    options = fetch_options(config)
    storage = current_storage()
    query = scoped(Product, merchant=merchant).where(Product.deleted.is_(False)).order_by(Product.id)
    if product_ids is not None:
        query = query.where(Product.id.in_(list(product_ids)))
    counts = {"computed": 0, "unchanged": 0, "failed": 0}
    with requests.Session() as http:
        for index, product in enumerate(db.session.scalars(query).all(), start=1):
            digest = features_hash(product, embedder.status.kind)
            # Failed products are retried on every run: a CDN timeout or 5xx is usually transient.
            if not force and product.features_hash == digest and product.features_status == "ready":
                counts["unchanged"] += 1
                continue
            try:
                _process(product, merchant, storage, embedder, options, http, digest)
                counts["computed"] += 1
            except (ImageFetchError, InferenceError) as exc:
                _fail(product, digest, getattr(exc, "reason", None) or str(exc))
                counts["failed"] += 1
            except Exception as exc:  # one odd product must not stop a catalog of thousands
                log.exception("features failed for product %s", product.id)
                _fail(product, digest, f"internal error: {type(exc).__name__}")
                counts["failed"] += 1
            if index % BATCH_COMMIT == 0:
                db.session.commit()
    db.session.commit()
    update_catalog_status(merchant, embedder)
    log.info("features for merchant %s: %s", merchant_id, counts)
    return counts


def _fail(product: Product, digest: str, reason: str) -> None:
    product.features_status = FeaturesStatus.FAILED.value
    product.features_error = reason[:500]
    product.features_hash = digest
    log.warning("features failed for product %s: %s", product.id, reason)


def update_catalog_status(merchant: Merchant, embedder: Embedder) -> None:
    """Record on the merchant what the catalog intelligence is running on and how many products are ready."""
    rows = db.session.execute(
        select(Product.features_status, func.count())
        .where(Product.merchant_id == merchant.id, Product.deleted.is_(False))
        .group_by(Product.features_status)
    ).all()
    tryon = db.session.scalar(
        select(func.count()).where(
            Product.merchant_id == merchant.id,
            Product.deleted.is_(False),
            Product.tryon_asset_key.is_not(None),
        )
    )
    unread_shades = db.session.execute(
        select(Product.title)
        .where(
            Product.merchant_id == merchant.id,
            Product.deleted.is_(False),
            Product.features_status == FeaturesStatus.READY.value,
            Product.features["shades_unread"].as_integer() > 0,
        )
        .order_by(Product.id)
    ).scalars()
    unread_titles = list(unread_shades)
    no_photo = db.session.scalars(
        select(Product.title)
        .where(
            Product.merchant_id == merchant.id,
            Product.deleted.is_(False),
            without_photo(),
        )
        .order_by(Product.id)
    ).all()
    merchant.catalog_status = {
        "embedding": embedder.status.as_dict(),
        "features": {status: count for status, count in rows},
        "tryon_assets": int(tryon or 0),
        # Shade products with shades no colour could be read for: the merchant is told which, and how to fix.
        "shades_unread": {"products": len(unread_titles), "examples": unread_titles[:3]},
        # Products without any photo are never recommended (`recommendations.recommendable`): the merchant
        # is told which, so that they add one.
        "no_photo": {"products": len(no_photo), "examples": no_photo[:3]},
        "updated_at": utcnow().isoformat(),
    }
    db.session.commit()
