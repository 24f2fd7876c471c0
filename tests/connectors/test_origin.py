"""`connectors.base.origin_of`: one origin rule for storefront origins and the admin's same-origin check."""

from __future__ import annotations

import pytest

from connectors.base import origin_of, origins_of
from plugin_api.admin.same_origin import from_own_page


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://shop.example/products/a?x=1", "https://shop.example"),
        ("HTTPS://Shop.Example/", "https://shop.example"),
        ("  https://shop.example  ", "https://shop.example"),
        # No default port: browsers never send one in `Origin`, so a stored one would never match.
        ("https://shop.example:443/", "https://shop.example"),
        ("http://shop.example:80", "http://shop.example"),
        ("https://shop.example:8443/x", "https://shop.example:8443"),
        ("http://127.0.0.1:5000/admin", "http://127.0.0.1:5000"),
        ("http://[::1]:8000/", "http://[::1]:8000"),
        # A bare host, as platforms give store domains, is https.
        ("shop.myshopify.com", "https://shop.myshopify.com"),
        # No web origin.
        ("null", None),
        ("", None),
        ("ftp://shop.example", None),
        ("https://", None),
        ("https://shop.example:port/", None),
        ("https://shop.example:99999/", None),
    ],
)
def test_origin_of(url, origin):
    assert origin_of(url) == origin


def test_origins_of_skips_what_has_no_origin():
    assert origins_of("https://a.example/", None, "", "ftp://b.example", "b.example:443") == [
        "https://a.example",
        "https://b.example",
    ]


@pytest.mark.parametrize(
    ("headers", "own"),
    [
        ({"Origin": "https://facet.example"}, True),
        ({"Origin": "https://FACET.example:443"}, True),
        ({"Referer": "https://facet.example/admin?days=7"}, True),
        ({"Origin": "null"}, False),
        ({"Origin": "https://facet.example.evil.example"}, False),
        ({"Origin": "http://facet.example"}, False),
        ({"Sec-Fetch-Site": "cross-site", "Origin": "https://facet.example"}, False),
        ({}, True),  # no browser's form: nothing to check
    ],
)
def test_from_own_page_compares_origins_the_same_way(headers, own):
    assert from_own_page(headers, ["https://facet.example/"]) is own
