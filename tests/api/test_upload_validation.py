"""Bad uploads get their specific error code and leave no rows or files behind."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from plugin_api.extensions import db
from plugin_api.models import Analysis
from plugin_api.services.localisation import ERRORS, error_message
from tests import images
from tests.helpers import ANALYSES_URL, assert_error, upload

MAX_BYTES = 200_000


@pytest.fixture
def app(app_factory):
    return app_factory(FACET_MAX_UPLOAD_BYTES=MAX_BYTES)


def _noise_jpeg(min_bytes: int) -> bytes:
    """A real JPEG just above `min_bytes` (random pixels do not compress)."""
    import io

    import numpy as np
    from PIL import Image

    side = 256
    while True:
        pixels = np.random.default_rng(0).integers(0, 256, (side, side, 3), dtype=np.uint8)
        out = io.BytesIO()
        Image.fromarray(pixels).save(out, format="JPEG", quality=95)
        if out.tell() > min_bytes:
            return out.getvalue()
        side *= 2


BAD_UPLOADS = {
    "empty": (lambda: b"", "selfie.jpg", 400, "empty_file"),
    "truncated_jpeg": (lambda: images.make_jpeg(640, 480)[:1500], "selfie.jpg", 422, "image_unreadable"),
    "text_named_jpg": (
        lambda: b"hello, I am not a photo\n" * 20,
        "selfie.jpg",
        415,
        "unsupported_media_type",
    ),
    "giant_png": (lambda: images.giant_png(20_000, 20_000), "huge.png", 422, "image_too_large"),
    "one_pixel": (lambda: images.make_jpeg(1, 1), "dot.jpg", 422, "image_too_small"),
    "oversize": (lambda: _noise_jpeg(MAX_BYTES + 1), "big.jpg", 413, "file_too_large"),
    "far_oversize": (
        lambda: b"\xff\xd8\xff" + b"0" * (MAX_BYTES + 512 * 1024),
        "big.jpg",
        413,
        "file_too_large",
    ),
    "gif": (lambda: b"GIF89a" + b"\x00" * 100, "a.gif", 415, "unsupported_media_type"),
}


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_upload_gets_its_code_and_leaves_nothing(app, client, merchant_factory, widget_headers, case):
    make, name, status, code = BAD_UPLOADS[case]
    merchant = merchant_factory()
    response = upload(client, widget_headers(merchant), make(), name)
    assert_error(response, status, code)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Analysis)) == 0
        assert app.extensions["facet.storage"].list() == []
        assert app.extensions["facet.jobs"].in_flight(merchant.id) == 0


def test_missing_image_field(app, client, merchant_factory, widget_headers):
    merchant = merchant_factory()
    response = client.post(
        ANALYSES_URL,
        data={"product_id": "x"},
        headers=widget_headers(merchant),
        content_type="multipart/form-data",
    )
    assert_error(response, 400, "missing_image")


@pytest.mark.parametrize(
    "data,name", [(images.make_png(), "a.png"), (images.make_webp(), "a.webp")], ids=["png", "webp"]
)
def test_png_and_webp_are_accepted(app, client, merchant_factory, widget_headers, data, name):
    merchant = merchant_factory()
    response = upload(client, widget_headers(merchant), data, name)
    assert response.status_code == 200, response.json
    # A flat colour has no face: the engine's verdict, recorded as a failed analysis (not an upload error).
    assert response.json["status"] in ("done", "failed")


def test_over_the_in_flight_cap_is_429_with_retry_after(app_factory, merchant_factory, widget_headers):
    app = app_factory(FACET_MAX_INFLIGHT_PER_MERCHANT=0, FACET_RETRY_AFTER_SECONDS=7)
    merchant = merchant_factory(app)
    response = upload(app.test_client(), widget_headers(merchant), images.make_jpeg())
    error = assert_error(response, 429, "too_many_analyses")
    assert response.headers["Retry-After"] == "7"
    assert error["details"] == {"retry_after": 7}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Analysis)) == 0
        assert app.extensions["facet.storage"].list() == []


def test_a_body_far_over_the_limit_says_what_the_limit_is(app, client, merchant_factory, widget_headers):
    make, name, status, code = BAD_UPLOADS["far_oversize"]
    error = assert_error(upload(client, widget_headers(merchant_factory()), make(), name), status, code)
    assert (
        error["message"] == "The photo is larger than 0.2 MB." and error["details"]["max_bytes"] == MAX_BYTES
    )


def test_a_body_far_over_the_limit_follows_the_querys_language(app, client, merchant_factory, widget_headers):
    """Refused while the form is read, so the form's `lang` is unknown; the query's is followed."""
    make, name, status, code = BAD_UPLOADS["far_oversize"]
    headers = widget_headers(merchant_factory())
    response = client.post(
        ANALYSES_URL + "?lang=fr",
        data={"image": (io.BytesIO(make()), name), "lang": "fr"},
        headers=headers,
        content_type="multipart/form-data",
    )
    error = assert_error(response, status, code)
    assert error["message"] == "La photo dépasse 0,2 Mo." and error["details"]["max_bytes"] == MAX_BYTES
    # Without a language named anywhere, the store's widget language applies.
    french_store = merchant_factory(settings={"widget": {"language": "fr"}})
    error = assert_error(upload(client, widget_headers(french_store), make(), name), status, code)
    assert error["message"] == "La photo dépasse 0,2 Mo."


# A body far over the limit is refused before the form (and its `lang`) is read: see the test above.
@pytest.mark.parametrize("case", sorted(set(BAD_UPLOADS) - {"far_oversize"}))
def test_a_french_shopper_reads_why_in_french(app, client, merchant_factory, widget_headers, case):
    make, name, status, code = BAD_UPLOADS[case]
    response = upload(client, widget_headers(merchant_factory()), make(), name, lang="fr")
    error = assert_error(response, status, code)  # the code and status never change with the language
    assert error["message"] == error_message(code, "", "fr", error["details"]) != ""
    if code == "image_too_small":
        assert error["message"].startswith("La photo ne fait que 1×1 pixels")
    if code == "file_too_large":
        assert error["message"] == "La photo dépasse 0,2 Mo."


def test_every_shopper_facing_error_has_french_words() -> None:
    upload_codes = {code for _, _, _, code in BAD_UPLOADS.values()}
    failure_codes = {"no_face", "analysis_error", "timed_out", "upload_missing", "image_unreadable"}
    assert upload_codes | failure_codes | {"missing_image", "too_many_analyses", "unavailable"} <= set(
        ERRORS["fr"]
    )


def test_a_failed_analysis_says_why_in_the_shoppers_language(app, client, merchant_factory, widget_headers):
    merchant = merchant_factory()
    flat = images.make_jpeg(640, 480)  # a flat colour: no face
    english = upload(client, widget_headers(merchant), flat)
    french = upload(client, widget_headers(merchant), flat, lang="fr")
    assert english.json["error_code"] == french.json["error_code"] == "no_face"
    assert english.json["error_message"].startswith("We couldn't find a face")
    assert french.json["error_message"].startswith("Nous n’avons pas trouvé de visage")
    poll = client.get(french.json["poll_url"], headers=widget_headers(merchant))
    assert poll.json["error_message"] == french.json["error_message"]


HEIC = Path(__file__).resolve().parents[1] / "assets" / "astronaut-256.heic"  # generated from the astronaut


def test_an_iphone_heic_photo_is_analysed_and_stored_as_jpeg(app, client, merchant_factory, widget_headers):

    merchant = merchant_factory()
    response = upload(client, widget_headers(merchant), HEIC.read_bytes(), "IMG_0001.HEIC")
    assert response.status_code == 200, response.json
    # Read and analysed (a 256 px astronaut's face is small, which the analysis says), not refused.
    assert response.json["status"] == "done"
    assert response.json["result"]["image"] == {"width": 256, "height": 256}
    assert {i["code"] for i in response.json["result"]["quality"]["issues"]} == {"face_too_small"}


def test_a_photo_the_browser_cannot_decode_comes_back_as_jpeg_and_nothing_is_kept(
    app, client, merchant_factory, widget_headers
):
    from PIL import Image

    from plugin_api.storage import current_storage

    merchant = merchant_factory()
    response = client.post(
        "/api/v1/widget/photo-conversions",
        data={"image": (io.BytesIO(HEIC.read_bytes()), "IMG_0001.HEIC")},
        headers=widget_headers(merchant),
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "no-store"
    picture = Image.open(io.BytesIO(response.data))
    assert picture.format == "JPEG" and picture.size == (256, 256) and not picture.getexif()
    with app.app_context():
        assert current_storage().list(f"merchants/{merchant.public_id}/") == []
    # The same checks as an upload: a text file is refused with the upload's code and message.
    refused = client.post(
        "/api/v1/widget/photo-conversions",
        data={"image": (io.BytesIO(b"not a photo at all"), "notes.heic")},
        headers=widget_headers(merchant),
        content_type="multipart/form-data",
    )
    assert_error(refused, 415, "unsupported_media_type")
    assert "HEIC" in refused.json["error"]["message"]


def _convert(client, headers, data: bytes, name: str, query: str = "", **form):
    return client.post(
        "/api/v1/widget/photo-conversions" + query,
        data={"image": (io.BytesIO(data), name), **form},
        headers=headers,
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_a_refused_conversion_says_why_in_the_shoppers_language(
    app, client, merchant_factory, widget_headers, case
):
    make, name, status, code = BAD_UPLOADS[case]
    headers = widget_headers(merchant_factory())
    error = assert_error(_convert(client, headers, make(), name, "?lang=fr"), status, code)
    assert error["message"] == error_message(code, "", "fr", error["details"]) != ""
    english = assert_error(_convert(client, headers, make(), name), status, code)
    assert english["message"] != error["message"]
    if code != "file_too_large" or case != "far_oversize":  # that one is refused before the form is read
        by_form = assert_error(_convert(client, headers, make(), name, lang="fr"), status, code)
        assert by_form["message"] == error["message"]


def test_a_tiny_png_conversion_is_refused_in_french(app, client, merchant_factory, widget_headers):
    headers = widget_headers(merchant_factory())
    error = assert_error(
        _convert(client, headers, images.make_png(8, 8), "tiny.png", "?lang=fr"), 422, "image_too_small"
    )
    assert error["message"].startswith("La photo ne fait que 8×8 pixels")
