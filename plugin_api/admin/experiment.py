"""The dashboard's holdout form: `POST /admin/experiment` sets the share of sessions held out from Facet.

The page's Conversion lift section posts `holdout_percent` here; the JSON twin is
`PUT /api/v1/admin/experiment` (`plugin_api.api.admin_experiment`). Both refuse a change another site's page
sends from the merchant's browser (`require_own_page`), on top of the session cookie being `SameSite=Lax`.
"""

from __future__ import annotations

from flask import Response, current_app, redirect, request, url_for

from plugin_api.admin.same_origin import from_own_page
from plugin_api.admin.session import authenticate_admin
from plugin_api.admin.views import admin_bp
from plugin_api.errors import ApiError
from plugin_api.services.dashboard import PERIODS
from plugin_api.services.experiment import parse_holdout_percent, set_holdout_percent


def require_own_page() -> None:
    """403 `cross_site_request` unless the request came from one of Facet's own pages (or from no browser)."""
    if not from_own_page(request.headers, (request.host_url, current_app.config["FACET_PUBLIC_URL"])):
        raise ApiError(403, "cross_site_request", "Settings can only be changed from your Facet dashboard.")


@admin_bp.post("/experiment")
def set_holdout() -> Response:
    """Hold out the posted share of sessions (a new experiment if it changed), then show the lift section."""
    require_own_page()
    merchant = authenticate_admin()
    set_holdout_percent(merchant, parse_holdout_percent(request.form.get("holdout_percent", "")))
    days = request.form.get("days", "")
    period = int(days) if days.isdigit() and int(days) in PERIODS else None
    return redirect(url_for("admin.dashboard", days=period, _anchor="lift"), 303)
