"""Admin API: the merchant dashboard's figures as JSON, for the signed-in merchant only.

Signed in by the dashboard's session cookie (`facet_admin`, see `plugin_api.admin.session`), never by the
publishable key: the key is public, the figures are not. Same service call as the `/admin` page.
"""

from __future__ import annotations

import marshmallow as ma
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


class CatalogSchema(ma.Schema):
    status = ma.fields.String(
        metadata={
            "description": "How far the catalog import is, in the merchant's words (the page's Import)."
        }
    )
    understanding = ma.fields.List(
        ma.fields.String(), metadata={"description": "What Facet made of the products, one sentence each."}
    )
    last_sync_at = ma.fields.String(allow_none=True, metadata={"description": "ISO 8601, UTC."})
    sync_error_code = ma.fields.String(
        allow_none=True,
        metadata={
            "description": (
                "Why the last catalog sync failed, for tooling to act on; null unless it failed (`status` "
                "says it in words). `store_moved`: the store answers at another address now; connect it "
                "again there (`status` names the address). `auth_error`: the store refused Facet's "
                "credentials (a revoked key or integration). Also `rate_limited`, `not_found`, "
                "`address_refused`, `protocol_error`, `connector_error` and `internal_error`; Facet retries "
                "those at the next sync."
            ),
            "example": "store_moved",
        },
    )


class ShareSchema(ma.Schema):
    label = ma.fields.String(metadata={"description": "Monk tone `1`–`10`, undertone or face shape."})
    count = ma.fields.Integer(
        allow_none=True,
        metadata={
            "description": (
                "Readings in the period; null when withheld, so that no row points at one shopper: a row "
                "under `min_readings` (0 too), and, where the total would then give one such row away, the "
                "next smallest."
            )
        },
    )
    share = ma.fields.Float(
        allow_none=True, metadata={"description": "Of the breakdown's readings; null when withheld."}
    )
    fewer_than = ma.fields.Integer(
        allow_none=True,
        metadata={
            "description": (
                "Set (to `min_readings`) when the row is withheld for having fewer readings than that; null "
                "when the count is given, and when it is withheld only so that another row's cannot be "
                "worked out."
            ),
            "example": 5,
        },
    )


class ShoppersSchema(ma.Schema):
    skin_readings = ma.fields.Integer(
        metadata={"description": "Analyses whose skin reading was trusted and shown to the shopper."}
    )
    monk = ma.fields.List(
        ma.fields.Nested(ShareSchema),
        metadata={"description": "Tones 1 to 10 in order; empty below `min_readings` skin readings."},
    )
    undertones = ma.fields.List(
        ma.fields.Nested(ShareSchema),
        metadata={
            "description": (
                "Every undertone: those with a count by count, then the withheld ones; empty below "
                "`min_readings` skin readings."
            )
        },
    )
    face_shape_readings = ma.fields.Integer()
    face_shapes = ma.fields.List(
        ma.fields.Nested(ShareSchema),
        metadata={
            "description": (
                "Every face shape: those with a count by count, then the withheld ones; empty below "
                "`min_readings` face shape readings."
            )
        },
    )
    min_readings = ma.fields.Integer(
        metadata={
            "description": "The fewest readings a breakdown, and a row's count, is shown from.",
            "example": 5,
        }
    )


class SummarySchema(ma.Schema):
    """The summary; the blocks not detailed here are described in the response's description."""

    store_name = ma.fields.String()
    shop_domain = ma.fields.String()
    period = ma.fields.Raw()
    funnel = ma.fields.Raw()
    sales = ma.fields.Raw()
    categories = ma.fields.Raw()
    top_products = ma.fields.Raw()
    shoppers = ma.fields.Nested(ShoppersSchema)
    shade_coverage = ma.fields.Raw(
        metadata={
            "description": "`by_tone` lists no Monk tone the shoppers' breakdown withholds (`shoppers.monk`)."
        }
    )
    catalog = ma.fields.Nested(CatalogSchema)
    settings = ma.fields.Raw()
    lift = ma.fields.Raw()


@blp.route("")
class AdminSummary(MethodView):
    @blp.doc(parameters=[_DAYS], security=[{"adminSession": []}])
    @blp.response(
        200,
        SummarySchema,
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
    @blp.alt_response(422, schema=ErrorSchema, description="`invalid_period`: `?days=` is not 7, 30 or 90.")
    def get(self):
        """Get the merchant dashboard summary"""
        return requested_summary().to_json(), 200, {"Cache-Control": "no-store"}
