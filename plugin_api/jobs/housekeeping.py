"""When the housekeeping in `maintenance` runs, so that no deployment needs a separate system cron.

- With Redis: `flask facet cron` (RQ's `CronScheduler`, also enqueuing the catalog polls) enqueues
  `reap_stuck_analyses` and `catch_up` every `REAP_EVERY` seconds and `purge_expired` every
  `PURGE_EVERY` seconds on the `maintenance` queue, which every worker serves by default. All are
  idempotent, so two cron processes or a manual `flask facet purge` at the same time do no harm.
- Without Redis (in-process jobs, the demo): there is no worker or scheduler, so after a response has been
  sent, at most every `FACET_INLINE_HOUSEKEEPING_SECONDS` (default 600; 0 disables), the web process reaps and
  purges. The check per request is one clock read; the work happens after the response, off the shopper's
  time. Polling an overdue analysis also fails it on the spot (`expire_if_overdue`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Flask, Response

from plugin_api.extensions import db
from plugin_api.jobs.queueing import MAINTENANCE_QUEUE

log = logging.getLogger(__name__)

REAP_EVERY = 300
PURGE_EVERY = 3600
_TIMEOUT = 600


def with_maintenance(scheduler: Any) -> Any:
    """Register reap and purge with an RQ `CronScheduler` (the one `flask facet cron` runs); returns it."""
    from plugin_api.jobs.maintenance import catch_up, purge_expired, reap_stuck_analyses

    for func, every in (
        (reap_stuck_analyses, REAP_EVERY),
        (catch_up, REAP_EVERY),
        (purge_expired, PURGE_EVERY),
    ):
        scheduler.register(func, queue_name=MAINTENANCE_QUEUE, interval=every, job_timeout=_TIMEOUT)
    return scheduler


class Throttle:
    """True at most once per `every` seconds, across the threads of one process."""

    def __init__(self, every: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self._last: float | None = None
        self._lock = threading.Lock()

    def due(self) -> bool:
        """Whether the period has passed since the last time this returned True (and restart it if so)."""
        now = self.clock()
        with self._lock:
            if self._last is not None and now - self._last < self.every:
                return False
            self._last = now
            return True


def run_housekeeping(app: Flask) -> dict[str, int]:
    """Reap overdue analyses and purge expired data now, in a fresh app context."""
    from plugin_api.jobs.maintenance import catch_up, purge_expired, reap_stuck_analyses

    with app.app_context():
        try:
            counts = {
                "reaped": reap_stuck_analyses(),
                **catch_up(),
                **purge_expired(),
            }
        except Exception:
            # Best effort after a response already sent: log it; the next period tries again.
            log.exception("in-process housekeeping failed")
            db.session.rollback()
            return {}
        finally:
            db.session.remove()
    if any(counts.values()):
        log.info("in-process housekeeping: %s", counts)
    return counts


def init_app(app: Flask) -> None:
    """Without Redis, run housekeeping after responses, at most every FACET_INLINE_HOUSEKEEPING_SECONDS."""
    every = int(app.config.get("FACET_INLINE_HOUSEKEEPING_SECONDS") or 0)
    if every <= 0 or app.extensions.get("facet.redis") is not None:
        return
    throttle = Throttle(every)
    app.extensions["facet.housekeeping"] = throttle

    @app.after_request
    def _housekeeping_after_response(response: Response) -> Response:
        if throttle.due():
            response.call_on_close(partial(run_housekeeping, app))
        return response
