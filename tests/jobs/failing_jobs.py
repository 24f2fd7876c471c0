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
