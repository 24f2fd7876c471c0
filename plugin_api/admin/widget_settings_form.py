"""The dashboard's widget settings form: `POST /admin/widget-settings` changes what the storefront widget
does.

The Settings section posts every field at once (an unticked box sends nothing, so the form's presence says
"off"); the JSON twin is `PUT /api/v1/admin/widget-settings` (`plugin_api.api.admin_widget_settings`). A
change another site's page sends from the merchant's browser is refused, as for the holdout form.
"""

from __future__ import annotations

from flask import Response, redirect, request, url_for

from plugin_api.admin.same_origin import require_own_page
from plugin_api.admin.session import authenticate_admin
from plugin_api.services.dashboard import known_period
from plugin_api.services.widget_settings import FEATURES, parse_widget_settings, save_widget_settings


def set_widget_settings() -> Response:
    """Save the posted settings (all or nothing), then show the Settings section again."""
    require_own_page()
    merchant = authenticate_admin()
    form = request.form
    values = {
        "enabled": "enabled" in form,
        "floating_button": "floating_button" in form,
        "theme_color": form.get("theme_color", ""),
        "button_position": form.get("button_position", ""),
        "button_label": form.get("button_label", ""),
        "language": form.get("language", ""),
        "features": {name: f"feature_{name}" in form for name in FEATURES},
    }
    save_widget_settings(merchant, parse_widget_settings(values))
    period = known_period(form.get("days"))
    return redirect(url_for("admin.dashboard", days=period, saved="widget", _anchor="widget-saved"), 303)
