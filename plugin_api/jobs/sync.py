"""Catalog sync jobs (queue `catalog`): full import, incremental updates, polling and webhook upserts.

A sync walks the connector's pages in product-id order and commits each page together with its resume point
(`Merchant.sync_state["cursor"]`), so a crash, a dropped connection or a rate limit that outlasts the retries
loses at most one page: the next run (RQ's retry, the scheduler or `flask facet sync`) continues from there.
A full sync also soft-deletes products missing from each page's id range (`connector.confirm_gone`).
"""

from __future__ import annotations

import bisect
import importlib
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from connectors import PLATFORMS, CatalogProduct, ConnectorError
from plugin_api.config import env_flag
from plugin_api.extensions import db
from plugin_api.jobs.queueing import CATALOG_QUEUE, current_jobs
from plugin_api.models import Merchant, MerchantStatus, Product, utcnow
from plugin_api.services.installs import connector_for, purge_merchant, save_session, session_for
from plugin_api.tenancy import scoped

log = logging.getLogger(__name__)

POLL_EVERY = timedelta(minutes=15)
FULL_SYNC_EVERY = timedelta(hours=24)
# Re-read a little before the watermark: platform clocks and replication lag can reorder updates.
INCREMENTAL_OVERLAP = timedelta(minutes=2)
STALE_RUN = timedelta(hours=1)
COUNT_KEYS = ("seen", "created", "updated", "unchanged", "deactivated", "deleted")
FEATURES_JOB = "plugin_api.jobs.features.compute_product_features"


def zero_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KEYS, 0)


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# -- upserts (shared with webhooks) ------------------------------------------------------------------------
def product_values(p: CatalogProduct) -> dict[str, Any]:
    """Product column values for a CatalogProduct (currency omitted when the payload does not carry it)."""
    values: dict[str, Any] = {
        "title": p.title[:512],
        "handle": (p.handle or None) and p.handle[:512],
        "url": p.url,
        "vendor": (p.vendor or None) and p.vendor[:255],
        "product_type": (p.product_type or None) and p.product_type[:255],
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


def upsert_products(merchant: Merchant, products: list[CatalogProduct], counts: dict[str, int]) -> list[int]:
    """Insert or update rows by platform product id; return the ids of rows that are new or changed."""
    if not products:
        return []
    by_id = {p.platform_id: p for p in products}  # a page may repeat a product; the last copy wins
    existing = {
        row.platform_product_id: row
        for row in db.session.scalars(
            scoped(Product, merchant=merchant).where(Product.platform_product_id.in_(list(by_id)))
        )
    }
    now = utcnow()
    touched: list[Product] = []
    for pid, product in by_id.items():
        values = product_values(product)
        counts["seen"] += 1
        row = existing.get(pid)
        if row is None:
            row = Product(merchant_id=merchant.id, platform_product_id=pid, **values)
            row.deleted_at = now if row.deleted else None
            db.session.add(row)
            counts["created" if product.active else "deactivated"] += 1
            touched.append(row)
            continue
        stored, incoming = row.platform_updated_at, product.updated_at
        # Webhooks arrive out of order: never let an older copy overwrite a newer one.
        stale = stored is not None and incoming is not None and incoming < stored
        diff = {} if stale else {k: v for k, v in values.items() if getattr(row, k) != v}
        if not diff:
            counts["unchanged"] += 1
            continue
        for key, value in diff.items():
            setattr(row, key, value)
        if "deleted" in diff:
            row.deleted_at = now if row.deleted else None
        counts["updated" if product.active else "deactivated"] += 1
        touched.append(row)
    db.session.flush()
    return [row.id for row in touched if not row.deleted]


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


def after_sync(merchant_id: int, changed_product_ids: list[int]) -> None:
    """The one call point after products were created/changed: enqueue catalog feature computation."""
    if not changed_product_ids or not env_flag(current_app.config, "FACET_SYNC_FEATURES", True):
        return
    module_name, _, func = FEATURES_JOB.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        log.info("no features job installed; %d changed products not enqueued", len(changed_product_ids))
        return
    if not hasattr(module, func):
        log.warning("%s has no %s(); features not enqueued", module_name, func)
        return
    current_jobs().enqueue(FEATURES_JOB, merchant_id, sorted(set(changed_product_ids)), queue=CATALOG_QUEUE)


# -- jobs ------------------------------------------------------------------------------------------------
def after_install(merchant_id: int) -> None:
    """Register the store's webhooks, then import the whole catalog."""
    merchant = db.session.get(Merchant, merchant_id)
    if merchant is None or not merchant.is_installed:
        return
    session = session_for(merchant)
    state = dict(merchant.sync_state or {})
    try:
        ids = connector_for(merchant.platform).register_webhooks(
            session, public_url=current_app.config["FACET_PUBLIC_URL"], merchant_key=merchant.public_id
        )
        state["webhooks"] = {"registered": len(ids), "at": utcnow().isoformat(), "error": None}
    except ConnectorError as exc:
        # The import is still worth doing; the daily full sync covers changes until webhooks work.
        log.warning("webhook registration failed for %s: %s", merchant.shop_domain, exc)
        state["webhooks"] = {
            "registered": 0,
            "at": utcnow().isoformat(),
            "error": f"{exc.code}: {exc.message}",
        }
    save_session(merchant, session)
    merchant.sync_state = state
    db.session.commit()
    sync_merchant(merchant_id, full=True)


def sync_merchant(merchant_id: int, full: bool = False) -> dict[str, int]:
    """Sync one merchant's catalog (full, or incremental from the watermark), resuming an interrupted run."""
    merchant = db.session.get(Merchant, merchant_id)
    if merchant is None or not merchant.is_installed:
        log.info("merchant %s is not installed; not syncing", merchant_id)
        return {}
    state = dict(merchant.sync_state or {})
    resumable = state.get("status") in ("running", "failed") and state.get("cursor") is not None
    if resumable and (state.get("mode") == "full" or not full):
        state["resumes"] = int(state.get("resumes") or 0) + 1
        log.info("resuming %s sync of %s at cursor %s", state["mode"], merchant.shop_domain, state["cursor"])
    else:
        mode = "full" if full or not state.get("watermark") else "incremental"
        since = None if mode == "full" else _parse(state["watermark"]) - INCREMENTAL_OVERLAP
        state.update(
            mode=mode,
            cursor=None,
            last_id=None,
            since=since and since.isoformat(),
            resumes=0,
            counts=zero_counts(),
            pages=0,
            run_started_at=utcnow().isoformat(),
            run_watermark=None,
        )
    state.update(status="running", last_error=None, heartbeat_at=utcnow().isoformat())
    merchant.sync_state = state
    db.session.commit()
    return _run(merchant, state)


def _run(merchant: Merchant, state: dict[str, Any]) -> dict[str, int]:
    connector = connector_for(merchant.platform)
    session = session_for(merchant)
    full = state["mode"] == "full"
    counts: dict[str, int] = {**zero_counts(), **(state.get("counts") or {})}
    known = _known_ids(merchant) if full else []
    changed: list[int] = []
    lower = state.get("last_id")
    merchant_id = merchant.id
    try:
        pages = connector.iter_products(session, since=_parse(state.get("since")), cursor=state.get("cursor"))
        for page in pages:
            changed += upsert_products(merchant, page.products, counts)
            numeric = [int(p.platform_id) for p in page.products if p.platform_id.isdigit()]
            upper = max(numeric, default=lower) if page.next_cursor else None
            if full:
                missing = _missing(known, lower, upper, set(numeric))
                if missing:
                    counts["deleted"] += soft_delete(merchant, connector.confirm_gone(session, missing))
            # Everything below lands in one commit; `state` only moves on once it has.
            pending = dict(state)
            stamps = [p.updated_at for p in page.products if p.updated_at]
            if stamps:
                prev = _parse(state.get("run_watermark"))
                pending["run_watermark"] = max([*stamps, *([prev] if prev else [])]).isoformat()
            save_session(merchant, session)
            pending.update(
                cursor=page.next_cursor,
                last_id=upper,
                counts=dict(counts),
                pages=int(state.get("pages") or 0) + 1,
                heartbeat_at=utcnow().isoformat(),
            )
            db.session.refresh(merchant, ["status", "sync_state"])
            if not merchant.is_installed:  # an uninstall landed mid-sync: keep its state, drop this page
                db.session.rollback()
                log.info("merchant %s uninstalled mid-sync; stopping", merchant_id)
                return counts
            merchant.sync_state = pending
            db.session.commit()  # the page and its resume point land together
            state, lower = pending, upper
    except Exception as exc:
        db.session.rollback()
        merchant = db.session.get(Merchant, merchant_id)
        code = exc.code if isinstance(exc, ConnectorError) else "internal_error"
        state.update(
            status="failed", last_error={"code": code, "message": str(exc)[:500], "at": utcnow().isoformat()}
        )
        if merchant is not None and merchant.is_installed:
            save_session(merchant, session)
            merchant.sync_state = dict(state)
            db.session.commit()
            after_sync(merchant_id, changed)
        log.warning("sync of merchant %s failed at cursor %s: %s", merchant_id, state.get("cursor"), exc)
        raise
    db.session.refresh(merchant, ["status", "sync_state"])
    if not merchant.is_installed:
        return counts
    now = utcnow().isoformat()
    watermarks = [w for w in (state.get("watermark"), state.get("run_watermark")) if w]
    state.update(
        status="ok",
        cursor=None,
        last_id=None,
        last_sync_at=now,
        last_counts=dict(counts),
        watermark=max(watermarks, key=_parse) if watermarks else None,
    )
    if full:
        state["last_full_sync_at"] = now
    merchant.sync_state = dict(state)
    db.session.commit()
    after_sync(merchant.id, changed)
    log.info("%s sync of %s done: %s", state["mode"], merchant.shop_domain, counts)
    return counts


def _known_ids(merchant: Merchant) -> list[int]:
    rows = db.session.scalars(
        select(Product.platform_product_id).where(
            Product.merchant_id == merchant.id, Product.deleted.is_(False)
        )
    )
    return sorted(int(r) for r in rows if r.isdigit())


def _missing(known: list[int], lower: int | None, upper: int | None, seen: set[int]) -> list[str]:
    """Known live ids in (lower, upper] that the page did not return (upper None = to the end)."""
    start = 0 if lower is None else bisect.bisect_right(known, lower)
    end = len(known) if upper is None else bisect.bisect_right(known, upper)
    return [str(i) for i in known[start:end] if i not in seen]


def schedule_polls(now: datetime | None = None) -> dict[str, int]:
    """Every 15 min: enqueue due syncs (polling platforms incrementally, everyone fully once a day) and
    purge merchants whose post-uninstall retention ran out."""
    now = now or utcnow()
    polling = {p for p in PLATFORMS if connector_for(p).needs_polling}
    enqueued = purged = 0
    for merchant in db.session.scalars(select(Merchant).where(Merchant.platform.in_(PLATFORMS))).all():
        state = merchant.sync_state or {}
        if merchant.status == MerchantStatus.UNINSTALLED.value:
            delete_after = _parse(state.get("data_delete_after"))
            if delete_after and delete_after <= now:
                purge_merchant(merchant)
                purged += 1
            continue
        heartbeat = _parse(state.get("heartbeat_at"))
        if state.get("status") == "running" and heartbeat and now - heartbeat < STALE_RUN:
            continue  # a live run is in progress
        last_full, last_any = _parse(state.get("last_full_sync_at")), _parse(state.get("last_sync_at"))
        full = last_full is None or now - last_full >= FULL_SYNC_EVERY
        due = full or (merchant.platform in polling and (last_any is None or now - last_any >= POLL_EVERY))
        if due:
            current_jobs().enqueue(
                "plugin_api.jobs.sync.sync_merchant",
                merchant.id,
                full=full,
                queue=CATALOG_QUEUE,
                job_id=f"sync-{merchant.id}",
            )
            enqueued += 1
    return {"enqueued": enqueued, "purged": purged}
