"""Catalog sync jobs (queue `catalog`): full import, incremental updates, polling and webhook upserts.

A sync walks the connector's pages in product-id order and commits each page together with its resume point
(`Merchant.sync_state["cursor"]`), so a crash, a dropped connection or a rate limit that outlasts the retries
loses at most one page: the next run (RQ's retry, the scheduler or `flask facet sync`) continues from there.
A full sync also soft-deletes products missing from each page's id range (`connector.confirm_gone`); an
incremental run asks connectors that can count/list ids cheaply (`ListsProductIds`, Magento) for deletions.
One run per merchant at a time: `plugin_api.jobs.sync_lock` (Redis lock + database lease); upserts live in
`plugin_api.jobs.catalog_upsert`.
"""

from __future__ import annotations

import bisect
import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from redis import Redis
from sqlalchemy import func, select, update

from connectors import (
    PLATFORMS,
    AuthError,
    ChecksStock,
    Connector,
    ConnectorError,
    ListsProductIds,
    RevivesWebhooks,
    StoreMoved,
    StoreSession,
    WebhookRegistration,
)
from connectors.base import any_variant_available
from plugin_api.config import env_flag
from plugin_api.extensions import db
from plugin_api.jobs.catalog_upsert import STORE_CURRENCY, soft_delete, upsert_products
from plugin_api.jobs.queueing import CATALOG_QUEUE, POLL_EVERY, current_jobs
from plugin_api.jobs.sync_lock import SyncLock, lock_row
from plugin_api.models import Merchant, MerchantStatus, Product, ShownRecommendation, utcnow
from plugin_api.numbers import whole_number
from plugin_api.services.installs import (
    ACCESS_REFUSED_SINCE,
    ACCESS_REVOKED_AFTER,
    MOVED_TO,
    add_storefront_origins,
    connector_for,
    purge_merchant,
    save_session,
    session_for,
    uninstall_merchant,
)
from plugin_api.storage import StorageError

log = logging.getLogger(__name__)

FULL_SYNC_EVERY = timedelta(hours=24)
# Re-read a little before the watermark: platform clocks and replication lag can reorder updates.
INCREMENTAL_OVERLAP = timedelta(minutes=2)
STALE_RUN = timedelta(hours=1)
COUNT_KEYS = ("seen", "created", "updated", "unchanged", "deactivated", "deleted", "stock_changed")
# The poll re-reads the stock of the products recommended in the last STOCK_WINDOW, the most recommended
# first, up to this many SKUs (a frame's colours are SKUs of their own), on platforms whose stock changes
# nothing else reports (`ChecksStock`).
STOCK_CHECK_SKUS = 300
STOCK_WINDOW = timedelta(days=1)
FEATURES_JOB = "plugin_api.jobs.features.compute_product_features"
FEATURES_BATCH = 200  # products per features job: about 10-40 s of photo reading on one core
GONE_STATUS = "deleted"  # Product.status of rows the store no longer has (set by the deletion poll)
# Written by runs that found the lock held; a running sync carries them over instead of overwriting them.
CARRIED_KEYS = ("skipped_runs", "last_skipped")
# Re-exported: the webhooks service upserts through this module.
__all__ = [
    "after_install",
    "schedule_polls",
    "soft_delete",
    "sync_merchant",
    "upsert_products",
]


def zero_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KEYS, 0)


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def after_sync(merchant_id: int, changed_product_ids: list[int]) -> None:
    """The one call point after products were created/changed: enqueue catalog feature computation, in
    batches, so that a big store's first reading does not hold the `catalog` queue for other stores'
    installs and polls while it fetches thousands of photos."""
    if not changed_product_ids or not env_flag(current_app.config, "FACET_SYNC_FEATURES", True):
        return
    ids = sorted(set(changed_product_ids))
    for start in range(0, len(ids), FEATURES_BATCH):
        current_jobs().enqueue(
            FEATURES_JOB, merchant_id, ids[start : start + FEATURES_BATCH], queue=CATALOG_QUEUE
        )


# -- jobs ------------------------------------------------------------------------------------------------
def after_install(merchant_id: int) -> None:
    """Register the store's webhooks, then import the whole catalog."""
    merchant = db.session.get(Merchant, merchant_id)
    if merchant is None or not merchant.is_installed:
        return
    session = session_for(merchant)
    state = dict(merchant.sync_state or {})
    try:
        registration = connector_for(merchant.platform).register_webhooks(
            session, public_url=current_app.config["FACET_PUBLIC_URL"], merchant_key=merchant.public_id
        )
        state["webhooks"] = {
            "registered": len(registration.ids),
            "at": utcnow().isoformat(),
            "error": None,
            "withheld": _withheld(registration),
        }
    except ConnectorError as exc:
        # The import is still worth doing; the daily full sync covers changes and subscribes again.
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


def sync_merchant(merchant_id: int, full: bool = False, *, redis: Redis | None = None) -> dict[str, int]:
    """Sync one merchant's catalog (full, or incremental from the watermark), resuming an interrupted run.

    Holds the merchant's sync lock for the whole run (`redis` defaults to the app's connection): a second run
    that finds it held returns `{"skipped": 1}` and leaves a note in `sync_state` instead of racing the first.
    """
    merchant = db.session.get(Merchant, merchant_id)
    if merchant is None or not merchant.is_installed:
        log.info("merchant %s is not installed; not syncing", merchant_id)
        return {}
    lock = SyncLock(
        merchant_id,
        redis=redis if redis is not None else current_app.extensions.get("facet.redis"),
        ttl_seconds=int(current_app.config.get("FACET_SYNC_LOCK_TTL", 600)),
    )
    if not lock.acquire():
        _record_skip(merchant_id, full, lock.holder)
        return {"skipped": 1}
    try:
        merchant = db.session.get(Merchant, merchant_id)
        if merchant is None or not merchant.is_installed:
            return {}
        return _start(merchant, full, lock)
    finally:
        lock.release()


def _record_skip(merchant_id: int, full: bool, holder: str | None) -> None:
    """Note a run skipped because another holds the lock (the holder covers the catalog; the scheduler
    enqueues a missed full sync again on its next tick since `last_full_sync_at` did not move)."""
    lock_row(merchant_id)
    merchant = db.session.get(Merchant, merchant_id, populate_existing=True)
    if merchant is not None:
        state = dict(merchant.sync_state or {})
        state["skipped_runs"] = int(state.get("skipped_runs") or 0) + 1
        state["last_skipped"] = {"at": utcnow().isoformat(), "full": full, "reason": "locked"}
        merchant.sync_state = state
    db.session.commit()
    log.info("sync of merchant %s skipped: another run holds the lock (%s)", merchant_id, holder)


def _start(merchant: Merchant, full: bool, lock: SyncLock) -> dict[str, int]:
    lock_row(merchant.id)  # every read-modify-write of sync_state happens under the row lock
    db.session.refresh(merchant, ["status", "sync_state"])
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
    state.update(status="running", last_error=None, heartbeat_at=utcnow().isoformat(), lease=lock.lease())
    merchant.sync_state = state
    db.session.commit()
    return _run(merchant, state, lock)


def _still_ours(merchant: Merchant, lock: SyncLock, pending: dict[str, Any]) -> bool:
    """Re-read the merchant under its row lock; False (rolled back) when uninstalled or the lease was lost.

    On True, `pending` picks up the keys other runs may have written and a renewed lease.
    """
    lock_row(merchant.id)
    db.session.refresh(merchant, ["status", "sync_state"])
    fresh = merchant.sync_state or {}
    if not merchant.is_installed:  # an uninstall landed mid-sync: keep its state, drop this page
        db.session.rollback()
        log.info("merchant %s uninstalled mid-sync; stopping", merchant.id)
        return False
    if not lock.owns(fresh):  # our lease expired and another run took over: it owns the catalog now
        db.session.rollback()
        log.warning("merchant %s: sync lease lost to another run; stopping", merchant.id)
        return False
    pending.update({k: fresh[k] for k in CARRIED_KEYS if k in fresh}, lease=lock.lease())
    return True


def _poll_deletions(merchant: Merchant, connector: Connector, session: StoreSession) -> int:
    """Incremental runs cannot see deletions; connectors that count/list ids cheaply (Magento) are asked.

    One count request per poll; only when the store's count differs from the rows Facet believes present
    (status not `deleted`) does it list ids. Rows missing from the store get status `deleted` (so the counts
    agree on the next poll) and are soft-deleted; the return value counts the ones that were live.
    """
    if not isinstance(connector, ListsProductIds):
        return 0
    present = Product.status != GONE_STATUS
    local = db.session.scalar(
        select(func.count()).select_from(Product).where(Product.merchant_id == merchant.id, present)
    )
    if connector.count_products(session) == local:
        return 0
    remote = set(connector.list_product_ids(session))
    known = db.session.scalars(
        select(Product.platform_product_id).where(Product.merchant_id == merchant.id, present)
    ).all()
    gone = [pid for pid in known if pid not in remote]
    if not gone:
        return 0
    deleted = soft_delete(merchant, gone)
    db.session.execute(
        update(Product)
        .where(Product.merchant_id == merchant.id, Product.platform_product_id.in_(gone))
        .values(status=GONE_STATUS)
    )
    log.info("merchant %s: %d products gone from the store (%d were live)", merchant.id, len(gone), deleted)
    return deleted


def _withheld(registration: WebhookRegistration) -> dict[str, str]:
    """The notifications the platform would not send yet, by kind, in its own words (`sync_state`'s JSON)."""
    return {kind.value: message for kind, message in registration.withheld.items()}


def _subscribe_again(
    merchant: Merchant, connector: Connector, session: StoreSession, state: dict[str, Any]
) -> None:
    """At the start of a full sync, subscribe the store's notifications again when registration failed or
    the platform withheld some: an outage has passed by the next day, and the approval a platform waited for
    (Shopify's protected customer data) arrives without telling Facet. Subscribing is idempotent on every
    platform; a failure here is logged and leaves the sync to run."""
    hooks = dict(state.get("webhooks") or {})
    # No `withheld` key: registered before refusals were recorded, so whether any were is unknown.
    if not hooks or not (hooks.get("error") or hooks.get("withheld") or "withheld" not in hooks):
        return
    try:
        registration = connector.register_webhooks(
            session, public_url=current_app.config["FACET_PUBLIC_URL"], merchant_key=merchant.public_id
        )
    except ConnectorError as exc:
        log.warning("could not subscribe the webhooks of %s again: %s", merchant.shop_domain, exc)
        return
    previous = 0 if hooks.get("error") else int(hooks.get("registered") or 0)
    hooks.update(
        registered=previous + len(registration.ids),
        at=utcnow().isoformat(),
        error=None,
        withheld=_withheld(registration),
    )
    state["webhooks"] = hooks


def _revive_webhooks(
    merchant: Merchant, connector: Connector, session: StoreSession, state: dict[str, Any]
) -> None:
    """At the start of a full sync, switch back on webhooks the store disabled (`RevivesWebhooks`); a failure
    here is logged and leaves the sync to run."""
    if not isinstance(connector, RevivesWebhooks):
        return
    try:
        revived = connector.revive_webhooks(
            session, public_url=current_app.config["FACET_PUBLIC_URL"], merchant_key=merchant.public_id
        )
    except ConnectorError as exc:
        log.warning("could not check the webhooks of %s: %s", merchant.shop_domain, exc)
        return
    if revived:
        log.info("re-activated %d webhooks of %s", revived, merchant.shop_domain)
        hooks = dict(state.get("webhooks") or {})
        hooks.update(revived=revived, revived_at=utcnow().isoformat())
        state["webhooks"] = hooks


def _run(merchant: Merchant, state: dict[str, Any], lock: SyncLock) -> dict[str, int]:
    connector = connector_for(merchant.platform)
    session = session_for(merchant)
    full = state["mode"] == "full"
    counts: dict[str, int] = {**zero_counts(), **(state.get("counts") or {})}
    if full and not state.get("cursor"):
        _subscribe_again(merchant, connector, session, state)
        _revive_webhooks(merchant, connector, session, state)
        state.pop("stock_memo", None)  # the stock poll finds the store's stock set-up again once a day
    known = _known_ids(merchant) if full else []
    changed: list[int] = []
    lower = state.get("last_id")
    merchant_id = merchant.id
    try:
        pages = connector.iter_products(session, since=_parse(state.get("since")), cursor=state.get("cursor"))
        for page in pages:
            changed += upsert_products(merchant, page.products, counts)
            add_storefront_origins(merchant, page.storefront_origins)
            numeric = [n for p in page.products if (n := whole_number(p.platform_id)) is not None]
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
            currency = next((p.currency for p in page.products if p.currency), None)
            if currency:
                pending[STORE_CURRENCY] = currency  # for products whose payloads lack it (webhooks)
            save_session(merchant, session)
            pending.update(
                cursor=page.next_cursor,
                last_id=upper,
                counts=dict(counts),
                pages=int(state.get("pages") or 0) + 1,
                heartbeat_at=utcnow().isoformat(),
            )
            if not _still_ours(merchant, lock, pending):
                return counts
            merchant.sync_state = pending
            db.session.commit()  # the page and its resume point land together
            lock.extend()
            state, lower = pending, upper
        if not full:
            counts["deleted"] += _poll_deletions(merchant, connector, session)
            counts["stock_changed"] += _poll_stock(merchant, connector, session, state)
    except Exception as exc:
        db.session.rollback()
        lock_row(merchant_id)
        merchant = db.session.get(Merchant, merchant_id, populate_existing=True)
        code = exc.code if isinstance(exc, ConnectorError) else "internal_error"
        state.update(
            status="failed", last_error={"code": code, "message": str(exc)[:500], "at": utcnow().isoformat()}
        )
        fresh = (merchant.sync_state or {}) if merchant is not None else {}
        # Refused credentials, run after run, mean the store took Facet's access away (see `schedule_polls`):
        # the platform's own 401, not a 403 a firewall or a suspended host may answer with.
        state.pop(ACCESS_REFUSED_SINCE, None)
        state.pop(MOVED_TO, None)
        if isinstance(exc, StoreMoved):
            state[MOVED_TO] = exc.address  # connecting the store there moves this merchant
        if isinstance(exc, AuthError) and exc.status == 401 and not connector.tells_of_uninstall:
            state[ACCESS_REFUSED_SINCE] = fresh.get(ACCESS_REFUSED_SINCE) or utcnow().isoformat()
        if merchant is not None and merchant.is_installed and lock.owns(fresh):
            save_session(merchant, session)
            state.update({k: fresh[k] for k in CARRIED_KEYS if k in fresh})
            merchant.sync_state = dict(state)
        db.session.commit()
        if merchant is not None and merchant.is_installed:
            after_sync(merchant_id, changed)
        log.warning("sync of merchant %s failed at cursor %s: %s", merchant_id, state.get("cursor"), exc)
        raise
    if not _still_ours(merchant, lock, state):
        return counts
    now = utcnow().isoformat()
    watermarks = [w for w in (state.get("watermark"), state.get("run_watermark")) if w]
    state.pop(ACCESS_REFUSED_SINCE, None)
    state.pop(MOVED_TO, None)
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


def _poll_stock(
    merchant: Merchant, connector: Connector, session: StoreSession, state: dict[str, Any]
) -> int:
    """Re-read the stock of the in-stock products shoppers were recommended in the last day, where the
    platform reports stock changes no other way (`ChecksStock`), so that a product that sold out stops being
    recommended within one poll instead of at the next daily full sync. Products already sold out come back
    with that full sync: missing a restock for a few hours costs less than a request per product every 15
    minutes. How many products changed (committed with the rest of the run); what the connector learned of
    the store's stock set-up is kept in `state["stock_memo"]` for the next poll."""
    if not isinstance(connector, ChecksStock):
        return 0
    ranked = db.session.scalars(
        select(ShownRecommendation.product_id)
        .where(
            ShownRecommendation.merchant_id == merchant.id,
            ShownRecommendation.queued_at >= utcnow() - STOCK_WINDOW,
        )
        .group_by(ShownRecommendation.product_id)
        .order_by(func.count().desc(), ShownRecommendation.product_id)
        .limit(STOCK_CHECK_SKUS)
    ).all()
    in_stock = db.session.scalars(
        select(Product).where(
            Product.merchant_id == merchant.id,
            Product.deleted.is_(False),
            Product.in_stock.is_not(False),
            Product.platform_product_id.in_(ranked),
        )
    )
    by_id = {p.platform_product_id: p for p in in_stock}
    products, skus = [], []
    for product in (by_id[pid] for pid in ranked if pid in by_id):
        own = [v["sku"] for v in product.variants or [] if v.get("sku")]
        if len(skus) + len(own) > STOCK_CHECK_SKUS:
            break
        products.append(product)
        skus += own
    if not skus:
        return 0
    memo = dict(state.get("stock_memo") or {})
    try:
        flags = connector.stock_of(session, skus, memo)
    except ConnectorError as exc:  # stock is secondary: the products the poll read still land
        log.warning("stock check of %s skipped: %s", merchant.shop_domain, exc)
        return 0
    state["stock_memo"] = memo
    changed = 0
    for product in products:
        variants = [_with_stock(v, flags) for v in product.variants]
        available = any_variant_available([v.get("available") for v in variants])
        if variants != product.variants or available != product.in_stock:
            product.variants, product.in_stock = variants, available
            changed += 1
    if changed:
        log.info("%s: stock changed for %d recommended products", merchant.shop_domain, changed)
    return changed


def _with_stock(variant: dict[str, Any], flags: dict[str, bool]) -> dict[str, Any]:
    sku = variant.get("sku")
    return {**variant, "available": flags[sku]} if sku in flags else variant


def _known_ids(merchant: Merchant) -> list[int]:
    rows = db.session.scalars(
        select(Product.platform_product_id).where(
            Product.merchant_id == merchant.id, Product.deleted.is_(False)
        )
    )
    return sorted(n for r in rows if (n := whole_number(r)) is not None)


def _missing(known: list[int], lower: int | None, upper: int | None, seen: set[int]) -> list[str]:
    """Known live ids in (lower, upper] that the page did not return (upper None = to the end)."""
    start = 0 if lower is None else bisect.bisect_right(known, lower)
    end = len(known) if upper is None else bisect.bisect_right(known, upper)
    return [str(i) for i in known[start:end] if i not in seen]


def enqueue_sync(merchant: Merchant, *, full: bool) -> None:
    """Queue one catalog sync for the store; one job id per store, so a second request joins the first."""
    current_jobs().enqueue(
        "plugin_api.jobs.sync.sync_merchant",
        merchant.id,
        full=full,
        queue=CATALOG_QUEUE,
        job_id=f"sync-{merchant.id}",
    )


def sync_in_progress(merchant: Merchant, now: datetime | None = None) -> bool:
    """Whether a live run holds this store's sync (its heartbeat is fresh)."""
    state = merchant.sync_state or {}
    heartbeat = _parse(state.get("heartbeat_at"))
    return (
        state.get("status") == "running"
        and heartbeat is not None
        and (now or utcnow()) - heartbeat < STALE_RUN
    )


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
                try:
                    purge_merchant(merchant)
                except StorageError:
                    db.session.rollback()
                    log.exception("could not delete the files of %s; tried again later", merchant.public_id)
                    continue
                purged += 1
            continue
        refused_since = _parse(state.get(ACCESS_REFUSED_SINCE))
        if refused_since and now - refused_since >= ACCESS_REVOKED_AFTER:
            # WooCommerce and Magento tell no one when a merchant revokes Facet's key or deletes its
            # integration: days of refused syncs are that notice. The data then goes as after an uninstall.
            log.warning("access to %s refused since %s: uninstalling", merchant.public_id, refused_since)
            uninstall_merchant(merchant, notify_platform=False)
            continue
        if sync_in_progress(merchant, now):
            continue
        last_full, last_any = _parse(state.get("last_full_sync_at")), _parse(state.get("last_sync_at"))
        full = last_full is None or now - last_full >= FULL_SYNC_EVERY
        due = full or (merchant.platform in polling and (last_any is None or now - last_any >= POLL_EVERY))
        if due:
            enqueue_sync(merchant, full=full)
            enqueued += 1
    return {"enqueued": enqueued, "purged": purged}
