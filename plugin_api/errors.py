"""One error shape for every response: `{"error": {"code", "message", "details"}, "request_id"}`.

Views raise `ApiError` (or call `flask_smorest.abort`); Werkzeug's HTTP errors, flask-smorest's 422 validation
errors and unhandled exceptions (500) all go through `error_response`, so a client only ever parses one shape.
"""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Response, current_app, jsonify, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError

from plugin_api.observability import current_request_id

log = logging.getLogger(__name__)

# Machine-readable codes for Werkzeug's generic HTTP errors.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "file_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def megabytes(size: int) -> str:
    """A byte limit as error messages write it: '10', '0.2' (MiB, one decimal only when it is needed)."""
    return f"{round(size / (1024 * 1024), 1):g}"


class ApiError(Exception):
    """An error a client can act on: HTTP status, stable code, human message, optional details/headers."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Build the JSON error response every failure path uses."""
    body = {
        "error": {"code": code, "message": message, "details": details or {}},
        "request_id": current_request_id(),
    }
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_api_error(error: ApiError) -> Response:
    """Render an `ApiError` raised by a view or service."""
    return error_response(error.status, error.code, error.message, error.details, error.headers)


def handle_http_exception(error: HTTPException) -> Response:
    """Render Werkzeug/flask-smorest HTTP errors (incl. 422 validation and 500) in the Facet shape."""
    status = error.code or 500
    if isinstance(error, InternalServerError) and error.original_exception is not None:
        log.error("unhandled exception", exc_info=error.original_exception)
    data = getattr(error, "data", None) or {}
    details: dict[str, Any] = {}
    if "messages" in data:  # webargs/marshmallow validation errors
        details["fields"] = data["messages"]
    if "errors" in data:
        details["fields"] = data["errors"]
    code = data.get("code") if isinstance(data.get("code"), str) else HTTP_CODES.get(status, "http_error")
    if status >= 500:
        message = "Something went wrong on our side; please try again."
    else:
        message = data.get("message") or error.description or error.name
    if status == 422 and "fields" in details and not data.get("message"):
        message = "The request has invalid or missing fields."
    if status == 413 and not data.get("message"):
        # A body far over the limit is refused before any view reads it: say what the limit is, as the
        # upload's own check does ("The data value transmitted exceeds the capacity limit." said nothing).
        limit = current_app.config.get("FACET_MAX_UPLOAD_BYTES")
        if limit:
            # Only the photo upload takes bodies this large: elsewhere (the admin API) it is no photo.
            photo = request.mimetype == "multipart/form-data" or request.path.endswith("/analyses")
            what = "The photo is" if photo else "The request body is"
            message = f"{what} larger than {megabytes(int(limit))} MB."
            details["max_bytes"] = int(limit)
    if status < 500:
        message = _in_shoppers_language(code, message, details)
    headers = dict(data.get("headers") or {})
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return error_response(status, code, message, details, headers)


def _in_shoppers_language(code: str, message: str, details: dict[str, Any]) -> str:
    """On the widget API, `message` in the shopper's `?lang=` (else the store's widget language), as the views
    write theirs: Werkzeug raises some errors before a view could (a body past MAX_CONTENT_LENGTH, refused
    before the form and its `lang` are read)."""
    if not request.path.startswith("/api/v1/widget/"):
        return message
    # Imported here: these modules import this one.
    from plugin_api.services.analyses import reasons_language
    from plugin_api.services.localisation import error_message
    from plugin_api.tenancy import NoMerchantBound, current_merchant

    try:
        merchant = current_merchant()
    except NoMerchantBound:  # refused before the key was read: no store, no language to follow
        return message
    language = reasons_language((request.args.get("lang") or "")[:16] or None, merchant)
    return error_message(code, message, language, details) or message


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Stable machine-readable error code."})
    message = ma.fields.String(required=True, metadata={"description": "Human-readable explanation."})
    details = ma.fields.Dict(metadata={"description": "Extra, code-specific information."})


class ErrorSchema(ma.Schema):
    """The one error shape every Facet endpoint answers with."""

    error = ma.fields.Nested(ErrorBodySchema, required=True)
    request_id = ma.fields.String(allow_none=True)


class FacetApi(Api):
    """flask-smorest `Api` whose error handler (and documented error schema) is the Facet error shape."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        return handle_http_exception(error)

    def _register_error_handlers(self) -> None:
        super()._register_error_handlers()
        self._app.register_error_handler(ApiError, handle_api_error)
