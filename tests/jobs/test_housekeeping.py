"""Reap and purge run without a system cron: on the RQ cron scheduler, or after responses in-process."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from rq import Queue
from rq.cron import CronScheduler
from sqlalchemy import event, select

from plugin_api.config import ConfigError
from plugin_api.extensions import db
from plugin_api.jobs import maintenance
from plugin_api.jobs.housekeeping import PURGE_EVERY, REAP_EVERY, Throttle
from plugin_api.jobs.maintenance import purge_expired
from plugin_api.jobs.queueing import ALL_QUEUES, MAINTENANCE_QUEUE
from plugin_api.jobs.worker import AppWorker
from plugin_api.models import Analysis, Event, UsedSignInLink, WebhookReceipt, utcnow

REAP = "plugin_api.jobs.maintenance.reap_stuck_analyses"
PURGE = "plugin_api.jobs.maintenance.purge_expired"
CATCH_UP = "plugin_api.jobs.maintenance.catch_up"


def _stuck_and_expired(app, merchant_id: int) -> tuple[uuid.UUID, uuid.UUID]:
    """One analysis queued two hours ago (past the deadline) and one past its retention; and used dashboard
    sign-in links, one whose link expired over an hour ago and others that must stay (see `_used_links`)."""
    with app.app_context():
        stuck = Analysis(merchant_id=merchant_id, queued_at=utcnow() - timedelta(hours=2))
        expired = Analysis(merchant_id=merchant_id, status="done", expires_at=utcnow() - timedelta(minutes=1))
        db.session.add_all([stuck, expired])
        db.session.flush()  # the analyses' ids name the links below
        for link_id, expired_ago in [
            (f"old-{expired.id}", timedelta(hours=1, minutes=5)),  # past its link's expiry and the grace hour
            (f"grace-{expired.id}", timedelta(minutes=50)),  # link expired, but within the grace hour
            (f"live-{expired.id}", -timedelta(minutes=10)),  # link still working: its row must stay
        ]:
            expires_at = utcnow() - expired_ago
            db.session.add(
                UsedSignInLink(
                    link_id=link_id,
                    merchant_id=merchant_id,
                    used_at=expires_at - timedelta(minutes=10),
                    expires_at=expires_at,
                )
            )
        db.session.commit()
        return stuck.id, expired.id


def _used_links(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(UsedSignInLink.link_id)))


def _assert_housekept(app, stuck_id: uuid.UUID, expired_id: uuid.UUID) -> None:
    with app.app_context():
        stuck = db.session.get(Analysis, stuck_id)
        assert (stuck.status, stuck.error_code) == ("failed", "timed_out")
        assert db.session.get(Analysis, expired_id) is None
    used = _used_links(app)
    assert f"old-{expired_id}" not in used
    assert {f"grace-{expired_id}", f"live-{expired_id}"} <= used


def test_flask_facet_cron_schedules_reap_and_purge_and_a_default_worker_runs_them(
    redis_app, merchant_factory, monkeypatch
):
    started: list[CronScheduler] = []

    def start_once(self: CronScheduler) -> None:  # the real start() loops forever; one tick is enough here
        started.append(self)
        self.enqueue_jobs()

    monkeypatch.setattr(CronScheduler, "start", start_once)
    merchant = merchant_factory(redis_app)
    stuck_id, expired_id = _stuck_and_expired(redis_app, merchant.id)

    result = redis_app.test_cli_runner().invoke(args=["facet", "cron"])
    assert result.exit_code == 0, result.output
    [scheduler] = started
    intervals = {job.func_name: (job.queue_name, job.interval) for job in scheduler.get_jobs()}
    assert intervals[REAP] == (MAINTENANCE_QUEUE, REAP_EVERY)
    assert intervals[PURGE] == (MAINTENANCE_QUEUE, PURGE_EVERY)
    assert intervals[CATCH_UP] == (MAINTENANCE_QUEUE, REAP_EVERY)
    assert "plugin_api.jobs.sync.schedule_polls" in intervals  # the catalog polls stay on the same scheduler

    redis = redis_app.extensions["facet.redis"]
    maintenance_queue = Queue(MAINTENANCE_QUEUE, connection=redis)
    assert sorted(job.func_name for job in maintenance_queue.get_jobs()) == sorted([PURGE, REAP, CATCH_UP])
    assert MAINTENANCE_QUEUE in ALL_QUEUES  # `flask facet worker` with no --queues serves it
    worker = AppWorker([maintenance_queue], connection=redis)
    worker.flask_app = redis_app
    worker.work(burst=True)
    _assert_housekept(redis_app, stuck_id, expired_id)


def test_without_redis_housekeeping_runs_after_a_response_at_most_every_period(app_factory, merchant_factory):
    app = app_factory(FACET_INLINE_HOUSEKEEPING_SECONDS=600)
    merchant = merchant_factory(app)
    stuck_id, expired_id = _stuck_and_expired(app, merchant.id)
    client = app.test_client()

    response = client.get("/healthz")
    with app.app_context():
        assert db.session.get(Analysis, expired_id) is not None, "must not run before the response is sent"
    assert f"old-{expired_id}" in _used_links(app)
    response.close()  # the server closes the response once sent; housekeeping runs then
    _assert_housekept(app, stuck_id, expired_id)

    # Within the period, requests do not purge again.
    _, expired_again = _stuck_and_expired(app, merchant.id)
    client.get("/healthz").close()
    with app.app_context():
        assert db.session.get(Analysis, expired_again) is not None
    assert f"old-{expired_again}" in _used_links(app)


@pytest.mark.parametrize("overrides", [{}, {"FACET_INLINE_HOUSEKEEPING_SECONDS": 0}])
def test_inline_housekeeping_is_off_in_tests_by_default_and_when_zero(app_factory, overrides):
    assert "facet.housekeeping" not in app_factory(**overrides).extensions


def test_throttle_is_due_once_per_period():
    now = [1000.0]
    throttle = Throttle(600, clock=lambda: now[0])
    assert throttle.due()
    assert not throttle.due()
    now[0] += 599
    assert not throttle.due()
    now[0] += 1
    assert throttle.due()


def test_purge_deletes_a_used_sign_in_link_an_hour_after_its_link_expired(app, merchant_factory):
    merchant = merchant_factory()
    with app.app_context():
        expires_at = utcnow()
        db.session.add(
            UsedSignInLink(
                link_id="mailed-0001", merchant_id=merchant.id, used_at=expires_at, expires_at=expires_at
            )
        )
        db.session.commit()
        assert purge_expired(now=expires_at + timedelta(minutes=59))["used_sign_in_links_deleted"] == 0
        assert purge_expired(now=expires_at + timedelta(minutes=61))["used_sign_in_links_deleted"] == 1
        assert db.session.scalars(select(UsedSignInLink)).all() == []
    result = app.test_cli_runner().invoke(args=["facet", "purge"])
    assert result.exit_code == 0 and "used_sign_in_links_deleted=0" in result.output, result.output


def _beacons_and_receipts(app, merchant_id: int, now) -> None:
    """Beacons 181, 179 and 1 day old, and webhook receipts 31 and 29 days old."""
    with app.app_context():
        for sid, age in (("tab-old", 181), ("tab-kept", 179), ("tab-new", 1)):
            at = now - timedelta(days=age)
            db.session.add(
                Event(merchant_id=merchant_id, session_id=sid, type="opened", occurred_at=at, received_at=at)
            )
        for delivery, age in (("old-delivery", 31), ("recent-delivery", 29)):
            db.session.add(
                WebhookReceipt(
                    platform="shopify",
                    delivery_id=delivery,
                    topic="products/update",
                    merchant_id=merchant_id,
                    received_at=now - timedelta(days=age),
                )
            )
        db.session.commit()


def _left(app) -> tuple[list[str], list[str]]:
    with app.app_context():
        return (
            sorted(db.session.scalars(select(Event.session_id))),
            sorted(db.session.scalars(select(WebhookReceipt.delivery_id))),
        )


def test_purge_deletes_beacons_past_their_retention_and_old_webhook_receipts(app, merchant_factory):
    merchant = merchant_factory()
    now = utcnow()
    _beacons_and_receipts(app, merchant.id, now)
    with app.app_context():
        done = purge_expired(now=now)
    assert (done["events_deleted"], done["webhook_receipts_deleted"]) == (1, 1)
    assert _left(app) == (["tab-kept", "tab-new"], ["recent-delivery"])


def test_a_backlog_is_deleted_batch_by_batch_and_zero_keeps_beacons(
    app_factory, merchant_factory, monkeypatch
):
    monkeypatch.setattr(maintenance, "DELETE_BATCH", 2)
    keep_all = app_factory(FACET_EVENT_RETENTION_DAYS=0)
    merchant = merchant_factory(keep_all)
    now = utcnow()
    with keep_all.app_context():
        db.session.add_all(
            Event(
                merchant_id=merchant.id,
                session_id=f"tab-{i}",
                type="opened",
                occurred_at=now - timedelta(days=400),
            )
            for i in range(5)
        )
        db.session.commit()
        assert purge_expired(now=now)["events_deleted"] == 0
    app = app_factory(FACET_EVENT_RETENTION_DAYS=90)
    deletes: list[str] = []
    with app.app_context():
        listen = (db.engine, "before_cursor_execute")
        count = lambda *args: deletes.append(args[2]) if args[2].startswith("DELETE FROM events") else None  # noqa: E731
        event.listen(*listen, count)
        try:
            assert purge_expired(now=now)["events_deleted"] == 5
        finally:
            event.remove(*listen, count)
    assert len(deletes) == 3  # batches of 2, 2 and 1, each its own statement
    assert _left(app)[0] == []


@pytest.mark.parametrize("days", [-1, 1, 89])
def test_beacons_are_kept_at_least_as_long_as_the_dashboard_looks_back(app_factory, days):
    with pytest.raises(ConfigError, match=f"at least 90, the dashboard's longest period, not {days}"):
        app_factory(FACET_EVENT_RETENTION_DAYS=days)
