"""The JSON object body the admin API's writes take, or one clear error for anything else."""

from __future__ import annotations

from typing import Any

from flask import request

from plugin_api.errors import ApiError


def json_object(example: str) -> dict[str, Any]:
    """The request's body as a JSON object; 400 `invalid_json` naming `example` for anything else (broken
    JSON, another type, another content type), which used to surface as the first field's own error."""
    body: Any = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise ApiError(
            400,
            "invalid_json",
            f"The body must be a JSON object such as {example}, sent as application/json.",
        )
    return body
