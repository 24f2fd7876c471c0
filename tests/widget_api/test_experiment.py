"""The holdout test's wiring: the merchant sets it, the widget config carries it, beacons are tagged with it.

The merchant changes the share through the real admin API and the dashboard's form, signed in with the
dashboard's documented session cookie; storefronts read it from `GET /api/v1/widget/config`; the loader's
`storefront_view` / `store_add_to_cart` beacons go through `POST /api/v1/widget/events` as sendBeacon sends
them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from plugin_api.extensions import db
from plugin_api.models import Event, Merchant
from plugin_api.services.experiment import assigned_group, set_holdout_percent
from tests.dashboard.helpers import signed_in

EXPERIMENT = "/api/v1/admin/experiment"
CONFIG = "/api/v1/widget/config"


def config(client: FlaskClient, merchant: Merchant, widget_headers) -> dict[str, Any]:
    response = client.get(CONFIG, headers=widget_headers(merchant))
    assert response.status_code == 200, response.json
    return response.json


def start_test(app: Flask, merchant: Merchant, percent: int) -> str:
    """Set `merchant`'s holdout directly (the service the API calls); returns the experiment id."""
    with app.app_context():
        experiment = set_holdout_percent(db.session.get(Merchant, merchant.id), percent)
        return experiment.id


def session_in(group: str, experiment_id: str, percent: int, start: int = 0) -> str:
    """The first session id (from `start`) that the loader's hash puts in `group`."""
    n = start
    while assigned_group(f"tab-{n:06d}", experiment_id, percent) != group:
        n += 1
    return f"tab-{n:06d}"


def beacon(client: FlaskClient, merchant: Merchant, body: dict[str, Any]):
    return client.post(
        f"/api/v1/widget/events?key={merchant.publishable_key}",
        data=json.dumps(body),
        content_type="text/plain;charset=UTF-8",
        headers={"Origin": merchant.allowed_origins[0]},
    )


def stored(app: Flask) -> list[Event]:
    with app.app_context():
        return list(db.session.scalars(select(Event).order_by(Event.id)))


def test_no_experiment_until_the_merchant_holds_out_sessions(client, merchant_factory, widget_headers):
    assert config(client, merchant_factory(), widget_headers)["experiment"] is None


def test_changing_the_holdout_starts_a_new_experiment_that_the_config_carries(
    app, client, merchant_factory, widget_headers
):
    merchant, other = merchant_factory(), merchant_factory()
    admin = signed_in(app, merchant)
    first = admin.put(EXPERIMENT, json={"holdout_percent": 10})
    assert first.status_code == 200, first.json
    assert first.headers["Cache-Control"] == "no-store"
    lift = first.json
    assert (lift["status"], lift["holdout_percent"]) == ("not_enough_data", 10)
    assert lift["experiment_id"] and lift["started_at"]
    assert config(client, merchant, widget_headers)["experiment"] == {
        "id": lift["experiment_id"],
        "holdout_percent": 10,
    }
    assert admin.get(EXPERIMENT).json["experiment_id"] == lift["experiment_id"]

    # The same share again keeps the running experiment; another share starts a new one.
    assert admin.put(EXPERIMENT, json={"holdout_percent": 10}).json["experiment_id"] == lift["experiment_id"]
    second = admin.put(EXPERIMENT, json={"holdout_percent": 20}).json
    assert second["experiment_id"] not in (None, lift["experiment_id"])
    assert config(client, merchant, widget_headers)["experiment"] == {
        "id": second["experiment_id"],
        "holdout_percent": 20,
    }
    # Another store is untouched.
    assert config(client, other, widget_headers)["experiment"] is None

    # The dashboard's form does the same, then shows the lift section.
    form = admin.post("/admin/experiment", data={"holdout_percent": "15", "days": "7"})
    assert form.status_code == 303 and form.headers["Location"] == "/admin?days=7#lift"
    third = config(client, merchant, widget_headers)["experiment"]
    assert third["holdout_percent"] == 15 and third["id"] not in (
        lift["experiment_id"],
        second["experiment_id"],
    )
    page = admin.get("/admin").get_data(as_text=True)
    assert f'data-lift-experiment="{third["id"]}"' in page
    assert "15 % of storefront sessions held out from Facet" in page

    # 0 ends it: no experiment in the config, and the dashboard explains the holdout again.
    off = admin.put(EXPERIMENT, json={"holdout_percent": 0}).json
    assert (off["status"], off["experiment_id"], off["holdout_percent"]) == ("off", None, 0)
    assert config(client, merchant, widget_headers)["experiment"] is None
    assert 'data-lift-verdict="off"' in admin.get("/admin").get_data(as_text=True)


def test_a_disabled_widget_runs_no_experiment(app, client, merchant_factory, widget_headers):
    merchant = merchant_factory(settings={"widget": {"enabled": False}})
    start_test(app, merchant, 10)
    assert config(client, merchant, widget_headers)["experiment"] is None


@pytest.mark.parametrize("value", [51, -1, "10", True, 12.5, None])
def test_the_share_must_be_a_whole_number_from_0_to_50(app, client, merchant_factory, widget_headers, value):
    merchant = merchant_factory()
    admin = signed_in(app, merchant)
    response = admin.put(EXPERIMENT, json={"holdout_percent": value})
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "validation_error"
    assert config(client, merchant, widget_headers)["experiment"] is None


def test_the_form_refuses_a_bad_share(app, client, merchant_factory, widget_headers):
    merchant = merchant_factory()
    page = signed_in(app, merchant).post("/admin/experiment", data={"holdout_percent": "60"})
    assert page.status_code == 422 and page.mimetype == "text/html"
    assert '<meta name="facet-error-code" content="invalid_holdout_percent">' in page.get_data(as_text=True)
    assert config(client, merchant, widget_headers)["experiment"] is None


def test_only_the_signed_in_merchant_from_facets_own_pages_can_change_it(
    app, client, merchant_factory, widget_headers
):
    merchant = merchant_factory()
    assert client.put(EXPERIMENT, json={"holdout_percent": 10}).status_code == 401
    assert client.get(EXPERIMENT).status_code == 401
    assert client.post("/admin/experiment", data={"holdout_percent": "10"}).status_code == 401
    admin = signed_in(app, merchant)
    # Another site's page posting from the merchant's browser changes nothing.
    evil = {"Origin": "https://evil.example"}
    assert admin.put(EXPERIMENT, json={"holdout_percent": 10}, headers=evil).status_code == 403
    cross = admin.post(
        "/admin/experiment", data={"holdout_percent": "10"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross.status_code == 403
    # Not JSON (what a cross-site form could send without asking first): nothing parsed, nothing changed.
    plain = admin.put(EXPERIMENT, data='{"holdout_percent": 10}', content_type="text/plain")
    assert plain.status_code == 422
    assert config(client, merchant, widget_headers)["experiment"] is None
    own = admin.put(EXPERIMENT, json={"holdout_percent": 10}, headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 200


def test_lift_beacons_are_accepted_with_their_group_and_experiment(app, client, merchant_factory):
    merchant = merchant_factory()
    exp = start_test(app, merchant, 50)
    held, shown = session_in("holdout", exp, 50), session_in("exposed", exp, 50)
    for sid, group in ((held, "holdout"), (shown, "exposed")):
        props = {"group": group, "experiment": exp}
        view = beacon(client, merchant, {"type": "storefront_view", "session_id": sid, "properties": props})
        assert view.status_code == 202, view.json
        body = {"type": "store_add_to_cart", "session_id": sid, "product_id": "sku-1", "properties": props}
        assert beacon(client, merchant, body).status_code == 202
    events = stored(app)
    assert [(e.type, e.session_id, e.product_id, e.properties) for e in events] == [
        ("storefront_view", held, None, {"group": "holdout", "experiment": exp}),
        ("store_add_to_cart", held, "sku-1", {"group": "holdout", "experiment": exp}),
        ("storefront_view", shown, None, {"group": "exposed", "experiment": exp}),
        ("store_add_to_cart", shown, "sku-1", {"group": "exposed", "experiment": exp}),
    ]
    assert {e.merchant_id for e in events} == {merchant.id}


def test_a_beacon_for_the_wrong_group_or_a_bad_tag_is_refused(app, client, merchant_factory):
    merchant = merchant_factory()
    exp = start_test(app, merchant, 30)
    held = session_in("holdout", exp, 30)
    bad = [
        {"group": "exposed", "experiment": exp},  # this session is in the holdout of the running test
        {"group": "vip", "experiment": exp},
        {"group": "holdout", "experiment": "has spaces!"},
    ]
    for props in bad:
        response = beacon(
            client, merchant, {"type": "storefront_view", "session_id": held, "properties": props}
        )
        assert response.status_code == 422, props
        assert response.json["error"]["code"] == "invalid_event"
    assert stored(app) == []
    # A late beacon of an ended experiment is kept (and never counted for the running one).
    late = {"group": "exposed", "experiment": "xOldTest1"}
    assert (
        beacon(
            client, merchant, {"type": "storefront_view", "session_id": held, "properties": late}
        ).status_code
        == 202
    )


def test_lift_beacons_still_drop_personal_data(app, client, merchant_factory):
    merchant = merchant_factory()
    exp = start_test(app, merchant, 10)
    sid = session_in("exposed", exp, 10)
    props = {
        "group": "exposed",
        "experiment": exp,
        "email": "jane@example.com",
        "customer_id": "c-981",
        "note": "call jane@example.com",
        "contact": "+44 20 7946 0958",
        "cart_total": 38.5,
    }
    body = {"type": "store_add_to_cart", "session_id": sid, "product_id": "sku-1", "properties": props}
    assert beacon(client, merchant, body).status_code == 202
    [event] = stored(app)
    assert event.properties == {"group": "exposed", "experiment": exp, "cart_total": 38.5}


WIDGETS = Path(__file__).resolve().parents[2] / "widgets"
SHELL_HINTS = {
    # Each platform's own add-to-cart: its product form, its "added" event, its Ajax add request.
    "shopify/extensions/facet-embed/blocks/facet-embed.liquid": [
        "data-cart-forms='form[action*=\"/cart/add\"]'",
        'data-cart-urls="/cart/add"',
    ],
    "woocommerce/facet-tryon.php": [
        "'form.cart'",
        "'added_to_cart wc-blocks_added_to_cart'",
        "wc-ajax=add_to_cart",
    ],
    "magento/Facet/TryOn/view/frontend/templates/widget.phtml": [
        'data-cart-forms="#product_addtocart_form"',
        'data-cart-events="ajax:addToCart"',
        'data-cart-urls="/checkout/cart/add"',
    ],
}


@pytest.mark.parametrize("shell", sorted(SHELL_HINTS))
def test_each_platform_shell_tells_the_loader_how_its_cart_adds(shell):
    text = (WIDGETS / shell).read_text(encoding="utf-8")
    for hint in SHELL_HINTS[shell]:
        assert hint in text, hint


def test_the_loader_names_no_platform():
    loader = (WIDGETS / "widget" / "src" / "loader.js").read_text(encoding="utf-8").lower()
    for word in ("shopify", "woocommerce", "magento", "added_to_cart", "/cart/add", "product_addtocart"):
        assert word not in loader, word
