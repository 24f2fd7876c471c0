"""Liveness and readiness probes (outside the versioned API).

`/readyz` answers within a load balancer's probe time even when a dependency hangs rather than refuses: Redis
is pinged on a connection of its own with `PROBE_TIMEOUT_SECONDS` timeouts (the app's own waits up to 10 s
for slow commands), the database check may run for as long, and a new database connection waits at most
`FACET_DB_CONNECT_TIMEOUT` (`config.engine_options`).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from redis import Redis
from sqlalchemy import text

from plugin_api.errors import error_response
from plugin_api.extensions import db

blp = Blueprint("health", __name__)

PROBE_TIMEOUT_SECONDS = 1.0


@blp.get("/healthz")
def healthz():
    """The process is up."""
    return jsonify(status="ok")


@blp.get("/readyz")
def readyz():
    """The database (and Redis, when configured) answer; 503 otherwise."""
    checks: dict[str, str] = {}
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            timeout_ms = int(PROBE_TIMEOUT_SECONDS * 1000)
            db.session.execute(text(f"SET LOCAL statement_timeout = {timeout_ms}"))
        db.session.execute(text("SELECT 1"))
        db.session.rollback()  # ends the transaction the SET LOCAL applied to
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not ready"
        db.session.rollback()
        checks["database"] = f"error: {type(exc).__name__}"
    redis = _probe_redis()
    if redis is None:
        checks["redis"] = "not configured (jobs run in-process)"
    else:
        try:
            redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    if any(v.startswith("error") for v in checks.values()):
        return error_response(503, "not_ready", "A dependency is unavailable.", {"checks": checks})
    return jsonify(status="ok", checks=checks)


def _probe_redis() -> Redis | None:
    """A Redis client for the probe alone, with short timeouts (made once per app; no I/O until used)."""
    if current_app.extensions.get("facet.redis") is None:
        return None
    probe = current_app.extensions.get("facet.redis_probe")
    if probe is None:
        probe = Redis.from_url(
            current_app.config["REDIS_URL"],
            socket_timeout=PROBE_TIMEOUT_SECONDS,
            socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        )
        current_app.extensions["facet.redis_probe"] = probe
    return probe
