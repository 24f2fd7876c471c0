"""Serve the built shopper widget at `/widget/v1/<file>` to any storefront.

The loader (`facet.js`) is cached briefly so a new release reaches every store within minutes; the app
bundle is requested as `facet-app.js?v=<content hash>` by that loader, so a matching `v` is cached for a year
as immutable. Files are gzipped in memory when the client accepts it (storefronts may call Facet without a CDN
in front), and served with permissive CORS: they are public, and `Cross-Origin-Resource-Policy` lets any
store embed them.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request

WIDGET_DIST = Path(__file__).resolve().parents[2] / "widgets" / "widget" / "dist"
LOADER_MAX_AGE = 300
IMMUTABLE_MAX_AGE = 365 * 24 * 3600
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*\.(js|css|map)$")
_TYPES = {
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json; charset=utf-8",
}

bp = Blueprint("widget_files", __name__)


@dataclass(frozen=True)
class _Built:
    mtime_ns: int
    data: bytes
    gzipped: bytes
    etag: str
    version: str


_cache: dict[Path, _Built] = {}


def _load(path: Path) -> _Built:
    """Read and pre-compress a dist file once per modification."""
    mtime = path.stat().st_mtime_ns
    hit = _cache.get(path)
    if hit and hit.mtime_ns == mtime:
        return hit
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    built = _Built(mtime, data, gzip.compress(data, compresslevel=9, mtime=0), digest[:16], digest[:10])
    _cache[path] = built
    return built


def app_bundle_version() -> str | None:
    """The content version the loader asks for (`?v=`), from the loader's own header line."""
    loader = _dist_dir() / "facet.js"
    if not loader.exists():
        return None
    match = re.search(r"loader ([0-9a-f]{10})", _load(loader).data[:200].decode("utf-8", "replace"))
    return match.group(1) if match else None


def _dist_dir() -> Path:
    return Path(current_app.config.get("FACET_WIDGET_DIST") or WIDGET_DIST)


@bp.route("/widget/v1/<filename>")
def widget_file(filename: str) -> Response:
    """Serve one built widget file."""
    if not _NAME.match(filename):
        abort(404)
    path = _dist_dir() / filename
    if not path.is_file():
        abort(404)
    built = _load(path)
    wants_gzip = "gzip" in (request.headers.get("Accept-Encoding") or "").lower()
    body = built.gzipped if wants_gzip else built.data
    etag = built.etag + ("-gz" if wants_gzip else "")
    if filename == "facet.js":
        max_age = LOADER_MAX_AGE
    elif request.args.get("v") and request.args.get("v") == app_bundle_version():
        max_age = IMMUTABLE_MAX_AGE
    else:
        max_age = LOADER_MAX_AGE
    response = Response(status=200)
    response.set_etag(etag)
    response.headers["Content-Type"] = _TYPES[path.suffix]
    response.headers["Cache-Control"] = f"public, max-age={max_age}" + (
        ", immutable" if max_age == IMMUTABLE_MAX_AGE else ""
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.vary.add("Accept-Encoding")
    if wants_gzip:
        response.headers["Content-Encoding"] = "gzip"
    if request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    response.set_data(body)
    return response
