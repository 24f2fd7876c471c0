"""`flask facet ...` commands: worker, seed-demo, reap, catch-up, purge, rotate-keys.

Other command modules attach here with one line each (e.g. `facet_cli.add_command(sync_command)`).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from plugin_api.extensions import db
from plugin_api.jobs.queueing import ALL_QUEUES
from plugin_api.models import Merchant

facet_cli = AppGroup("facet", help="Facet operations.")


def _split_queues(values: tuple[str, ...]) -> list[str]:
    names = [q.strip() for value in values for q in value.split(",") if q.strip()]
    return names or list(ALL_QUEUES)


@facet_cli.command("worker")
@click.option(
    "--queues",
    "-q",
    multiple=True,
    help="Queues to serve, highest priority first (comma-separated or repeated). "
    f"Default: {','.join(ALL_QUEUES)}",
)
@click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
@click.option(
    "--with-scheduler/--without-scheduler", default=None, help="Run RQ's scheduler (default: not in burst)."
)
def worker_command(queues: tuple[str, ...], burst: bool, with_scheduler: bool | None) -> None:
    """Run a job worker (one process, models loaded once, no fork per job)."""
    from plugin_api.jobs.worker import run_worker

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    scheduler = (not burst) if with_scheduler is None else with_scheduler
    run_worker(app, _split_queues(queues), burst=burst, with_scheduler=scheduler)


def find_store(store: str) -> Merchant:
    """The one merchant whose shop domain (store URL) or merchant id is `store`; a usage error otherwise."""
    from sqlalchemy import or_, select

    found = db.session.scalars(
        select(Merchant).where(or_(Merchant.shop_domain == store, Merchant.public_id == store))
    ).all()
    if len(found) != 1:
        what = "no store" if not found else "several stores match"
        raise click.ClickException(f"{what} {store!r} (give its shop domain, store URL or merchant id)")
    return found[0]


@facet_cli.command("origins")
@click.argument("store")
@click.option(
    "--add", "added", multiple=True, help="Allow this storefront origin (https://www.shop.example)."
)
@click.option("--remove", "removed", multiple=True, help="Stop allowing this origin.")
def origins_command(store: str, added: tuple[str, ...], removed: tuple[str, ...]) -> None:
    """List or change the storefront origins a store's widget answers (STORE: shop domain, store URL or
    merchant id). Installs add the store's own address; a custom domain is added here."""
    from connectors.base import origin_of
    from plugin_api.api.widget_auth import normalize_origin

    merchant = find_store(store)
    origins = {normalize_origin(o) for o in merchant.allowed_origins or []}
    for value in added:
        origin = origin_of(value)
        if origin is None or "://" not in value:
            raise click.BadParameter(
                f"{value!r} is not an origin like https://www.shop.example", param_hint="--add"
            )
        origins.add(normalize_origin(origin))
    origins -= {normalize_origin(o) for o in removed}
    if added or removed:
        merchant.allowed_origins = sorted(origins)
        db.session.commit()
    click.echo(
        f"{merchant.shop_domain}: {', '.join(sorted(origins)) or 'no origins (the widget is refused)'}"
    )


@facet_cli.command("seed-demo")
@click.option(
    "--origin", "extra_origins", multiple=True, help="Also allow this origin (the demo's own when not :8000)."
)
def seed_demo_command(extra_origins: tuple[str, ...]) -> None:
    """Create or refresh the demo merchant (publishable key pk_demo)."""
    from plugin_api.demo import seed_demo_merchant
    from plugin_api.demo.merchant import DEFAULT_DEMO_ORIGINS

    merchant = seed_demo_merchant([*DEFAULT_DEMO_ORIGINS, *extra_origins])
    from plugin_api.demo.seed import seed_demo_catalog

    click.echo(f"demo catalog: {seed_demo_catalog(merchant, config=current_app.config)}")
    click.echo(
        f"demo merchant {merchant.public_id}: key {merchant.publishable_key}, "
        f"origins {merchant.allowed_origins}"
    )


@facet_cli.command("reap")
def reap_command() -> None:
    """Fail analyses stuck past their deadline."""
    from plugin_api.jobs.maintenance import reap_stuck_analyses

    click.echo(f"reaped {reap_stuck_analyses()} analyses")


@facet_cli.command("catch-up")
@click.option(
    "--whole-tests",
    is_flag=True,
    help="Count running holdout tests' sessions from each test's start, not the last day (after a longer "
    "outage of the cron or the workers).",
)
def catch_up_command(whole_tests: bool) -> None:
    """Write what the dashboard counts for analyses and holdout sessions recorded by older code (also done
    every 5 minutes)."""
    from plugin_api.jobs.maintenance import catch_up, record_missing_facts

    counts = catch_up(whole_tests=whole_tests)
    total, stores = counts["facts_recorded"], counts["holdout_stores_caught_up"]
    while total and (written := record_missing_facts()):  # a big backlog outlasts one run's time budget
        total += written
        click.echo(f"... {total}")
    click.echo(
        f"recorded the dashboard facts of {total} analyses; caught up the holdout tests of {stores} stores"
    )


@facet_cli.command("purge")
def purge_command() -> None:
    """Delete uploads, analyses and analytics beacons past their retention, old webhook receipts, and used
    sign-in links an hour after expiry."""
    from plugin_api.jobs.maintenance import purge_expired

    counts = purge_expired()
    click.echo(", ".join(f"{k}={v}" for k, v in counts.items()))


@facet_cli.command("rotate-keys")
def rotate_keys_command() -> None:
    """Re-encrypt every merchant's credentials with the newest FACET_ENCRYPTION_KEYS key."""
    from plugin_api.crypto import current_cipher

    cipher = current_cipher()
    # Raw SQL on purpose: the tokens themselves are rotated, bypassing EncryptedJSON's decrypt/encrypt.
    rows = db.session.execute(db.text("SELECT id, credentials FROM merchants WHERE credentials IS NOT NULL"))
    count = 0
    for merchant_id, token in rows.all():
        db.session.execute(
            db.text("UPDATE merchants SET credentials = :token WHERE id = :id"),
            {"token": cipher.rotate(token), "id": merchant_id},
        )
        count += 1
    db.session.commit()
    click.echo(f"re-encrypted credentials of {count} merchants")


# Commands of other modules attach to the group defined above.
from plugin_api.admin.cli import admin_link_command  # noqa: E402
from plugin_api.jobs.sync_cli import SYNC_COMMANDS  # noqa: E402

for _command in (*SYNC_COMMANDS, admin_link_command):
    facet_cli.add_command(_command)
