"""Serve Swagger UI's files from the `swagger-ui-bundle` package so `/api/v1/docs` works with no network.

flask-smorest renders the docs page with `<script src="{OPENAPI_SWAGGER_UI_URL}swagger-ui-bundle.js">` etc.;
`OPENAPI_SWAGGER_UI_URL` points here (see `plugin_api.config`) instead of a CDN, which a self-hosted install
behind a firewall (or a laptop on a train) cannot reach.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_from_directory
from swagger_ui_bundle import swagger_ui_path

DOCS_STATIC_PREFIX = "/api/v1/docs/static"
# The files the docs page loads (plus the source maps the browser's devtools ask for); nothing else.
_SERVED = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "favicon-16x16.png",
        "favicon-32x32.png",
        "swagger-ui.css.map",
        "swagger-ui-bundle.js.map",
        "swagger-ui-standalone-preset.js.map",
    }
)
MAX_AGE = 24 * 3600

bp = Blueprint("docs_assets", __name__, url_prefix=DOCS_STATIC_PREFIX)


@bp.get("/<filename>")
def swagger_ui_file(filename: str) -> Response:
    """One of Swagger UI's static files."""
    if filename not in _SERVED:
        abort(404)
    return send_from_directory(swagger_ui_path, filename, max_age=MAX_AGE)
