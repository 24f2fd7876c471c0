"""Fetch product images from a store's CDN: timeout, size limit, and a per-merchant cache keyed by URL + ETag.

Product photos rarely change while a catalog syncs many times a day, so each fetched image is cached in the
merchant's storage with its ETag; the next fetch asks the CDN `If-None-Match` and a `304` costs no download.
Images Facet itself serves (the demo store's generated photos) are read straight from storage, not over HTTP.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import json
import logging
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse

import numpy as np
import requests
from PIL import Image, ImageOps

from plugin_api.numbers import whole_number
from plugin_api.storage import ObjectNotFound, Storage, merchant_key

log = logging.getLogger(__name__)

MEDIA_PREFIX = "/api/v1/widget/media/"
DEFAULT_TIMEOUT = (3.05, 10.0)  # connect, read (seconds)
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
# A slow CDN may trickle bytes within each read timeout forever: the whole download has this long.
DEFAULT_TOTAL_SECONDS = 30.0
MAX_REDIRECTS = 3
MAX_SIDE = 1000  # features and try-on assets do not need more; big CDN originals are downscaled once


class ImageFetchError(Exception):
    """A product image could not be fetched or decoded; `reason` is stored on the product."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FetchOptions:
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pixels: int = 40_000_000
    total_seconds: float = DEFAULT_TOTAL_SECONDS
    # Image URLs come from the store's catalog, which its owner writes: fetched from Facet's servers, a URL
    # naming an internal address would read Facet's own network. Only tests and a local setup allow it.
    allow_private: bool = False


def check_public(url: str) -> None:
    """Refuse a URL whose host resolves to a loopback, private, link-local or otherwise non-public address.

    (The address is checked when each hop is requested; a DNS answer that changes in between is not caught.)
    """
    host = urlparse(url).hostname
    if not host:
        raise ImageFetchError("unsupported image URL: no host")
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise ImageFetchError("image download failed: the image's host name does not resolve") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global:
            raise ImageFetchError("image URL refused: it points at a private network address, not a CDN")


def media_key(url: str) -> str | None:
    """The storage key behind one of Facet's own media URLs (`/api/v1/widget/media/<merchant>/<file>`)."""
    path = urlparse(url).path
    if not path.startswith(MEDIA_PREFIX):
        return None
    parts = path[len(MEDIA_PREFIX) :].split("/")
    if len(parts) != 2:
        return None
    return merchant_key(parts[0], "catalog", parts[1])


def _cache_keys(public_id: str, url: str) -> tuple[str, str]:
    digest = hashlib.sha256(url.encode()).hexdigest()[:32]
    return (
        merchant_key(public_id, "image-cache", f"{digest}.bin"),
        merchant_key(public_id, "image-cache", f"{digest}.json"),
    )


def _read_limited(response: requests.Response, max_bytes: int, deadline: float) -> bytes:
    declared = whole_number(response.headers.get("Content-Length"))
    if declared is not None and declared > max_bytes:
        raise ImageFetchError(f"image too large: {declared} bytes (limit {max_bytes})")
    chunks, size = [], 0
    for chunk in response.iter_content(8 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise ImageFetchError(f"image too large: over {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise ImageFetchError("image download timed out")
        chunks.append(chunk)
    return b"".join(chunks)


def _get(http, url: str, headers: dict, options: FetchOptions) -> requests.Response:
    """GET following at most MAX_REDIRECTS redirects, each hop checked like the first (a public CDN URL that
    redirects inwards is refused too)."""
    for _ in range(MAX_REDIRECTS + 1):
        if not options.allow_private:
            check_public(url)
        response = http.get(url, headers=headers, timeout=options.timeout, stream=True, allow_redirects=False)
        if response.status_code not in (301, 302, 303, 307, 308) or not response.headers.get("Location"):
            return response
        response.close()
        url = urljoin(url, response.headers["Location"])
        if urlparse(url).scheme not in ("http", "https"):
            raise ImageFetchError("image download failed: redirected to a non-web address")
    raise ImageFetchError(f"image download failed: more than {MAX_REDIRECTS} redirects")


def fetch_image_bytes(
    url: str,
    *,
    storage: Storage,
    public_id: str,
    session: requests.Session | None = None,
    options: FetchOptions = FetchOptions(),
) -> bytes:
    """The image at `url`, from the merchant's cache when the CDN says it has not changed."""
    own = media_key(url)
    if own is not None:
        try:
            return storage.get(own)
        except ObjectNotFound as exc:
            raise ImageFetchError(f"image not found in storage: {own}") from exc
    if urlparse(url).scheme not in ("http", "https"):
        raise ImageFetchError(f"unsupported image URL: {url[:120]}")

    data_key, meta_key = _cache_keys(public_id, url)
    meta: dict = {}
    try:
        meta = json.loads(storage.get(meta_key))
    except (ObjectNotFound, ValueError):
        meta = {}
    headers = {"Accept": "image/*"}
    if meta.get("etag"):
        headers["If-None-Match"] = meta["etag"]
    http = session or requests
    deadline = time.monotonic() + options.total_seconds
    try:
        with _get(http, url, headers, options) as response:
            if response.status_code == 304 and meta:
                try:
                    return storage.get(data_key)
                except ObjectNotFound:
                    pass  # cache entry lost: fall through to a plain refetch below
            elif response.status_code == 200:
                data = _read_limited(response, options.max_bytes, deadline)
                etag = response.headers.get("ETag")
                if etag:
                    storage.put(data_key, data, response.headers.get("Content-Type") or "image/*")
                    storage.put(meta_key, json.dumps({"url": url, "etag": etag}).encode(), "application/json")
                return data
            else:
                raise ImageFetchError(f"image download failed: HTTP {response.status_code}")
        with _get(http, url, {"Accept": "image/*"}, options) as response:
            if response.status_code != 200:
                raise ImageFetchError(f"image download failed: HTTP {response.status_code}")
            return _read_limited(response, options.max_bytes, deadline)
    except requests.Timeout as exc:
        raise ImageFetchError("image download timed out") from exc
    except requests.RequestException as exc:
        raise ImageFetchError(f"image download failed: {_why(exc, url)}") from exc


def _why(exc: requests.RequestException, url: str) -> str:
    """What a merchant can act on: which host, and what went wrong there ("ConnectionError" was all the
    catalog status used to say)."""
    host = urlparse(url).hostname or url
    if isinstance(exc, requests.exceptions.SSLError):
        return f"{host} refused a secure (HTTPS) connection"
    if isinstance(exc, requests.ConnectionError):
        return f"could not connect to {host}"
    if isinstance(exc, requests.TooManyRedirects):
        return f"{host} redirects too many times"
    return f"{type(exc).__name__} from {host}"


def decode_image(data: bytes, *, max_pixels: int = 40_000_000) -> np.ndarray:
    """Decode to RGB, or RGBA when the photo has transparency; EXIF-upright; at most MAX_SIDE px."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > max_pixels:
                raise ImageFetchError(f"image too large: {image.width}x{image.height} pixels")
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            return np.asarray(image).copy()
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageFetchError(f"image unreadable: {type(exc).__name__}") from exc
