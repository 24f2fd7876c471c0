"""Housekeeping that guarantees the promises the API makes.

- Nothing stays `queued`/`running` forever: past `FACET_ANALYSIS_DEADLINE_SECONDS` an analysis is failed with
  `timed_out`: when it is polled (`expire_if_overdue`), and in bulk by `reap_stuck_analyses` (worker start,
  every 5 minutes from `flask facet cron`, `flask facet reap`). Sooner, one `running` for longer than a job
  may run (`FACET_JOB_TIMEOUT_SECONDS`, after which RQ stops it, plus `STALLED_MARGIN`) lost its worker
  (killed by the OOM killer, a node gone): it is failed with `analysis_error` the same two ways, so the
  shopper learns it within minutes and the store gets its in-flight slot back. One still `queued` whose
  job is gone from Redis (Redis restarted without persistence, failed over, flushed) is enqueued again by
  the reaper once it waited `LOST_JOB_AFTER`, instead of waiting for its deadline.
- Privacy: kept uploads are deleted once `upload_delete_at` passes, and analyses once `expires_at` passes
  (`purge_expired`: hourly from `flask facet cron`, or `flask facet purge`).
- Customers' data exports go 30 days after the request (`services.data_requests.purge_old_exports`, which
  finds the stores with one due from their data requests' webhook receipts, kept until then).
- The record of used dashboard sign-in links stays small: a row goes an hour after its link expired
  (`purge_expired` too; signing in only ever inserts, so concurrent sign-ins never delete rows in each
  other's way).
- Analytics beacons go after `FACET_EVENT_RETENTION_DAYS` (the dashboard reads 90 days at most; a running
  holdout test is counted from its own session rows, which stay while it runs), and webhook receipts after
  `WEBHOOK_RECEIPTS_KEPT`, well past any platform's redelivery window. Both tables grow with traffic, so
  they are deleted in batches of `DELETE_BATCH` rows, each its own short transaction.

- Every finished analysis and every holdout session counts on the dashboard (`catch_up`, every 5 minutes
  with the reaper; `flask facet catch-up` at once): `record_missing_facts` writes the dashboard's facts of
  done analyses that have none yet (finished before migration 0010, or by a process still on older code
  while a release rolls out), a batch per transaction within a time budget, and
  `lift_sessions.catch_up_sessions` upserts the running tests' sessions from the last `SESSIONS_WINDOW` of
  beacons (`flask facet catch-up --whole-tests`: since each test started) and deletes rows of ended tests.

Without Redis, the web process runs them after responses (see `housekeeping`).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, String, and_, cast, delete, or_, select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.exc import ObjectDeletedError

from plugin_api.errors import ApiError
from plugin_api.extensions import db
from plugin_api.jobs.analysis import GENERIC_FAILURE, TIMEOUT_FAILURE, mark_failed, record_dashboard_facts
from plugin_api.jobs.queueing import current_jobs
from plugin_api.models import (
    Analysis,
    AnalysisStatus,
    Event,
    ExperimentSession,
    Merchant,
    UsedSignInLink,
    WebhookReceipt,
    utcnow,
)
from plugin_api.models.sign_in_link import KEPT_AFTER_EXPIRY
from plugin_api.services.data_requests import DATA_REQUEST_TOPIC, purge_old_exports
from plugin_api.services.experiment import SETTINGS_KEY as EXPERIMENT_KEY
from plugin_api.services.lift_sessions import catch_up_sessions
from plugin_api.storage import StorageError, current_storage

log = logging.getLogger(__name__)

# Platforms redeliver a webhook for at most a few days (Shopify: 48 hours); a receipt outlives that.
WEBHOOK_RECEIPTS_KEPT = timedelta(days=30)
DELETE_BATCH = 10_000
FACTS_BATCH = 500
# Every 5 minutes, the sessions of the last day's beacons: a release, or a day's outage of the cron or the
# workers, loses none (an index range of a few thousand rows per busy store).
SESSIONS_WINDOW = timedelta(days=1)

UNFINISHED = (AnalysisStatus.QUEUED.value, AnalysisStatus.RUNNING.value)
# Past the job timeout, RQ has stopped the job and the job has written its outcome (or set the analysis
# back to `queued` for its retry) within seconds; this margin covers those writes on a slow database.
STALLED_MARGIN = timedelta(seconds=60)
# Enqueuing and the job's own start take milliseconds; a queued analysis this old is checked for its job.
LOST_JOB_AFTER = timedelta(minutes=1)


def _deadline(now: datetime) -> datetime:
    return now - timedelta(seconds=int(current_app.config["FACET_ANALYSIS_DEADLINE_SECONDS"]))


def _stalled_since(now: datetime) -> datetime | None:
    """Runs started before this have no worker behind them; None when jobs run in-process (no timeout)."""
    if current_jobs().inline:
        return None
    return now - timedelta(seconds=int(current_app.config["FACET_JOB_TIMEOUT_SECONDS"])) - STALLED_MARGIN


def _failure_if_abandoned(analysis: Analysis, now: datetime) -> tuple[str, str] | None:
    """Why an unfinished analysis is to be failed now (past its deadline, or its worker lost), else None."""
    if analysis.status not in UNFINISHED:
        return None
    if analysis.queued_at <= _deadline(now):
        return TIMEOUT_FAILURE
    stalled = _stalled_since(now)
    running = analysis.status == AnalysisStatus.RUNNING.value
    if running and stalled is not None and analysis.started_at and analysis.started_at <= stalled:
        log.warning("analysis %s lost its worker (running since %s)", analysis.id, analysis.started_at)
        return GENERIC_FAILURE
    return None


def expire_if_overdue(analysis: Analysis, now: datetime | None = None) -> bool:
    """Fail one unfinished analysis that is past its deadline or whose worker is gone; returns whether it did
    (404 `not_found` when the shopper deleted it meanwhile)."""
    failure = _failure_if_abandoned(analysis, now or utcnow())
    if failure is None:
        return False
    mark_failed(str(analysis.id), *failure)
    try:
        db.session.refresh(analysis)
    except (InvalidRequestError, ObjectDeletedError) as exc:
        # The shopper deleted it in between: the poll answers as for any deleted analysis.
        raise ApiError(404, "not_found", "No such analysis.") from exc
    return True


def reap_stuck_analyses(now: datetime | None = None) -> int:
    """Fail every unfinished analysis past its deadline or whose worker is gone; returns how many."""
    now = now or utcnow()
    stuck: ColumnElement[bool] = Analysis.queued_at <= _deadline(now)
    stalled = _stalled_since(now)
    if stalled is not None:
        lost = and_(Analysis.status == AnalysisStatus.RUNNING.value, Analysis.started_at <= stalled)
        stuck = or_(stuck, lost)
    ids = db.session.scalars(select(Analysis.id).where(Analysis.status.in_(UNFINISHED), stuck)).all()
    reaped = 0
    for analysis_id in ids:
        analysis = db.session.get(Analysis, analysis_id)
        failure = _failure_if_abandoned(analysis, now) if analysis is not None else None
        if failure is not None:
            mark_failed(str(analysis_id), *failure)
            reaped += 1
    if reaped:
        log.warning("reaped %d stuck analyses", reaped)
    requeue_lost_jobs(now)
    return reaped


def requeue_lost_jobs(now: datetime | None = None) -> int:
    """Enqueue again the queued analyses (within their deadline) whose RQ job no longer exists; returns how
    many. A job that exists (waiting behind a backlog, running, or retried) is left alone."""
    from rq.job import Job

    from plugin_api.services.analyses import enqueue_analysis

    jobs = current_jobs()
    if jobs.inline:
        return 0
    now = now or utcnow()
    waiting = db.session.scalars(
        select(Analysis).where(
            Analysis.status == AnalysisStatus.QUEUED.value,
            Analysis.queued_at <= now - LOST_JOB_AFTER,
            Analysis.queued_at > _deadline(now),
        )
    ).all()
    requeued = 0
    for analysis in waiting:
        if Job.exists(f"analysis-{analysis.id}", connection=jobs.redis):
            continue
        enqueue_analysis(analysis)
        requeued += 1
    if requeued:
        log.warning("enqueued %d analyses again whose jobs were lost from Redis", requeued)
    return requeued


def purge_expired(now: datetime | None = None) -> dict[str, int]:
    """Delete kept uploads past their retention, analyses past their expiry and old used sign-in links."""
    now = now or utcnow()
    storage = current_storage()
    uploads = 0
    kept = db.session.scalars(
        select(Analysis).where(Analysis.upload_key.is_not(None), Analysis.upload_delete_at <= now)
    ).all()
    for analysis in kept:
        try:
            storage.delete(analysis.upload_key)
        except StorageError:
            log.exception("could not delete upload of analysis %s", analysis.id)
            continue
        analysis.upload_key = None
        uploads += 1
    db.session.commit()

    expired = []
    for analysis in db.session.scalars(select(Analysis).where(Analysis.expires_at <= now)).all():
        if analysis.upload_key:
            try:
                storage.delete(analysis.upload_key)
            except StorageError:
                # The row names the photo: it stays until the photo is gone, and the next purge retries.
                log.exception("could not delete upload of analysis %s", analysis.id)
                continue
        expired.append(analysis)
    if expired:
        db.session.execute(delete(Analysis).where(Analysis.id.in_([a.id for a in expired])))
    db.session.commit()

    # A link past its expiry is refused by its signature alone; its row only has to outlive every clock.
    links = db.session.execute(
        delete(UsedSignInLink).where(UsedSignInLink.expires_at < now - KEPT_AFTER_EXPIRY)
    ).rowcount
    db.session.commit()

    event_days = int(current_app.config["FACET_EVENT_RETENTION_DAYS"])
    events = (
        _delete_in_batches(Event.id, Event.occurred_at < now - timedelta(days=event_days))
        if event_days
        else 0
    )
    # A data request's receipt is how the purge finds its export: it goes with the export.
    receipts = _delete_in_batches(
        WebhookReceipt.id,
        (WebhookReceipt.received_at < now - WEBHOOK_RECEIPTS_KEPT)
        & (WebhookReceipt.topic != DATA_REQUEST_TOPIC),
    )
    try:
        exports = purge_old_exports(now)
    except StorageError:
        log.exception("could not delete old customer data exports; tried again at the next purge")
        exports = 0
    return {
        "uploads_deleted": uploads,
        "analyses_deleted": len(expired),
        "used_sign_in_links_deleted": links,
        "events_deleted": events,
        "webhook_receipts_deleted": receipts,
        "data_exports_deleted": exports,
    }


def _delete_in_batches(key: InstrumentedAttribute[int], condition: ColumnElement[bool]) -> int:
    """Delete the rows matching `condition`, `DELETE_BATCH` at a time (each batch committed), so a large
    backlog never holds one long transaction over a table the API writes to."""
    table = key.class_
    deleted = 0
    while True:
        batch = select(key).where(condition).limit(DELETE_BATCH)
        count = db.session.execute(delete(table).where(key.in_(batch))).rowcount
        db.session.commit()
        deleted += count
        if count < DELETE_BATCH:
            return deleted


def record_missing_facts(budget_seconds: float = 120.0) -> int:
    """Write the dashboard facts of done analyses that have none, `FACTS_BATCH` per transaction, until none
    is left or `budget_seconds` passed (the next run goes on); returns how many were written. Rows being
    written by another run are skipped (`SKIP LOCKED` on PostgreSQL), so two runs never write one twice."""
    deadline = time.monotonic() + budget_seconds
    written = 0
    while time.monotonic() < deadline:
        batch = db.session.scalars(
            select(Analysis)
            .where(Analysis.status == AnalysisStatus.DONE.value, Analysis.facts_recorded.is_(False))
            .limit(FACTS_BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        for analysis in batch:
            record_dashboard_facts(analysis, analysis.result)
        db.session.commit()
        written += len(batch)
        if len(batch) < FACTS_BATCH:
            break
    if written:
        log.info("recorded the dashboard facts of %d earlier analyses", written)
    return written


def catch_up(budget_seconds: float = 120.0, *, whole_tests: bool = False) -> dict[str, int]:
    """What the dashboard counts, made whole: analyses' facts, and running tests' sessions from the last
    `SESSIONS_WINDOW` of beacons (`whole_tests`: from each test's start, after a longer outage). One store
    that fails is logged and skipped; the others, and the facts, still go on."""
    since = datetime.min.replace(tzinfo=UTC) if whole_tests else utcnow() - SESSIONS_WINDOW
    stores = 0
    with_rows = select(ExperimentSession.merchant_id).distinct()
    testing = cast(Merchant.settings, String).contains(f'"{EXPERIMENT_KEY}"')
    ids = db.session.scalars(select(Merchant.id).where(or_(testing, Merchant.id.in_(with_rows)))).all()
    for merchant_id in ids:
        try:
            catch_up_sessions(db.session.get(Merchant, merchant_id), since)
            db.session.commit()
            stores += 1
        except Exception:
            db.session.rollback()
            log.exception("could not catch up the holdout sessions of merchant %s", merchant_id)
    return {"facts_recorded": record_missing_facts(budget_seconds), "holdout_stores_caught_up": stores}
