"""Recommendations and try-on items for a finished analysis, from the shopper's own store's catalog only.

`enrich_analysis(analysis, result)` is a result enricher (see `plugin_api.jobs.enrichers`): it loads the
merchant's recommendable products — that merchant's, not deleted, features ready, not out of stock when the
platform says so — ranks them with `inference.recommend`, and adds `recommendations`, `tryon.items` and
`closest_shades` to the result. The candidate matrices are cached per merchant and rebuilt only when the
catalog changes.

Add-to-cart is the platform's business: an action stored on the product/variant (demo seed), else
`connectors.cart.add_to_cart` (Shopify /cart/add, WooCommerce ?add-to-cart=, ...), else the product page.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from flask import current_app
from sqlalchemy import func, or_, select

from connectors import cart
from inference import colour
from inference.catalog.category import CATEGORIES, SHADE_CATEGORIES, detect_category
from inference.ranking import Candidate, CandidateSet, RecommendContext, judge, recommend
from plugin_api.extensions import db
from plugin_api.jobs.features import PHOTO_READ
from plugin_api.models import Analysis, Event, Merchant, Product, ShownRecommendation, utcnow
from plugin_api.models.product import without_photo
from plugin_api.services.dashboard_funnel import CART, CLICK
from plugin_api.storage import ObjectNotFound, current_storage
from plugin_api.tenancy import scoped

log = logging.getLogger(__name__)

LIMIT = 12
TRYON_ITEMS = 12
ANALYTICS_WINDOW = timedelta(days=90)
ASSET_URL = "/api/v1/widget/assets/{product_id}.png?key={key}"
_CACHE_SIZE = 32


@dataclass
class _Cached:
    version: tuple
    candidates: CandidateSet


_cache: OrderedDict[int, _Cached] = OrderedDict()
_lock = threading.Lock()


def recommendable(merchant: Merchant):
    """The query of a merchant's products that may be shown to shoppers (tenant-scoped)."""
    return (
        scoped(Product, merchant=merchant)
        .where(Product.deleted.is_(False))
        .where(Product.features_status == "ready")
        .where(Product.in_stock.is_not(False))
        # Without any photo the shopper could neither see the product nor try it on, and Facet read
        # nothing of it but its words: a recommendation would be a blank card with a guess.
        .where(~without_photo())
    )


def _catalog_version(merchant: Merchant) -> tuple:
    count, latest = db.session.execute(
        select(func.count(), func.max(Product.updated_at)).where(Product.merchant_id == merchant.id)
    ).one()
    events = db.session.scalar(
        select(func.count()).where(
            Event.merchant_id == merchant.id,
            Event.type.in_((CLICK, CART)),
        )
    )
    # Analytics only nudge the ranking: refresh the cache every 50 new events, not on each one.
    return (merchant.public_id, count, latest, (events or 0) // 50)


# The widget's `where` for adds from the card judging the page's own product (`result.this_product`).
PAGE_PRODUCT_CARD = "this_product"


def _analytics(merchant: Merchant) -> dict[str, dict[str, float]]:
    """Each product's clicks, add-to-carts and impressions (times it was recommended) over one window, so the
    ranking's prior is an engagement *rate*. Counting engagement alone rewarded whatever was already shown
    most: the products ranked first collect the clicks, and the clicks then keep them first.

    Impressions are the analyses' recommendation rows, which go with their analysis after
    FACET_ANALYSIS_RETENTION_DAYS; the window is cut to that so clicks and impressions cover the same days.
    A rate needs impressions: a product with engagement but none (the frame of the product page the widget
    was opened on, tried on and added from there) is left out rather than given an outsized rate. When
    analyses are not kept at all there are no impressions, and the prior falls back to each product's share
    of engagement."""
    window, with_impressions = analytics_window(current_app.config)
    since = utcnow() - window
    where = Event.properties["where"].as_string()
    rows = db.session.execute(
        select(Event.product_id, Event.type, func.count())
        .where(
            Event.merchant_id == merchant.id,
            Event.occurred_at >= since,
            Event.product_id.is_not(None),
            Event.type.in_((CLICK, CART)),
            # An add from the page product's own verdict card is no engagement with a recommendation.
            or_(where.is_(None), where != PAGE_PRODUCT_CARD),
        )
        .group_by(Event.product_id, Event.type)
    ).all()
    stats: dict[str, dict[str, float]] = {}

    def entry(product_id: str) -> dict[str, float]:
        return stats.setdefault(product_id, {"clicks": 0, "add_to_carts": 0, "impressions": 0})

    for product_id, kind, count in rows:
        entry(product_id)["clicks" if kind == CLICK else "add_to_carts"] += count
    if not with_impressions:
        return stats
    shown = db.session.execute(
        scoped(ShownRecommendation, merchant=merchant)
        .with_only_columns(ShownRecommendation.product_id, func.count())
        .where(ShownRecommendation.queued_at >= since)
        .group_by(ShownRecommendation.product_id)
    )
    for product_id, count in shown:
        entry(product_id)["impressions"] += count
    return {pid: counts for pid, counts in stats.items() if counts["impressions"] > 0}


def analytics_window(config: Mapping[str, Any]) -> tuple[timedelta, bool]:
    """(the window, whether impressions count): ANALYTICS_WINDOW, cut to the days analyses (and with them
    the impressions) are kept; without impressions when analyses are not kept at all (they expire at once,
    and the few an hourly purge has not reached yet would make every rate wrong)."""
    kept = int(config["FACET_ANALYSIS_RETENTION_DAYS"])
    if kept <= 0:
        return ANALYTICS_WINDOW, False
    return min(ANALYTICS_WINDOW, timedelta(days=kept)), True


def candidate_set(merchant: Merchant) -> CandidateSet:
    """The merchant's CandidateSet, rebuilt only when products or analytics changed."""
    version = _catalog_version(merchant)
    with _lock:
        cached = _cache.get(merchant.id)
        if cached is not None and cached.version == version:
            _cache.move_to_end(merchant.id)
            return cached.candidates
    stats = _analytics(merchant)
    candidates = [
        Candidate(
            product_id=p.platform_product_id,
            features=p.features or {},
            title=p.title or "",
            analytics=stats.get(p.platform_product_id),
            payload=_payload(p),
            sold_out_variants=frozenset(
                str(v.get("id")) for v in p.variants or [] if v.get("available") is False
            ),
        )
        for p in db.session.scalars(recommendable(merchant).order_by(Product.id))
    ]
    built = CandidateSet.build(candidates)
    with _lock:
        _cache[merchant.id] = _Cached(version, built)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return built


def _payload(p: Product) -> dict[str, Any]:
    return {
        "id": p.id,
        "platform_product_id": p.platform_product_id,
        "title": p.title,
        "url": p.url,
        # The photo the features were read from: the product's first one, unless that one would not load.
        "image_url": (p.features or {}).get(PHOTO_READ) or (p.image_urls or [None])[0],
        "price": str(p.price) if p.price is not None else None,
        "currency": p.currency,
        "variants": p.variants or [],
        "handle": p.handle,
        "tryon_asset_key": p.tryon_asset_key,
    }


def _variant(payload: dict[str, Any], variant_id: str | None) -> dict[str, Any] | None:
    """The ranked variant, else the first one known to be in stock (a sold-out first variant would make the
    platform refuse the add-to-cart), else the first whose stock is unknown, else the first."""
    variants = payload.get("variants") or []
    for variant in variants:
        if variant_id and str(variant.get("id")) == str(variant_id):
            return variant
    for wanted in (True, None):  # in stock, then unknown, then anything
        for variant in variants:
            if variant.get("available") is wanted:
                return variant
    return variants[0] if variants else None


def add_to_cart(merchant: Merchant, payload: dict[str, Any], variant_id: str | None) -> dict[str, Any] | None:
    """How the widget adds this product to the store's cart, in the store platform's own way."""
    variant = _variant(payload, variant_id)
    # An explicit action stored with the product (the demo platform's seed, or a sync that knows better) wins.
    template = (variant or {}).get("add_to_cart") or payload.get("add_to_cart")
    if template:
        return dict(template)
    return cart.add_to_cart(
        merchant.platform, store_url=merchant.shop_domain, product=payload, variant=variant
    )


def _asset_url(merchant: Merchant, product_id: str) -> str:
    return ASSET_URL.format(product_id=product_id, key=merchant.publishable_key)


def recommendation_views(merchant: Merchant, recs: list) -> list[dict[str, Any]]:
    """The `recommendations` list of the analysis result."""
    views = []
    for rec in recs:
        payload = rec.payload or {}
        views.append(
            {
                "product_id": rec.product_id,
                "variant_id": rec.variant_id,
                "title": payload.get("title") or "",
                "url": payload.get("url"),
                "image_url": payload.get("image_url"),
                "price": payload.get("price"),
                "currency": payload.get("currency"),
                "category": rec.category,
                "shade_name": rec.shade_name,
                "score": rec.score,
                "reasons": rec.reasons,
                "closest_shade": rec.closest_shade,
                "tryon": {"asset_url": _asset_url(merchant, rec.product_id)}
                if payload.get("tryon_asset_key")
                else None,
                "add_to_cart": add_to_cart(merchant, payload, rec.variant_id),
            }
        )
    return views


def closest_shades(result: dict[str, Any], cs: CandidateSet) -> list[dict[str, Any]]:
    """The store's closest in-stock shade per shade category (foundation, concealer) and its ΔE00 to the
    shopper's trusted skin reading.

    Recorded whether or not that shade made the recommendation list: a shopper far from every shade of the
    range is exactly the one a short list leaves it out for, and the merchant dashboard's shade coverage needs
    them counted. The ΔE00 is the plain one (as in the shopper's "closest shade: ΔE 1.8" reason) to the skin
    colour the ranking reads (`skin.lab`; none when `skin.reliable` is false, as the ranking ignores it then),
    over every recommendable shade: on a product page the list's "closest shade" is chosen among the shades
    it may show, so the two can name different shades.
    """
    skin = result.get("skin") or {}
    if skin.get("reliable") is False or not skin.get("lab"):
        return []
    skin_lab = np.asarray(skin["lab"], dtype=np.float64)
    measured = ~np.isnan(cs.lab).any(axis=1)
    found = []
    for name in sorted(SHADE_CATEGORIES):
        rows = np.flatnonzero(measured & (cs.category == CATEGORIES.index(name)))
        if not len(rows):
            continue
        deltas = np.atleast_1d(colour.delta_e_2000(cs.lab[rows], skin_lab))
        best = int(np.argmin(deltas))
        row = int(rows[best])
        found.append(
            {
                "category": name,
                "product_id": cs.candidates[cs.row_candidate[row]].product_id,
                "variant_id": cs.row_variant[row],
                "delta_e": round(float(deltas[best]), 2),
            }
        )
    return found


def tryon_items(
    merchant: Merchant, result: dict[str, Any], cs: CandidateSet, recs: list, current_product: str | None
) -> list[dict[str, Any]]:
    """Placements for the current product first, then recommended frames, then other try-on-able frames."""
    from inference.tryon import place_asset

    order: list[str] = []
    if current_product:
        order.append(current_product)
    order += [r.product_id for r in recs if r.category in ("eyewear", "sunglasses")]
    order += [c.product_id for c in cs.candidates if (c.payload or {}).get("tryon_asset_key")]
    by_id = {c.product_id: c for c in cs.candidates}
    storage = current_storage()
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for pid in order:
        cand = by_id.get(pid)
        if pid in seen or cand is None or not (cand.payload or {}).get("tryon_asset_key"):
            continue
        seen.add(pid)
        key = cand.payload["tryon_asset_key"]
        try:
            import json

            geometry = json.loads(storage.get(key[: -len(".png")] + ".json"))
        except (ObjectNotFound, ValueError):
            log.warning("try-on geometry missing for product %s", pid)
            continue
        placement = place_asset(None, geometry, analysis=result, asset_url=_asset_url(merchant, pid))
        # Every frame a shopper can try on can also be bought from the try-on view, recommended or not (the
        # frame they opened the widget from is often not among the recommendations).
        buy = {"url": cand.payload.get("url"), "add_to_cart": add_to_cart(merchant, cand.payload, None)}
        items.append({"product_id": pid, "title": cand.title, **buy, **placement})
        if len(items) >= TRYON_ITEMS:
            break
    return items


def _unread_page_category(merchant: Merchant, cs: CandidateSet, product_id: str | None) -> str | None:
    """The category of the page's product from its words, when the ranking has no features for it yet (just
    synced, its photo still being read), so that its category still leads the list."""
    if not product_id or product_id in cs.index_by_product:
        return None
    product = db.session.scalars(
        scoped(Product, merchant=merchant)
        .where(Product.platform_product_id == product_id, Product.deleted.is_(False))
        .where(Product.features_status != "ready")
    ).first()
    if product is None:
        return None
    found = detect_category(
        title=product.title or "", product_type=product.product_type or "", tags=product.tags or []
    )
    return found.category if found.category != "other" else None


def enrich_analysis(analysis: Analysis, result: dict[str, Any]) -> dict[str, Any]:
    """Result enricher: add `recommendations`, `this_product` and `tryon.items` (and drop the face mesh once
    used)."""
    merchant = db.session.get(Merchant, analysis.merchant_id)
    if merchant is None:
        return result
    cs = candidate_set(merchant)
    context = RecommendContext(
        product_id=analysis.product_id,
        language=analysis.language or "en",
        lead_category=_unread_page_category(merchant, cs, analysis.product_id),
    )
    recs = recommend(result, cs, limit=LIMIT, context=context)
    result["recommendations"] = recommendation_views(merchant, recs)
    # The page's own product for this shopper ("is this one right for me?"), in or out of the list.
    page = judge(result, cs, analysis.product_id, language=context.language) if analysis.product_id else None
    result["this_product"] = (
        {**recommendation_views(merchant, [page])[0], "suits": page.suits} if page else None
    )
    result["closest_shades"] = closest_shades(result, cs)
    face = result.get("face") or {}
    try:
        if face.get("mesh") is not None:
            result["tryon"] = {"items": tryon_items(merchant, result, cs, recs, analysis.product_id)}
        else:
            result["tryon"] = {"items": []}
    finally:
        # The mesh was requested only to place frames; the stored result keeps no detailed face geometry.
        face.pop("mesh", None)
    return result
