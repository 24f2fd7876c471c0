"""The RQ worker: one process, models loaded once, no fork per job.

RQ's default worker forks a "work horse" per job. That reloads nothing (the fork inherits memory) but breaks
CUDA (a forked child cannot use the parent's CUDA context) and copies a large process per job. `AppWorker`
is a `SimpleWorker`: jobs run in the worker process itself, each inside a fresh Flask app context, so the
database session is clean per job while loaded models stay warm.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from typing import Any

from flask import Flask
from rq import Queue, SimpleWorker

from plugin_api.observability import reset_request_id, set_request_id

log = logging.getLogger(__name__)


class AppWorker(SimpleWorker):
    """`SimpleWorker` that runs each job inside an app context, with the job id on every log line."""

    flask_app: Flask | None = None

    def perform_job(self, job: Any, queue: Queue) -> bool:
        assert self.flask_app is not None, "AppWorker.flask_app must be set"
        token = set_request_id(f"job:{job.id}")
        try:
            with self.flask_app.app_context():
                return super().perform_job(job, queue)
        finally:
            reset_request_id(token)


def warm_up() -> None:
    """Load the analysis engine's models once, before the first job (if the engine offers a hook)."""
    try:
        engine = importlib.import_module("inference.analysis")
    except ModuleNotFoundError as exc:
        if exc.name not in ("inference.analysis", "inference"):
            raise
        log.info("inference.analysis not installed; nothing to warm up")
        return
    hook = getattr(engine, "warm_up", None)
    if callable(hook):
        hook()
        log.info("analysis engine warmed up")
    try:
        runtime = importlib.import_module("inference.runtime")
        device = getattr(runtime, "device", None)
        log.info("inference device: %s", device() if callable(device) else device)
    except ModuleNotFoundError:
        pass


def run_worker(
    app: Flask, queues: Sequence[str], *, burst: bool = False, with_scheduler: bool = False
) -> bool:
    """Serve `queues` (in priority order) until stopped, or until empty with `burst`."""
    redis = app.extensions.get("facet.redis")
    if redis is None:
        raise RuntimeError(
            "the worker needs REDIS_URL; without it jobs run in-process and no worker is needed"
        )
    with app.app_context():
        from plugin_api.jobs.maintenance import reap_stuck_analyses

        reap_stuck_analyses()
    warm_up()
    worker = AppWorker([Queue(name, connection=redis) for name in queues], connection=redis)
    worker.flask_app = app
    log.info("worker %s serving %s (burst=%s)", worker.name, ", ".join(queues), burst)
    return worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO")
