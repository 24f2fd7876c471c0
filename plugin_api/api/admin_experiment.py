"""Admin API: the store's holdout test (conversion lift), read and set by the signed-in merchant.

`GET` answers the current experiment's figures and verdict (the same `lift` object as the dashboard summary);
`PUT {"holdout_percent": n}` changes the share of sessions held out from Facet, which starts a new experiment
(0 ends it). Signed in with the dashboard's session cookie, like `admin_summary`; a change must come from
Facet's own pages or from no browser at all (`plugin_api.admin.same_origin.require_own_page`), and only
as JSON. Who is asking is checked before the body is read: a stranger's request gets 401/403 whatever it
sends, and a bad share gets the same 422 `invalid_holdout_percent` as the dashboard's form.
"""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from plugin_api.admin import authenticate_admin
from plugin_api.admin.same_origin import require_own_page
from plugin_api.api.json_body import json_object
from plugin_api.errors import ErrorSchema
from plugin_api.services.experiment import MAX_HOLDOUT_PERCENT, parse_holdout_percent
from plugin_api.services.lift import (
    MIN_ADD_TO_CARTS_PER_GROUP,
    MIN_SESSIONS_PER_GROUP,
    change_holdout,
    lift_summary,
)

blp = Blueprint(
    "admin_experiment",
    __name__,
    url_prefix="/api/v1/admin/experiment",
    description="The store's holdout test and its conversion lift; signed in with the dashboard's cookie.",
)


class HoldoutSchema(ma.Schema):
    """The PUT body (documentation only: the view reads it after checking who sends it; other keys are
    ignored)."""

    class Meta:
        unknown = ma.EXCLUDE

    holdout_percent = ma.fields.Integer(
        required=True,
        strict=True,
        validate=ma.validate.Range(0, MAX_HOLDOUT_PERCENT),
        metadata={
            "description": (
                "Share of storefront sessions never shown Facet, 0-50 (0 = off). A different value starts "
                "a new experiment with a new id; the same value keeps the running one."
            )
        },
    )


class IntervalSchema(ma.Schema):
    estimate = ma.fields.Float()
    low = ma.fields.Float(metadata={"description": "Lower 95% confidence limit."})
    high = ma.fields.Float(metadata={"description": "Upper 95% confidence limit."})


class GroupSchema(ma.Schema):
    sessions = ma.fields.Integer(
        metadata={"description": "Distinct sessions that sent a `storefront_view` for this experiment."}
    )
    sessions_with_add_to_cart = ma.fields.Integer(
        metadata={
            "description": (
                "Of those, sessions with an add-to-cart seen the same way in both groups: the store's cart "
                "forms, events and cart requests (Facet's own Add to cart uses the store's cart request)."
            )
        }
    )
    add_to_cart_rate = ma.fields.Float(allow_none=True, metadata={"description": "Null without sessions."})


class PastTestSchema(ma.Schema):
    experiment_id = ma.fields.String()
    holdout_percent = ma.fields.Integer()
    started_at = ma.fields.String(metadata={"description": "ISO 8601, UTC."})
    ended_at = ma.fields.String(metadata={"description": "ISO 8601, UTC."})
    status = ma.fields.String(metadata={"description": "The verdict's status when the test ended."})
    verdict = ma.fields.String()
    holdout = ma.fields.Nested(GroupSchema, allow_none=True)
    exposed = ma.fields.Nested(GroupSchema, allow_none=True)
    absolute_difference = ma.fields.Nested(IntervalSchema, allow_none=True)
    relative_difference = ma.fields.Nested(IntervalSchema, allow_none=True)


class LiftSchema(ma.Schema):
    status = ma.fields.String(
        metadata={
            "description": "`off`, `not_enough_data`, `more_often`, `less_often` or `no_difference`.",
            "enum": ["off", "not_enough_data", "more_often", "less_often", "no_difference"],
        }
    )
    holdout_percent = ma.fields.Integer()
    experiment_id = ma.fields.String(allow_none=True)
    started_at = ma.fields.String(allow_none=True, metadata={"description": "ISO 8601, UTC."})
    holdout = ma.fields.Nested(GroupSchema, allow_none=True, metadata={"description": "Never shown Facet."})
    exposed = ma.fields.Nested(
        GroupSchema, allow_none=True, metadata={"description": "Offered Facet (opened it or not)."}
    )
    absolute_difference = ma.fields.Nested(
        IntervalSchema,
        allow_none=True,
        metadata={
            "description": (
                "Exposed rate minus holdout rate (0.012 = 1.2 percentage points), Newcombe's hybrid score "
                "interval (method 10). Null until each group has the minimum sessions and add-to-carts."
            )
        },
    )
    relative_difference = ma.fields.Nested(
        IntervalSchema,
        allow_none=True,
        metadata={
            "description": (
                "Exposed rate ÷ holdout rate − 1 (0.15 = 15% more often), MOVER-R interval from the same "
                "Wilson intervals. Null until each group has the minimum sessions and add-to-carts."
            )
        },
    )
    verdict = ma.fields.String(
        metadata={"description": "The result in plain words, as the dashboard shows it."}
    )
    needs_more_sessions_per_group = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "About how many more sessions the group that needs most still needs."},
    )
    needs_more_sessions_total = ma.fields.Integer(
        allow_none=True, metadata={"description": "The same in storefront sessions in all, at this split."}
    )
    split_warning = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "Set when the observed split is too far from `holdout_percent` to be chance."
        },
    )
    past_tests = ma.fields.List(
        ma.fields.Nested(PastTestSchema),
        metadata={"description": "Ended tests with their final figures, newest first (the last 12)."},
    )
    min_sessions_per_group = ma.fields.Integer(metadata={"example": MIN_SESSIONS_PER_GROUP})
    min_add_to_carts_per_group = ma.fields.Integer(metadata={"example": MIN_ADD_TO_CARTS_PER_GROUP})
    method = ma.fields.String()


@blp.route("")
class AdminExperiment(MethodView):
    @blp.doc(security=[{"adminSession": []}])
    @blp.response(200, LiftSchema, description="The current experiment's figures and verdict.")
    @blp.alt_response(401, schema=ErrorSchema, description="`admin_sign_in_required`: no valid session.")
    @blp.alt_response(403, schema=ErrorSchema, description="`merchant_uninstalled`.")
    def get(self):
        """Get the holdout test and its conversion lift"""
        return lift_summary(authenticate_admin()), 200, {"Cache-Control": "no-store"}

    @blp.doc(
        security=[{"adminSession": []}],
        requestBody={"required": True, "content": {"application/json": {"schema": HoldoutSchema}}},
    )
    @blp.response(200, LiftSchema, description="The experiment now running (a new one if the share changed).")
    @blp.alt_response(401, schema=ErrorSchema, description="`admin_sign_in_required`: no valid session.")
    @blp.alt_response(
        403, schema=ErrorSchema, description="`merchant_uninstalled`; `cross_site_request` from another site."
    )
    @blp.alt_response(400, schema=ErrorSchema, description="`invalid_json`: the body is not a JSON object.")
    @blp.alt_response(
        413, schema=ErrorSchema, description="`file_too_large`: the body is over the size limit."
    )
    @blp.alt_response(
        422,
        schema=ErrorSchema,
        description="`invalid_holdout_percent`: not an integer from 0 to 50.",
    )
    def put(self):
        """Set the share of sessions held out from Facet"""
        require_own_page()
        merchant = authenticate_admin()
        body = json_object('{"holdout_percent": 10}')
        percent = parse_holdout_percent(body.get("holdout_percent"))
        change_holdout(merchant, percent)
        return lift_summary(merchant), 200, {"Cache-Control": "no-store"}
