"""`POST /api/v1/widget/events`: anonymous beacons, as `navigator.sendBeacon` sends them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from plugin_api.api.widget_events import EVENT_TYPES, PROPERTY_KEYS, clean_properties
from plugin_api.extensions import db
from plugin_api.models import Event

SID = "a1b2c3d4e5f6a7b8c9d0e1f2"


def _beacon(client, merchant, body, content_type="text/plain;charset=UTF-8", origin=None):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(
        f"/api/v1/widget/events?key={merchant.publishable_key}",
        data=data,
        content_type=content_type,
        headers={"Origin": origin or merchant.allowed_origins[0]},
    )


def _events(app):
    with app.app_context():
        return list(db.session.scalars(select(Event).order_by(Event.id)))


@pytest.mark.parametrize("etype", sorted(EVENT_TYPES))
def test_each_event_type_is_stored_from_a_text_plain_beacon(app, client, merchant_factory, etype):
    merchant = merchant_factory()
    response = _beacon(
        client,
        merchant,
        {
            "type": etype,
            "session_id": SID,
            "product_id": "sku-9",
            "properties": {"rank": 2, "source": "upload"},
        },
    )
    assert response.status_code == 202, response.json
    assert response.json == {"accepted": 1}
    assert response.headers["Access-Control-Allow-Origin"] == merchant.allowed_origins[0]
    [event] = _events(app)
    assert (event.merchant_id, event.type, event.session_id, event.product_id) == (
        merchant.id,
        etype,
        SID,
        "sku-9",
    )
    sent = {"rank": 2, "source": "upload"}
    assert event.properties == {k: v for k, v in sent.items() if k in PROPERTY_KEYS[etype]}


def test_blob_and_json_bodies_and_batches(app, client, merchant_factory):
    merchant = merchant_factory()
    one = {"type": "opened", "session_id": SID}
    assert _beacon(client, merchant, one, content_type="application/octet-stream").status_code == 202
    assert _beacon(client, merchant, one, content_type="application/json").status_code == 202
    batch = {
        "events": [dict(one, type="tryon_switched", analysis_id="an-1"), dict(one, type="analysis_shown")]
    }
    assert _beacon(client, merchant, batch).json == {"accepted": 2}
    events = _events(app)
    assert [e.type for e in events] == ["opened", "opened", "tryon_switched", "analysis_shown"]
    assert events[2].properties == {"analysis_id": "an-1"}


@pytest.mark.parametrize(
    "body",
    [
        {"type": "hacked", "session_id": SID},
        {"type": "opened"},
        {"type": "opened", "session_id": "short"},
        {"type": "opened", "session_id": "has spaces in it!"},
        {"type": "opened", "session_id": SID, "properties": ["not", "an", "object"]},
        {"type": "opened", "session_id": SID, "product_id": {"x": 1}},
        {"events": []},
        {"events": [{"type": "opened", "session_id": SID}] * 21},
        "not json at all",
        # Values of the wrong JSON type: these used to raise inside the view (500) instead of saying why.
        {"type": ["opened"], "session_id": SID},
        {"type": {"opened": True}, "session_id": SID},
        {"type": 7, "session_id": SID},
        {"type": "opened", "session_id": [SID]},
        {"type": "opened", "session_id": {"id": SID}},
        {"type": "opened", "session_id": 123456789012},
        {"type": "opened", "session_id": SID + "\n"},
        {"type": "opened", "session_id": SID, "properties": "rank=2"},
        {"type": "opened", "session_id": SID, "analysis_id": ["an-1"]},
        {"type": "opened", "session_id": SID, "product_id": 1.5},
        {"events": {"type": "opened", "session_id": SID}},
        {"events": [["opened", SID]]},
        {"events": ["opened"]},
        {"events": [None]},
        {"events": [{"type": "opened", "session_id": SID}, {"type": ["opened"], "session_id": SID}]},
        [{"type": "opened", "session_id": SID}],
        "[" * 15000,
    ],
)
def test_invalid_events_are_refused_and_nothing_is_stored(app, client, merchant_factory, body):
    merchant = merchant_factory()
    response = _beacon(client, merchant, body)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid_event"
    assert set(response.json) == {"error", "request_id"}
    assert _events(app) == []


def test_an_event_without_a_type_says_so(app, client, merchant_factory):
    response = _beacon(client, merchant_factory(), {"session_id": SID})
    assert response.status_code == 422 and response.json["error"]["message"] == "Each event needs a `type`."
    assert "type" not in response.json["error"]["details"]  # it used to say the type was "None"
    assert "opened" in response.json["error"]["details"]["allowed"]


def test_oversize_body_is_refused(app, client, merchant_factory):
    merchant = merchant_factory()
    body = json.dumps({"type": "opened", "session_id": SID, "properties": {"pad": "x" * 20000}})
    response = _beacon(client, merchant, body)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"
    assert _events(app) == []


def test_a_body_past_the_apps_upload_limit_is_the_same_payload_too_large(app_factory, merchant_factory):
    """Werkzeug refuses a body past MAX_CONTENT_LENGTH before the view reads it; a beacon still gets the
    events API's own code, not the photo upload's `file_too_large`."""
    app = app_factory(FACET_MAX_UPLOAD_BYTES=20_000)
    merchant = merchant_factory(app)
    body = json.dumps({"type": "opened", "session_id": SID, "properties": {"pad": "x" * 400_000}})
    assert len(body) > app.config["MAX_CONTENT_LENGTH"]
    response = _beacon(app.test_client(), merchant, body)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"
    assert response.json["error"]["message"] == "Event batches are limited to 16 KB."
    assert _events(app) == []


def test_no_personal_data_is_kept():
    props = clean_properties(
        {
            "email": "jane@example.com",
            "name": "Jane",
            "note": "write to jane@example.com",
            "phone_like": "+44 20 7946 0958",
            "Bad-Key": 1,
            "nested": {"a": 1},
            "rank": 3,
            "ok": True,
            "long": "y" * 500,
        }
    )
    assert props == {"rank": 3, "ok": True, "long": "y" * 200}


def test_each_event_keeps_only_the_properties_its_type_carries(app, client, merchant_factory):
    """A script holding the public key cannot store addresses, browser strings or notes in the events
    table: each type keeps the properties the widget sends for it (and the holdout test's)."""
    assert set(PROPERTY_KEYS) == EVENT_TYPES
    merchant = merchant_factory()
    properties = {
        "rank": 2,
        "where": "results",
        "action": "add",
        "note": "2001:db8::1",
        "ua": "Mozilla/5.0 X",
    }
    body = {
        "type": "add_to_cart_clicked",
        "session_id": SID,
        "properties": {**properties, "group": "exposed"},
    }
    assert _beacon(client, merchant, body).status_code == 202
    body = {"type": "opened", "session_id": SID, "properties": {"rank": 1, "where": "x"}}
    assert _beacon(client, merchant, body).status_code == 202
    clicked, opened = _events(app)
    assert clicked.properties == {"rank": 2, "where": "results", "action": "add", "group": "exposed"}
    assert opened.properties == {}


def test_property_keys_with_a_trailing_newline_are_dropped():
    assert clean_properties({"rank\n": 1, "group\n": "holdout", "rank": 2}) == {"rank": 2}


def test_key_and_origin_are_checked(app, client, merchant_factory):
    merchant = merchant_factory()
    body = json.dumps({"type": "opened", "session_id": SID})
    wrong_key = client.post(
        "/api/v1/widget/events?key=pk_nope",
        data=body,
        content_type="text/plain",
        headers={"Origin": merchant.allowed_origins[0]},
    )
    assert wrong_key.status_code == 401
    assert _beacon(client, merchant, body, origin="https://evil.example").status_code == 403
    assert _events(app) == []


def test_events_stay_with_their_merchant(app, client, merchant_factory):
    a, b = merchant_factory(), merchant_factory()
    _beacon(client, a, {"type": "opened", "session_id": SID})
    _beacon(client, b, {"type": "add_to_cart_clicked", "session_id": SID})
    assert sorted((e.merchant_id, e.type) for e in _events(app)) == [
        (a.id, "opened"),
        (b.id, "add_to_cart_clicked"),
    ]
