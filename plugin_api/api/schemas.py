"""Marshmallow schemas shared by the API blueprints (OpenAPI documentation and serialisation)."""

from __future__ import annotations

import marshmallow as ma

from plugin_api.errors import ErrorSchema

__all__ = ["AnalysisSchema", "ErrorSchema"]


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
        allow_none=True, metadata={"description": "Set when failed, e.g. `no_face`, `analysis_error`."}
    )
    error_message = ma.fields.String(
        allow_none=True, metadata={"description": "A message to show the shopper."}
    )
    result = ma.fields.Dict(
        allow_none=True, metadata={"description": "The analysis result (see docs/architecture.md) when done."}
    )
