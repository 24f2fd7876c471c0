"""The shopper flow: upload a selfie, poll the analysis (jobs in-process here)."""

from __future__ import annotations

import io

from PIL import Image

from plugin_api.extensions import db
from plugin_api.models import Analysis


def _upload(client, headers, data: bytes, name: str = "selfie.jpg", **form):
    return client.post(
        "/api/v1/widget/analyses",
        data={"image": (io.BytesIO(data), name), **form},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_upload_runs_in_process_and_returns_the_result(
    app, client, merchant_factory, widget_headers, make_jpeg
):
    merchant = merchant_factory()
    response = _upload(client, widget_headers(merchant), make_jpeg(320, 240), product_id="sku-1")

    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] in ("done", "failed")
    # Absolute: the widget runs on the store's origin. Without FACET_PUBLIC_URL, the request's host.
    assert body["poll_url"] == f"http://localhost/api/v1/widget/analyses/{body['id']}"
    assert body["product_id"] == "sku-1"
    assert response.headers["Access-Control-Allow-Origin"] == merchant.allowed_origins[0]

    polled = client.get(body["poll_url"], headers=widget_headers(merchant))
    assert polled.status_code == 200
    assert polled.json["id"] == body["id"]
    assert polled.json["status"] == body["status"]


def test_exif_orientation_is_applied_and_metadata_dropped(
    app, client, merchant_factory, widget_headers, make_jpeg
):
    merchant = merchant_factory(settings={"keep_uploads_days": 3})
    # Orientation 6 = rotate 90° clockwise to display: a 320x240 sensor image is a 240x320 portrait.
    response = _upload(client, widget_headers(merchant), make_jpeg(320, 240, exif_orientation=6))
    assert response.status_code == 200, response.json
    with app.app_context():
        analysis = db.session.get(Analysis, __import__("uuid").UUID(response.json["id"]))
        assert analysis.upload_info["exif_orientation"] == 6
        assert (analysis.upload_info["width"], analysis.upload_info["height"]) == (240, 320)
        stored = app.extensions["facet.storage"].get(analysis.upload_key)
    image = Image.open(io.BytesIO(stored))
    assert image.size == (240, 320)
    assert not image.getexif(), "EXIF must not survive re-encoding"
    assert analysis.upload_key.startswith(f"merchants/{merchant.public_id}/uploads/")


def test_poll_url_uses_facet_public_url_when_set(app_factory, merchant_factory, widget_headers, make_jpeg):
    app = app_factory(FACET_PUBLIC_URL="https://facet.example.com/")
    client = app.test_client()
    merchant = merchant_factory(app_=app)
    response = _upload(client, widget_headers(merchant), make_jpeg(320, 240))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["poll_url"] == f"https://facet.example.com/api/v1/widget/analyses/{body['id']}"
    polled = client.get(body["poll_url"], headers=widget_headers(merchant))
    assert polled.json["poll_url"] == body["poll_url"]


def test_poll_url_follows_the_request_host_when_public_url_is_unset(
    client, merchant_factory, widget_headers, make_jpeg
):
    merchant = merchant_factory()
    response = client.post(
        "/api/v1/widget/analyses",
        data={"image": (io.BytesIO(make_jpeg(320, 240)), "s.jpg")},
        headers=widget_headers(merchant),
        content_type="multipart/form-data",
        base_url="https://api.shop-tools.test:8443",
    )
    assert response.json["poll_url"].startswith("https://api.shop-tools.test:8443/api/v1/widget/analyses/")
