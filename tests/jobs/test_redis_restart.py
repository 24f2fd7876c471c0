"""Redis restarted without persistence (or failed over, or flushed) while photos waited in the queue: their
jobs are gone, and the analyses would sit `queued` until their 15-minute deadline. The reaper (every 5 minutes
from `flask facet cron`, and at worker start) enqueues them again. Real Redis and a real worker process."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rq import Queue

from plugin_api.extensions import db
from plugin_api.jobs.maintenance import LOST_JOB_AFTER, reap_stuck_analyses
from plugin_api.models import Analysis
from tests.helpers import upload
from tests.images import astronaut_jpeg
from tests.jobs.workers import run_worker

pytestmark = pytest.mark.services


def test_queued_analyses_whose_jobs_redis_lost_are_enqueued_again_and_finish(
    redis_app, database_url, storage_dir, merchant_factory, widget_headers
):
    merchant = merchant_factory(redis_app)
    client = redis_app.test_client()
    lost = upload(client, widget_headers(merchant), astronaut_jpeg()).json
    redis = redis_app.extensions["facet.redis"]
    queue = Queue("analysis-default", connection=redis)
    assert queue.count == 1
    redis.flushdb()  # the restart: every queued job is gone
    just_sent = upload(client, widget_headers(merchant), astronaut_jpeg()).json
    with redis_app.app_context():
        analysis = db.session.get(Analysis, lost["id"])
        analysis.queued_at -= LOST_JOB_AFTER + timedelta(seconds=1)
        db.session.commit()
        assert reap_stuck_analyses() == 0  # nothing is failed: it is not overdue
    assert queue.job_ids == [f"analysis-{just_sent['id']}", f"analysis-{lost['id']}"]
    with redis_app.app_context():
        assert reap_stuck_analyses() == 0
    assert queue.count == 2  # a job that exists is never enqueued twice

    run_worker(database_url, redis_app.config["REDIS_URL"], storage_dir, "analysis-default")
    for body in (lost, just_sent):
        assert client.get(body["poll_url"], headers=widget_headers(merchant)).json["status"] == "done"
