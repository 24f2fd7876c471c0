"""The running holdout test's sessions, one row each, kept up to date as their beacons arrive.

Why: the lift compares sessions, while the beacons come one per page view. Counting distinct sessions from
the raw beacons meant reading every page view of the test on each dashboard load: a second for a store with
10,000 views a day, a month into a test (`benchmarks/dashboard.py`). The events API now also upserts the
session's row (`record_sessions`, in the same transaction as the beacons), and the lift counts rows.

A row says: this session of this test, in this group, viewed a storefront page and/or had the store's own
add-to-cart. Only beacons of the store's current test count (their group was checked by
`experiment.check_groups`); a row keeps the group it was first seen in. Starting another test or ending one
deletes the rows of the previous one (`experiment.set_holdout_percent`); the raw beacons stay in `events`.

`catch_up_sessions` makes the same rows from the beacons of the last minutes (every 5 minutes, from the
maintenance job), so beacons accepted by a process still on older code while a release rolls out, or
recorded in a request that raced a change of test, still count; it also deletes what a race left of an
ended test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, case, delete, func, literal, not_, or_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from plugin_api.extensions import db
from plugin_api.models import Event, ExperimentSession, Merchant, utcnow
from plugin_api.services.experiment import GROUPS, Experiment, current_experiment
from plugin_api.tenancy import scoped

STOREFRONT_VIEW = "storefront_view"
STORE_ADD_TO_CART = "store_add_to_cart"
# Which flag of the session's row each tagged beacon sets.
_FLAGS = {STOREFRONT_VIEW: "viewed", STORE_ADD_TO_CART: "added_to_cart"}
# Events are stamped by the server that receives them; allow for clocks a little apart between servers.
CLOCK_MARGIN = timedelta(minutes=5)
# Facet runs on PostgreSQL, or SQLite for the embedded demo; both upsert with ON CONFLICT.
_UPSERT = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


class TaggedBeacon(Protocol):
    type: str
    session_id: str
    properties: Mapping[str, Any]


def record_sessions(merchant: Merchant, beacons: Iterable[TaggedBeacon]) -> None:
    """Upsert the current test's sessions these beacons speak of (the caller commits)."""
    experiment = current_experiment(merchant)
    if experiment is None:
        return
    now = utcnow()
    rows: dict[str, dict[str, Any]] = {}
    for beacon in beacons:
        flag = _FLAGS.get(beacon.type)
        group = beacon.properties.get("group")
        if flag is None or beacon.properties.get("experiment") != experiment.id or group not in GROUPS:
            continue
        row = rows.setdefault(
            beacon.session_id,
            {
                "merchant_id": merchant.id,
                "experiment_id": experiment.id,
                "session_id": beacon.session_id,
                "group": group,
                "viewed": False,
                "added_to_cart": False,
                "first_seen_at": now,
            },
        )
        row[flag] = True
    if not rows:
        return
    db.session.execute(_merged(_insert().values(list(rows.values()))))


def catch_up_sessions(merchant: Merchant, since: datetime) -> None:
    """Upsert the current test's sessions from its beacons received since `since`, and delete the rows of
    any other test of this store (the caller commits)."""
    experiment = current_experiment(merchant)
    others = delete(ExperimentSession).where(ExperimentSession.merchant_id == merchant.id)
    if experiment is None:
        db.session.execute(others)
        return
    db.session.execute(others.where(ExperimentSession.experiment_id != experiment.id))
    group = Event.properties["group"].as_string()

    def seen(kind: str) -> ColumnElement[bool]:
        return func.max(case((Event.type == kind, 1), else_=0)) == 1

    sessions = (
        scoped(Event, merchant=merchant)
        .with_only_columns(
            Event.merchant_id,
            literal(experiment.id),
            Event.session_id,
            func.min(group),
            seen(STOREFRONT_VIEW),
            seen(STORE_ADD_TO_CART),
            func.min(Event.occurred_at),
        )
        .where(
            Event.type.in_(tuple(_FLAGS)),
            Event.occurred_at >= max(since, experiment.started_at - CLOCK_MARGIN),
            Event.properties["experiment"].as_string() == experiment.id,
            group.in_(GROUPS),
            Event.session_id.is_not(None),
        )
        .group_by(Event.merchant_id, Event.session_id)
    )
    columns = [
        "merchant_id",
        "experiment_id",
        "session_id",
        "group",
        "viewed",
        "added_to_cart",
        "first_seen_at",
    ]
    db.session.execute(_merged(_insert().from_select(columns, sessions)))


def _insert() -> Any:
    return _UPSERT[db.session.get_bind().dialect.name](ExperimentSession)


def _merged(upsert: Any) -> Any:
    """An insert of session rows that, for a session already there, adds its flags to the row's. A row that
    already has them is left unwritten: most page views of a session, and every catch-up after the first,
    change nothing."""
    row, new = ExperimentSession, upsert.excluded
    return upsert.on_conflict_do_update(
        index_elements=["merchant_id", "experiment_id", "session_id"],
        set_={
            "viewed": or_(row.viewed, new.viewed),
            "added_to_cart": or_(row.added_to_cart, new.added_to_cart),
        },
        where=or_(and_(new.viewed, not_(row.viewed)), and_(new.added_to_cart, not_(row.added_to_cart))),
    )


def session_counts(merchant: Merchant, experiment: Experiment) -> tuple[dict[str, int], dict[str, int]]:
    """Per group: sessions that viewed the storefront, and those of them with an add-to-cart."""
    rows = db.session.execute(
        scoped(ExperimentSession, merchant=merchant)
        .with_only_columns(
            ExperimentSession.group,
            func.count(),
            func.coalesce(func.sum(case((ExperimentSession.added_to_cart.is_(True), 1), else_=0)), 0),
        )
        .where(
            ExperimentSession.experiment_id == experiment.id,
            ExperimentSession.viewed.is_(True),
            ExperimentSession.first_seen_at >= experiment.started_at - CLOCK_MARGIN,
        )
        .group_by(ExperimentSession.group)
    )
    sessions, with_add = {g: 0 for g in GROUPS}, {g: 0 for g in GROUPS}
    for group, count, added in rows:
        if group in sessions:
            sessions[group], with_add[group] = int(count), int(added)
    return sessions, with_add
