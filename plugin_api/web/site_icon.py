"""`/favicon.ico`: browsers ask for it on every Facet page (dashboard, install pages, API docs); without it
each page load logged a 404 in the browser's console."""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("site_icon", __name__)

# Facet's mark as SVG (browsers read the type from Content-Type, not from the path's extension).
ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<circle cx="16" cy="16" r="15" fill="#1f4e79"/>'
    '<circle cx="11" cy="15" r="4.5" fill="none" stroke="#fff" stroke-width="2.2"/>'
    '<circle cx="21" cy="15" r="4.5" fill="none" stroke="#fff" stroke-width="2.2"/>'
    '<path d="M15.5 15h1" stroke="#fff" stroke-width="2.2"/></svg>'
)


@bp.route("/favicon.ico")
def favicon() -> Response:
    """The icon, cacheable for a day (it changes only with a release)."""
    response = Response(ICON, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
