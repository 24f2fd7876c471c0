"""Selfie upload validation: size, type, decodability and pixel count, then a clean re-encode.

What gets stored is never the shopper's original file: it is decoded under Pillow's decompression-bomb guard
and our own pixel cap, rotated upright from its EXIF orientation, scaled down to at most `MAX_STORED_SIDE` and
re-encoded without any metadata (no GPS, no camera serial, no ICC-embedded fingerprints).

A small file must not cost a lot: decoding costs memory by pixels, not bytes (a 129 KB PNG of 6324×6324
once took 460 MB to check and 350 MB more to analyse). So past `SMALL_IMAGE_PIXELS` a file needs at least a
byte per `MAX_PIXELS_PER_BYTE` pixels (phone photos weigh 3 to 16 times that), a JPEG is decoded straight at
the reduced size (DCT scaling), and only the reduced photo is stored and analysed.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import IO, Any

import pi_heif
from PIL import Image

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
# The long side of what is stored and analysed. The analysis measures a face at 256 px across (its detector
# reads 128 px, its mesh 256 px, the concerns and sharpness a 256 px face width) and the widget sends 1,024 px
# photos: 2,048 px leaves a face filling an eighth of a phone photo's width at 256 px.
MAX_STORED_SIDE = 2048
# Up to this many pixels any file may be decoded (12 MB of RGB); past it, the file must weigh at least a byte
# per MAX_PIXELS_PER_BYTE pixels (0.25 bit a pixel). Phone photos carry 0.7-4 bits a pixel (a 12 Mpx JPEG
# weighs 2-6 MB, a HEIC 1-3 MB); a flat image blown up to millions of pixels carries a hundredth of that.
SMALL_IMAGE_PIXELS = 4_000_000
MAX_PIXELS_PER_BYTE = 32
_ORIENTATION = 0x0112
# EXIF orientation → the transpose that makes the photo upright (as `ImageOps.exif_transpose`).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


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


def stored_size(width: int, height: int) -> tuple[int, int]:
    """The size a `width`×`height` photo is stored at: at most `MAX_STORED_SIDE` on its long side."""
    scale = min(1.0, MAX_STORED_SIDE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _check_size(width: int, height: int, n_bytes: int, max_pixels: int) -> None:
    """Refuse (422 `image_too_large`) more pixels than `max_pixels`, or than a file of `n_bytes` can hold."""
    pixels = width * height
    details = {"max_pixels": max_pixels, "width": width, "height": height}
    if pixels > max_pixels:
        raise ApiError(
            422,
            "image_too_large",
            f"The photo has too many pixels ({width}×{height}); the limit is {max_pixels / 1e6:g} million.",
            details=details,
        )
    if pixels > SMALL_IMAGE_PIXELS and pixels > n_bytes * MAX_PIXELS_PER_BYTE:
        raise ApiError(
            422,
            "image_too_large",
            f"The photo has too many pixels ({width}×{height}) for a file of {n_bytes // 1024} KB: a photo "
            "that size weighs far more. Send the photo as the camera saved it.",
            details={**details, "min_bytes": -(-pixels // MAX_PIXELS_PER_BYTE)},
        )


def clean_image(data: bytes, *, max_pixels: int) -> CleanImage:
    """Validate an upload and return it re-encoded, at most `MAX_STORED_SIDE` px on its long side; raises
    `ApiError` 415/422 with a specific code."""
    fmt = sniff_format(data[:16])
    if fmt is None:
        raise ApiError(415, "unsupported_media_type", f"Please upload a {SUPPORTED_TYPES} photo.")
    unreadable = ApiError(422, "image_unreadable", "The photo could not be read; it may be damaged.")
    try:
        with warnings.catch_warnings():
            # Pillow warns (instead of raising) between 1x and 2x its bomb limit; treat that as an error too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            _check_size(width, height, len(data), max_pixels)
            target = stored_size(width, height)
            # JPEG only (a no-op elsewhere): decode at 1/2, 1/4 or 1/8 scale where that still covers `target`.
            image.draft(None, target)
            image.load()
    except ApiError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ApiError(
            422, "image_too_large", "The photo has too many pixels.", details={"max_pixels": max_pixels}
        ) from exc
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

    orientation = int(image.getexif().get(_ORIENTATION, 1) or 1)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    keep_alpha = fmt == PNG and has_alpha
    # Each step copies the photo, so the big ones run on the reduced photo (converting an RGB photo is a copy
    # too: skipped). Scaled down before it is turned upright: the same pixels, a smaller copy.
    mode = "RGBA" if keep_alpha else "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    if image.size != target:
        image = image.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)
    if orientation in _UPRIGHT:
        image = image.transpose(_UPRIGHT[orientation])
    out = io.BytesIO()
    if fmt == PNG:
        image.save(out, format="PNG", optimize=False)
        content_type, extension = "image/png", "png"
    else:
        image.save(out, format="JPEG", quality=92)
        content_type, extension = "image/jpeg", "jpg"
    info = {
        "format": fmt,
        "bytes": len(data),
        "original_size": [width, height],
        "exif_orientation": orientation,
        "width": image.width,
        "height": image.height,
    }
    return CleanImage(out.getvalue(), content_type, extension, info)


def read_upload(stream: IO[bytes] | None, *, max_bytes: int, max_pixels: int) -> CleanImage:
    """A shopper's photo from the multipart field `image`, read and checked: what the analysis upload and the
    photo conversion both take."""
    if stream is None:
        raise ApiError(400, "missing_image", "Send the photo as the multipart field `image`.")
    return clean_image(read_limited(stream, max_bytes), max_pixels=max_pixels)
