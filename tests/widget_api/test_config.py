"""`GET /api/v1/widget/config`: merchant widget settings, validated, behind the publishable key + Origin."""

from __future__ import annotations

import re
from pathlib import Path

from plugin_api.extensions import db
from plugin_api.models import Product
from plugin_api.services.widget_settings import SUPPORTED_LANGUAGES, widget_settings

STRINGS_JS = Path(__file__).resolve().parents[2] / "widgets" / "widget" / "src" / "app" / "strings.js"


def test_defaults_for_a_merchant_without_settings(client, merchant_factory, widget_headers):
    merchant = merchant_factory()
    response = client.get("/api/v1/widget/config", headers=widget_headers(merchant))
    assert response.status_code == 200
    body = response.json
    # Nothing names the store's platform: the widget follows each recommendation's own `add_to_cart`.
    assert set(body) == {
        "enabled",
        "theme",
        "features",
        "button",
        "language",
        "languages",
        "merchant",
        "privacy",
        "frames",
        "frames_complete",
        "experiment",
    }
    assert body["enabled"] is True
    assert body["theme"]["color"] == "#1f4e79"
    assert body["features"] == {
        "tryon": True,
        "analysis": True,
        "concerns": True,
        "recommendations": True,
        "camera": True,
    }
    assert body["button"] == {"position": "bottom-right", "label": None, "floating": False}
    assert body["language"] == "auto"
    assert body["privacy"]["retention_days"] == 0
    assert body["merchant"] == {"name": merchant.name}
    assert response.headers["Access-Control-Allow-Origin"] == merchant.allowed_origins[0]
    assert "max-age=60" in response.headers["Cache-Control"]


def test_merchant_settings_are_honoured(client, merchant_factory, widget_headers):
    merchant = merchant_factory(
        platform="woocommerce",
        settings={
            "keep_uploads_days": 7,
            "widget": {
                "theme_color": "#AA3366",
                "button_position": "bottom-left",
                "button_label": "  See them on you  ",
                "language": "fr",
                "features": {"concerns": False, "camera": False},
                "floating_button": True,
            },
        },
    )
    body = client.get("/api/v1/widget/config", headers=widget_headers(merchant)).json
    assert body["theme"]["color"] == "#aa3366"
    assert body["button"] == {"position": "bottom-left", "label": "See them on you", "floating": True}
    assert body["language"] == "fr"
    assert body["features"]["concerns"] is False and body["features"]["camera"] is False
    assert body["features"]["tryon"] is True
    assert body["privacy"]["retention_days"] == 7
    assert "cart" not in body and body["merchant"] == {"name": merchant.name}


def test_invalid_settings_fall_back_to_defaults():
    cfg = widget_settings(
        {
            "theme_color": "red; background:url(x)",
            "button_position": "middle",
            "button_label": 42,
            "language": "xx",
            "features": {"tryon": "yes"},
            "enabled": "no",
        }
    )
    assert cfg["theme"]["color"] == "#1f4e79"
    assert cfg["button"]["position"] == "bottom-right"
    assert cfg["button"]["label"] is None
    assert cfg["language"] == "auto"
    assert cfg["features"]["tryon"] is True
    assert cfg["enabled"] is True
    assert widget_settings("not a dict")["theme"]["color"] == "#1f4e79"


def test_disabled_widget_says_so(client, merchant_factory, widget_headers):
    merchant = merchant_factory(settings={"widget": {"enabled": False}})
    assert client.get("/api/v1/widget/config", headers=widget_headers(merchant)).json["enabled"] is False


def test_frames_lists_only_this_stores_tryable_products(app, client, merchant_factory, widget_headers):
    mine, other = merchant_factory(), merchant_factory()
    with app.app_context():
        db.session.add_all(
            [
                Product(
                    merchant_id=mine.id,
                    platform_product_id="f1",
                    title="Round",
                    url="/p/f1",
                    tryon_asset_key="a/f1.png",
                ),
                Product(
                    merchant_id=mine.id,
                    platform_product_id="f2",
                    title="Gone",
                    tryon_asset_key="a/f2.png",
                    deleted=True,
                ),
                Product(merchant_id=mine.id, platform_product_id="l1", title="Lipstick"),
                Product(
                    merchant_id=other.id, platform_product_id="o1", title="Theirs", tryon_asset_key="b/o1.png"
                ),
            ]
        )
        db.session.commit()
    frames = client.get("/api/v1/widget/config", headers=widget_headers(mine)).json["frames"]
    assert frames == [{"product_id": "f1", "title": "Round", "url": "/p/f1"}]


def test_key_as_query_parameter_and_auth_errors(client, merchant_factory):
    merchant = merchant_factory()
    origin = {"Origin": merchant.allowed_origins[0]}
    assert (
        client.get(f"/api/v1/widget/config?key={merchant.publishable_key}", headers=origin).status_code == 200
    )
    bad_key = client.get("/api/v1/widget/config?key=pk_nope", headers=origin)
    assert bad_key.status_code == 401
    assert bad_key.json["error"]["code"] == "invalid_key"
    bad_origin = client.get(
        f"/api/v1/widget/config?key={merchant.publishable_key}", headers={"Origin": "https://evil.example"}
    )
    assert bad_origin.status_code == 403
    assert bad_origin.json["error"]["code"] == "origin_not_allowed"
    assert "request_id" in bad_origin.json


def test_supported_languages_match_the_widget_string_table():
    source = STRINGS_JS.read_text(encoding="utf-8")
    tables = dict(re.findall(r"^  (\w\w): \{\n(.*?)\n  \}", source, flags=re.S | re.M))
    assert set(tables) == set(SUPPORTED_LANGUAGES)
    keys = {lang: set(re.findall(r"^    (\w+):", body, flags=re.M)) for lang, body in tables.items()}
    assert len(keys["en"]) > 100
    for lang in SUPPORTED_LANGUAGES:
        assert keys[lang] == keys["en"], f"{lang} is missing {keys['en'] - keys[lang]}"
