"""Test-only job functions, importable by a real worker process (`tests.jobs.failing_jobs.explode`)."""

from __future__ import annotations

import uuid

from plugin_api.extensions import db
from plugin_api.models import Analysis


def explode(analysis_id: str) -> None:
    """Count the attempt on the analysis row, then fail the way a bug would."""
    analysis = db.session.get(Analysis, uuid.UUID(analysis_id))
    analysis.attempts += 1
    db.session.commit()
    raise RuntimeError("deliberate failure for the retry test")
