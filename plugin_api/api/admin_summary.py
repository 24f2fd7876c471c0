"""Admin API: the merchant dashboard's figures as JSON, for the signed-in merchant only.

Signed in by the dashboard's session cookie (`facet_admin`, see `plugin_api.admin.session`), never by the
publishable key: the key is public, the figures are not. Same service call as the `/admin` page.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from plugin_api.admin import requested_summary
from plugin_api.errors import ErrorSchema
from plugin_api.services.dashboard import DEFAULT_PERIOD, PERIODS

blp = Blueprint(
    "admin_summary",
    __name__,
    url_prefix="/api/v1/admin/summary",
    description="The merchant dashboard's figures; signed in with the dashboard's session cookie.",
)

_DAYS = {
    "in": "query",
    "name": "days",
    "required": False,
    "description": "The period: the last 7, 30 or 90 days.",
    "schema": {"type": "integer", "enum": list(PERIODS), "default": DEFAULT_PERIOD},
}


@blp.route("")
class AdminSummary(MethodView):
    @blp.doc(parameters=[_DAYS], security=[{"adminSession": []}])
    @blp.response(
        200,
        description=(
            "Funnel, recommendations by category, top products, shoppers' tones and face shapes, shade "
            "range coverage, catalog and settings for the period. Rates are null when nothing was divided; "
            "the funnel's click-through, add-to-cart and acted-on rates are shares of the distinct results "
            "shown. "
            "`lift`: the holdout test's conversion lift since the current experiment started, whatever the "
            "period (the `Lift` schema of `GET /api/v1/admin/experiment`). `sales`: orders the store "
            "reported in the period, and the items in them that were added with Facet's Add to cart "
            "(`counted` is false where the store's platform cannot say which items those were; "
            "`orders_withheld` is the platform's own words when it refused to send Facet the store's "
            "orders, e.g. before Shopify approves access to protected customer data)."
        ),
    )
    @blp.alt_response(401, schema=ErrorSchema, description="`admin_sign_in_required`: no valid session.")
    @blp.alt_response(403, schema=ErrorSchema, description="`merchant_uninstalled`.")
    @blp.alt_response(422, schema=ErrorSchema, description="`invalid_period`: `days` is not 7, 30 or 90.")
    def get(self):
        """Get the merchant dashboard summary"""
        return requested_summary().to_json(), 200, {"Cache-Control": "no-store"}
