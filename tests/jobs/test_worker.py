"""A real `flask facet worker --burst` process against real Redis (skipped without REDIS_URL)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from rq import Queue

from plugin_api.extensions import db
from plugin_api.models import Analysis
from plugin_api.services.analyses import ANALYSIS_FAILURE_CALLBACK
from tests.helpers import ANALYSES_URL, upload
from tests.images import astronaut_jpeg, make_jpeg
from tests.jobs.workers import run_worker

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.services


def test_worker_takes_an_upload_from_queued_to_done(
    redis_app, database_url, storage_dir, merchant_factory, widget_headers
):
    merchant = merchant_factory(redis_app, plan="premium")
    client = redis_app.test_client()
    response = upload(client, widget_headers(merchant), astronaut_jpeg())
    assert response.status_code == 202, response.json
    body = response.json
    assert body["status"] == "queued"
    assert response.headers["Location"] == body["poll_url"]
    redis = redis_app.extensions["facet.redis"]
    assert Queue("analysis-high", connection=redis).count == 1  # premium plan → high-priority queue
    assert client.get(body["poll_url"], headers=widget_headers(merchant)).json["status"] == "queued"
    with redis_app.app_context():
        assert redis_app.extensions["facet.jobs"].in_flight(merchant.id) == 1

    proc, _ = run_worker(database_url, redis_url=redis_app.config["REDIS_URL"], storage_dir=storage_dir)

    done = client.get(body["poll_url"], headers=widget_headers(merchant)).json
    assert done["status"] == "done", (done, proc.stderr[-2000:])
    assert done["result"]["faces_found"] >= 1 and "skin" in done["result"]
    assert f"job:analysis-{body['id']}" in proc.stderr  # the job id is on the worker's log lines
    with redis_app.app_context():
        assert redis_app.extensions["facet.storage"].list() == []
        assert redis_app.extensions["facet.jobs"].in_flight(merchant.id) == 0


def test_worker_fails_raising_and_broken_jobs_with_codes_and_never_forks(
    redis_app, database_url, storage_dir, merchant_factory, widget_headers
):
    merchant = merchant_factory(redis_app)
    client = redis_app.test_client()
    # 1. A job that raises: retried once by RQ, then the failure callback marks it failed.
    with redis_app.app_context():
        exploding = Analysis(merchant_id=merchant.id)
        db.session.add(exploding)
        db.session.commit()
        redis_app.extensions["facet.jobs"].enqueue(
            "tests.jobs.failing_jobs.explode",
            str(exploding.id),
            queue="analysis-default",
            on_failure=ANALYSIS_FAILURE_CALLBACK,
        )
        exploding_id = exploding.id
    # 2. An upload whose stored file got corrupted after acceptance: the engine cannot read it.
    corrupted = upload(client, widget_headers(merchant), make_jpeg()).json
    with redis_app.app_context():
        key = db.session.get(Analysis, uuid.UUID(corrupted["id"])).upload_key
        redis_app.extensions["facet.storage"].put(key, b"\xff\xd8\xff garbage")

    # 3. Two plain jobs that report which process ran them.
    jobs = redis_app.extensions["facet.jobs"]
    for _ in range(2):
        jobs.enqueue(
            "tests.jobs.failing_jobs.record_pid", redis_app.config["REDIS_URL"], "pids", queue="catalog"
        )

    _, worker_pid = run_worker(
        database_url, redis_app.config["REDIS_URL"], storage_dir, "analysis-default,catalog"
    )

    # No fork per job: both jobs ran in the worker process itself (so models loaded once stay loaded).
    redis = redis_app.extensions["facet.redis"]
    assert [int(p) for p in redis.lrange("pids", 0, -1)] == [worker_pid, worker_pid]

    with redis_app.app_context():
        exploded = db.session.get(Analysis, exploding_id)
        assert (exploded.status, exploded.error_code, exploded.attempts) == ("failed", "analysis_error", 2)
    broken = client.get(f"{ANALYSES_URL}/{corrupted['id']}", headers=widget_headers(merchant)).json
    assert broken["status"] == "failed"
    assert broken["error_code"] == "image_unreadable"
