"""Helpers for the merchant dashboard tests: shoppers' readings, a fake engine, catalog rows, events, sign-in.

Shoppers go through the real widget API: their photos are uploaded to `/api/v1/widget/analyses` and run by
the real analysis job (in-process) with only the engine replaced by `FakeEngine`, which answers the readings a
test queued, in the shape `inference.analysis.analyze_image` returns. Recommendations, `closest_shades` and
the stored result are the job's own; events are posted to `/api/v1/widget/events` as the widget sends them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from werkzeug.test import TestResponse

from inference import colour
from inference.analysis.quality import MESSAGES
from inference.analysis.season import palette
from plugin_api.extensions import db
from plugin_api.jobs import analysis as analysis_job
from plugin_api.models import FeaturesStatus, Merchant, Product


@dataclass(frozen=True)
class Reading:
    """One shopper's photo as the engine would read it, or a failure code (`no_face`, ...)."""

    monk: int = 5
    lab: tuple[float, float, float] | None = None  # default: the Monk swatch's own colour
    undertone: str = "neutral"
    reliable: bool = True
    face_shape: str = "oval"
    failure: str | None = None

    def skin_lab(self) -> list[float]:
        lab = self.lab if self.lab is not None else colour.MONK_LAB[self.monk - 1]
        return [round(float(v), 1) for v in lab]


def engine_result(reading: Reading) -> dict[str, Any]:
    """What `analyze_image(image, mesh=True)` returns for `reading` (minus the mesh: no try-on here)."""
    lab = reading.skin_lab()
    return {
        "image": {"width": 320, "height": 240},
        "faces_found": 1,
        "face": {"box": [60.0, 30.0, 260.0, 230.0], "score": 0.97, "points": {}, "pose": {}},
        "quality": {
            "ok": reading.reliable,
            "issues": [] if reading.reliable else [{"code": "too_dark", "message": MESSAGES["too_dark"]}],
        },
        "skin": {
            "monk": reading.monk,
            "monk_hex": colour.MONK_HEX[reading.monk - 1],
            "hex": colour.lab_to_hex(np.asarray(lab)),
            "lab": lab,
            "ita": round(float(colour.ita_degrees(np.asarray(lab))), 1),
            "undertone": reading.undertone,
            "undertone_close_to": None,
            "season": {"name": "autumn", "subtype": "soft autumn", "label": "soft autumn"},
            "palette": palette("soft autumn"),
            "confidence": 0.8 if reading.reliable else 0.1,
            "reliable": reading.reliable,
        },
        "face_shape": {"label": reading.face_shape, "scores": {reading.face_shape: 0.6}, "close_to": None},
        "concerns": {"redness": 10, "uneven_tone": 10, "texture": 10, "shine": 10, "dark_circles": 10},
        "fit": {"pd_mm": 62.0, "face_width_mm": 138.0, "uncertainty_mm": 2.0},
        "timing_ms": {"total": 1.0},
    }


class FakeEngine:
    """Stands in for the analysis engine (`ANALYSIS_ENGINE`): each upload gets the next queued reading."""

    def __init__(self) -> None:
        self.readings: list[Reading] = []

    def __call__(self, image: bytes) -> dict[str, Any]:
        reading = self.readings.pop(0)
        if reading.failure:
            raise analysis_job.ExpectedFailure(reading.failure, "The engine could not read this photo.")
        return engine_result(reading)


def send_events(client: FlaskClient, merchant: Merchant, events: list[dict[str, Any]]) -> None:
    """POST events as the widget's beacons do (text/plain, `?key=`, storefront Origin), 20 a request."""
    for start in range(0, len(events), 20):
        response = client.post(
            f"/api/v1/widget/events?key={merchant.publishable_key}",
            data=json.dumps({"events": events[start : start + 20]}),
            content_type="text/plain;charset=UTF-8",
            headers={"Origin": merchant.allowed_origins[0]},
        )
        assert response.status_code == 202, response.json


def event(
    kind: str,
    session: str = "session-0001",
    product_id: str | None = None,
    analysis_id: str | None = None,
    **props: Any,
) -> dict:
    return {
        "type": kind,
        "session_id": session,
        "product_id": product_id,
        "analysis_id": analysis_id,
        "properties": props,
    }


def shade_features(lab: list[float], code: str, category: str = "foundation") -> dict[str, Any]:
    """A shade product's features as the catalog job stores them (one shade variant)."""
    return {
        "category": category,
        "shades": [
            {"lab": [float(v) for v in lab], "undertone": "neutral", "name": code, "variant_id": code}
        ],
    }


def lipstick_features(hex_colour: str) -> dict[str, Any]:
    return {"category": "lipstick", "colours": [{"lab": list(colour.hex_to_lab(hex_colour)), "weight": 1}]}


def add_products(app: Flask, merchant: Merchant, products: dict[str, tuple[str, dict[str, Any]]]) -> None:
    """Add recommendable products: {platform id: (title, features)}."""
    with app.app_context():
        for pid, (title, features) in products.items():
            db.session.add(
                Product(
                    merchant_id=merchant.id,
                    platform_product_id=pid,
                    title=title,
                    url=f"https://shop.example/p/{pid}",
                    image_urls=[f"https://shop.example/img/{pid}.png"],
                    in_stock=True,
                    features=features,
                    features_status=FeaturesStatus.READY.value,
                )
            )
        db.session.commit()


def admin_link(app: Flask, merchant: Merchant) -> str:
    """The path and query of a fresh `flask facet admin-link` for `merchant`'s store."""
    result = app.test_cli_runner().invoke(args=["facet", "admin-link", merchant.shop_domain])
    assert result.exit_code == 0, result.output
    link = urlsplit(result.output.strip())
    assert (
        f"{link.scheme}://{link.netloc}" == app.config["FACET_PUBLIC_URL"] and link.path == "/admin/sign-in"
    )
    return f"{link.path}?{link.query}"


class _Forms(HTMLParser):
    """The forms of a page: method, action and the fields a browser would submit (buttons left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.buttons = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            method = found.get("method", "get").lower()
            self.forms.append({"method": method, "action": found.get("action"), "fields": {}})
        elif tag == "input" and self.forms and "name" in found:
            self.forms[-1]["fields"][found["name"]] = found.get("value", "")
        elif tag == "button":
            self.buttons += 1


def confirmation_form(page: TestResponse) -> dict[str, Any]:
    """The one form on a link's confirmation page, which must be its only button: method, action, fields."""
    parser = _Forms()
    parser.feed(page.get_data(as_text=True))
    [form] = parser.forms
    assert parser.buttons == 1 and form["method"] == "post", form
    return form


def press_sign_in(
    client: FlaskClient, page: TestResponse, headers: dict[str, str | None] | None = None
) -> TestResponse:
    """Press the confirmation page's button as a browser would: post its form with the page's own Origin.

    `headers` replace or add request headers; a header given as None is left out."""
    form = confirmation_form(page)
    sent = {"Origin": page.request.host_url.rstrip("/"), **(headers or {})}
    return client.post(
        form["action"], data=form["fields"], headers={k: v for k, v in sent.items() if v is not None}
    )


def assert_signed_in(landing: TestResponse) -> None:
    """`landing` signed the browser in: 303 to the dashboard with a first-party, 8-hour, httponly cookie."""
    assert landing.status_code == 303 and landing.headers["Location"] == "/admin", landing.data
    cookie = {part.strip() for part in landing.headers["Set-Cookie"].split(";")}
    # Plain http (the test and demo default): a first-party, Lax cookie; https is checked by the Shopify test.
    assert {"HttpOnly", "SameSite=Lax", "Max-Age=28800"} <= cookie and "Secure" not in cookie, cookie


def signed_in(app: Flask, merchant: Merchant) -> FlaskClient:
    """A client with the dashboard's session cookie for `merchant` (documented salt `facet.admin-session`)."""
    client = app.test_client()
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="facet.admin-session").dumps(
        merchant.public_id
    )
    client.set_cookie("facet_admin", token)
    return client


def sign_in(app: Flask, merchant: Merchant) -> FlaskClient:
    """A client signed into `merchant`'s dashboard through the support link (`flask facet admin-link`):
    open the link, then press the confirmation page's button."""
    client = app.test_client()
    page = client.get(admin_link(app, merchant))
    assert page.status_code == 200 and "Set-Cookie" not in page.headers, page.data
    assert_signed_in(press_sign_in(client, page))
    return client


# The dashboard's JSON endpoint.
SUMMARY = "/api/v1/admin/summary"


def assert_sign_in_page(response, status: int, *words: str) -> str:
    """The response is the dashboard's HTML page with `status`, not cached, naming every one of `words`."""
    page = response.get_data(as_text=True)
    assert response.status_code == status, page[:500]
    assert response.mimetype == "text/html" and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'none'"  # no site may frame it
    for word in words:
        assert word in page, word
    return page
