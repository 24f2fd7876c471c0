"""Request ids and structured logging.

Every request gets an id (the caller's `X-Request-Id` when it is sane, else a fresh one). It is echoed in the
`X-Request-Id` response header, put in every error body, and stamped on every log line written while handling
the request. Jobs set their own id (`job:<id>`) through the same context variable.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request

log = logging.getLogger("plugin_api.request")

_request_id: ContextVar[str | None] = ContextVar("facet_request_id", default=None)
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_HANDLER_MARK = "_facet_handler"


def current_request_id() -> str | None:
    """Return the id of the request (or job) being handled, if any."""
    if has_request_context() and "request_id" in g:
        return g.request_id
    return _request_id.get()


def set_request_id(value: str | None) -> object:
    """Bind a request/job id to the current context; returns a token for `reset_request_id`."""
    return _request_id.set(value)


def reset_request_id(token: object) -> None:
    """Undo `set_request_id`."""
    _request_id.reset(token)  # type: ignore[arg-type]


class RequestIdFilter(logging.Filter):
    """Stamp `request_id` on every record so formatters can print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: machine-parsable logs for production."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def configure_logging(app: Flask) -> None:
    """Install one stderr handler on the root logger (once per process) with the request-id filter."""
    root = logging.getLogger()
    level = str(app.config.get("FACET_LOG_LEVEL", "INFO")).upper()
    handler = next((h for h in root.handlers if getattr(h, _HANDLER_MARK, False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        setattr(handler, _HANDLER_MARK, True)
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    if app.config.get("FACET_LOG_FORMAT") == "text":
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        )
    else:
        handler.setFormatter(JsonFormatter())
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # Records from other handlers (e.g. pytest's capture) also get the attribute.
    for existing in root.handlers:
        if not any(isinstance(f, RequestIdFilter) for f in existing.filters):
            existing.addFilter(RequestIdFilter())


def init_request_ids(app: Flask) -> None:
    """Assign a request id before each request and echo it on the response."""

    @app.before_request
    def _assign_request_id() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _echo_request_id(response: Response) -> Response:
        rid = current_request_id()
        if rid:
            response.headers["X-Request-Id"] = rid
        started = g.get("request_started")
        if started is not None:
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, elapsed_ms)
        return response
