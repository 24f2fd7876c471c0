"""`flask facet origins`: the storefront addresses a store's widget answers, listed and changed."""

from __future__ import annotations

from sqlalchemy import select

from plugin_api.extensions import db
from plugin_api.models import Merchant


def _origins(app, merchant_id: int) -> list[str]:
    with app.app_context():
        return db.session.get(Merchant, merchant_id).allowed_origins


def test_a_custom_domain_is_added_and_removed(app, merchant_factory) -> None:
    merchant = merchant_factory(
        shop_domain="acme.myshopify.com", allowed_origins=["https://acme.myshopify.com"]
    )
    cli = app.test_cli_runner()
    added = cli.invoke(args=["facet", "origins", "acme.myshopify.com", "--add", "https://WWW.Acme.example/"])
    assert added.exit_code == 0, added.output
    assert "https://www.acme.example" in added.output
    assert _origins(app, merchant.id) == ["https://acme.myshopify.com", "https://www.acme.example"]
    removed = cli.invoke(
        args=["facet", "origins", merchant.public_id, "--remove", "https://acme.myshopify.com"]
    )
    assert removed.exit_code == 0 and _origins(app, merchant.id) == ["https://www.acme.example"]


def test_bad_origins_and_unknown_stores_are_refused_with_a_reason(app, merchant_factory) -> None:
    merchant = merchant_factory()
    cli = app.test_cli_runner()
    bad = cli.invoke(args=["facet", "origins", merchant.shop_domain, "--add", "www.acme.example"])
    assert bad.exit_code != 0 and "not an origin like https://www.shop.example" in bad.output
    assert _origins(app, merchant.id) == merchant.allowed_origins
    unknown = cli.invoke(args=["facet", "origins", "nobody.myshopify.com"])
    assert unknown.exit_code != 0 and "no store 'nobody.myshopify.com'" in unknown.output


def test_the_demo_answers_the_port_it_is_served_on(app) -> None:
    result = app.test_cli_runner().invoke(args=["facet", "seed-demo", "--origin", "http://127.0.0.1:8765"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        demo = db.session.scalars(select(Merchant).where(Merchant.publishable_key == "pk_demo")).one()
        assert {"http://127.0.0.1:8000", "http://127.0.0.1:8765"} <= set(demo.allowed_origins)
