"""One error shape everywhere, request ids, health probes and the OpenAPI document."""

from __future__ import annotations

import logging
import re

import pytest
from openapi_spec_validator import validate

from plugin_api.errors import ApiError
from tests.helpers import ANALYSES_URL, assert_error


def test_openapi_document_validates_as_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    assert spec["openapi"].startswith("3.")
    post = spec["paths"]["/api/v1/widget/analyses"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert {"202", "200", "401", "403", "413", "415", "422", "429"} <= set(post["responses"])
    assert "error" in spec["components"]["schemas"]["Error"]["properties"]
    # A developer can authorise in Swagger UI and see what a finished analysis looks like.
    assert spec["components"]["securitySchemes"]["publishableKey"]["name"] == "X-Facet-Key"
    example = spec["components"]["schemas"]["Analysis"]["properties"]["result"]["example"]
    assert {"skin", "face_shape", "concerns", "fit", "tryon", "recommendations"} <= set(example)


def test_swagger_ui_is_served(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"swagger" in response.data.lower()


def test_swagger_ui_loads_only_local_assets_so_it_works_offline(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), f"{asset} is not served by Facet"
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.data) > 1000, asset
    bundle = client.get("/api/v1/docs/static/swagger-ui-bundle.js")
    assert bundle.mimetype in ("application/javascript", "text/javascript")
    assert b"SwaggerUIBundle" in bundle.data
    assert client.get("/api/v1/docs/static/index.html").status_code == 404
    assert client.get("/api/v1/docs/static/..%2Fconfig.py").status_code == 404


def test_unknown_route_and_wrong_method_use_the_error_shape(client):
    assert_error(client.get("/api/v1/nope"), 404, "not_found")
    response = client.put(ANALYSES_URL)
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_unhandled_exception_is_a_500_in_the_error_shape_and_logged(app, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production (TESTING re-raises by default)

    @app.get("/boom")
    def boom():
        raise KeyError("secret internals")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom", headers={"X-Request-Id": "req-boom-1"})
    error = assert_error(response, 500, "internal_error")
    assert "secret" not in error["message"]
    record = next(r for r in caplog.records if r.exc_info)
    assert record.request_id == "req-boom-1"


def test_api_error_and_validation_errors_use_the_error_shape(app):
    from flask_smorest import abort

    @app.get("/teapot")
    def teapot():
        raise ApiError(418, "teapot", "I am a teapot.", details={"spout": 1}, headers={"X-Tea": "yes"})

    @app.get("/invalid")
    def invalid():
        abort(422, errors={"json": {"name": ["Missing data for required field."]}})

    client = app.test_client()
    response = client.get("/teapot")
    assert assert_error(response, 418, "teapot")["details"] == {"spout": 1}
    assert response.headers["X-Tea"] == "yes"
    error = assert_error(client.get("/invalid"), 422, "validation_error")
    assert error["details"]["fields"] == {"json": {"name": ["Missing data for required field."]}}


def test_request_id_is_generated_or_echoed_and_on_log_lines(app, caplog):
    @app.get("/log")
    def log_something():
        logging.getLogger("plugin_api.test").warning("hello from a view")
        return {"ok": True}

    client = app.test_client()
    generated = client.get("/healthz")
    assert len(generated.headers["X-Request-Id"]) == 32
    assert client.get("/healthz", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"] == "abc-123"
    # Junk ids are replaced, not reflected.
    assert client.get("/healthz", headers={"X-Request-Id": "<script>"}).headers["X-Request-Id"] != "<script>"

    with caplog.at_level(logging.WARNING):
        app.test_client().get("/log", headers={"X-Request-Id": "req-log-7"})
    assert [r.request_id for r in caplog.records if r.getMessage() == "hello from a view"] == ["req-log-7"]


def test_json_log_lines_carry_the_request_id():
    from plugin_api.observability import JsonFormatter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hi %s", ("there",), None)
    record.request_id = "rid-9"
    import json

    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "rid-9" and line["message"] == "hi there" and line["level"] == "INFO"


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["checks"]["database"] == "ok"


@pytest.mark.parametrize("broken", ["redis", "database"])
def test_readyz_is_503_when_a_dependency_is_down(app_factory, broken, tmp_path):
    if broken == "redis":
        app = app_factory(REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
    else:
        app = app_factory(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    error = assert_error(app.test_client().get("/readyz"), 503, "not_ready")
    assert error["details"]["checks"][broken].startswith("error")


def test_every_page_has_its_icon(client) -> None:
    # Browsers fetch /favicon.ico for the dashboard, install pages and the API docs: a 404 there logged a
    # console error on each of them.
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.get_data(as_text=True).startswith("<svg") and "max-age" in icon.headers["Cache-Control"]
