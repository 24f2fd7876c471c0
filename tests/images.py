"""Generated test images (never real people's photos, except scikit-image's public-domain astronaut)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def make_jpeg(
    width: int = 320,
    height: int = 240,
    color: tuple[int, int, int] = (200, 150, 120),
    *,
    exif_orientation: int | None = None,
    quality: int = 90,
) -> bytes:
    """A solid-colour JPEG with a small marker block (top-left, red) to check orientation handling."""
    image = Image.new("RGB", (width, height), color)
    image.paste((255, 0, 0), (0, 0, max(1, width // 4), max(1, height // 4)))
    out = io.BytesIO()
    kwargs = {}
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        exif[0x010F] = "FacetTestCam"  # Make: must not survive re-encoding
        kwargs["exif"] = exif.tobytes()
    image.save(out, format="JPEG", quality=quality, **kwargs)
    return out.getvalue()


def make_png(width: int = 64, height: int = 64, mode: str = "RGB") -> bytes:
    """A small PNG."""
    out = io.BytesIO()
    Image.new(mode, (width, height), (10, 200, 30) if mode == "RGB" else 128).save(out, format="PNG")
    return out.getvalue()


def make_webp(width: int = 64, height: int = 64) -> bytes:
    """A small WebP."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 90, 200)).save(out, format="WEBP")
    return out.getvalue()


def giant_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid, highly compressed 1-bit PNG with a huge pixel count (a decompression bomb), built without
    ever holding the pixels in memory."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def astronaut_jpeg(max_side: int = 512) -> bytes:
    """scikit-image's public-domain astronaut portrait (a real face) as a JPEG."""
    from skimage import data

    image = Image.fromarray(data.astronaut())
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


def astronaut_close_jpeg() -> bytes:
    """The astronaut enlarged ×2 (nearest neighbour, so it stays sharp): a 1024 px photo whose face is big
    enough (192 px) for every quality check to pass and the skin shade to be trusted."""
    from skimage import data

    image = Image.fromarray(data.astronaut())
    image = image.resize((image.width * 2, image.height * 2), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()
