"""The holdout test's wiring: the merchant sets it, the widget config carries it, beacons are tagged with it.

The merchant changes the share through the real admin API and the dashboard's form, signed in with the
dashboard's documented session cookie; storefronts read it from `GET /api/v1/widget/config`; the loader's
`storefront_view` / `store_add_to_cart` beacons go through `POST /api/v1/widget/events` as sendBeacon sends
them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, update

from connectors.cart import add_to_cart
from plugin_api.demo.seed import demo_add_to_cart
from plugin_api.extensions import db
from plugin_api.models import Event, Merchant
from plugin_api.services.experiment import assigned_group, set_holdout_percent
from plugin_api.services.installs import ADMIN_SESSIONS_ENDED_AT, uninstall_merchant
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


@pytest.mark.parametrize("value", [51, -1, "10", "²", True, 12.5, None])
def test_the_share_must_be_a_whole_number_from_0_to_50(app, client, merchant_factory, widget_headers, value):
    merchant = merchant_factory()
    admin = signed_in(app, merchant)
    response = admin.put(EXPERIMENT, json={"holdout_percent": value})
    assert response.status_code == 422, response.json
    # The same rule, so the same code as the dashboard's form.
    assert response.json["error"]["code"] == "invalid_holdout_percent"
    assert response.json["error"]["details"] == {"min": 0, "max": 50}
    assert config(client, merchant, widget_headers)["experiment"] is None


# "²" and "１０" pass str.isdigit(): int() refused the first (a 500) and read the second as 10.
@pytest.mark.parametrize("value", ["60", "", "ten", "²", "１０", "1e1", "0010"])
def test_the_form_refuses_a_bad_share(app, client, merchant_factory, widget_headers, value):
    merchant = merchant_factory()
    page = signed_in(app, merchant).post("/admin/experiment", data={"holdout_percent": value})
    assert page.status_code == 422 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert '<meta name="facet-error-code" content="invalid_holdout_percent">' in html
    # What to do about it, and the way back.
    assert "Nothing was changed" in html and "whole number from 0" in html
    assert 'href="/admin#lift"' in html
    assert config(client, merchant, widget_headers)["experiment"] is None


@pytest.mark.parametrize(
    ("days", "location"), [("7", "/admin?days=7#lift"), ("²", "/admin#lift"), ("", "/admin#lift")]
)
def test_the_form_keeps_a_known_period_and_drops_any_other(app, client, merchant_factory, days, location):
    merchant = merchant_factory()
    form = signed_in(app, merchant).post("/admin/experiment", data={"holdout_percent": " 12 ", "days": days})
    assert form.status_code == 303 and form.headers["Location"] == location


def test_who_asks_is_checked_before_what_they_send(app, client, merchant_factory, widget_headers):
    merchant = merchant_factory()
    bad = {"holdout_percent": "not a number"}
    # No session: 401, whatever the body.
    assert client.put(EXPERIMENT, json=bad).status_code == 401
    assert client.put(EXPERIMENT, data="{", content_type="application/json").status_code == 401
    # Signed in, but sent by another site's page: 403, whatever the body.
    admin = signed_in(app, merchant)
    cross = admin.put(EXPERIMENT, json=bad, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403 and cross.json["error"]["code"] == "cross_site_request"
    assert config(client, merchant, widget_headers)["experiment"] is None
    # The merchant's own bad body: 422; a body that is not a JSON object at all says so (it used to read
    # "must be a whole number" for a missing brace).
    assert admin.put(EXPERIMENT, json=bad).json["error"]["code"] == "invalid_holdout_percent"
    for body, kind in (
        ('{"holdout_percent": 10', "application/json"),
        ("[10]", "application/json"),
        ("10", "text/plain"),
    ):
        broken = admin.put(EXPERIMENT, data=body, content_type=kind)
        assert broken.status_code == 400 and broken.json["error"]["code"] == "invalid_json", body
        assert "JSON object" in broken.json["error"]["message"]
    assert config(client, merchant, widget_headers)["experiment"] is None
    # A body far over the size limit is not called a photo outside the upload.
    huge = admin.put(
        EXPERIMENT, data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1), content_type="application/json"
    )
    assert huge.status_code == 413 and huge.json["error"]["message"].startswith(
        "The request body is larger than"
    )


def test_a_cross_site_change_says_nothing_changed_and_links_back(app, merchant_factory):
    admin = signed_in(app, merchant_factory())
    page = admin.post(
        "/admin/experiment", data={"holdout_percent": "10"}, headers={"Origin": "https://evil.example"}
    )
    assert page.status_code == 403 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert '<meta name="facet-error-code" content="cross_site_request">' in html
    assert "Nothing was changed" in html and 'href="/admin"' in html


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
    assert plain.status_code == 400 and plain.json["error"]["code"] == "invalid_json"
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
    # Only the test's own properties: `cart_total` is none the loader sends for this type.
    assert event.properties == {"group": "exposed", "experiment": exp}


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


def cart_url_hints(text: str) -> list[str]:
    """The `data-cart-urls` parts a shell puts on the script tag (a plain attribute, or PHP's esc_attr)."""
    [value] = re.findall(r"data-cart-urls=\"(?:' \. esc_attr\( ')?([^\"']+)", text)
    return value.split()


def widget_cart_request(action: dict[str, Any]) -> str:
    """The URL Facet's in-place Add to cart fetches for an `add_to_cart` action (results.js `addToCart`)."""
    if action["method"] != "GET":
        return action["ajax_url"]
    separator = "&" if "?" in action["ajax_url"] else "?"
    return action["ajax_url"] + separator + urlencode(action["fields"])


IN_PLACE_ADDS = {
    "shopify/extensions/facet-embed/blocks/facet-embed.liquid": "shopify",
    "woocommerce/facet-tryon.php": "woocommerce",
    "demo/templates/demo_store/base.html": "demo",
}


@pytest.mark.parametrize("shell", sorted(IN_PLACE_ADDS))
def test_facets_own_in_place_add_is_a_cart_request_the_shell_watches(shell):
    # The holdout test measures both groups' add-to-carts one way, through these hints: Facet's own add is
    # counted only because it fetches a URL the store's hints already cover.
    platform = IN_PLACE_ADDS[shell]
    if platform == "demo":
        action = demo_add_to_cart("demo-frame-03")
    else:
        product = {"platform_product_id": "1001", "url": "https://shop.example/p/1001"}
        action = add_to_cart(
            platform, store_url="https://shop.example", product=product, variant={"id": "2002"}
        )
    target = widget_cart_request(action)
    hints = cart_url_hints((WIDGETS / shell).read_text(encoding="utf-8"))
    assert any(part in target for part in hints), (target, hints)


def test_magento_has_no_in_place_add_to_watch():
    # Facet opens the product page there; the store's own form on it is what the hints watch.
    product = {"platform_product_id": "1001", "url": "https://shop.example/p/1001.html"}
    action = add_to_cart("magento", store_url="https://shop.example", product=product, variant={"id": "2002"})
    assert action["method"] == "LINK" and "ajax_url" not in action


def other_writer_sets(app: Flask, merchant: Merchant, key: str, value: Any) -> None:
    """Another request (its own connection and transaction) rewrites the merchant's settings with `key`."""
    with app.app_context(), db.engine.begin() as conn:
        settings = conn.execute(select(Merchant.settings).where(Merchant.id == merchant.id)).scalar_one()
        conn.execute(
            update(Merchant)
            .where(Merchant.id == merchant.id)
            .values(settings={**(settings or {}), key: value})
        )


@contextmanager
def statements_run() -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block."""
    seen: list[str] = []

    def remember(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)


def locked_the_row(statements: list[str]) -> bool:
    """Whether the merchant row was read FOR UPDATE (SQLite has no row locks: SQLAlchemy leaves it out)."""
    if db.engine.dialect.name != "postgresql":
        return True
    return any("FROM merchants" in s and "FOR UPDATE" in s for s in statements)


def test_setting_the_holdout_keeps_what_another_writer_saved_meanwhile(app, merchant_factory):
    merchant = merchant_factory(settings={"widget": {"theme_color": "#112233"}})
    with app.app_context():
        loaded = db.session.get(Merchant, merchant.id)
        assert loaded.settings == {"widget": {"theme_color": "#112233"}}  # read before the other write
        other_writer_sets(app, merchant, ADMIN_SESSIONS_ENDED_AT, "2026-01-01T00:00:00+00:00")
        with statements_run() as sql:
            experiment = set_holdout_percent(loaded, 10)
        assert locked_the_row(sql), sql
        db.session.expire_all()
        settings = db.session.get(Merchant, merchant.id).settings
    assert settings[ADMIN_SESSIONS_ENDED_AT] == "2026-01-01T00:00:00+00:00"
    assert settings["widget"] == {"theme_color": "#112233"}
    assert settings["experiment"]["id"] == experiment.id


def test_uninstalling_keeps_a_holdout_set_meanwhile(app, merchant_factory):
    merchant = merchant_factory()
    running = {"holdout_percent": 10, "id": "xK3_ab9Qz", "started_at": "2026-01-01T00:00:00+00:00"}
    with app.app_context():
        loaded = db.session.get(Merchant, merchant.id)
        assert "experiment" not in (loaded.settings or {})  # read before the other write
        other_writer_sets(app, merchant, "experiment", running)
        with statements_run() as sql:
            uninstall_merchant(loaded, notify_platform=False)
        assert locked_the_row(sql), sql
        db.session.expire_all()
        settings = db.session.get(Merchant, merchant.id).settings
    assert settings["experiment"] == running and ADMIN_SESSIONS_ENDED_AT in settings
