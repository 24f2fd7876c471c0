"""Admin API: the storefront widget's settings, read and changed by the signed-in merchant.

Signed in by the dashboard's session cookie, as `/api/v1/admin/experiment`; a change sent by another site's
page is refused (`cross_site_request`). Validation: `plugin_api.services.widget_settings`.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from plugin_api.admin.same_origin import require_own_page
from plugin_api.admin.session import authenticate_admin
from plugin_api.api.json_body import json_object
from plugin_api.errors import ErrorSchema
from plugin_api.services.widget_settings import (
    SETTINGS_KEY,
    parse_widget_settings,
    save_widget_settings,
    widget_settings,
)

blp = Blueprint(
    "admin_widget_settings",
    __name__,
    url_prefix="/api/v1/admin/widget-settings",
    description="The storefront widget's settings; signed in with the dashboard's session cookie.",
)

_EXAMPLE = {
    "enabled": True,
    "language": "auto",
    "theme_color": "#1f4e79",
    "button_position": "bottom-right",
    "button_label": "See them on you",
    "floating_button": False,
    "features": {"camera": False},
}


@blp.route("")
class AdminWidgetSettings(MethodView):
    @blp.doc(security=[{"adminSession": []}])
    @blp.response(200, description="The settings as the widget reads them (`/api/v1/widget/config`'s shape).")
    @blp.alt_response(401, schema=ErrorSchema, description="`admin_sign_in_required`: no valid session.")
    @blp.alt_response(403, schema=ErrorSchema, description="`merchant_uninstalled`.")
    def get(self):
        """Get the widget's settings"""
        merchant = authenticate_admin()
        stored = (merchant.settings or {}).get(SETTINGS_KEY)
        return widget_settings(stored), 200, {"Cache-Control": "no-store"}

    @blp.doc(
        security=[{"adminSession": []}],
        requestBody={
            "required": True,
            "description": (
                "Any of `enabled`, `language` (auto, en, fr), `theme_color` (#rrggbb), `button_position`, "
                "`button_label` (≤ 40 characters, null for the default), `floating_button`, `features` "
                "({tryon, analysis, concerns, recommendations, camera: bool}); keys left out keep their "
                "value."
            ),
            "content": {"application/json": {"schema": {"type": "object"}, "example": _EXAMPLE}},
        },
    )
    @blp.response(200, description="The settings the widget now reads (storefronts within a minute).")
    @blp.alt_response(400, schema=ErrorSchema, description="`invalid_json`: the body is not a JSON object.")
    @blp.alt_response(401, schema=ErrorSchema, description="`admin_sign_in_required`: no valid session.")
    @blp.alt_response(
        403, schema=ErrorSchema, description="`merchant_uninstalled`; `cross_site_request` from another site."
    )
    @blp.alt_response(
        413, schema=ErrorSchema, description="`file_too_large`: the body is over the size limit."
    )
    @blp.alt_response(
        422,
        schema=ErrorSchema,
        description="`invalid_widget_settings`: `details.fields` says what is wrong with each; none saved.",
    )
    def put(self):
        """Change the widget's settings"""
        require_own_page()
        merchant = authenticate_admin()
        body = json_object('{"enabled": false}')
        return save_widget_settings(merchant, parse_widget_settings(body)), 200, {"Cache-Control": "no-store"}
