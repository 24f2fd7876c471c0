"""The 478-point face mesh is for placing try-on frames only; it must never reach the stored result."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest

from plugin_api.extensions import db
from plugin_api.models import Analysis
from tests.helpers import upload


def _engine_result(image: bytes) -> dict[str, Any]:
    """What `analyze_image(..., mesh=True)` returns, mesh included (no model run: this is about the job)."""
    return {
        "image": {"width": 320, "height": 240},
        "faces_found": 1,
        "face": {"box": [10, 10, 200, 220], "score": 0.9, "mesh": [[1.0, 2.0, 0.5]] * 478},
    }


def _tags_then_raises(analysis: Analysis, result: dict[str, Any]) -> dict[str, Any]:
    result["recommendations"] = []  # a partial change before failing, as a real enricher might make
    raise RuntimeError("catalog is being re-synced")


def _adds_a_note(analysis: Analysis, result: dict[str, Any]) -> dict[str, Any]:
    return {**result, "note": "later enrichers still run"}


@pytest.mark.parametrize(
    "enrichers",
    [(_tags_then_raises,), (_tags_then_raises, _adds_a_note), ()],
    ids=["raises", "then-ok", "none"],
)
def test_mesh_is_dropped_even_when_an_enricher_raises(
    app_factory, merchant_factory, widget_headers, make_jpeg, caplog, enrichers
):
    app = app_factory(ANALYSIS_ENGINE=_engine_result, ANALYSIS_ENRICHERS=enrichers)
    merchant = merchant_factory(app)
    with caplog.at_level(logging.ERROR):
        response = upload(app.test_client(), widget_headers(merchant), make_jpeg())
    body = response.json
    assert body["status"] == "done", body
    assert body["result"]["face"]["box"] == [10, 10, 200, 220]
    assert "mesh" not in body["result"]["face"]
    with app.app_context():
        stored = db.session.get(Analysis, uuid.UUID(body["id"])).result
    assert "mesh" not in stored["face"], "the mesh was stored"
    assert stored["faces_found"] == 1
    if _adds_a_note in enrichers:
        assert stored["note"] == "later enrichers still run"
    if _tags_then_raises in enrichers:
        assert any("result enricher" in r.getMessage() for r in caplog.records)
