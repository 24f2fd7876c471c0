"""Marshmallow schemas shared by the API blueprints (OpenAPI documentation and serialisation)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from plugin_api.api.result_example import RESULT_EXAMPLE
from plugin_api.errors import ErrorSchema
from plugin_api.services.uploads import MIN_IMAGE_SIDE

__all__ = [
    "AnalysisSchema",
    "ErrorSchema",
    "KEY_HEADER_PARAM",
    "KEY_MISMATCH",
    "KEY_QUERY_PARAM",
    "LANG_QUERY_PARAM",
    "PHOTO_BAD_REQUEST",
    "PHOTO_UNPROCESSABLE",
    "RETRY_AFTER_HEADER",
    "binary_content",
    "photo_form_body",
]

# The publishable key, for the widget endpoints that document it as parameters. Beacons
# (`navigator.sendBeacon`) and image loads cannot set headers: they send `?key=`.
KEY_QUERY_PARAM = {
    "in": "query",
    "name": "key",
    "schema": {"type": "string"},
    "required": False,
    "description": "The store's publishable key, instead of the `X-Facet-Key` header: send one of them, or "
    "the same key in both (a header and a `?key=` that differ are refused, 400 `key_mismatch`). Without "
    "either, the store is the one whose allowed storefront origin the request's `Origin` is.",
}
KEY_HEADER_PARAM = {
    "in": "header",
    "name": "X-Facet-Key",
    "schema": {"type": "string"},
    "required": False,
    "description": "The store's publishable key; or `?key=`.",
}


# Uploads and photo conversions: the shopper's language for their errors.
LANG_QUERY_PARAM = {
    "in": "query",
    "name": "lang",
    "schema": {"type": "string"},
    "required": False,
    "description": "As the form's `lang` (which wins when both are given); also the language of the errors "
    "given before the form is read (`rate_limited`, and `file_too_large` past the request size limit). "
    "The widget sends it here.",
}

KEY_MISMATCH = "`key_mismatch`: the `X-Facet-Key` header and `?key=` name different keys."

# A photo's refusals (`services.uploads.read_upload`), for the upload and the photo conversion alike. One
# description per status: OpenAPI keeps one answer per status, so a second `alt_response` would replace it.
PHOTO_BAD_REQUEST = (
    "`missing_image`: no photo in the form (multipart field image); `empty_file`: the photo is empty; "
    + KEY_MISMATCH
)
PHOTO_UNPROCESSABLE = (
    "`image_unreadable` (damaged, or not the photo its first bytes say), `image_too_small` (under "
    f"{MIN_IMAGE_SIDE} pixels on a side) or `image_too_large` (too many pixels, or more than a file that "
    "size can hold); the error's details give the sizes."
)

# Answers that say when to try again (429, and the upload's 503 when the queue is down).
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Whole seconds to wait before trying again (also in `details.retry_after`).",
        "schema": {"type": "integer"},
    }
}


def binary_content(*content_types: str) -> dict[str, dict]:
    """An OpenAPI `content` map of binary bodies (images) in each of `content_types`."""
    return {name: {"schema": {"type": "string", "format": "binary"}} for name in content_types}


def photo_form_body(lang_purpose: str, **fields: dict[str, Any]) -> dict[str, Any]:
    """The multipart body of a shopper's photo (uploads, conversions): `image`, `lang` (what it sets is
    `lang_purpose`) and any other `fields`."""
    properties: dict[str, Any] = {
        "image": {"type": "string", "format": "binary", "description": "JPEG, PNG, WebP or HEIC, ≤ 10 MB."},
        **fields,
        "lang": {
            "type": "string",
            "description": f"The shopper's language for {lang_purpose} (`en`, `fr`; `fr-CA` reads as `fr`). "
            "Default: the store's widget language, else English.",
        },
    }
    schema = {"type": "object", "required": ["image"], "properties": properties}
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


class AnalysisSchema(ma.Schema):
    id = ma.fields.UUID(required=True)
    status = ma.fields.String(required=True, metadata={"enum": ["queued", "running", "done", "failed"]})
    poll_url = ma.fields.String(
        required=True, metadata={"description": "Absolute URL; GET it until `status` is final."}
    )
    product_id = ma.fields.String(allow_none=True)
    queued_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    error_code = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "Set when failed: `no_face` (no face in the photo), `image_unreadable` (the photo "
            "could not be decoded), `upload_missing` (the photo was gone before it could be analysed), "
            "`analysis_error` (the analysis failed on Facet's side, also when retried) or `timed_out` (it "
            "was not finished in time). Show `error_message`, not the code.",
        },
    )
    error_message = ma.fields.String(
        allow_none=True, metadata={"description": "A message to show the shopper."}
    )
    result = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": (
                "The analysis result when done. Pixel coordinates are in the upright photo; left/right mean "
                "image-left/image-right. `skin.reliable` false: the widget withholds the shade and concerns "
                "(the photo's lighting, blur or face size falsify colour). Concerns are cosmetic 0–100 "
                "indices, not a medical assessment. `this_product`: the product the widget was opened from "
                "(`product_id`), scored and explained for this shopper like a recommendation, whether or not "
                "it made the list; null without a `product_id` or when the store does not offer it. "
                "What every field means: docs/analysis-result.md. Relative `asset_url` / `image_url` are on "
                "Facet's host; relative `url` / `add_to_cart.url` on the storefront's."
            ),
            "example": RESULT_EXAMPLE,
        },
    )
