"""Widget API: a photo the shopper's browser cannot decode (HEIC from an iPhone, on Chrome or Windows), sent
back as the JPEG every upload is stored as, so the widget can show it, draw the try-on on it and upload it.

Nothing is kept: the answer is the re-encoded photo (upright, without metadata), made by the same checks as
an upload (`services.uploads.clean_image`). Decoding is costly, so conversions have an allowance per address
like uploads, but their own: the upload that follows counts the photo once, as any other photo.
"""

from __future__ import annotations

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from plugin_api.api.schemas import (
    KEY_HEADER_PARAM,
    KEY_QUERY_PARAM,
    LANG_QUERY_PARAM,
    PHOTO_BAD_REQUEST,
    PHOTO_UNPROCESSABLE,
    RETRY_AFTER_HEADER,
    ErrorSchema,
    binary_content,
    photo_form_body,
)
from plugin_api.api.widget_auth import protect_widget_blueprint
from plugin_api.errors import ApiError
from plugin_api.rate_limits import enforce
from plugin_api.services.analyses import reasons_language
from plugin_api.services.localisation import error_message
from plugin_api.services.uploads import read_upload
from plugin_api.tenancy import current_merchant

blp = Blueprint(
    "widget_photo_conversions",
    __name__,
    url_prefix="/api/v1/widget/photo-conversions",
    description="Photos the browser cannot decode (HEIC), returned as JPEG for the widget. Publishable key.",
)
protect_widget_blueprint(blp)

_BODY = photo_form_body("error messages")


@blp.route("")
class PhotoConversions(MethodView):
    @blp.doc(
        requestBody=_BODY,
        parameters=[KEY_QUERY_PARAM, KEY_HEADER_PARAM, LANG_QUERY_PARAM],
        responses={
            "200": {
                "description": "The photo, upright and without metadata, as JPEG (PNG where it had "
                "transparency); `Cache-Control: no-store`, nothing kept.",
                "content": binary_content("image/jpeg", "image/png"),
            }
        },
    )
    @blp.response(200)
    @blp.alt_response(400, schema=ErrorSchema, description=PHOTO_BAD_REQUEST)
    @blp.alt_response(401, schema=ErrorSchema, description="`invalid_key`.")
    @blp.alt_response(403, schema=ErrorSchema, description="`origin_not_allowed`.")
    @blp.alt_response(413, schema=ErrorSchema, description="`file_too_large`.")
    @blp.alt_response(415, schema=ErrorSchema, description="`unsupported_media_type`.")
    @blp.alt_response(422, schema=ErrorSchema, description=PHOTO_UNPROCESSABLE)
    @blp.alt_response(
        429,
        schema=ErrorSchema,
        description="`rate_limited`: this address converted too many photos for this store lately.",
        headers=RETRY_AFTER_HEADER,
    )
    def post(self):
        """Convert a photo the browser cannot decode"""
        merchant = current_merchant()
        query_lang = (request.args.get("lang") or "")[:16] or None
        # The refusal is in the shopper's language, as an upload's: the query's until the form is read (a
        # body past MAX_CONTENT_LENGTH is refused while reading it, in the query's language, by errors.py).
        language = reasons_language(query_lang, merchant)
        config = current_app.config
        try:
            enforce("conversions", merchant.id)
            language = reasons_language((request.form.get("lang") or "")[:16] or query_lang, merchant)
            image = read_upload(
                request.files.get("image"),
                max_bytes=int(config["FACET_MAX_UPLOAD_BYTES"]),
                max_pixels=int(config["FACET_MAX_IMAGE_PIXELS"]),
            )
        except ApiError as error:
            error.message = error_message(error.code, error.message, language, error.details)
            raise
        return Response(image.data, mimetype=image.content_type, headers={"Cache-Control": "no-store"})
