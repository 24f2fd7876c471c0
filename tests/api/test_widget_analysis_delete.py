"""`DELETE /api/v1/widget/analyses/<id>`: the shopper's "Delete my results" (jobs in-process here)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from inference import colour
from plugin_api.extensions import db
from plugin_api.jobs import analysis as analysis_job
from plugin_api.jobs.queueing import current_jobs
from plugin_api.models import Analysis, AnalysisStatus, ShownRecommendation, utcnow
from plugin_api.services.dashboard_funnel import funnel
from plugin_api.storage import merchant_key
from tests.dashboard.helpers import FakeEngine, Reading, add_products, shade_features
from tests.helpers import ANALYSES_URL, assert_error, upload
from tests.images import make_jpeg


@pytest.fixture
def app(app_factory, engine: FakeEngine):
    """The app with jobs in-process, analysing photos with the fake `engine` (readings the test queues)."""
    return app_factory(ANALYSIS_ENGINE=engine)


def _done_analysis(app, client, engine, merchant, widget_headers) -> str:
    """A done analysis with a kept upload and a recommended foundation; returns its id."""
    add_products(app, merchant, {"f-5": ("Skin Tint 5", shade_features(list(colour.MONK_LAB[4]), "5"))})
    engine.readings.append(Reading(monk=5))
    response = upload(client, widget_headers(merchant), make_jpeg(), session_id="s" * 24, product_id="f-5")
    assert response.status_code == 200 and response.json["status"] == "done", response.json
    return response.json["id"]


def _rows(app, merchant) -> dict[str, object]:
    with app.app_context():
        analyses = db.session.scalars(select(Analysis).where(Analysis.merchant_id == merchant.id)).all()
        shown = db.session.scalar(
            select(func.count())
            .select_from(ShownRecommendation)
            .where(ShownRecommendation.merchant_id == merchant.id)
        )
        for a in analyses:
            db.session.expunge(a)
        return {"analyses": analyses, "shown": shown, "files": app.extensions["facet.storage"].list()}


def test_delete_removes_the_result_the_kept_photo_and_the_recommendations(
    app, client, engine, merchant_factory, widget_headers
):
    merchant = merchant_factory(settings={"keep_uploads_days": 7})
    analysis_id = _done_analysis(app, client, engine, merchant, widget_headers)
    before = _rows(app, merchant)
    [analysis] = before["analyses"]
    assert analysis.upload_key in before["files"] and before["shown"] >= 1
    assert analysis.shown_monk == 5
    since = utcnow() - timedelta(days=1)
    with app.app_context():
        assert funnel(db.session.merge(merchant), since).analyses_done == 1

    response = client.delete(f"{ANALYSES_URL}/{analysis_id}", headers=widget_headers(merchant))

    assert response.status_code == 204, response.json
    assert response.get_data() == b""
    assert response.headers["Access-Control-Allow-Origin"] == merchant.allowed_origins[0]
    assert_error(
        client.get(f"{ANALYSES_URL}/{analysis_id}", headers=widget_headers(merchant)), 404, "not_found"
    )
    after = _rows(app, merchant)
    assert after["files"] == [] and after["shown"] == 0
    # What stays is one count-only row: done, under another id, with nothing of the shopper in it.
    [tally] = after["analyses"]
    assert str(tally.id) != analysis_id and tally.status == AnalysisStatus.DONE.value
    assert (tally.result, tally.upload_key, tally.session_id, tally.product_id, tally.language) == (None,) * 5
    assert (tally.shown_monk, tally.shown_undertone, tally.face_shape, tally.closest_shade_delta_e) == (
        None,
    ) * 4
    assert tally.upload_info == {} and tally.facts_recorded is True
    assert tally.queued_at.minute == tally.queued_at.second == tally.queued_at.microsecond == 0
    assert tally.expires_at == analysis.expires_at
    with app.app_context():
        assert funnel(db.session.merge(merchant), since).analyses_done == 1  # the funnel still counts it

    # Deleting again: already gone.
    gone = client.delete(f"{ANALYSES_URL}/{analysis_id}", headers=widget_headers(merchant))
    assert_error(gone, 404, "not_found")


def test_a_failed_analysis_leaves_only_its_failure_code(
    app, client, engine, merchant_factory, widget_headers
):
    merchant = merchant_factory()
    engine.readings.append(Reading(failure="no_face"))
    body = upload(client, widget_headers(merchant), make_jpeg()).json
    assert body["status"] == "failed"
    assert client.delete(f"{ANALYSES_URL}/{body['id']}", headers=widget_headers(merchant)).status_code == 204
    [tally] = _rows(app, merchant)["analyses"]
    assert (tally.status, tally.error_code, tally.error_message) == ("failed", "no_face", None)


def test_another_stores_key_cannot_delete_it(app, client, engine, merchant_factory, widget_headers):
    owner = merchant_factory(settings={"keep_uploads_days": 7})
    stranger = merchant_factory()
    analysis_id = _done_analysis(app, client, engine, owner, widget_headers)
    before = _rows(app, owner)

    response = client.delete(f"{ANALYSES_URL}/{analysis_id}", headers=widget_headers(stranger))

    assert_error(response, 404, "not_found")
    after = _rows(app, owner)
    assert [a.id for a in after["analyses"]] == [uuid.UUID(analysis_id)]
    assert after["files"] == before["files"] != [] and after["shown"] == before["shown"]
    assert client.get(f"{ANALYSES_URL}/{analysis_id}", headers=widget_headers(owner)).status_code == 200


@pytest.mark.parametrize("ident", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_id_is_not_found(client, merchant_factory, widget_headers, ident):
    merchant = merchant_factory()
    assert_error(client.delete(f"{ANALYSES_URL}/{ident}", headers=widget_headers(merchant)), 404, "not_found")


def test_a_key_and_an_allowed_origin_are_required(client, merchant_factory, widget_headers):
    merchant = merchant_factory()
    url = f"{ANALYSES_URL}/{uuid.uuid4()}"
    assert_error(client.delete(url), 401, "invalid_key")
    foreign = widget_headers(merchant, origin="https://evil.example")
    assert_error(client.delete(url, headers=foreign), 403, "origin_not_allowed")


def test_a_storefront_may_send_the_delete(client, merchant_factory):
    # DELETE is not a CORS-simple method: the browser asks first, and must be told DELETE is allowed.
    merchant = merchant_factory()
    response = client.options(
        f"{ANALYSES_URL}/{uuid.uuid4()}?key={merchant.publishable_key}",
        headers={"Origin": merchant.allowed_origins[0], "Access-Control-Request-Method": "DELETE"},
    )
    assert response.status_code == 204
    assert "DELETE" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Origin"] == merchant.allowed_origins[0]
    refused = client.options(
        f"{ANALYSES_URL}/{uuid.uuid4()}?key={merchant.publishable_key}",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "DELETE"},
    )
    assert refused.status_code == 403 and "DELETE" not in refused.headers.get(
        "Access-Control-Allow-Methods", ""
    )


def _queued(app, merchant) -> str:
    """An analysis accepted but not run yet (its job still in the queue), with its photo and slot."""
    analysis_id = uuid.uuid4()
    key = merchant_key(merchant.public_id, "uploads", f"{analysis_id}.jpg")
    with app.app_context():
        current_jobs().reserve_slot(merchant.id, str(analysis_id))
        app.extensions["facet.storage"].put(key, make_jpeg(), "image/jpeg")
        db.session.add(
            Analysis(
                id=analysis_id,
                merchant_id=merchant.id,
                status=AnalysisStatus.QUEUED.value,
                upload_key=key,
                queued_at=utcnow(),
                expires_at=utcnow() + timedelta(days=30),
            )
        )
        db.session.commit()
    return str(analysis_id)


def test_an_analysis_not_run_yet_is_deleted_and_its_job_then_does_nothing(
    app, client, engine, merchant_factory, widget_headers
):
    merchant = merchant_factory()
    analysis_id = _queued(app, merchant)

    assert client.delete(f"{ANALYSES_URL}/{analysis_id}", headers=widget_headers(merchant)).status_code == 204

    assert _rows(app, merchant) == {"analyses": [], "shown": 0, "files": []}  # no count: it never finished
    with app.app_context():
        assert current_jobs().in_flight(merchant.id) == 0
        assert analysis_job.run_analysis(analysis_id) == "missing"
    assert _rows(app, merchant)["analyses"] == []


def test_an_analysis_deleted_while_it_runs_writes_nothing_when_it_finishes(
    app_factory, engine, merchant_factory, widget_headers
):
    answers = []

    def shopper_deletes_meanwhile(image: bytes):
        answers.append(client.delete(f"{ANALYSES_URL}/{analysis_id}", headers=widget_headers(merchant)))
        return engine(image)

    app = app_factory(ANALYSIS_ENGINE=shopper_deletes_meanwhile)
    client = app.test_client()
    merchant = merchant_factory(app)
    add_products(app, merchant, {"f-5": ("Skin Tint 5", shade_features(list(colour.MONK_LAB[4]), "5"))})
    analysis_id = _queued(app, merchant)
    engine.readings.append(Reading(monk=5))
    with app.app_context():
        assert analysis_job.run_analysis(analysis_id) == "missing"

    assert [a.status_code for a in answers] == [204]
    assert _rows(app, merchant) == {"analyses": [], "shown": 0, "files": []}
    with app.app_context():
        assert current_jobs().in_flight(merchant.id) == 0


def test_the_delete_is_documented(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/widget/analyses/{analysis_id}"]["delete"]
    assert {"204", "401", "403", "404", "503"} <= set(operation["responses"])
    assert operation["summary"]
