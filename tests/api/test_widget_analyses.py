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
    assert body["poll_url"] == f"/api/v1/widget/analyses/{body['id']}"
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
