"""Submitting and presenting shopper analyses."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import IO, Any

from flask import current_app, url_for
from redis.exceptions import RedisError
from sqlalchemy import delete

from inference.ranking import supported_language
from plugin_api.config import configured_public_url
from plugin_api.errors import ApiError
from plugin_api.extensions import db
from plugin_api.jobs.queueing import TooManyInFlight, current_jobs, queue_for_plan
from plugin_api.models import Analysis, AnalysisStatus, Merchant, ShownRecommendation, utcnow
from plugin_api.services.localisation import error_message
from plugin_api.services.uploads import read_upload
from plugin_api.storage import StorageError, current_storage, merchant_key
from plugin_api.tenancy import scoped

log = logging.getLogger(__name__)

ANALYSIS_JOB = "plugin_api.jobs.analysis.run_analysis"
ANALYSIS_FAILURE_CALLBACK = "plugin_api.jobs.analysis.on_analysis_failure"


def reasons_language(requested: str | None, merchant: Merchant) -> str | None:
    """The language of the recommendations' reasons: the widget's ('fr', 'fr-CA' → 'fr') when Facet speaks
    it, else the store's configured widget language, else None (English). An unknown code is not an error:
    the shopper still gets their results, in English."""
    configured = ((merchant.settings or {}).get("widget") or {}).get("language")
    return supported_language(requested) or supported_language(configured)


def reserve_analysis(merchant: Merchant) -> uuid.UUID:
    """Take one of the store's in-flight analysis slots for a new analysis, before its photo is read, so
    that a busy store turns a photo away without receiving or decoding it; 429 `too_many_analyses`.
    Returns the new analysis' id, which holds the slot (`submit_analysis` then owns it)."""
    analysis_id = uuid.uuid4()
    jobs = current_jobs()
    try:
        jobs.reserve_slot(merchant.id, str(analysis_id))
    except RedisError as exc:  # the queue is down: nothing could run the analysis, so take no photo
        log.exception("could not reserve an analysis slot for merchant %s", merchant.id)
        raise ApiError(
            503,
            "unavailable",
            "Analysis is temporarily unavailable; please try again.",
            details={"retry_after": jobs.retry_after},
            headers={"Retry-After": str(jobs.retry_after)},
        ) from exc
    except TooManyInFlight as exc:
        raise ApiError(
            429,
            "too_many_analyses",
            "Too many photos are being analysed for this store right now; please retry shortly.",
            details={"retry_after": exc.retry_after},
            headers={"Retry-After": str(exc.retry_after)},
        ) from exc
    return analysis_id


def cancel_reservation(merchant: Merchant, analysis_id: uuid.UUID) -> None:
    """Free the slot `reserve_analysis` took, when the request fails before `submit_analysis` owns it."""
    current_jobs().release_slot(merchant.id, str(analysis_id))


def submit_analysis(
    merchant: Merchant,
    analysis_id: uuid.UUID,
    stream: IO[bytes] | None,
    *,
    product_id: str | None = None,
    session_id: str | None = None,
    language: str | None = None,
) -> Analysis:
    """Validate an upload, store it, create the `Analysis` and enqueue its job (or run it in-process).
    `analysis_id` holds a slot from `reserve_analysis`. `language` is the one its text is written in, as
    `reasons_language` resolved it (None: English).

    Any failure before the job is handed over removes what was made and frees the slot: no half-made rows
    or files.
    """
    config = current_app.config
    jobs = current_jobs()
    storage = current_storage()
    token = str(analysis_id)
    try:
        image = read_upload(
            stream,
            max_bytes=int(config["FACET_MAX_UPLOAD_BYTES"]),
            max_pixels=int(config["FACET_MAX_IMAGE_PIXELS"]),
        )
    except Exception:
        jobs.release_slot(merchant.id, token)
        raise

    key = merchant_key(merchant.public_id, "uploads", f"{analysis_id}.{image.extension}")
    now = utcnow()
    analysis = Analysis(
        id=analysis_id,
        merchant_id=merchant.id,
        status=AnalysisStatus.QUEUED.value,
        upload_key=key,
        upload_info=image.info,
        product_id=product_id or None,
        session_id=session_id or None,
        language=language,
        queue=queue_for_plan(merchant.plan),
        queued_at=now,
        expires_at=now + timedelta(days=int(config["FACET_ANALYSIS_RETENTION_DAYS"])),
    )
    stored = False
    try:
        storage.put(key, image.data, image.content_type)
        stored = True
        db.session.add(analysis)
        db.session.commit()
    except Exception as exc:  # storage or database: undo both, then answer 503
        db.session.rollback()
        if stored:
            _quietly_delete(key)
        jobs.release_slot(merchant.id, token)
        log.exception("could not accept analysis upload")
        raise ApiError(503, "unavailable", "The photo could not be stored; please try again.") from exc

    try:
        enqueue_analysis(analysis)
    except Exception as exc:
        # Redis is down: undo everything so no analysis is left queued with no job behind it.
        log.exception("could not enqueue analysis %s", analysis.id)
        db.session.rollback()
        db.session.delete(analysis)
        db.session.commit()
        _quietly_delete(key)
        jobs.release_slot(merchant.id, token)
        raise ApiError(503, "unavailable", "Analysis is temporarily unavailable; please try again.") from exc
    if jobs.inline:
        db.session.refresh(analysis)
    return analysis


def enqueue_analysis(analysis: Analysis) -> None:
    """Hand a stored analysis to its queue (or run it now, in-process); one RQ job id per analysis."""
    current_jobs().enqueue(
        ANALYSIS_JOB,
        str(analysis.id),
        queue=analysis.queue or "analysis-default",
        job_id=f"analysis-{analysis.id}",
        on_failure=ANALYSIS_FAILURE_CALLBACK,
    )


def delete_analysis(merchant: Merchant, analysis_id: str) -> None:
    """Delete one of the store's analyses at the shopper's request: its result, its measurements, its stored
    photo (a kept upload too) and its recommendation rows; 404 `not_found` for an id the store does not have.

    A finished analysis leaves a count-only row under a new random id (the store, done or failed, the failure
    code, the hour it was queued; no result, reading, session, product or photo), so the dashboard's funnel
    still counts the analysis the shopper had; its skin, face-shape and shade facts go with it. An unfinished
    one leaves nothing: its slot is freed and its job, finding no row, does nothing (`jobs.analysis.finish`
    takes the same row lock, so a job finishing at that moment either completes first or finds no row).
    The photo goes first: if storage refuses, nothing changes (503 `unavailable`) and the shopper can retry.
    """
    try:
        ident = uuid.UUID(str(analysis_id))
    except ValueError:
        ident = None
    analysis = (
        db.session.scalars(
            scoped(Analysis, merchant=merchant)
            .where(Analysis.id == ident)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()
        if ident
        else None
    )
    if analysis is None:
        db.session.rollback()
        raise ApiError(404, "not_found", "No such analysis.")
    if analysis.upload_key:
        try:
            current_storage().delete(analysis.upload_key)
        except StorageError as exc:
            log.exception("could not delete the upload of analysis %s", ident)
            db.session.rollback()
            message = "Your results could not be deleted; please try again."
            raise ApiError(503, "unavailable", message) from exc
    finished = analysis.state.finished
    tally = _count_only(analysis) if finished else None
    db.session.execute(delete(ShownRecommendation).where(ShownRecommendation.analysis_id == analysis.id))
    db.session.delete(analysis)
    db.session.flush()
    if tally is not None:
        db.session.add(tally)
    db.session.commit()
    if not finished:
        current_jobs().release_slot(merchant.id, str(ident))
    log.info("analysis %s deleted at the shopper's request", ident)


def _count_only(analysis: Analysis) -> Analysis:
    """What the dashboard's funnel counts of `analysis` (done or failed, and why); nothing of the shopper."""
    return Analysis(
        id=uuid.uuid4(),
        merchant_id=analysis.merchant_id,
        status=analysis.status,
        error_code=analysis.error_code,
        queue=analysis.queue,
        # The hour is enough for the dashboard's periods and does not line up with the session's beacons.
        queued_at=analysis.queued_at.replace(minute=0, second=0, microsecond=0),
        expires_at=analysis.expires_at
        or analysis.queued_at + timedelta(days=int(current_app.config["FACET_ANALYSIS_RETENTION_DAYS"])),
        facts_recorded=True,  # nothing to catch up: the readings went with the shopper's analysis
    )


def _quietly_delete(key: str) -> None:
    try:
        current_storage().delete(key)
    except StorageError:
        log.exception("could not delete %s", key)


def poll_url(analysis: Analysis) -> str:
    """The absolute URL to poll: the widget runs on the store's origin, so a relative one would miss Facet."""
    public = configured_public_url(current_app.config)
    if public:
        return public + url_for("widget_analyses.AnalysisItem", analysis_id=analysis.id)
    return url_for("widget_analyses.AnalysisItem", analysis_id=analysis.id, _external=True)


def analysis_view(analysis: Analysis) -> dict[str, Any]:
    """The JSON the widget sees for an analysis."""
    return {
        "id": str(analysis.id),
        "status": analysis.status,
        "poll_url": poll_url(analysis),
        "product_id": analysis.product_id,
        "queued_at": analysis.queued_at,
        "started_at": analysis.started_at,
        "finished_at": analysis.finished_at,
        "error_code": analysis.error_code,
        "error_message": error_message(analysis.error_code, analysis.error_message, analysis.language),
        "result": analysis.result if analysis.status == AnalysisStatus.DONE.value else None,
    }
