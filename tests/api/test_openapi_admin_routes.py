"""Every admin route (`/api/v1/admin/...`, the dashboard's JSON) documents, in the served OpenAPI document,
every error code it can answer under the status it answers it with; and each documented one is answered so.

The codes come from the admin session check (`admin.session.authenticate_admin`), the same-origin check of
writes (`admin.same_origin.require_own_page`), the JSON body (`api.json_body.json_object`, and Werkzeug's
size limit while reading it) and each route's own validation (`services.dashboard.parse_period`,
`services.experiment.parse_holdout_percent`, `services.widget_settings.parse_widget_settings`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from plugin_api.models import Merchant
from tests.dashboard.helpers import signed_in

SUMMARY = "/api/v1/admin/summary"
EXPERIMENT = "/api/v1/admin/experiment"
WIDGET_SETTINGS = "/api/v1/admin/widget-settings"

_READ = {401: {"admin_sign_in_required"}, 403: {"merchant_uninstalled"}}
_WRITE = {
    400: {"invalid_json"},
    401: {"admin_sign_in_required"},
    403: {"merchant_uninstalled", "cross_site_request"},
    413: {"file_too_large"},
}
ERRORS = {
    (SUMMARY, "get"): {**_READ, 422: {"invalid_period"}},
    (EXPERIMENT, "get"): _READ,
    (EXPERIMENT, "put"): {**_WRITE, 422: {"invalid_holdout_percent"}},
    (WIDGET_SETTINGS, "get"): _READ,
    (WIDGET_SETTINGS, "put"): {**_WRITE, 422: {"invalid_widget_settings"}},
}
# A body each write accepts, and one its own validation refuses.
GOOD_BODY = {EXPERIMENT: {"holdout_percent": 10}, WIDGET_SETTINGS: {"enabled": False}}
BAD_BODY = {EXPERIMENT: {"holdout_percent": 51}, WIDGET_SETTINGS: {"theme_color": "red"}}
# An error code as descriptions write one: `snake_case` between backticks (`?days=`, `details.fields` are
# not).
_CODE = re.compile(r"`([a-z][a-z0-9_]*)`")


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    return document


def documented_errors(spec: dict[str, Any], path: str, method: str) -> dict[int, set[str]]:
    responses = spec["paths"][path][method]["responses"]
    return {
        int(status): set(_CODE.findall(answer["description"]))
        for status, answer in responses.items()
        if status != "default" and int(status) >= 400
    }


def test_the_documented_admin_routes_are_all_checked(spec):
    # A new admin route (or method) must be added to ERRORS, with what it can answer.
    served = {
        (path, method)
        for path, operations in spec["paths"].items()
        if path.startswith("/api/v1/admin/")
        for method in operations
        if method in {"get", "put", "post", "patch", "delete"}
    }
    assert served == set(ERRORS)


@pytest.mark.parametrize(("path", "method"), sorted(ERRORS), ids=lambda v: v)
def test_every_error_code_an_admin_route_answers_is_documented_under_its_status(spec, path, method):
    operation = spec["paths"][path][method]
    assert documented_errors(spec, path, method) == ERRORS[(path, method)]
    for status, answer in operation["responses"].items():
        if status != "default" and int(status) >= 400:
            assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
            assert "Retry-After" not in answer.get("headers", {})  # nothing here is rate limited
    assert operation["security"] == [{"adminSession": []}]


def _send(client: FlaskClient, path: str, method: str, **kw: Any):
    return getattr(client, method)(path, **kw)


def answers(
    app: Flask, merchant_factory: Callable[..., Merchant], path: str, method: str
) -> dict[int, set[str]]:
    """Make `path` answer each of its errors for real; returns the codes it answered, by status."""
    merchant = merchant_factory()
    gone = merchant_factory(status="uninstalled")
    refused = [
        _send(app.test_client(), path, method, json=GOOD_BODY.get(path)),  # no session
        _send(signed_in(app, gone), path, method, json=GOOD_BODY.get(path)),
    ]
    own = signed_in(app, merchant)
    if path == SUMMARY:
        refused.append(own.get(f"{path}?days=5"))
    if method == "put":
        refused += [
            own.put(path, json=GOOD_BODY[path], headers={"Sec-Fetch-Site": "cross-site"}),
            own.put(path, data='{"enabled": fal', content_type="application/json"),
            own.put(
                path, data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1), content_type="application/json"
            ),
            own.put(path, json=BAD_BODY[path]),
        ]
        # The same session's good write goes through: the refusals above are about what each one changed.
        assert own.put(path, json=GOOD_BODY[path]).status_code == 200
    else:
        assert _send(own, path, method).status_code == 200
    out: dict[int, set[str]] = {}
    for response in refused:
        assert response.is_json, (response.status_code, response.data[:200])
        out.setdefault(response.status_code, set()).add(response.json["error"]["code"])
    return out


@pytest.mark.parametrize(("path", "method"), sorted(ERRORS), ids=lambda v: v)
def test_each_documented_error_is_what_the_admin_route_answers(app, merchant_factory, spec, path, method):
    assert answers(app, merchant_factory, path, method) == documented_errors(spec, path, method)
