"""`flask facet sync|schedule-polls|cron|uninstall`: manual sync, the 15-minute poll and its scheduler."""

from __future__ import annotations

import json
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import or_, select

from plugin_api.extensions import db
from plugin_api.models import Merchant
from plugin_api.numbers import whole_number


def _find(ref: str) -> Merchant:
    """A merchant by numeric id, public id or shop domain/store URL."""
    clauses = [Merchant.public_id == ref, Merchant.shop_domain == ref]
    if (number := whole_number(ref)) is not None:
        clauses.append(Merchant.id == number)
    merchant = db.session.scalars(select(Merchant).where(or_(*clauses))).first()
    if merchant is None:
        raise click.ClickException(f"no merchant {ref!r}")
    return merchant


@click.command("sync")
@with_appcontext
@click.argument("merchant")
@click.option("--full", is_flag=True, help="Re-read the whole catalog (and soft-delete vanished products).")
def sync_command(merchant: str, full: bool) -> None:
    """Sync one merchant's catalog now; MERCHANT is an id, public id or domain (`--` before a leading `-`)."""
    from plugin_api.jobs.sync import sync_merchant

    found = _find(merchant)
    counts = sync_merchant(found.id, full=full)
    state = db.session.get(Merchant, found.id).sync_state
    click.echo(
        json.dumps(
            {
                "merchant": found.public_id,
                "mode": state.get("mode"),
                "counts": counts,
                "status": state.get("status"),
            }
        )
    )


@click.command("schedule-polls")
@with_appcontext
def schedule_polls_command() -> None:
    """Enqueue due catalog syncs (Magento polling every 15 min, daily full syncs) and purge expired data."""
    from plugin_api.jobs.sync import schedule_polls

    click.echo(json.dumps(schedule_polls()))


def build_cron(redis: Any, interval: int) -> Any:
    """An RQ CronScheduler that enqueues `schedule_polls` on the catalog queue every `interval` seconds."""
    from rq.cron import CronScheduler

    from plugin_api.jobs.queueing import CATALOG_QUEUE
    from plugin_api.jobs.sync import schedule_polls

    scheduler = CronScheduler(connection=redis, name="facet-catalog-cron")
    scheduler.register(schedule_polls, queue_name=CATALOG_QUEUE, interval=interval)
    return scheduler


@click.command("cron")
@with_appcontext
@click.option("--interval", default=900, show_default=True, help="Seconds between schedule-polls runs.")
def cron_command(interval: int) -> None:
    """Run RQ's cron scheduler: enqueue `schedule_polls` on the catalog queue every INTERVAL seconds."""
    redis = current_app.extensions.get("facet.redis")
    if redis is None:
        raise click.ClickException(
            "cron needs REDIS_URL (without Redis, run `flask facet schedule-polls` from cron)"
        )
    from plugin_api.jobs.housekeeping import with_maintenance

    with_maintenance(build_cron(redis, interval)).start()  # + reap (5 min), purge (hourly): maintenance queue


@click.command("uninstall")
@with_appcontext
@click.argument("merchant")
def uninstall_command(merchant: str) -> None:
    """Disconnect a store: remove what Facet registered on it (on Shopify, the app itself), stop syncing,
    schedule its data for deletion."""
    from plugin_api.services.installs import uninstall_merchant

    found = _find(merchant)
    app_removed = uninstall_merchant(found, notify_platform=True)
    left = "the app is removed from the store" if app_removed else "the store's admin still lists Facet"
    click.echo(
        f"uninstalled {found.public_id} ({left}); "
        f"data deleted after {found.sync_state.get('data_delete_after')}"
    )


SYNC_COMMANDS = (sync_command, schedule_polls_command, cron_command, uninstall_command)
