"""Job routing: RQ queues on Redis, or in-process execution when `REDIS_URL` is not set.

`app.extensions["facet.jobs"]` is a `JobRunner`. Callers enqueue module-level functions that take ids:

    current_jobs().enqueue("plugin_api.jobs.sync.sync_merchant", merchant.id, queue=CATALOG_QUEUE)

Both modes share the same semantics: a job that raises is retried `FACET_JOB_RETRIES` times (default once) and
then its `on_failure` callback runs with RQ's signature `(job, connection, exc_type, exc_value, traceback)`.
Analyses are routed by plan and capped per merchant (`reserve_slot`).
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

ANALYSIS_QUEUES = ("analysis-high", "analysis-default", "analysis-low")
CATALOG_QUEUE = "catalog"
# How often a store that cannot push its changes (a connector with `needs_polling`) is read for them.
POLL_EVERY = timedelta(minutes=15)
# Scheduled housekeeping (reap every few minutes, purge hourly): milliseconds of work, so it goes first and
# is never starved behind a backlog of analyses or long catalog syncs.
MAINTENANCE_QUEUE = "maintenance"
# Worker default: every queue, highest priority first.
ALL_QUEUES = (MAINTENANCE_QUEUE, *ANALYSIS_QUEUES, CATALOG_QUEUE)
PLAN_QUEUES = {"premium": "analysis-high", "standard": "analysis-default", "free": "analysis-low"}

JobFunc = Callable[..., Any] | str

# Atomically: drop stale members, then admit `member` if under the cap. Stale members (older than the analysis
# deadline) are jobs whose worker died before releasing their slot; they must not block the merchant forever.
_RESERVE_LUA = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


def queue_for_plan(plan: str | None) -> str:
    """The analysis queue for a merchant's plan (unknown plans get the default queue)."""
    return PLAN_QUEUES.get(plan or "", "analysis-default")


def resolve(func: JobFunc) -> Callable[..., Any]:
    """Turn a dotted path (`package.module.function`) into the function."""
    if callable(func):
        return func
    module, _, name = func.rpartition(".")
    return getattr(importlib.import_module(module), name)


class TooManyInFlight(Exception):
    """The merchant already has the maximum number of analyses in flight."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many analyses in flight")
        self.retry_after = retry_after


@dataclass
class InlineJob:
    """What an in-process job looks like to a failure callback (mirrors the parts of `rq.job.Job` we use)."""

    id: str
    func_name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    retries_left: int = 0


class JobRunner:
    """Enqueue jobs on RQ, or run them in-process when there is no Redis."""

    def __init__(self, config: dict[str, Any], redis: Redis | None) -> None:
        self.redis = redis
        self.retries = int(config.get("FACET_JOB_RETRIES", 1))
        self.timeout = int(config.get("FACET_JOB_TIMEOUT_SECONDS", 180))
        self.cap = int(config.get("FACET_MAX_INFLIGHT_PER_MERCHANT", 5))
        self.retry_after = int(config.get("FACET_RETRY_AFTER_SECONDS", 5))
        self.slot_ttl = int(config.get("FACET_ANALYSIS_DEADLINE_SECONDS", 900))
        self._local_slots: dict[int, dict[str, float]] = {}
        self._lock = threading.Lock()
        self._reserve = redis.register_script(_RESERVE_LUA) if redis is not None else None

    @property
    def inline(self) -> bool:
        """True when jobs run in the calling process (no `REDIS_URL`)."""
        return self.redis is None

    def enqueue(
        self,
        func: JobFunc,
        *args: Any,
        queue: str,
        job_id: str | None = None,
        on_failure: JobFunc | None = None,
        timeout: int | None = None,
        retries: int | None = None,
        at_front: bool = False,
        **kwargs: Any,
    ) -> str | None:
        """Run `func(*args, **kwargs)` on `queue` (or now, in-process); returns the RQ job id. `at_front`
        puts the job before the queue's waiting jobs (for work someone is watching a page for)."""
        retries = self.retries if retries is None else retries
        if self.redis is None:
            self._run_inline(func, args, kwargs, job_id or "inline", on_failure, retries)
            return None
        from rq import Callback, Queue, Retry

        job = Queue(queue, connection=self.redis).enqueue(
            func,
            args=args,
            kwargs=kwargs,
            job_id=job_id,
            job_timeout=timeout or self.timeout,
            retry=Retry(max=retries) if retries else None,
            on_failure=Callback(on_failure) if on_failure else None,
            result_ttl=3600,
            failure_ttl=7 * 86400,
            at_front=at_front,
        )
        log.info("enqueued %s on %s as %s", job.func_name, queue, job.id)
        return job.id

    def _run_inline(
        self,
        func: JobFunc,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        job_id: str,
        on_failure: JobFunc | None,
        retries: int,
    ) -> None:
        fn = resolve(func)
        job = InlineJob(job_id, getattr(fn, "__qualname__", str(func)), args, kwargs)
        for attempt in range(retries + 1):
            try:
                fn(*args, **kwargs)
                return
            except Exception:
                log.exception(
                    "in-process job %s failed (attempt %d of %d)", job.func_name, attempt + 1, retries + 1
                )
                exc_info = sys.exc_info()
        if on_failure is not None:
            resolve(on_failure)(job, None, *exc_info)

    def reserve_slot(self, merchant_id: int, token: str) -> None:
        """Admit one more analysis for the merchant or raise `TooManyInFlight`."""
        now = time.time()
        if self._reserve is not None:
            ok = self._reserve(
                keys=[f"facet:inflight:{merchant_id}"],
                args=[now, now - self.slot_ttl, self.cap, token, self.slot_ttl + 60],
            )
        else:
            with self._lock:
                slots = self._local_slots.setdefault(merchant_id, {})
                for stale in [t for t, ts in slots.items() if ts < now - self.slot_ttl]:
                    del slots[stale]
                ok = token in slots or len(slots) < self.cap
                if ok:
                    slots[token] = now
        if not ok:
            raise TooManyInFlight(self.retry_after)

    def release_slot(self, merchant_id: int, token: str) -> None:
        """Free a slot taken by `reserve_slot` (idempotent). With Redis down it logs and returns: the slot
        expires on its own after the analysis deadline, and what the caller did (an outcome written, a row
        deleted) must not turn into an error for it."""
        if self.redis is not None:
            try:
                self.redis.zrem(f"facet:inflight:{merchant_id}", token)
            except RedisError:
                log.warning(
                    "could not free in-flight slot %s of merchant %s", token, merchant_id, exc_info=True
                )
        else:
            with self._lock:
                self._local_slots.get(merchant_id, {}).pop(token, None)

    def in_flight(self, merchant_id: int) -> int:
        """How many analyses the merchant has in flight (for tests and the admin)."""
        if self.redis is not None:
            return int(self.redis.zcard(f"facet:inflight:{merchant_id}"))
        return len(self._local_slots.get(merchant_id, {}))


def init_app(app: Flask) -> None:
    """Bind `app.extensions["facet.redis"]` (or None) and `app.extensions["facet.jobs"]`; no I/O here."""
    url = app.config.get("REDIS_URL")
    redis = Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5) if url else None
    app.extensions["facet.redis"] = redis
    app.extensions["facet.jobs"] = JobRunner(app.config, redis)


def current_jobs() -> JobRunner:
    """The running app's job runner."""
    return current_app.extensions["facet.jobs"]
