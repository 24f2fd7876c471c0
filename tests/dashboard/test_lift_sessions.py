"""The holdout test's sessions, one row each, kept from the beacons as they arrive (older ones by 0011)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from plugin_api import create_app
from plugin_api.extensions import db
from plugin_api.jobs import maintenance
from plugin_api.jobs.maintenance import catch_up
from plugin_api.models import Event, ExperimentSession, Merchant, utcnow
from tests.dashboard.helpers import SUMMARY, send_events, signed_in
from tests.dashboard.test_lift import sessions, start_test, store_add, view
from tests.migrations.test_migrations import flask_db, scratch_postgres, store_at_revision, stored_time


def _rows(app) -> list[tuple[str, str, bool, bool]]:
    with app.app_context():
        return [
            (r.session_id, r.group, r.viewed, r.added_to_cart)
            for r in db.session.scalars(select(ExperimentSession).order_by(ExperimentSession.session_id))
        ]


def test_beacons_of_one_session_in_any_order_and_requests_make_one_row(app, client, merchant_factory):
    store = merchant_factory()
    exp = start_test(app, store, 50)
    [tab] = sessions("exposed", exp, 50, 1)
    send_events(client, store, [store_add(tab, "exposed", exp)])  # the add's beacon overtook the view's
    assert _rows(app) == [(tab, "exposed", False, True)]
    assert signed_in(app, store).get(SUMMARY).json["lift"]["exposed"]["sessions"] == 0  # no view yet
    for _ in range(3):
        send_events(client, store, [view(tab, "exposed", exp)])
    assert _rows(app) == [(tab, "exposed", True, True)]
    lift = signed_in(app, store).get(SUMMARY).json["lift"]
    assert lift["exposed"] == {"sessions": 1, "sessions_with_add_to_cart": 1, "add_to_cart_rate": 1.0}


def test_a_new_split_counts_from_zero_and_forgets_the_old_sessions(app, client, merchant_factory):
    store, other = merchant_factory(), merchant_factory()
    old = start_test(app, store, 50)
    theirs = start_test(app, other, 50)
    send_events(client, store, [view(sid, "holdout", old) for sid in sessions("holdout", old, 50, 3)])
    send_events(client, other, [view(sid, "holdout", theirs) for sid in sessions("holdout", theirs, 50, 2)])
    new = start_test(app, store, 20)
    # A late beacon of the old split counts nowhere.
    send_events(client, store, [view(sessions("holdout", old, 50, 1, prefix="late")[0], "holdout", old)])
    lift = signed_in(app, store).get(SUMMARY).json["lift"]
    assert (lift["experiment_id"], lift["holdout"]["sessions"], lift["exposed"]["sessions"]) == (new, 0, 0)
    with app.app_context():
        left = db.session.execute(
            select(ExperimentSession.merchant_id, func.count()).group_by(ExperimentSession.merchant_id)
        ).all()
    assert left == [(other.id, 2)]  # another store's test is untouched


def _sessions_backfilled(url: str, tmp_path: Path) -> None:
    running = {
        "holdout_percent": 50,
        "id": "xTest0001",
        "started_at": (utcnow() - timedelta(days=3)).isoformat(),
    }
    merchant_id = store_at_revision(url, "0010_analysis_dashboard_facts", tmp_path, {"experiment": running})
    first = utcnow() - timedelta(days=2)
    beacons = [
        ("tab-a", "storefront_view", {"group": "exposed", "experiment": "xTest0001"}, first),
        ("tab-a", "storefront_view", {"group": "exposed", "experiment": "xTest0001"}, utcnow()),
        ("tab-a", "store_add_to_cart", {"group": "exposed", "experiment": "xTest0001"}, utcnow()),
        ("tab-b", "storefront_view", {"group": "holdout", "experiment": "xTest0001"}, utcnow()),
        ("tab-c", "store_add_to_cart", {"group": "holdout", "experiment": "xTest0001"}, utcnow()),
        ("tab-d", "storefront_view", {"group": "sideways", "experiment": "xTest0001"}, utcnow()),
        ("tab-e", "storefront_view", {}, utcnow()),
        ("tab-f", "opened", {"group": "exposed", "experiment": "xTest0001"}, utcnow()),
        ("tab-g", "storefront_view", {"group": "exposed", "experiment": "xEnded001"}, utcnow()),  # ended
    ]
    engine = create_engine(url)
    with engine.begin() as conn:
        for sid, kind, props, at in beacons:
            stamp = stored_time(url, at)
            conn.execute(
                text(
                    "INSERT INTO events (merchant_id, session_id, type, properties, occurred_at, "
                    "received_at) VALUES (:m, :sid, :type, :props, :at, :at)"
                ),
                {"m": merchant_id, "sid": sid, "type": kind, "props": json.dumps(props), "at": stamp},
            )
    engine.dispose()
    flask_db(url, "upgrade")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "FACET_STORAGE_DIR": str(tmp_path)})
    assert _rows(app) == [
        ("tab-a", "exposed", True, True),
        ("tab-b", "holdout", True, False),
        ("tab-c", "holdout", False, True),
    ]
    with app.app_context():
        seen = db.session.scalar(
            select(ExperimentSession.first_seen_at).where(ExperimentSession.session_id == "tab-a")
        )
        db.session.remove()
        db.engine.dispose()
    assert abs(seen - first) < timedelta(seconds=1)


def test_sqlite_beacons_from_before_0011_become_sessions(tmp_path: Path):
    _sessions_backfilled("sqlite:///" + str(tmp_path / "old.db"), tmp_path)


@pytest.mark.services
def test_postgres_beacons_from_before_0011_become_sessions(postgres_url: str, tmp_path: Path):
    with scratch_postgres(postgres_url, "sessions") as url:
        _sessions_backfilled(url, tmp_path)


def _beacons_recorded_by_older_code(
    app, merchant: Merchant, beacons: list[tuple[str, str, str, str]], age: timedelta = timedelta(0)
) -> None:
    """Beacons in `events` with no session row, as a process on the code before 0011 recorded them."""
    with app.app_context():
        db.session.add_all(
            Event(
                merchant_id=merchant.id,
                session_id=sid,
                type=kind,
                properties={"group": grp, "experiment": exp},
                occurred_at=utcnow() - age,
            )
            for sid, kind, grp, exp in beacons
        )
        db.session.commit()


def test_the_catch_up_counts_beacons_older_code_recorded_and_forgets_ended_tests(
    app, client, merchant_factory
):
    store, idle = merchant_factory(), merchant_factory()
    exp = start_test(app, store, 50)
    tab, other_tab = sessions("exposed", exp, 50, 2)
    send_events(client, store, [view(tab, "exposed", exp)])  # recorded as it should be
    _beacons_recorded_by_older_code(
        app,
        store,
        [
            (tab, "store_add_to_cart", "exposed", exp),
            (other_tab, "storefront_view", "exposed", exp),
            (other_tab, "storefront_view", "exposed", exp),
        ],
    )
    with app.app_context():  # what a request racing the end of a test left behind
        db.session.add(
            ExperimentSession(
                merchant_id=idle.id, experiment_id="xEnded001", session_id="t", group="exposed", viewed=True
            )
        )
        db.session.add(
            ExperimentSession(
                merchant_id=store.id, experiment_id="xEnded002", session_id="t", group="exposed", viewed=True
            )
        )
        db.session.commit()
    assert signed_in(app, store).get(SUMMARY).json["lift"]["exposed"]["sessions"] == 1
    # The store, and the idle one for its leftover row; then the store alone: the same figures each time.
    for stores in (2, 1):
        with app.app_context():
            assert catch_up()["holdout_stores_caught_up"] == stores
        lift = signed_in(app, store).get(SUMMARY).json["lift"]
        assert lift["exposed"] == {"sessions": 2, "sessions_with_add_to_cart": 1, "add_to_cart_rate": 0.5}
    assert sorted(_rows(app)) == sorted([(tab, "exposed", True, True), (other_tab, "exposed", True, False)])


def test_the_catch_up_looks_back_a_day_and_whole_tests_after_a_longer_outage(app, client, merchant_factory):
    store = merchant_factory()
    exp = start_test(app, store, 50)
    with app.app_context():  # the test began three days ago
        merchant = db.session.get(Merchant, store.id)
        merchant.settings = {
            "experiment": {
                **merchant.settings["experiment"],
                "started_at": (utcnow() - timedelta(days=3)).isoformat(),
            }
        }
        db.session.commit()
    recent, old = sessions("holdout", exp, 50, 2)
    _beacons_recorded_by_older_code(
        app, store, [(recent, "storefront_view", "holdout", exp)], timedelta(hours=20)
    )
    _beacons_recorded_by_older_code(app, store, [(old, "storefront_view", "holdout", exp)], timedelta(days=2))
    with app.app_context():
        catch_up()
    assert [r[0] for r in _rows(app)] == [recent]
    with app.app_context():
        catch_up(whole_tests=True)
    assert sorted(r[0] for r in _rows(app)) == sorted([recent, old])


def test_a_hand_edited_start_or_one_failing_store_stops_no_other(app, client, merchant_factory, monkeypatch):
    edited, failing = merchant_factory(), merchant_factory()
    exp = start_test(app, edited, 50)
    start_test(app, failing, 50)
    with app.app_context():  # a start time written by hand, without its UTC offset
        merchant = db.session.get(Merchant, edited.id)
        merchant.settings = {
            "experiment": {**merchant.settings["experiment"], "started_at": "2026-01-01T00:00:00"}
        }
        db.session.commit()
    [tab] = sessions("exposed", exp, 50, 1)
    _beacons_recorded_by_older_code(app, edited, [(tab, "storefront_view", "exposed", exp)])
    # Injected, as no data a store can write makes `catch_up_sessions` raise (`current_experiment` and the
    # upsert take anything): what is tested is `catch_up` carrying on past one store's unexpected error.
    real = maintenance.catch_up_sessions

    def breaks_for_one_store(merchant, since):
        if merchant.id == failing.id:
            raise RuntimeError("this store's rows are broken")
        real(merchant, since)

    monkeypatch.setattr(maintenance, "catch_up_sessions", breaks_for_one_store)
    with app.app_context():
        assert catch_up()["holdout_stores_caught_up"] == 1
    assert _rows(app) == [(tab, "exposed", True, False)]


@pytest.mark.services
def test_a_beacon_that_changes_nothing_leaves_the_session_row_unwritten(
    postgres_url, app, client, merchant_factory
):
    store = merchant_factory()
    exp = start_test(app, store, 50)
    [tab] = sessions("exposed", exp, 50, 1)

    def row_version() -> str:  # PostgreSQL's xmin: the transaction that last wrote the row
        with app.app_context():
            return db.session.execute(text("SELECT xmin::text FROM experiment_sessions")).scalar_one()

    send_events(client, store, [view(tab, "exposed", exp)])
    written = row_version()
    send_events(client, store, [view(tab, "exposed", exp)])  # a second page view of the same session
    with app.app_context():
        catch_up()  # and the catch-up going over the same beacons
    assert row_version() == written
    send_events(client, store, [store_add(tab, "exposed", exp)])
    assert row_version() != written
    assert _rows(app) == [(tab, "exposed", True, True)]
