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


def record_pid(redis_url: str, key: str) -> int:
    """Append the pid of the process running this job to a Redis list (proves jobs are not forked)."""
    import os

    from redis import Redis

    pid = os.getpid()
    Redis.from_url(redis_url).rpush(key, pid)
    return pid


def hang(analysis_id: str) -> None:
    """Start the analysis as the real job does, then never finish (until the worker is killed)."""
    import time

    from plugin_api.models import AnalysisStatus, utcnow

    analysis = db.session.get(Analysis, uuid.UUID(analysis_id))
    analysis.status = AnalysisStatus.RUNNING.value
    analysis.started_at = utcnow()
    analysis.attempts += 1
    db.session.commit()
    time.sleep(600)
