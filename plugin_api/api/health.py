"""Liveness and readiness probes (outside the versioned API)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from plugin_api.errors import error_response
from plugin_api.extensions import db

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    """The process is up."""
    return jsonify(status="ok")


@blp.get("/readyz")
def readyz():
    """The database (and Redis, when configured) answer; 503 otherwise."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not ready"
        db.session.rollback()
        checks["database"] = f"error: {type(exc).__name__}"
    redis = current_app.extensions.get("facet.redis")
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
