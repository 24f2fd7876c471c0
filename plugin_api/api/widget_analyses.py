"""Widget API: submit a selfie for analysis and poll for its result."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from plugin_api.api.schemas import (
    KEY_HEADER_PARAM,
    KEY_MISMATCH,
    KEY_QUERY_PARAM,
    LANG_QUERY_PARAM,
    PHOTO_BAD_REQUEST,
    PHOTO_UNPROCESSABLE,
    RETRY_AFTER_HEADER,
    AnalysisSchema,
    ErrorSchema,
    photo_form_body,
)
from plugin_api.api.widget_auth import protect_widget_blueprint
from plugin_api.errors import ApiError
from plugin_api.jobs.maintenance import expire_if_overdue
from plugin_api.models import Analysis
from plugin_api.rate_limits import enforce, refund
from plugin_api.services.analyses import (
    analysis_view,
    cancel_reservation,
    delete_analysis,
    reasons_language,
    reserve_analysis,
    submit_analysis,
)
from plugin_api.services.localisation import error_message
from plugin_api.tenancy import current_merchant, get_owned_or_404

blp = Blueprint(
    "widget_analyses",
    __name__,
    url_prefix="/api/v1/widget/analyses",
    description="Shopper photo analyses. Authenticate with the store's publishable key "
    "(`X-Facet-Key` header or `?key=`); browser calls must come from an allowed storefront origin.",
)
protect_widget_blueprint(blp)


_UPLOAD_BODY = photo_form_body(
    "the recommendations' reasons",
    product_id={"type": "string", "description": "Platform id of the product page, if any."},
    session_id={"type": "string", "description": "The widget's anonymous session id."},
)


@blp.route("")
class AnalysisCollection(MethodView):
    @blp.doc(requestBody=_UPLOAD_BODY, parameters=[KEY_QUERY_PARAM, KEY_HEADER_PARAM, LANG_QUERY_PARAM])
    @blp.response(202, AnalysisSchema, description="Accepted; poll `poll_url`.")
    @blp.alt_response(200, schema=AnalysisSchema, description="Finished (jobs run in-process).")
    @blp.alt_response(400, schema=ErrorSchema, description=PHOTO_BAD_REQUEST)
    @blp.alt_response(401, schema=ErrorSchema, description="`invalid_key`.")
    @blp.alt_response(403, schema=ErrorSchema, description="`origin_not_allowed`.")
    @blp.alt_response(413, schema=ErrorSchema, description="`file_too_large`.")
    @blp.alt_response(415, schema=ErrorSchema, description="`unsupported_media_type`.")
    @blp.alt_response(422, schema=ErrorSchema, description=PHOTO_UNPROCESSABLE)
    @blp.alt_response(
        429,
        schema=ErrorSchema,
        description="`rate_limited` (this address sent too many photos to this store lately) or "
        "`too_many_analyses` (the store has too many in flight); see `Retry-After`.",
        headers=RETRY_AFTER_HEADER,
    )
    @blp.alt_response(
        503,
        schema=ErrorSchema,
        description="`unavailable`: Facet cannot take the photo right now (its queue or storage is down); "
        "nothing was kept and the photo does not count against this address' allowance. With `Retry-After` "
        "when the queue is down.",
        headers=RETRY_AFTER_HEADER,
    )
    def post(self):
        """Submit a selfie for analysis"""
        merchant = current_merchant()
        query_lang = (request.args.get("lang") or "")[:16] or None
        query_language = reasons_language(query_lang, merchant)
        try:
            # Both checks come before the body is read: refusing a photo costs no upload parsing. Their
            # messages follow the language the widget names in the query (the form's is not read yet).
            enforce("uploads", merchant.id)
            try:
                analysis_id = reserve_analysis(merchant)
            except ApiError:
                refund("uploads", merchant.id)  # the store was busy: the shopper's photo is not used up
                raise
        except ApiError as error:
            error.message = error_message(error.code, error.message, query_language, error.details)
            raise
        try:
            form = request.form  # reading the body can fail too (e.g. 413 past MAX_CONTENT_LENGTH)
        except Exception:
            cancel_reservation(merchant, analysis_id)
            raise
        language = reasons_language((form.get("lang") or "")[:16] or query_lang, merchant)
        try:
            analysis = submit_analysis(
                merchant,
                analysis_id,
                request.files.get("image"),
                product_id=(form.get("product_id") or "")[:255] or None,
                session_id=(form.get("session_id") or request.headers.get("X-Facet-Session") or "")[:64]
                or None,
                language=language,
            )
        except ApiError as error:  # the shopper reads why the photo was refused in their language
            if error.status == 503:
                refund("uploads", merchant.id)  # Facet could not take it: not the shopper's photo used up
            error.message = error_message(error.code, error.message, language, error.details)
            raise
        view = analysis_view(analysis)
        if analysis.state.finished:
            return view, 200
        return view, 202, {"Location": view["poll_url"]}


@blp.route("/<analysis_id>")
class AnalysisItem(MethodView):
    @blp.doc(parameters=[KEY_QUERY_PARAM, KEY_HEADER_PARAM])
    @blp.response(200, AnalysisSchema)
    @blp.alt_response(400, schema=ErrorSchema, description=KEY_MISMATCH)
    @blp.alt_response(401, schema=ErrorSchema, description="`invalid_key`.")
    @blp.alt_response(403, schema=ErrorSchema, description="`origin_not_allowed`.")
    @blp.alt_response(404, schema=ErrorSchema, description="`not_found`: no such analysis for this store.")
    def get(self, analysis_id: str):
        """Get an analysis' status, and its result when done"""
        analysis = get_owned_or_404(Analysis, analysis_id)
        expire_if_overdue(analysis)
        return analysis_view(analysis)

    @blp.doc(parameters=[KEY_QUERY_PARAM, KEY_HEADER_PARAM])
    @blp.response(
        204,
        description="Deleted: the result, the measurements, the stored photo (a kept one too) and the "
        "recommendations shown. An analysis still running is deleted too; its job then finds nothing. What "
        "the store's dashboard keeps is a count-only row (done or failed, the failure code, the hour), with "
        "nothing of the shopper.",
    )
    @blp.alt_response(400, schema=ErrorSchema, description=KEY_MISMATCH)
    @blp.alt_response(401, schema=ErrorSchema, description="`invalid_key`.")
    @blp.alt_response(403, schema=ErrorSchema, description="`origin_not_allowed`.")
    @blp.alt_response(404, schema=ErrorSchema, description="`not_found`: no such analysis for this store.")
    @blp.alt_response(
        503, schema=ErrorSchema, description="`unavailable`: the photo could not be deleted; nothing changed."
    )
    def delete(self, analysis_id: str):
        """Delete an analysis (the shopper's "Delete my results")"""
        delete_analysis(current_merchant(), analysis_id)
        return None
