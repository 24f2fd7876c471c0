"""Installs and uninstalls: the database side of the connector install flows.

The connectors decide *whether* an install step is genuine; this module persists the outcome (merchant,
encrypted credentials, single-use pending state) and starts the catalog import.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from connectors import (
    PLATFORMS,
    Connector,
    InstallResult,
    StoreMoved,
    StoreSession,
    get_connector,
    settings_from_mapping,
)
from plugin_api.extensions import db
from plugin_api.jobs.queueing import CATALOG_QUEUE, POLL_EVERY, current_jobs
from plugin_api.models import FeaturesStatus, Merchant, MerchantStatus, PendingInstall, Product, utcnow

# Merchant setting: when the store last uninstalled Facet; dashboard sessions signed before it are over.
ADMIN_SESSIONS_ENDED_AT = "admin_sessions_ended_at"
log = logging.getLogger(__name__)

# Woo/Magento send no shop/redact: their data is deleted this long after uninstall unless they reinstall.
DATA_RETENTION_AFTER_UNINSTALL = timedelta(hours=48)


def connector_for(platform: str) -> Connector:
    """The connector for `platform`, configured from the running app (`FACET_*` keys)."""
    return get_connector(platform, settings_from_mapping(current_app.config))


class DbPendingStore:
    """`connectors.PendingStore` on the `pending_installs` table: single use (`pop`), expiring, encrypted."""

    def put(self, platform: str, key: str, data: dict[str, Any], ttl_seconds: int) -> None:
        now = utcnow()
        db.session.execute(delete(PendingInstall).where(PendingInstall.expires_at < now))
        db.session.execute(
            delete(PendingInstall).where(PendingInstall.platform == platform, PendingInstall.key == key)
        )
        db.session.add(
            PendingInstall(
                platform=platform, key=key, data=data, expires_at=now + timedelta(seconds=ttl_seconds)
            )
        )
        db.session.commit()

    def pop(self, platform: str, key: str) -> dict[str, Any] | None:
        # DELETE ... RETURNING-free version: lock the row, read it, delete it; a second pop finds nothing.
        row = db.session.scalars(
            select(PendingInstall)
            .where(PendingInstall.platform == platform, PendingInstall.key == key)
            .with_for_update()
        ).one_or_none()
        if row is None:
            return None
        data, expired = dict(row.data), row.expires_at < utcnow()
        db.session.delete(row)
        db.session.commit()
        return None if expired else data

    def claim(self, platform: str, key: str, ttl_seconds: int) -> bool:
        # The (platform, key) unique constraint decides between concurrent claims: one insert wins.
        now = utcnow()
        db.session.execute(delete(PendingInstall).where(PendingInstall.expires_at < now))
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        inserted = db.session.execute(
            dialect.insert(PendingInstall)
            .values(platform=platform, key=key, data={}, expires_at=now + timedelta(seconds=ttl_seconds))
            .on_conflict_do_nothing(index_elements=["platform", "key"])
            .returning(PendingInstall.id)
        ).first()
        db.session.commit()
        return inserted is not None

    def get(self, platform: str, key: str) -> dict[str, Any] | None:
        row = db.session.scalars(
            select(PendingInstall).where(PendingInstall.platform == platform, PendingInstall.key == key)
        ).one_or_none()
        return None if row is None or row.expires_at < utcnow() else dict(row.data)


def session_for(merchant: Merchant) -> StoreSession:
    """The connector session (decrypted credentials) for a merchant."""
    return StoreSession(store=merchant.shop_domain, credentials=dict(merchant.credentials or {}))


def save_session(merchant: Merchant, session: StoreSession) -> None:
    """Persist rotated credentials (a new dict, so the encrypted column is rewritten)."""
    if session.changed:
        merchant.credentials = dict(session.credentials)
        session.changed = False


def find_merchant(platform: str, store: str | None) -> Merchant | None:
    """A merchant by platform + store identity (shop domain or store base URL)."""
    if not store:
        return None
    return db.session.scalars(
        select(Merchant).where(Merchant.platform == platform, Merchant.shop_domain == store)
    ).one_or_none()


# Where a store's address redirects to, path for path (`sync_state`): its connector recognised the same store
# answering at another address (`connectors.StoreMoved`). Connecting the store there moves this merchant.
MOVED_TO = "moved_to"


def find_moved_merchant(platform: str, store: str | None) -> Merchant | None:
    """A merchant whose store's last sync found it answering at `store` now (see `MOVED_TO`)."""
    if not store:
        return None
    return db.session.scalars(
        select(Merchant)
        .where(Merchant.platform == platform, Merchant.sync_state[MOVED_TO].as_string() == store)
        .order_by(Merchant.id)
        .limit(1)
    ).one_or_none()


def _merchant_for(platform: str, result: InstallResult) -> tuple[Merchant | None, bool]:
    """The merchant an install is for, and whether it moves to `result.store`: the one Facet holds under
    that address, else one under an address the connector knows for this store's former one, else one
    whose store was found redirecting there."""
    merchant = find_merchant(platform, result.store)
    if merchant is not None:
        return merchant, False
    for former in result.former_stores:
        if (merchant := find_merchant(platform, former)) is not None:
            return merchant, True
    merchant = find_moved_merchant(platform, result.store)
    return merchant, merchant is not None


def add_storefront_origins(merchant: Merchant, origins: list[str]) -> None:
    """Allow the widget on more of the store's storefront origins (never removes any); the caller commits."""
    if origins and not set(origins) <= set(merchant.allowed_origins or []):
        merchant.allowed_origins = sorted(set(merchant.allowed_origins or []) | set(origins))


# When a store first refused Facet's credentials, in the run-after-run sync failures since (`sync_state`):
# WooCommerce and Magento tell no one when a merchant revokes Facet's key or deletes its integration, so
# `ACCESS_REVOKED_AFTER` of refusals is taken as that notice (`jobs.sync.schedule_polls`). A merchant who
# revoked a key by mistake has that long to connect again; the catalog status says so.
ACCESS_REFUSED_SINCE = "access_refused_since"
ACCESS_REVOKED_AFTER = timedelta(days=3)


def complete_install(platform: str, result: InstallResult) -> Merchant:
    """Create or reactivate the merchant, store its credentials encrypted, start webhooks + full import.

    A store that is already installed and synced (a Shopify merchant opening the app again goes through
    OAuth each time) only gets its fresh credentials: a full import on every visit would be wasted work.
    """
    merchant, moved = _merchant_for(platform, result)
    if merchant is None:
        merchant = Merchant(platform=platform, shop_domain=result.store, name=result.name or result.store)
        db.session.add(merchant)
    elif moved:
        # The same store at its new address: its key, analytics and settings stay. The install below
        # registers its webhooks again there (replacing the old ones) and reads the catalog's new links.
        log.info(
            "%s merchant %s moves from %s to %s",
            platform,
            merchant.public_id,
            merchant.shop_domain,
            result.store,
        )
        merchant.shop_domain = result.store
    reconnect = merchant.is_installed and (merchant.sync_state or {}).get("status") == "ok" and not moved
    previous = dict(merchant.credentials or {})
    # Keep a previously generated webhook secret only if the platform did not hand us new keys for it, and
    # the ids of the webhooks registered with it: registering again removes those first, instead of adding
    # a second set that delivers everything twice.
    merchant.credentials = {
        **{k: v for k, v in previous.items() if k in ("webhook_secret", "webhook_ids")},
        **result.credentials,
    }
    if MOVED_TO in (merchant.sync_state or {}):
        merchant.sync_state = {k: v for k, v in merchant.sync_state.items() if k != MOVED_TO}
    # New credentials: whatever the store refused before is not refused now (see `ACCESS_REFUSED_SINCE`).
    if ACCESS_REFUSED_SINCE in (merchant.sync_state or {}):
        merchant.sync_state = {k: v for k, v in merchant.sync_state.items() if k != ACCESS_REFUSED_SINCE}
    # The storefront's own origin must be allowed, or every widget request from it is refused (403).
    add_storefront_origins(merchant, result.storefront_origins)
    if reconnect:
        db.session.commit()
        log.info("reconnected %s merchant %s (%s)", platform, merchant.public_id, merchant.shop_domain)
        return merchant
    merchant.status = MerchantStatus.INSTALLED.value
    merchant.installed_at = utcnow()
    merchant.uninstalled_at = None
    state = dict(merchant.sync_state or {})
    state.pop("data_delete_after", None)
    state.update(status="pending", cursor=None, last_id=None, mode="full")
    merchant.sync_state = state
    db.session.commit()
    log.info("installed %s merchant %s (%s)", platform, merchant.public_id, merchant.shop_domain)
    current_jobs().enqueue(
        "plugin_api.jobs.sync.after_install",
        merchant.id,
        queue=CATALOG_QUEUE,
        job_id=f"install-{merchant.id}",
        # The merchant watches "Importing your catalog": before other stores' feature reading and polls.
        at_front=True,
    )
    return merchant


def catalog_status_text(merchant: Merchant) -> str:
    """One line for the merchant: how far the catalog import is."""
    live = db.session.scalar(
        select(func.count(Product.id)).where(Product.merchant_id == merchant.id, Product.deleted_at.is_(None))
    )
    state = merchant.sync_state or {}
    status = state.get("status")
    if status == "ok":
        if merchant.platform not in PLATFORMS:  # the demo store: no store behind it to follow
            return f"{live:,} products imported."
        # A store that cannot push its changes (core Magento) is checked for them on a schedule instead.
        if connector_for(merchant.platform).needs_polling:
            minutes = int(POLL_EVERY.total_seconds() // 60)
            return f"{live:,} products imported; Facet checks your store for changes every {minutes} minutes."
        return f"{live:,} products imported; Facet keeps them in sync through your store's webhooks."
    if status == "failed":
        error = state.get("last_error") or {}
        reason = error.get("message") or "unknown error"
        if error.get("code") == StoreMoved.code:
            # The connector's own words: where the store answers now and how to connect it there. Retrying
            # cannot help, so the merchant is not told Facet retries it.
            return f"{reason}."
        refused_since = state.get(ACCESS_REFUSED_SINCE)
        if refused_since:
            ends = datetime.fromisoformat(refused_since) + ACCESS_REVOKED_AFTER
            return (
                f"Your store no longer accepts Facet's access ({reason}). If you did not mean to remove "
                f"Facet, connect it again from your store's admin, the way you first connected it, before "
                f"{ends:%Y-%m-%d %H:%M} UTC; after that Facet takes it as removed and deletes your store's "
                "data 48 hours later."
            )
        return f"The import stopped ({reason}); Facet retries it."
    return f"Importing your catalog: {live:,} products so far. The try-on button appears once they are in."


# How many unreadable products the merchant's page names, with the reason Facet could not read each.
_FAILED_EXAMPLES = 3


def product_understanding_lines(merchant: Merchant) -> list[str]:
    """What the catalog intelligence made of the merchant's products (`merchant.catalog_status`, refreshed
    after each features job), in the merchant's words: how many are understood, which could not be read and
    why, which have no photo (and so are never recommended), how many frames can be tried on, and what "more
    like this" compares by."""
    status = merchant.catalog_status or {}
    features = status.get("features") or {}
    if not features:
        return [
            "Not read yet: Facet reads each imported product (category, colours, frame shape, try-on) "
            "in the background."
        ]
    ready, failed = int(features.get(FeaturesStatus.READY, 0)), int(features.get(FeaturesStatus.FAILED, 0))
    waiting = sum(
        int(v) for k, v in features.items() if k not in (FeaturesStatus.READY, FeaturesStatus.FAILED)
    )
    lines = [f"{_count(ready, 'product')} understood" + (f", {waiting:,} waiting." if waiting else ".")]
    if failed:
        examples = db.session.execute(
            select(Product.title, Product.features_error)
            .where(
                Product.merchant_id == merchant.id,
                Product.deleted.is_(False),
                Product.features_status == FeaturesStatus.FAILED,
            )
            .order_by(Product.id)
            .limit(_FAILED_EXAMPLES)
        ).all()
        named = "; ".join(f"{title}: {error}" for title, error in examples)
        lines.append(f"{failed:,} could not be read; Facet retries them after the next sync ({named}).")
    no_photo = status.get("no_photo") or {}
    if no_photo.get("products"):
        n, examples = int(no_photo["products"]), "; ".join(no_photo.get("examples") or [])
        if n == 1:
            what = "1 product has no photo: Facet does not recommend it until it has one"
        else:
            what = f"{n:,} products have no photo: Facet does not recommend them until they have one"
        lines.append(f"{what} ({examples}).")
    unread = status.get("shades_unread") or {}
    if unread.get("products"):
        examples = "; ".join(unread.get("examples") or [])
        n = int(unread["products"])
        what = "1 foundation or concealer lists" if n == 1 else f"{n:,} foundations or concealers list"
        lines.append(
            f"{what} shades Facet cannot see the colour of ({examples}): give each shade its own swatch "
            "image or a hex colour, and Facet matches them to shoppers."
        )
    lines.append(f"{_count(int(status.get('tryon_assets', 0)), 'frame')} can be tried on.")
    embedding = status.get("embedding") or {}
    if embedding.get("learned"):
        lines.append("“More like this” compares product photos with a learned image model.")
    else:
        lines.append(
            "“More like this” compares products by colour and shape: no learned image model is configured "
            "for this Facet installation."
        )
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def uninstall_merchant(merchant: Merchant, *, notify_platform: bool) -> bool:
    """Stop syncing, forget credentials and schedule the merchant's data for deletion.

    `notify_platform` is for an uninstall Facet starts (the dashboard's Disconnect, the operator's
    command): it removes what Facet registered on the store (WooCommerce webhooks, Shopify's whole app).
    An uninstall the platform told Facet of needs none of that, and its token is already revoked.
    Returns whether the store no longer lists Facet, so the merchant is told what is left to remove.
    """
    app_removed = False
    if notify_platform and merchant.credentials:
        session = session_for(merchant)
        try:
            app_removed = connector_for(merchant.platform).uninstall(session)
        except Exception:  # noqa: BLE001 - best effort: the store may be gone; uninstall must still happen
            log.warning("could not clean up %s on uninstall", merchant.shop_domain, exc_info=True)
    # `settings` and `sync_state` are JSON values other writers rewrite whole too (the holdout setting, a
    # sync run): lock the row and read it again after the platform call, so that only the keys set here
    # change. (SQLite has no row locks: there the fresh read only narrows the window.)
    db.session.refresh(merchant, with_for_update=True)
    merchant.status = MerchantStatus.UNINSTALLED.value
    merchant.uninstalled_at = utcnow()
    merchant.credentials = None
    # Whoever installs Facet on this store next (a new owner) must not find an old dashboard session alive.
    merchant.settings = {
        **(merchant.settings or {}),
        ADMIN_SESSIONS_ENDED_AT: merchant.uninstalled_at.isoformat(),
    }
    state = dict(merchant.sync_state or {})
    state.pop(ACCESS_REFUSED_SINCE, None)
    state.update(
        status="stopped",
        cursor=None,
        data_delete_after=(utcnow() + DATA_RETENTION_AFTER_UNINSTALL).isoformat(),
    )
    merchant.sync_state = state
    db.session.commit()
    log.info("uninstalled merchant %s (%s)", merchant.public_id, merchant.shop_domain)
    return app_removed


def purge_merchant(merchant: Merchant) -> None:
    """Delete a merchant and everything it owns: stored files, then rows (cascade).

    When the files cannot be deleted, `StorageError` propagates and the rows stay: they are what names the
    files, so deleting them anyway would leave shoppers' photos where no later purge finds them. The caller
    tries again (the 15-minute scheduler; Shopify redelivers a failed `shop/redact`)."""
    from plugin_api.storage import current_storage
    from plugin_api.storage.base import merchant_prefix

    removed = current_storage().delete_prefix(merchant_prefix(merchant.public_id))
    log.info(
        "purging merchant %s (%s): %d files and all rows", merchant.public_id, merchant.shop_domain, removed
    )
    db.session.delete(merchant)
    db.session.commit()
