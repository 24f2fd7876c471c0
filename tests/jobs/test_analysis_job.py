"""The analysis job's guarantees, in-process (no Redis needed)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from plugin_api.extensions import db
from plugin_api.jobs.analysis import run_analysis
from plugin_api.jobs.maintenance import purge_expired, reap_stuck_analyses
from plugin_api.jobs.queueing import current_jobs, queue_for_plan
from plugin_api.models import Analysis, utcnow
from plugin_api.services.analyses import ANALYSIS_FAILURE_CALLBACK
from tests.helpers import ANALYSES_URL, upload
from tests.images import astronaut_jpeg


def _analysis(app, analysis_id: str) -> Analysis:
    with app.app_context():
        analysis = db.session.get(Analysis, uuid.UUID(analysis_id))
        db.session.expunge(analysis)
        return analysis


@pytest.mark.slow
def test_a_face_photo_is_analysed_and_the_upload_deleted(app, client, merchant_factory, widget_headers):
    merchant = merchant_factory()
    response = upload(client, widget_headers(merchant), astronaut_jpeg())
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "done", body
    assert body["result"]["faces_found"] >= 1
    assert body["result"]["image"]["width"] > 0
    analysis = _analysis(app, body["id"])
    assert analysis.upload_key is None and analysis.attempts == 1
    assert analysis.started_at <= analysis.finished_at
    with app.app_context():
        assert app.extensions["facet.storage"].list() == []
        assert current_jobs().in_flight(merchant.id) == 0


def test_no_face_ends_failed_with_the_engines_code(app, client, merchant_factory, widget_headers, make_jpeg):
    merchant = merchant_factory()
    body = upload(client, widget_headers(merchant), make_jpeg()).json
    assert body["status"] == "failed"
    assert body["error_code"] == "no_face"
    assert body["error_message"] and body["result"] is None
    with app.app_context():
        assert app.extensions["facet.storage"].list() == []


def test_kept_uploads_survive_until_their_retention_then_are_purged(
    app, client, merchant_factory, widget_headers, make_jpeg
):
    merchant = merchant_factory(settings={"keep_uploads_days": 2})
    body = upload(client, widget_headers(merchant), make_jpeg()).json
    analysis = _analysis(app, body["id"])
    assert analysis.upload_key and analysis.upload_delete_at is not None
    with app.app_context():
        storage = app.extensions["facet.storage"]
        assert storage.exists(analysis.upload_key)
        assert purge_expired()["uploads_deleted"] == 0
        assert purge_expired(now=utcnow() + timedelta(days=3))["uploads_deleted"] == 1
        assert not storage.exists(analysis.upload_key)
        assert purge_expired(now=utcnow() + timedelta(days=365))["analyses_deleted"] == 1
        assert db.session.get(Analysis, analysis.id) is None


def test_running_the_job_twice_changes_nothing(app, client, merchant_factory, widget_headers, make_jpeg):
    merchant = merchant_factory()
    body = upload(client, widget_headers(merchant), make_jpeg()).json
    before = _analysis(app, body["id"])
    with app.app_context():
        assert run_analysis(body["id"]) == "failed"
        assert run_analysis(str(uuid.uuid4())) == "missing"
    after = _analysis(app, body["id"])
    assert (after.attempts, after.finished_at, after.error_code) == (
        before.attempts,
        before.finished_at,
        "no_face",
    )


def test_a_raising_job_is_retried_once_then_failed_with_a_code(app, merchant_factory):
    merchant = merchant_factory()
    with app.app_context():
        analysis = Analysis(merchant_id=merchant.id, upload_key=None)
        db.session.add(analysis)
        db.session.commit()
        current_jobs().enqueue(
            "tests.jobs.failing_jobs.explode",
            str(analysis.id),
            queue="analysis-default",
            on_failure=ANALYSIS_FAILURE_CALLBACK,
        )
        db.session.expire_all()
        analysis = db.session.get(Analysis, analysis.id)
        assert analysis.attempts == 2  # first run + one retry
        assert analysis.status == "failed"
        assert analysis.error_code == "analysis_error"


def test_nothing_stays_queued_forever(app, client, merchant_factory, widget_headers):
    merchant = merchant_factory()
    with app.app_context():
        old = utcnow() - timedelta(hours=2)
        stuck = Analysis(merchant_id=merchant.id, queued_at=old)
        stuck_too = Analysis(merchant_id=merchant.id, queued_at=old, status="running")
        fresh = Analysis(merchant_id=merchant.id)
        db.session.add_all([stuck, stuck_too, fresh])
        db.session.commit()
        ids = [str(stuck.id), str(stuck_too.id), str(fresh.id)]
    # Polling an overdue analysis fails it on the spot...
    polled = client.get(f"{ANALYSES_URL}/{ids[0]}", headers=widget_headers(merchant)).json
    assert (polled["status"], polled["error_code"]) == ("failed", "timed_out")
    # ...and the reaper (worker start-up, `flask facet reap`) catches the rest.
    with app.app_context():
        assert reap_stuck_analyses() == 1
    assert _analysis(app, ids[1]).error_code == "timed_out"
    assert _analysis(app, ids[2]).status == "queued"


def test_an_overdue_analysis_deleted_while_it_is_polled_is_no_error(app, merchant_factory):
    """The shopper deletes it in the instant between the poll reading it and failing it as overdue."""
    from sqlalchemy import delete

    from plugin_api.errors import ApiError
    from plugin_api.jobs.maintenance import expire_if_overdue

    merchant = merchant_factory()
    with app.app_context():
        overdue = Analysis(merchant_id=merchant.id, queued_at=utcnow() - timedelta(hours=2))
        db.session.add(overdue)
        db.session.commit()
        polled = db.session.get(Analysis, overdue.id)  # what the poll read
        assert polled.status == "queued"
        with db.engine.begin() as other:  # the delete, on another connection
            other.execute(delete(Analysis).where(Analysis.id == overdue.id))
        with pytest.raises(ApiError) as gone:
            expire_if_overdue(polled)
        assert (gone.value.status, gone.value.code) == (404, "not_found")  # as for any deleted analysis


def test_queue_routing_by_plan():
    assert queue_for_plan("premium") == "analysis-high"
    assert queue_for_plan("standard") == "analysis-default"
    assert queue_for_plan("free") == "analysis-low"
    assert queue_for_plan("something-new") == "analysis-default"
