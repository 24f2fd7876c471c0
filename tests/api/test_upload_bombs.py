"""A small file cannot cost a lot: what Facet decodes, stores and analyses is bounded by the file's weight and
by `MAX_STORED_SIDE`, while phone photos go through as before."""

from __future__ import annotations

import io
import struct
import uuid
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from plugin_api.errors import ApiError
from plugin_api.extensions import db
from plugin_api.models import Analysis
from plugin_api.services.uploads import clean_image
from tests.helpers import assert_error, upload
from tests.images import astronaut_jpeg

HEIC = Path(__file__).resolve().parents[1] / "assets" / "astronaut-256.heic"
MAX_PIXELS = 40_000_000


def flat_rgb_png(width: int, height: int) -> bytes:
    """An 8-bit RGB PNG of one colour, built row by row (never holding the pixels): the audit's 6324×6324
    weighs 129 KB."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    row = b"\x00" + bytes((200, 160, 140)) * width
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def photo_jpeg(width: int, height: int, *, exif_orientation: int | None = None) -> bytes:
    """A phone-like photo of a real face: weighs what a camera's JPEG does (about 1.3 bits a pixel)."""
    face = Image.open(io.BytesIO(astronaut_jpeg(512))).resize((width, height), Image.Resampling.BICUBIC)
    photo = Image.blend(face, Image.effect_noise((width, height), 60).convert("RGB"), 0.06)
    photo.paste((255, 0, 0), (0, 0, width // 4, height // 4))  # a marker, top-left, to check orientation
    kwargs = {}
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        kwargs["exif"] = exif.tobytes()
    out = io.BytesIO()
    photo.save(out, format="JPEG", quality=88, **kwargs)
    return out.getvalue()


def test_the_audits_bomb_png_is_refused_before_it_is_decoded(app, client, merchant_factory, widget_headers):
    bomb = flat_rgb_png(6324, 6324)
    assert len(bomb) < 200_000 and 6324 * 6324 <= MAX_PIXELS  # under the pixel cap: refused for its weight
    merchant = merchant_factory()
    error = assert_error(upload(client, widget_headers(merchant), bomb, "bomb.png"), 422, "image_too_large")
    assert "6324×6324" in error["message"]
    assert error["details"]["width"] == error["details"]["height"] == 6324
    assert error["details"]["min_bytes"] > len(bomb)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Analysis)) == 0
        assert app.extensions["facet.storage"].list() == []


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_flat_image_blown_up_past_4_mpx_is_refused_in_any_format(fmt):
    out = io.BytesIO()
    Image.new("RGB", (3000, 2000), (120, 90, 80)).save(out, format=fmt)
    with pytest.raises(ApiError) as refused:
        clean_image(out.getvalue(), max_pixels=MAX_PIXELS)
    assert (refused.value.status, refused.value.code) == (422, "image_too_large")


def test_a_flat_image_up_to_4_mpx_still_goes_through():
    out = io.BytesIO()
    Image.new("RGB", (2000, 2000), (120, 90, 80)).save(out, format="PNG")
    image = clean_image(out.getvalue(), max_pixels=MAX_PIXELS)
    assert (image.info["width"], image.info["height"]) == (2000, 2000)


def test_a_12_mpx_phone_photo_is_stored_at_2048_px_upright(app, client, merchant_factory, widget_headers):
    merchant = merchant_factory(settings={"keep_uploads_days": 7})  # the photo stays after its analysis
    data = photo_jpeg(4032, 3024, exif_orientation=6)  # as phones save a portrait photo
    response = upload(client, widget_headers(merchant), data)
    assert response.status_code in (200, 202), response.json
    with app.app_context():
        analysis = db.session.get(Analysis, uuid.UUID(response.json["id"]))
        info = analysis.upload_info
        assert info["original_size"] == [4032, 3024] and info["exif_orientation"] == 6
        assert (info["width"], info["height"]) == (1536, 2048)
        stored = Image.open(io.BytesIO(app.extensions["facet.storage"].get(analysis.upload_key)))
        assert stored.size == (1536, 2048) and stored.format == "JPEG"
        assert not stored.getexif()
        # Orientation 6 turns the top-left marker to the top-right.
        assert stored.getpixel((1536 - 40, 40))[0] > 200 and stored.getpixel((40, 40))[0] < 200


def test_a_big_camera_jpeg_is_decoded_reduced_and_stored_at_2048_px():
    data = photo_jpeg(6000, 4000)
    image = clean_image(data, max_pixels=MAX_PIXELS)
    assert image.info["original_size"] == [6000, 4000]
    assert (image.info["width"], image.info["height"]) == (2048, 1365)
    assert Image.open(io.BytesIO(image.data)).size == (2048, 1365)


def test_the_widgets_own_photos_and_heic_are_stored_as_sent():
    widget_photo = clean_image(photo_jpeg(1024, 768), max_pixels=MAX_PIXELS)
    assert (widget_photo.info["width"], widget_photo.info["height"]) == (1024, 768)
    heic = clean_image(HEIC.read_bytes(), max_pixels=MAX_PIXELS)
    assert heic.content_type == "image/jpeg" and (heic.info["width"], heic.info["height"]) == (256, 256)
