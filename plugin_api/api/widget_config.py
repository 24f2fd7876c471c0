"""Widget API: the merchant's widget settings, fetched by the loader before it shows any button.

Settings live in `Merchant.settings["widget"]` (merchant-editable JSON); this module is the one place that
validates them, so a bad value in the database falls back to the default instead of breaking storefronts.
Recognised keys: `enabled` (bool), `theme_color` ("#rrggbb"), `button_position` (bottom-right, bottom-left,
top-right, top-left), `button_label` (≤ 40 chars), `floating_button` (bool: also show the floating button on
pages with a placement element), `language` ("auto" or a supported code), `features` ({tryon, analysis,
concerns, recommendations, camera: bool}).

`experiment` is the merchant's holdout test (`plugin_api.services.experiment`): `{"id", "holdout_percent"}`
while one runs (the loader puts the session in the holdout or the exposed group), else null.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from inference.ranking import LANGUAGES
from plugin_api.api.widget_auth import protect_widget_blueprint
from plugin_api.errors import ErrorSchema
from plugin_api.extensions import db
from plugin_api.models import Merchant, Product
from plugin_api.services.experiment import widget_experiment
from plugin_api.tenancy import current_merchant, scoped

log = logging.getLogger(__name__)

# The languages recommendation reasons are written in; the widget's string table
# (widgets/widget/src/app/strings.js) must have the same ones (a test checks both).
SUPPORTED_LANGUAGES = LANGUAGES
BUTTON_POSITIONS = ("bottom-right", "bottom-left", "top-right", "top-left")
FEATURES = ("tryon", "analysis", "concerns", "recommendations", "camera")
DEFAULT_THEME_COLOR = "#1f4e79"
MAX_FRAMES = 100
# How add-to-cart works per platform (the widget follows each recommendation's own `add_to_cart` object).
CART_STYLES = {
    "shopify": "shopify_cart_add",
    "woocommerce": "woocommerce_add_to_cart",
    "magento": "product_page",
    "demo": "demo_cart",
}
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

blp = Blueprint(
    "widget_config",
    __name__,
    url_prefix="/api/v1/widget/config",
    description="Widget settings for a store (theme, features, button, language). Publishable key required.",
)
protect_widget_blueprint(blp)


def _bool(value: Any, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def widget_settings(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Validate a merchant's raw widget settings into the shape the widget reads, defaulting bad values."""
    raw = raw if isinstance(raw, dict) else {}
    color = raw.get("theme_color")
    if color is not None and not (isinstance(color, str) and _HEX.match(color)):
        log.warning("ignoring invalid widget theme_color %r", color)
        color = None
    position = raw.get("button_position")
    if position not in BUTTON_POSITIONS:
        position = "bottom-right"
    label = raw.get("button_label")
    label = label.strip()[:40] if isinstance(label, str) and label.strip() else None
    language = raw.get("language")
    if language not in SUPPORTED_LANGUAGES:
        language = "auto"
    features_raw = raw.get("features") if isinstance(raw.get("features"), dict) else {}
    return {
        "enabled": _bool(raw.get("enabled"), True),
        "theme": {"color": (color or DEFAULT_THEME_COLOR).lower()},
        "features": {name: _bool(features_raw.get(name), True) for name in FEATURES},
        "button": {
            "position": position,
            "label": label,
            "floating": _bool(raw.get("floating_button"), False),
        },
        "language": language,
        "languages": list(SUPPORTED_LANGUAGES),
    }


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
    cfg["merchant"] = {"name": merchant.name, "platform": merchant.platform}
    cfg["cart"] = {"style": CART_STYLES.get(merchant.platform, "product_page")}
    cfg["privacy"] = {"retention_days": merchant.keep_uploads_days}
    cfg["frames"] = tryon_frames(merchant) if cfg["features"]["tryon"] else []
    # Whether `frames` lists every try-on-able product: only then may the loader tell a product page that its
    # product cannot be tried on (its button then offers the analysis and matches instead).
    cfg["frames_complete"] = len(cfg["frames"]) < MAX_FRAMES
    # A disabled widget shows nothing to anyone: there is nothing to hold out.
    cfg["experiment"] = widget_experiment(merchant) if cfg["enabled"] else None
    return cfg


@blp.route("")
class WidgetConfig(MethodView):
    @blp.doc(parameters=[{"in": "query", "name": "key", "schema": {"type": "string"}, "required": True}])
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
    @blp.alt_response(401, schema=ErrorSchema, description="`invalid_key`.")
    @blp.alt_response(403, schema=ErrorSchema, description="`origin_not_allowed`.")
    def get(self):
        """Get the widget settings for this store"""
        # Short cache: settings changes reach storefronts within a minute, while a busy page does not
        # hit the database on every view.
        return config_for(current_merchant()), 200, {"Cache-Control": "public, max-age=60"}
