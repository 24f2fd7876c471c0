"""Images the widget and the demo store load: try-on asset PNGs (per store) and catalog photos Facet
generated.

`GET /api/v1/widget/assets/<product_id>.png?key=pk_...` serves a product's try-on cut-out, only for the store
the publishable key belongs to (another store's product id is a 404, as if it did not exist). The widget draws
it on a canvas, so the response carries CORS headers for the storefront origin.

`GET /api/v1/widget/media/<public_id>/<file>` serves catalog photos that Facet itself generated (the demo
store's products). They play the part of a platform CDN: public, like any storefront's product images.
"""

from __future__ import annotations

import re

from flask import Response, abort
from flask_smorest import Blueprint
from sqlalchemy import select

from plugin_api.api.schemas import (
    KEY_HEADER_PARAM,
    KEY_MISMATCH,
    KEY_QUERY_PARAM,
    ErrorSchema,
    binary_content,
)
from plugin_api.api.widget_auth import protect_widget_blueprint
from plugin_api.extensions import db
from plugin_api.models import Merchant, Product
from plugin_api.storage import ObjectNotFound, current_storage, merchant_key
from plugin_api.tenancy import current_merchant, scoped

blp = Blueprint(
    "widget_assets",
    __name__,
    url_prefix="/api/v1/widget/assets",
    description="Try-on asset PNGs (the `asset_url` of an analysis result's try-on items). Publishable key.",
)
media_blp = Blueprint(
    "widget_media",
    __name__,
    url_prefix="/api/v1/widget/media",
    description="Catalog photos Facet generated (the demo store's `image_url`s); public, as a platform CDN.",
)
protect_widget_blueprint(blp)

_SAFE_FILE = re.compile(r"^[A-Za-z0-9._-]{1,200}$")
_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}


def _image_response(data: bytes, content_type: str, *, max_age: int) -> Response:
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blp.route("/<product_id>.png", methods=["GET"])
@blp.doc(
    parameters=[KEY_QUERY_PARAM, KEY_HEADER_PARAM],
    responses={
        "200": {
            "description": "The product's try-on cut-out: a PNG with transparency, drawn on the photo "
            "through the try-on item's `homography`. Cached for an hour.",
            "content": binary_content("image/png"),
        }
    },
)
@blp.response(200)
@blp.alt_response(400, schema=ErrorSchema, description=KEY_MISMATCH)
@blp.alt_response(401, schema=ErrorSchema, description="`invalid_key`.")
@blp.alt_response(403, schema=ErrorSchema, description="`origin_not_allowed`.")
@blp.alt_response(
    404,
    schema=ErrorSchema,
    description="`not_found`: no such product in this store (another store's product included), or it has no "
    "try-on asset.",
)
def tryon_asset(product_id: str) -> Response:
    """Get a product's try-on asset PNG"""
    product = db.session.scalars(
        scoped(Product, merchant=current_merchant()).where(
            Product.platform_product_id == product_id, Product.deleted.is_(False)
        )
    ).first()
    if product is None or not product.tryon_asset_key:
        abort(404)
    try:
        data = current_storage().get(product.tryon_asset_key)
    except ObjectNotFound:
        abort(404)
    # Assets change only when the product photo does; an hour of caching keeps frame switching instant.
    return _image_response(data, "image/png", max_age=3600)


@media_blp.route("/<public_id>/<filename>", methods=["GET"])
@media_blp.doc(
    security=[],
    responses={
        "200": {
            "description": "The photo, typed by its file name's extension (`.png`, `.jpg`/`.jpeg`, `.webp`); "
            "`Access-Control-Allow-Origin: *`, cached for a day.",
            "content": binary_content("image/png", "image/jpeg", "image/webp"),
        }
    },
)
@media_blp.response(200)
@media_blp.alt_response(
    404,
    schema=ErrorSchema,
    description="`not_found`: no such store or file, or a file name that is not a photo's.",
)
def catalog_media(public_id: str, filename: str) -> Response:
    """Get a catalog photo Facet generated (the demo store's products)"""
    suffix = filename[filename.rfind(".") :].lower() if "." in filename else ""
    if not _SAFE_FILE.match(filename) or suffix not in _TYPES or not _SAFE_FILE.match(public_id):
        abort(404)
    if db.session.scalar(select(Merchant.id).where(Merchant.public_id == public_id)) is None:
        abort(404)
    try:
        data = current_storage().get(merchant_key(public_id, "catalog", filename))
    except ObjectNotFound:
        abort(404)
    response = _image_response(data, _TYPES[suffix], max_age=86400)
    response.headers["Access-Control-Allow-Origin"] = "*"  # public product photos, like a platform CDN
    return response
