"""A worker killed in the middle of an analysis (OOM killer, a node going away): the shopper gets an answer
and the store its in-flight slot back, and RQ's own clean-up of the abandoned job does not break the next
worker. Real worker processes against real Redis and the test database (skipped without REDIS_URL)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from rq import Queue
from rq.registry import StartedJobRegistry

from plugin_api.extensions import db
from plugin_api.models import Analysis, AnalysisStatus, utcnow
from plugin_api.services.analyses import ANALYSIS_FAILURE_CALLBACK
from tests.helpers import ANALYSES_URL
from tests.jobs.workers import REPO, worker_command

QUEUE = "analysis-default"
pytestmark = pytest.mark.services


def killed_mid_analysis(app, database_url: str, storage_dir: Path, merchant, retries: int) -> uuid.UUID:
    """Start an analysis on a real worker, SIGKILL the worker while it runs; returns the analysis id."""
    redis_url = app.config["REDIS_URL"]
    jobs = app.extensions["facet.jobs"]
    with app.app_context():
        analysis = Analysis(merchant_id=merchant.id, queue=QUEUE)
        db.session.add(analysis)
        db.session.commit()
        analysis_id = analysis.id
        jobs.reserve_slot(merchant.id, str(analysis_id))
        jobs.enqueue(
            "tests.jobs.failing_jobs.hang",
            str(analysis_id),
            queue=QUEUE,
            job_id=f"analysis-{analysis_id}",
            on_failure=ANALYSIS_FAILURE_CALLBACK,
            retries=retries,
        )
    cmd, env = worker_command(database_url, redis_url, storage_dir, "--queues", QUEUE)
    # Its own process group: the worker's RQ scheduler (a forked child) outlives a SIGKILL of the worker.
    worker = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with app.app_context():
                if db.session.get(Analysis, analysis_id).status == AnalysisStatus.RUNNING.value:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("the worker never started the analysis")
    finally:
        os.kill(worker.pid, signal.SIGKILL)  # the worker alone, as the OOM killer would
        worker.wait(timeout=30)
        worker.stderr.close()
        try:
            os.killpg(
                worker.pid, signal.SIGKILL
            )  # then what it left (its scheduler), not to outlive the test
        except ProcessLookupError:
            pass
    return analysis_id


def test_an_analysis_whose_worker_was_killed_is_failed_within_the_job_timeout_and_frees_its_slot(
    redis_app, database_url, storage_dir, merchant_factory, widget_headers
):
    merchant = merchant_factory(redis_app)
    analysis_id = killed_mid_analysis(redis_app, database_url, storage_dir, merchant, retries=1)
    client = redis_app.test_client()
    url = f"{ANALYSES_URL}/{analysis_id}"
    assert client.get(url, headers=widget_headers(merchant)).json["status"] == "running"

    # No job outlives its timeout (RQ stops it), so a run started longer ago than that, and a margin, has
    # no worker behind it: well before the 15-minute deadline, the poll says so.
    timeout = int(redis_app.config["FACET_JOB_TIMEOUT_SECONDS"])
    with redis_app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        analysis.started_at = utcnow() - timedelta(seconds=timeout + 61)
        db.session.commit()
    polled = client.get(url, headers=widget_headers(merchant)).json
    assert (polled["status"], polled["error_code"]) == ("failed", "analysis_error")
    with redis_app.app_context():
        assert redis_app.extensions["facet.jobs"].in_flight(merchant.id) == 0


def test_rq_cleaning_up_an_abandoned_analysis_job_fails_it_and_the_next_worker_runs_on(
    redis_app, database_url, storage_dir, merchant_factory
):
    merchant = merchant_factory(redis_app)
    # Its last attempt: RQ's clean-up calls the failure callback, outside any job.
    analysis_id = killed_mid_analysis(redis_app, database_url, storage_dir, merchant, retries=0)
    redis = redis_app.extensions["facet.redis"]
    registry = StartedJobRegistry(QUEUE, connection=redis)
    entries = redis.zrange(registry.key, 0, -1)
    assert len(entries) == 1
    # The killed worker's heartbeat stops; about 90 s later its entry is expired. Age it instead of waiting.
    redis.zadd(registry.key, {entries[0]: 1})
    redis_app.extensions["facet.jobs"].enqueue(
        "tests.jobs.failing_jobs.record_pid", redis_app.config["REDIS_URL"], "pids", queue=QUEUE
    )

    redis_url = redis_app.config["REDIS_URL"]
    cmd, env = worker_command(database_url, redis_url, storage_dir, "--queues", QUEUE, "--burst")
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=240)

    assert proc.returncode == 0, proc.stderr[-3000:]
    assert redis.llen("pids") == 1, proc.stderr[-3000:]  # the next worker went on to its next job
    assert Queue(QUEUE, connection=redis).count == 0
    with redis_app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        assert (analysis.status, analysis.error_code) == ("failed", "analysis_error")
        assert redis_app.extensions["facet.jobs"].in_flight(merchant.id) == 0


def test_the_reaper_fails_runs_older_than_a_job_can_run_but_not_live_ones_nor_in_process_ones(
    app_factory, redis_url, merchant_factory
):
    from plugin_api.jobs.maintenance import reap_stuck_analyses

    with_rq, in_process = app_factory(REDIS_URL=redis_url), app_factory()
    merchant = merchant_factory(with_rq)
    timeout = int(with_rq.config["FACET_JOB_TIMEOUT_SECONDS"])
    now = utcnow()
    with with_rq.app_context():
        lost, live, waiting = (
            Analysis(
                merchant_id=merchant.id, status="running", started_at=now - timedelta(seconds=timeout + 61)
            ),
            Analysis(merchant_id=merchant.id, status="running", started_at=now - timedelta(seconds=timeout)),
            Analysis(merchant_id=merchant.id, status="queued"),
        )
        db.session.add_all([lost, live, waiting])
        db.session.commit()
        ids = lost.id, live.id, waiting.id
    with in_process.app_context():  # no job timeout there: an in-process job runs as long as it takes
        assert reap_stuck_analyses() == 0
    with with_rq.app_context():
        assert reap_stuck_analyses() == 1
        statuses = [(a.status, a.error_code) for a in (db.session.get(Analysis, i) for i in ids)]
    assert statuses == [("failed", "analysis_error"), ("running", None), ("queued", None)]
