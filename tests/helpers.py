"""Small helpers shared by the foundation tests."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient

ANALYSES_URL = "/api/v1/widget/analyses"


def upload(
    client: FlaskClient,
    headers: dict[str, str],
    data: bytes,
    name: str = "selfie.jpg",
    **form: Any,
):
    """POST a selfie as the widget does (multipart field `image`)."""
    return client.post(
        ANALYSES_URL,
        data={"image": (io.BytesIO(data), name), **form},
        headers=headers,
        content_type="multipart/form-data",
    )


def assert_error(response, status: int, code: str) -> dict[str, Any]:
    """Assert the one Facet error shape, status and code; returns the error object."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    body = response.get_json()
    assert set(body) == {"error", "request_id"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert body["request_id"] and body["request_id"] == response.headers["X-Request-Id"]
    return body["error"]
