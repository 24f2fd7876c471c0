"""Every widget route a client calls is in the OpenAPI document, with its parameters and content types, and
every error code it can answer under the status it answers it with."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

ASSET = "/api/v1/widget/assets/{product_id}.png"
MEDIA = "/api/v1/widget/media/{public_id}/{filename}"
CONVERSIONS = "/api/v1/widget/photo-conversions"
EVENTS = "/api/v1/widget/events"
ANALYSES = "/api/v1/widget/analyses"
ANALYSIS = "/api/v1/widget/analyses/{analysis_id}"
CONFIG = "/api/v1/widget/config"

# What each route can answer, by status: the widget's key check (`widget_auth`) on every keyed route, then the
# route's own (`services.uploads.read_upload`, `rate_limits.enforce`, `services.analyses`, ...).
_KEYED = {400: {"key_mismatch"}, 401: {"invalid_key"}, 403: {"origin_not_allowed"}}
_PHOTO = {
    400: {"missing_image", "empty_file", "key_mismatch"},
    413: {"file_too_large"},
    415: {"unsupported_media_type"},
    422: {"image_too_large", "image_too_small", "image_unreadable"},
}
ERRORS = {
    (ANALYSES, "post"): {
        **_KEYED,
        **_PHOTO,
        429: {"rate_limited", "too_many_analyses"},
        503: {"unavailable"},
    },
    (ANALYSIS, "get"): {**_KEYED, 404: {"not_found"}},
    (ANALYSIS, "delete"): {**_KEYED, 404: {"not_found"}, 503: {"unavailable"}},
    (CONFIG, "get"): _KEYED,
    (CONVERSIONS, "post"): {**_KEYED, **_PHOTO, 429: {"rate_limited"}},
    (EVENTS, "post"): {
        **_KEYED,
        413: {"payload_too_large"},
        422: {"invalid_event"},
        429: {"rate_limited"},
    },
    (ASSET, "get"): {**_KEYED, 404: {"not_found"}},
    (MEDIA, "get"): {404: {"not_found"}},
}
# Answers that say when to try again (`Retry-After`, also `details.retry_after`).
RETRY_AFTER = {(ANALYSES, "post"): {429, 503}, (CONVERSIONS, "post"): {429}, (EVENTS, "post"): {429}}
# An error code as descriptions write one: `snake_case` between backticks (`X-Facet-Key`, `?key=` are not).
_CODE = re.compile(r"`([a-z][a-z0-9_]*)`")


@pytest.fixture
def spec(client):
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    return document


def _params(operation: dict) -> dict[tuple[str, str], dict]:
    return {(p["in"], p["name"]): p for p in operation.get("parameters", [])}


def test_the_image_routes_are_documented(spec):
    asset = spec["paths"][ASSET]["get"]
    assert {"200", "400", "401", "403", "404"} <= set(asset["responses"])
    assert set(asset["responses"]["200"]["content"]) == {"image/png"}
    assert _params(asset)[("query", "key")]["required"] is False

    media = spec["paths"][MEDIA]["get"]
    assert {"200", "404"} <= set(media["responses"])
    assert set(media["responses"]["200"]["content"]) == {"image/png", "image/jpeg", "image/webp"}
    assert media["security"] == []  # public, like a platform's CDN


def test_the_documented_image_routes_answer_as_documented(app, client, merchant_factory):
    merchant = merchant_factory()
    with app.app_context():
        app.extensions["facet.storage"].put(
            f"merchants/{merchant.public_id}/catalog/p1.png", b"\x89PNG photo", "image/png"
        )
    media = client.get(f"/api/v1/widget/media/{merchant.public_id}/p1.png")
    assert media.status_code == 200 and media.mimetype == "image/png"
    assert media.headers["Access-Control-Allow-Origin"] == "*"
    missing = client.get(f"/api/v1/widget/media/{merchant.public_id}/p2.png")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    unknown_key = client.get("/api/v1/widget/assets/p1.png?key=pk_nope")
    assert unknown_key.status_code == 401 and unknown_key.json["error"]["code"] == "invalid_key"
    no_asset = client.get(f"/api/v1/widget/assets/p1.png?key={merchant.publishable_key}")
    assert no_asset.status_code == 404 and no_asset.json["error"]["code"] == "not_found"


def test_photo_conversions_document_key_lang_and_the_image_types(spec):
    post = spec["paths"][CONVERSIONS]["post"]
    params = _params(post)
    assert params[("query", "key")]["required"] is False
    assert "X-Facet-Key" in params[("query", "key")]["description"]
    assert ("header", "X-Facet-Key") in params
    assert params[("query", "lang")]["required"] is False
    assert "lang" in post["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert set(post["responses"]["200"]["content"]) == {"image/jpeg", "image/png"}
    assert "key_mismatch" in post["responses"]["400"]["description"]


def test_events_document_the_key_query_parameter(spec):
    post = spec["paths"][EVENTS]["post"]
    params = _params(post)
    assert params[("query", "key")]["required"] is False
    assert "X-Facet-Key" in params[("query", "key")]["description"]
    assert "key_mismatch" in post["responses"]["400"]["description"]


@pytest.mark.parametrize("path", ["/api/v1/widget/events", "/api/v1/widget/photo-conversions"])
def test_a_header_and_a_query_key_that_differ_are_refused_as_documented(client, merchant_factory, path):
    one, other = merchant_factory(), merchant_factory()
    response = client.post(
        f"{path}?key={other.publishable_key}",
        data=b"{}",
        content_type="text/plain",
        headers={"X-Facet-Key": one.publishable_key},
    )
    assert response.status_code == 400 and response.json["error"]["code"] == "key_mismatch"


@pytest.mark.parametrize(("path", "method"), sorted(ERRORS), ids=lambda v: v)
def test_every_error_code_a_route_answers_is_documented_under_its_status(spec, path, method):
    responses = spec["paths"][path][method]["responses"]
    documented = {
        int(status): set(_CODE.findall(answer["description"]))
        for status, answer in responses.items()
        if status != "default" and int(status) >= 400
    }
    assert documented == ERRORS[(path, method)]
    for status in documented:
        assert responses[str(status)]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
    retry = {
        int(status) for status, answer in responses.items() if "Retry-After" in answer.get("headers", {})
    }
    assert retry == RETRY_AFTER.get((path, method), set())


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/widget/config"),
        ("get", "/api/v1/widget/analyses/00000000-0000-0000-0000-000000000000"),
        ("delete", "/api/v1/widget/analyses/00000000-0000-0000-0000-000000000000"),
        ("post", "/api/v1/widget/analyses"),
        ("get", "/api/v1/widget/assets/p1.png"),
    ],
)
def test_the_other_keyed_routes_refuse_two_different_keys_as_documented(
    client, merchant_factory, method, path
):
    one, other = merchant_factory(), merchant_factory()
    response = getattr(client, method)(
        f"{path}?key={other.publishable_key}", headers={"X-Facet-Key": one.publishable_key}
    )
    assert response.status_code == 400 and response.json["error"]["code"] == "key_mismatch"
