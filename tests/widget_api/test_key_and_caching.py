"""Which store a widget request names, and what caches may do with the answer.

A URL-keyed cache (many CDNs ignore `Vary`) must never hand one store's widget config to another: a header key
and a `?key=` that disagree are refused, and answers the URL does not name the store of are never public.
"""

from __future__ import annotations

from tests.helpers import ANALYSES_URL, assert_error

CONFIG_URL = "/api/v1/widget/config"


def _vary(response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}


def test_a_header_key_and_a_query_key_that_disagree_are_refused(client, merchant_factory):
    alice = merchant_factory(settings={"widget": {"theme_color": "#aa0000"}})
    bob = merchant_factory(settings={"widget": {"theme_color": "#0000bb"}})
    # The audit's request: Bob's URL, Alice's header, no Origin. Once it answered Alice's config, public.
    response = client.get(
        f"{CONFIG_URL}?key={bob.publishable_key}", headers={"X-Facet-Key": alice.publishable_key}
    )
    error = assert_error(response, 400, "key_mismatch")
    assert "X-Facet-Key" in error["message"] and "?key=" in error["message"]
    assert "#aa0000" not in response.get_data(as_text=True)
    assert "public" not in response.headers.get("Cache-Control", "")

    # From a storefront the refusal is readable by the page (CORS), whichever store's origin it is.
    from_bob = client.get(
        f"{CONFIG_URL}?key={bob.publishable_key}",
        headers={"X-Facet-Key": alice.publishable_key, "Origin": bob.allowed_origins[0]},
    )
    assert_error(from_bob, 400, "key_mismatch")
    assert from_bob.headers["Access-Control-Allow-Origin"] == bob.allowed_origins[0]

    # Every widget endpoint, and the preflight, refuse it alike.
    upload = client.post(
        f"{ANALYSES_URL}?key={bob.publishable_key}",
        headers={"X-Facet-Key": alice.publishable_key},
        data={},
        content_type="multipart/form-data",
    )
    assert_error(upload, 400, "key_mismatch")
    preflight = client.options(
        f"{CONFIG_URL}?key={bob.publishable_key}",
        headers={
            "X-Facet-Key": alice.publishable_key,
            "Origin": alice.allowed_origins[0],
            "Access-Control-Request-Method": "GET",
        },
    )
    assert_error(preflight, 400, "key_mismatch")


def test_the_same_key_in_both_places_is_fine(client, merchant_factory):
    merchant = merchant_factory()
    response = client.get(
        f"{CONFIG_URL}?key={merchant.publishable_key}", headers={"X-Facet-Key": merchant.publishable_key}
    )
    assert response.status_code == 200
    assert response.json["merchant"]["name"] == merchant.name


def test_config_varies_on_origin_and_key_even_when_neither_was_sent(client, merchant_factory):
    merchant = merchant_factory()
    for headers in ({}, {"Origin": merchant.allowed_origins[0]}):
        response = client.get(f"{CONFIG_URL}?key={merchant.publishable_key}", headers=headers)
        assert response.status_code == 200
        assert {"origin", "x-facet-key"} <= _vary(response), response.headers.get("Vary")
    by_header = client.get(CONFIG_URL, headers={"X-Facet-Key": merchant.publishable_key})
    assert {"origin", "x-facet-key"} <= _vary(by_header)
    refused = client.get(f"{CONFIG_URL}?key=pk_nope")
    assert_error(refused, 401, "invalid_key")
    assert {"origin", "x-facet-key"} <= _vary(refused)


def test_config_is_public_only_when_the_url_names_the_store(client, merchant_factory):
    merchant = merchant_factory()
    origin = merchant.allowed_origins[0]
    # What the loader sends: `?key=` in the URL, so a URL-keyed cache keeps stores apart.
    loader = client.get(f"{CONFIG_URL}?key={merchant.publishable_key}", headers={"Origin": origin})
    assert loader.status_code == 200
    assert loader.headers["Cache-Control"] == "public, max-age=60"

    # Key in the header, or no key at all (the storefront's Origin names the store): the URL is the same for
    # every store, so only the browser may keep the answer.
    for headers in ({"X-Facet-Key": merchant.publishable_key}, {"Origin": origin}):
        response = client.get(CONFIG_URL, headers=headers)
        assert response.status_code == 200, response.json
        cache = {part.strip() for part in response.headers["Cache-Control"].split(",")}
        assert "public" not in cache and "private" in cache, response.headers["Cache-Control"]
        assert "max-age=60" in cache
    # An empty `?key=` (a theme without data-key) names no store either.
    empty = client.get(f"{CONFIG_URL}?key=", headers={"Origin": origin})
    assert empty.status_code == 200
    assert "private" in empty.headers["Cache-Control"] and "public" not in empty.headers["Cache-Control"]


def test_openapi_says_the_key_is_optional(client):
    spec = client.get("/api/v1/openapi.json").json
    params = {(p["in"], p["name"]): p for p in spec["paths"]["/api/v1/widget/config"]["get"]["parameters"]}
    assert params[("query", "key")].get("required", False) is False
    assert params[("header", "X-Facet-Key")].get("required", False) is False
    assert "Origin" in params[("query", "key")]["description"]
    responses = spec["paths"]["/api/v1/widget/config"]["get"]["responses"]
    assert "key_mismatch" in responses["400"]["description"]
