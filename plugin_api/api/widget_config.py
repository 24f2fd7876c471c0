"""Widget API: the merchant's widget settings, fetched by the loader before it shows any button.

Settings live in `Merchant.settings["widget"]`, which the merchant edits on the dashboard or with
`PUT /api/v1/admin/widget-settings` (`plugin_api.services.widget_settings` validates both ways).

`experiment` is the merchant's holdout test (`plugin_api.services.experiment`): `{"id", "holdout_percent"}`
while one runs (the loader puts the session in the holdout or the exposed group), else null.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from plugin_api.api.schemas import KEY_HEADER_PARAM, KEY_MISMATCH, KEY_QUERY_PARAM, ErrorSchema
from plugin_api.api.widget_auth import protect_widget_blueprint
from plugin_api.extensions import db
from plugin_api.models import Merchant, Product
from plugin_api.services.experiment import widget_experiment
from plugin_api.services.widget_settings import widget_settings
from plugin_api.tenancy import current_merchant, scoped

blp = Blueprint(
    "widget_config",
    __name__,
    url_prefix="/api/v1/widget/config",
    description="Widget settings for a store (theme, features, button, language). Publishable key required.",
)
protect_widget_blueprint(blp)

MAX_FRAMES = 100
# The shared key parameters, with what each means for caching here (`widget_auth`).
_KEY_PARAMS = [
    {
        **KEY_QUERY_PARAM,
        "description": KEY_QUERY_PARAM["description"] + " The loader sends it: the answer may then be cached "
        "publicly for a minute.",
    },
    {**KEY_HEADER_PARAM, "description": KEY_HEADER_PARAM["description"] + " The answer is then `private`."},
]


def tryon_frames(merchant: Merchant) -> list[dict[str, str | None]]:
    """The store's products that can be tried on (they have a try-on asset), newest first."""
    rows = db.session.execute(
        scoped(Product, merchant=merchant)
        .with_only_columns(Product.platform_product_id, Product.title, Product.url)
        .where(Product.deleted.is_(False), Product.tryon_asset_key.is_not(None))
        .order_by(Product.updated_at.desc(), Product.id.desc())
        .limit(MAX_FRAMES)
    ).all()
    return [{"product_id": pid, "title": title, "url": url} for pid, title, url in rows]


def config_for(merchant: Merchant) -> dict[str, Any]:
    """Everything the loader and the widget need to know about this store."""
    cfg = widget_settings((merchant.settings or {}).get("widget"))
    # No platform and no cart style: each recommendation's `add_to_cart` (made in `connectors/`) says how.
    cfg["merchant"] = {"name": merchant.name}
    # `retention_days`: the photo (0: deleted once analysed); `analysis_retention_days`: the results.
    cfg["privacy"] = {
        "retention_days": merchant.keep_uploads_days,
        "analysis_retention_days": int(current_app.config["FACET_ANALYSIS_RETENTION_DAYS"]),
    }
    cfg["frames"] = tryon_frames(merchant) if cfg["features"]["tryon"] else []
    # Whether `frames` lists every try-on-able product: only then may the loader tell a product page that its
    # product cannot be tried on (its button then offers the analysis and matches instead).
    cfg["frames_complete"] = len(cfg["frames"]) < MAX_FRAMES
    # A disabled widget shows nothing to anyone: there is nothing to hold out.
    cfg["experiment"] = widget_experiment(merchant) if cfg["enabled"] else None
    return cfg


@blp.route("")
class WidgetConfig(MethodView):
    @blp.doc(parameters=_KEY_PARAMS)
    @blp.response(
        200,
        description=(
            "The widget settings. `experiment`: the store's holdout test, "
            '`{"id": "xK3_ab9Qz", "holdout_percent": 10}`, or null when none runs; the loader puts a session '
            'in group "holdout" when FNV-1a-32(UTF-8 of `<session id>:<experiment id>`) mod 100 < '
            'holdout_percent (no Facet button), else "exposed", and sends `storefront_view` and '
            "`store_add_to_cart` events tagged with both."
        ),
    )
    @blp.alt_response(400, schema=ErrorSchema, description=KEY_MISMATCH)
    @blp.alt_response(401, schema=ErrorSchema, description="`invalid_key`.")
    @blp.alt_response(403, schema=ErrorSchema, description="`origin_not_allowed`.")
    def get(self):
        """Get the widget settings for this store"""
        # Short cache: settings changes reach storefronts within a minute, while a busy page does not
        # hit the database on every view. `public` only where `?key=` puts the store in the URL: otherwise
        # `widget_auth` makes it `private`, so a URL-keyed cache cannot give this store's settings to another.
        return config_for(current_merchant()), 200, {"Cache-Control": "public, max-age=60"}
