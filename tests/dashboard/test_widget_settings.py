"""The merchant changes what the storefront widget does from the dashboard (or its JSON twin), and the
storefront's widget config follows; a bad value is refused field by field and nothing is saved."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from plugin_api.models import Merchant
from tests.dashboard.helpers import signed_in

SETTINGS = "/api/v1/admin/widget-settings"
CONFIG = "/api/v1/widget/config"
FORM = {
    "enabled": "on",
    "language": "fr",
    "theme_color": "#D1B000",
    "button_position": "bottom-left",
    "button_label": "  Essayez-les  ",
    "feature_tryon": "on",
    "feature_analysis": "on",
    "feature_recommendations": "on",
    # concerns and camera unticked: a browser sends nothing for them
    "days": "7",
}


def storefront(client: FlaskClient, merchant: Merchant, widget_headers) -> dict[str, Any]:
    response = client.get(CONFIG, headers=widget_headers(merchant))
    assert response.status_code == 200, response.json
    return response.json


def test_the_dashboards_form_changes_what_the_storefront_shows(app, client, merchant_factory, widget_headers):
    merchant = merchant_factory()
    admin = signed_in(app, merchant)
    page = admin.get("/admin").get_data(as_text=True)
    assert 'action="/admin/widget-settings"' in page and 'name="feature_camera" checked' in page
    saved = admin.post("/admin/widget-settings", data=FORM)
    assert saved.status_code == 303 and saved.headers["Location"] == "/admin?days=7&saved=widget#widget-saved"
    widget = storefront(client, merchant, widget_headers)
    assert widget["enabled"] is True and widget["language"] == "fr"
    assert widget["theme"]["color"] == "#d1b000"
    assert widget["button"] == {"position": "bottom-left", "label": "Essayez-les", "floating": False}
    assert widget["features"] == {
        "tryon": True,
        "analysis": True,
        "concerns": False,
        "recommendations": True,
        "camera": False,
    }
    again = admin.get("/admin?days=7&saved=widget").get_data(as_text=True)
    assert 'data-saved="widget"' in again and 'name="feature_camera" >' in again
    assert '<option value="fr" selected>' in again and 'value="#d1b000"' in again
    # Unticking "Show Facet on your store" takes the button off every page.
    admin.post("/admin/widget-settings", data={k: v for k, v in FORM.items() if k != "enabled"})
    off = storefront(client, merchant, widget_headers)
    assert off["enabled"] is False and off["language"] == "fr"


def test_a_bad_value_is_refused_field_by_field_and_nothing_is_saved(
    app, client, merchant_factory, widget_headers
):
    merchant = merchant_factory()
    admin = signed_in(app, merchant)
    before = storefront(client, merchant, widget_headers)
    page = admin.post("/admin/widget-settings", data=FORM | {"theme_color": "gold", "language": "de"})
    assert page.status_code == 422 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert '<meta name="facet-error-code" content="invalid_widget_settings">' in html
    assert (
        "Your widget settings were not saved" in html
        and "#rrggbb" in html
        and "auto or one of en, fr" in html
    )
    assert 'href="/admin#widget-settings"' in html
    assert storefront(client, merchant, widget_headers) == before

    refused = admin.put(SETTINGS, json={"button_label": "x" * 41, "features": {"camera": "no"}, "colour": 1})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "invalid_widget_settings"
    assert set(refused.json["error"]["details"]["fields"]) == {"button_label", "features", "colour"}
    assert storefront(client, merchant, widget_headers) == before


def test_the_json_twin_changes_only_what_it_names(app, client, merchant_factory, widget_headers):
    merchant = merchant_factory()
    admin = signed_in(app, merchant)
    assert admin.get(SETTINGS).json["enabled"] is True
    first = admin.put(SETTINGS, json={"features": {"camera": False}, "button_label": "See them on you"})
    assert first.status_code == 200 and first.json["features"]["camera"] is False
    second = admin.put(SETTINGS, json={"features": {"concerns": False}}).json
    assert second["features"]["camera"] is False and second["features"]["concerns"] is False
    assert second["button"]["label"] == "See them on you"
    assert storefront(client, merchant, widget_headers)["features"] == second["features"]
    # Only the signed-in merchant, from Facet's own pages, with a JSON object.
    assert client.put(SETTINGS, json={"enabled": False}).status_code == 401
    cross = admin.put(SETTINGS, json={"enabled": False}, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403 and cross.json["error"]["code"] == "cross_site_request"
    broken = admin.put(SETTINGS, data='{"enabled": false', content_type="application/json")
    assert broken.status_code == 400 and broken.json["error"]["code"] == "invalid_json"
    assert storefront(client, merchant, widget_headers)["enabled"] is True
