"""Tenant isolation: a widget key only ever reaches its own merchant's rows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plugin_api.extensions import db
from plugin_api.models import Analysis, Product
from plugin_api.tenancy import NoMerchantBound, bind_merchant, get_owned, scoped
from tests.helpers import ANALYSES_URL, assert_error, upload


@pytest.fixture
def two_merchants(merchant_factory):
    return merchant_factory(), merchant_factory(platform="woocommerce")


def test_each_merchant_sees_only_its_own_analyses(client, two_merchants, widget_headers, make_jpeg):
    alice, bob = two_merchants
    a_id = upload(client, widget_headers(alice), make_jpeg()).json["id"]
    b_id = upload(client, widget_headers(bob), make_jpeg()).json["id"]

    assert client.get(f"{ANALYSES_URL}/{a_id}", headers=widget_headers(alice)).status_code == 200
    assert client.get(f"{ANALYSES_URL}/{b_id}", headers=widget_headers(bob)).status_code == 200
    # Another store's analysis id is indistinguishable from a random one: 404, never 403.
    cross = client.get(f"{ANALYSES_URL}/{b_id}", headers=widget_headers(alice))
    random = client.get(f"{ANALYSES_URL}/00000000-0000-4000-8000-000000000000", headers=widget_headers(alice))
    assert (
        assert_error(cross, 404, "not_found")["message"]
        == assert_error(random, 404, "not_found")["message"]
        == "No such analysis."
    )
    assert_error(client.get(f"{ANALYSES_URL}/not-a-uuid", headers=widget_headers(alice)), 404, "not_found")


def test_scoped_queries_return_only_the_bound_merchants_products(app, two_merchants):
    alice, bob = two_merchants
    with app.app_context():
        for merchant, n in ((alice, 3), (bob, 2)):
            db.session.add_all(
                Product(merchant_id=merchant.id, platform_product_id=f"p{i}", title=f"Frame {i}")
                for i in range(n)
            )
        # The same platform product id may exist in two stores.
        db.session.commit()
        with app.test_request_context():
            bind_merchant(alice)
            assert {p.merchant_id for p in db.session.scalars(scoped(Product))} == {alice.id}
            assert db.session.scalar(select(func.count()).select_from(scoped(Product).subquery())) == 3
            bobs = db.session.scalars(scoped(Product, merchant=bob)).first()
            assert get_owned(Product, bobs.id) is None
            assert get_owned(Product, bobs.id, merchant=bob).id == bobs.id


def test_a_tenant_query_without_a_merchant_is_a_programming_error(app):
    with app.test_request_context(), pytest.raises(NoMerchantBound):
        scoped(Analysis)


def test_wrong_or_missing_key_is_401_with_the_error_shape(client, merchant_factory, make_jpeg):
    merchant = merchant_factory()
    origin = {"Origin": merchant.allowed_origins[0]}
    assert_error(upload(client, {**origin, "X-Facet-Key": "pk_nope"}, make_jpeg()), 401, "invalid_key")
    assert_error(upload(client, {"Origin": "https://nobody.example"}, make_jpeg()), 401, "invalid_key")
    assert_error(upload(client, {}, make_jpeg()), 401, "invalid_key")
    assert_error(client.get(f"{ANALYSES_URL}/x?key=pk_nope", headers=origin), 401, "invalid_key")


def test_without_a_key_the_storefront_origin_names_the_store(client, merchant_factory, make_jpeg):
    # Installs record the storefront's origin, so a theme needs no key pasted in.
    alice = merchant_factory(allowed_origins=["https://alice.example"])
    merchant_factory(allowed_origins=["https://bob.example"])
    answer = upload(client, {"Origin": "https://alice.example"}, make_jpeg())
    assert answer.status_code in (200, 202), answer.json
    mine = client.get(f"{ANALYSES_URL}/{answer.json['id']}", headers={"Origin": "https://alice.example"})
    assert mine.status_code == 200
    assert alice.publishable_key not in answer.get_data(as_text=True)
    # Bob's storefront cannot read Alice's analysis, with or without a key.
    bob_view = client.get(f"{ANALYSES_URL}/{answer.json['id']}", headers={"Origin": "https://bob.example"})
    assert_error(bob_view, 404, "not_found")
    # An origin two stores claim names neither: the key is needed there.
    merchant_factory(allowed_origins=["https://alice.example"])
    assert_error(upload(client, {"Origin": "https://alice.example"}, make_jpeg()), 401, "invalid_key")


def test_uninstalled_merchants_key_stops_working(client, merchant_factory, widget_headers, make_jpeg):
    merchant = merchant_factory(status="uninstalled")
    assert_error(upload(client, widget_headers(merchant), make_jpeg()), 401, "invalid_key")


def test_wrong_origin_is_403_with_the_error_shape_and_readable_by_the_browser(
    client, merchant_factory, widget_headers, make_jpeg, app
):
    merchant = merchant_factory()
    response = upload(client, widget_headers(merchant, origin="https://evil.example"), make_jpeg())
    error = assert_error(response, 403, "origin_not_allowed")
    assert error["details"] == {"origin": "https://evil.example"}
    assert response.headers["Access-Control-Allow-Origin"] == "https://evil.example"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Analysis)) == 0


def test_key_in_query_string_and_no_origin_are_accepted(client, merchant_factory, make_jpeg):
    merchant = merchant_factory()
    # Server-side callers send no Origin; the key may come as `?key=`.
    response = client.post(
        f"{ANALYSES_URL}?key={merchant.publishable_key}",
        data={"image": (__import__("io").BytesIO(make_jpeg()), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 202), response.json
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_preflight(client, merchant_factory):
    merchant = merchant_factory(allowed_origins=["https://Shop.Example/"])
    ok = client.options(
        ANALYSES_URL,
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-facet-key",
        },
    )
    assert ok.status_code == 204
    assert ok.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "X-Facet-Key" in ok.headers["Access-Control-Allow-Headers"]
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    assert "Origin" in ok.headers["Vary"]

    denied = client.options(
        ANALYSES_URL, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert_error(denied, 403, "origin_not_allowed")
    with_key = client.options(
        f"{ANALYSES_URL}?key={merchant.publishable_key}",
        headers={"Origin": "https://other.example", "Access-Control-Request-Method": "POST"},
    )
    assert_error(with_key, 403, "origin_not_allowed")
