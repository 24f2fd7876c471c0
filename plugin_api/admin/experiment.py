"""The dashboard's holdout form: `POST /admin/experiment` sets the share of sessions held out from Facet.

The page's Conversion lift section posts `holdout_percent` here; the JSON twin is
`PUT /api/v1/admin/experiment` (`plugin_api.api.admin_experiment`). Both refuse a change another site's page
sends from the merchant's browser (`plugin_api.admin.same_origin.require_own_page`), on top of the session
cookie being `SameSite=Lax`. `plugin_api.admin.views` registers the view on the dashboard's blueprint.
"""

from __future__ import annotations

from flask import Response, redirect, request, url_for

from plugin_api.admin.same_origin import require_own_page
from plugin_api.admin.session import authenticate_admin
from plugin_api.services.dashboard import known_period
from plugin_api.services.experiment import parse_holdout_percent_text
from plugin_api.services.lift import change_holdout


def set_holdout() -> Response:
    """Hold out the posted share of sessions (a new experiment if it changed), then show the lift section."""
    require_own_page()
    merchant = authenticate_admin()
    change_holdout(merchant, parse_holdout_percent_text(request.form.get("holdout_percent")))
    # The period the page was showing, kept when it is one the dashboard knows (else its default).
    period = known_period(request.form.get("days"))
    return redirect(url_for("admin.dashboard", days=period, _anchor="lift"), 303)
