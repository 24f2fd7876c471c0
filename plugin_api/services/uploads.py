"""Selfie upload validation: size, type, decodability and pixel count, then a clean re-encode.

What gets stored is never the shopper's original file: it is decoded under Pillow's decompression-bomb guard
and our own pixel cap, rotated upright from its EXIF orientation, and re-encoded without any metadata (no GPS,
no camera serial, no ICC-embedded fingerprints).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import IO, Any

import pi_heif
from PIL import Image, ImageOps

from plugin_api.errors import ApiError, megabytes

# iPhones save HEIC; moved to a computer or an Android phone, where browsers cannot decode it, it reaches
# Facet as it is (a walkthrough's was refused as "not a supported type"). Decoded here only, with the
# decode-only libheif build (`pi-heif`: no HEVC encoder), and stored re-encoded as JPEG like every upload.
pi_heif.register_heif_opener()

JPEG, PNG, WEBP, HEIC = "jpeg", "png", "webp", "heic"
# ISO-BMFF brands of HEIF still images (`ftyp` box), as phones write them.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
SUPPORTED_TYPES = "JPEG, PNG, WebP or HEIC"
# Smaller than this on either side, no face in it can be analysed (the analysis wants faces over ~100 px).
MIN_IMAGE_SIDE = 64


@dataclass(frozen=True)
class CleanImage:
    """A validated, re-encoded upload."""

    data: bytes
    content_type: str
    extension: str
    info: dict[str, Any] = field(default_factory=dict)


def sniff_format(head: bytes) -> str | None:
    """Identify JPEG/PNG/WebP/HEIC by magic bytes (file names and client content types are not trusted)."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    return None


def read_limited(stream: IO[bytes], max_bytes: int) -> bytes:
    """Read at most `max_bytes`; raise 413 `file_too_large` beyond that, 400 `empty_file` for nothing."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ApiError(
            413,
            "file_too_large",
            f"The photo is larger than {megabytes(max_bytes)} MB.",
            details={"max_bytes": max_bytes},
        )
    if not data:
        raise ApiError(400, "empty_file", "The uploaded file is empty.")
    return data


def clean_image(data: bytes, *, max_pixels: int) -> CleanImage:
    """Validate an upload and return it re-encoded; raises `ApiError` 415/422 with a specific code."""
    fmt = sniff_format(data[:16])
    if fmt is None:
        raise ApiError(415, "unsupported_media_type", f"Please upload a {SUPPORTED_TYPES} photo.")
    unreadable = ApiError(422, "image_unreadable", "The photo could not be read; it may be damaged.")
    too_large = ApiError(
        422,
        "image_too_large",
        "The photo has too many pixels.",
        details={"max_pixels": max_pixels},
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns (instead of raising) between 1x and 2x its bomb limit; treat that as an error too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels:
                raise too_large
            image.load()
    except ApiError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_large from exc
    except (OSError, ValueError, SyntaxError, Image.UnidentifiedImageError) as exc:
        raise unreadable from exc
    if width == 0 or height == 0:
        raise unreadable
    if min(width, height) < MIN_IMAGE_SIDE:
        raise ApiError(
            422,
            "image_too_small",
            f"The photo is only {width}×{height} pixels; choose one at least {MIN_IMAGE_SIDE} pixels on each "
            "side (a face needs more than that to be analysed).",
            details={"width": width, "height": height, "min_side": MIN_IMAGE_SIDE},
        )

    orientation = int(image.getexif().get(0x0112, 1) or 1)
    upright = ImageOps.exif_transpose(image) or image
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    out = io.BytesIO()
    if fmt == PNG and has_alpha:
        upright.convert("RGBA").save(out, format="PNG", optimize=False)
        content_type, extension = "image/png", "png"
    elif fmt == PNG:
        upright.convert("RGB").save(out, format="PNG", optimize=False)
        content_type, extension = "image/png", "png"
    else:
        upright.convert("RGB").save(out, format="JPEG", quality=92)
        content_type, extension = "image/jpeg", "jpg"
    info = {
        "format": fmt,
        "bytes": len(data),
        "original_size": [width, height],
        "exif_orientation": orientation,
        "width": upright.width,
        "height": upright.height,
    }
    return CleanImage(out.getvalue(), content_type, extension, info)


def read_upload(stream: IO[bytes] | None, *, max_bytes: int, max_pixels: int) -> CleanImage:
    """A shopper's photo from the multipart field `image`, read and checked: what the analysis upload and the
    photo conversion both take."""
    if stream is None:
        raise ApiError(400, "missing_image", "Send the photo as the multipart field `image`.")
    return clean_image(read_limited(stream, max_bytes), max_pixels=max_pixels)
