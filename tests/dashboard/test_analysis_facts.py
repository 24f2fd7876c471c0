"""The dashboard's facts of each analysis: what is kept, that old analyses get them, that they go with it."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from plugin_api.extensions import db
from plugin_api.jobs import maintenance
from plugin_api.jobs.analysis import finish
from plugin_api.jobs.maintenance import purge_expired, record_missing_facts
from plugin_api.models import Analysis, AnalysisStatus, ShownRecommendation, utcnow
from plugin_api.services.analysis_facts import AnalysisFacts, RecommendationFact, facts_from_result
from tests.migrations.test_migrations import (
    facet_cli,
    flask_db,
    scratch_postgres,
    store_at_revision,
    stored_time,
)

RESULT = {
    "skin": {"monk": 6, "reliable": True, "undertone": "warm", "hex": "#a0704f"},
    "face_shape": {"label": "oval", "confidence": 0.8},
    "closest_shades": [
        {"category": "concealer", "delta_e": 0.9, "product_id": "c1"},
        {"category": "foundation", "delta_e": 2.4, "product_id": "f1"},
    ],
    "recommendations": [
        {"product_id": "f1", "category": "foundation", "title": "Silk Foundation — 6W", "score": 0.9},
        {"product_id": 42, "category": None, "title": None},
        {"title": "no id: not a product"},
        "not a recommendation",
    ],
}


def test_a_shown_reading_keeps_tone_undertone_shape_closest_foundation_and_products():
    assert facts_from_result(RESULT) == AnalysisFacts(
        shown_monk=6,
        shown_undertone="warm",
        face_shape="oval",
        closest_shade_delta_e=2.4,  # the foundation range, though a concealer came closer
        recommendations=[
            RecommendationFact("f1", "foundation", "Silk Foundation — 6W"),
            RecommendationFact("42", "other", ""),
        ],
    )


def test_a_withheld_shade_is_not_a_tone_and_a_concealer_stands_in_only_alone():
    withheld = {**RESULT, "skin": {**RESULT["skin"], "reliable": False}}
    facts = facts_from_result(withheld)
    assert (facts.shown_monk, facts.shown_undertone, facts.closest_shade_delta_e) == (None, None, None)
    assert facts.face_shape == "oval" and len(facts.recommendations) == 2
    concealer_only = {**RESULT, "closest_shades": [{"category": "concealer", "delta_e": 1.1}]}
    assert facts_from_result(concealer_only).closest_shade_delta_e == 1.1


@pytest.mark.parametrize(
    "result",
    [None, [], "done", {"skin": "x", "face_shape": 3, "recommendations": {}, "closest_shades": "y"}],
)
def test_a_malformed_result_gives_no_facts_rather_than_an_error(result):
    assert facts_from_result(result) == AnalysisFacts()


@pytest.mark.parametrize("monk", [0, 11, True, "6", 6.0])
def test_only_a_tone_of_one_to_ten_counts(monk):
    assert facts_from_result({"skin": {"monk": monk, "reliable": True}}).shown_monk is None


def test_the_products_an_analysis_showed_go_when_it_is_purged(app, merchant_factory):
    merchant = merchant_factory()
    with app.app_context():
        expired = Analysis(
            merchant_id=merchant.id, status="done", expires_at=utcnow() - timedelta(minutes=1), result=RESULT
        )
        db.session.add(expired)
        db.session.flush()
        db.session.add(
            ShownRecommendation(
                merchant_id=merchant.id,
                analysis_id=expired.id,
                queued_at=expired.queued_at,
                product_id="f1",
                category="foundation",
                title="Silk Foundation — 6W",
            )
        )
        db.session.commit()
        assert purge_expired()["analyses_deleted"] == 1
        assert db.session.scalars(select(ShownRecommendation)).all() == []


def _backfilled(url: str, tmp_path: Path) -> None:
    """Analyses finished before 0010 get the facts their stored results hold, from the catch-up after the
    upgrade (the migration itself only changes the schema), once however often it runs."""
    merchant_id = store_at_revision(url, "0009_used_sign_in_links", tmp_path)
    postgres = url.startswith("postgresql")
    now = stored_time(url, utcnow())
    engine = create_engine(url)
    with engine.begin() as conn:
        for status, result in (("done", RESULT), ("failed", None)):
            analysis_id = uuid.uuid4()
            conn.execute(
                text(
                    "INSERT INTO analyses (id, merchant_id, status, upload_info, result, attempts, "
                    "queued_at) VALUES (:id, :m, :status, '{}', :result, 0, :now)"
                ),
                {
                    "id": analysis_id if postgres else analysis_id.hex,  # SQLite keeps UUIDs as hex
                    "m": merchant_id,
                    "status": status,
                    "result": json.dumps(result) if result else None,
                    "now": now,
                },
            )
    engine.dispose()
    flask_db(url, "upgrade")
    catch_up = facet_cli(url, "catch-up")
    assert "recorded the dashboard facts of 1 analyses;" in catch_up.stdout, catch_up.stdout
    assert "of 0 analyses" in facet_cli(url, "catch-up").stdout
    engine = create_engine(url)
    with engine.connect() as conn:
        facts = conn.execute(
            text(
                "SELECT status, shown_monk, shown_undertone, face_shape, closest_shade_delta_e FROM analyses "
                "ORDER BY status"
            )
        ).all()
        shown = conn.execute(
            text("SELECT merchant_id, product_id, category, title FROM shown_recommendations ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(row) for row in facts] == [
        ("done", 6, "warm", "oval", 2.4),
        ("failed", None, None, None, None),
    ]
    assert [tuple(row) for row in shown] == [
        (merchant_id, "f1", "foundation", "Silk Foundation — 6W"),
        (merchant_id, "42", "other", ""),
    ]


def test_sqlite_analyses_from_before_get_their_facts(tmp_path: Path):
    _backfilled("sqlite:///" + str(tmp_path / "old.db"), tmp_path)


@pytest.mark.services
def test_postgres_analyses_from_before_get_their_facts(postgres_url: str, tmp_path: Path):
    with scratch_postgres(postgres_url, "facts") as url:
        _backfilled(url, tmp_path)


def test_a_done_analysis_the_reaper_then_fails_no_longer_counts(app, merchant_factory):
    merchant = merchant_factory()
    with app.app_context():
        analysis = Analysis(merchant_id=merchant.id, status="running")
        db.session.add(analysis)
        db.session.commit()
        finish(analysis, AnalysisStatus.DONE, result=RESULT)
        assert db.session.scalar(select(func.count()).select_from(ShownRecommendation)) == 2
        finish(analysis, AnalysisStatus.FAILED, error=("timed_out", "The analysis took too long."))
        assert (analysis.facts_recorded, analysis.shown_monk, analysis.face_shape) == (False, None, None)
        assert db.session.scalar(select(func.count()).select_from(ShownRecommendation)) == 0


def test_analyses_finished_without_facts_get_them_in_batches_within_the_budget(
    app, merchant_factory, monkeypatch
):
    monkeypatch.setattr(maintenance, "FACTS_BATCH", 2)
    merchant = merchant_factory()
    with app.app_context():
        # As a process still on the code before 0010 leaves them: done, with a result, no facts.
        db.session.add_all(Analysis(merchant_id=merchant.id, status="done", result=RESULT) for _ in range(5))
        db.session.add(Analysis(merchant_id=merchant.id, status="failed"))
        db.session.commit()
        assert record_missing_facts(budget_seconds=0) == 0  # no time left: the next run goes on
        assert record_missing_facts() == 5  # batches of 2, 2 and 1
        assert record_missing_facts() == 0
        assert db.session.scalar(select(func.count()).select_from(ShownRecommendation)) == 10
        monks = db.session.scalars(select(Analysis.shown_monk).where(Analysis.status == "done")).all()
        assert monks == [6] * 5


@pytest.mark.services
def test_two_catch_ups_at_once_write_each_analysis_once(postgres_url, app, merchant_factory, monkeypatch):
    """The cron's run and `flask facet catch-up` may overlap: on PostgreSQL each skips the rows the other
    holds (`SKIP LOCKED`), so no analysis gets its recommended products twice."""
    monkeypatch.setattr(maintenance, "FACTS_BATCH", 5)
    merchant = merchant_factory()
    with app.app_context():
        db.session.add_all(Analysis(merchant_id=merchant.id, status="done", result=RESULT) for _ in range(60))
        db.session.commit()
    start = threading.Barrier(2)
    written: list[int] = []

    def run() -> None:
        with app.app_context():
            start.wait()
            written.append(record_missing_facts())
            db.session.remove()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=60)
    assert sum(written) == 60
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ShownRecommendation)) == 120
        assert db.session.scalar(select(func.count()).where(Analysis.facts_recorded.is_(False))) == 0
