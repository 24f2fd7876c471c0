"""The analysis job: one uploaded selfie → the analysis engine's result on the `Analysis` row.

`run_analysis` is safe to run twice (a finished analysis is left alone). Expected failures (no face,
unreadable image, missing upload) end the analysis `failed` at once with the engine's error code. Anything
else raises, so
the queue retries it once; `on_analysis_failure` then marks it `failed` with `analysis_error`. Either way the
upload is deleted (unless the merchant keeps uploads) and the merchant's in-flight slot is released.

The shopper may delete the analysis while it runs (`services.analyses.delete_analysis`): the job then finds
no row, at its start or when it finishes (`finish` locks the row first), and ends without writing anything.

The engine and the result enrichers the job runs are the app's (`init_app`): the real ones, unless the app
was built with others (`create_app({"ANALYSIS_ENGINE": ..., "ANALYSIS_ENRICHERS": ...})`, as tests do).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from plugin_api.extensions import db
from plugin_api.jobs.enrichers import Enricher, result_enrichers
from plugin_api.jobs.queueing import current_jobs
from plugin_api.models import Analysis, AnalysisStatus, Merchant, ShownRecommendation, utcnow
from plugin_api.services.analysis_facts import facts_from_result
from plugin_api.storage import ObjectNotFound, StorageError, current_storage

log = logging.getLogger(__name__)

GENERIC_FAILURE = ("analysis_error", "We could not analyse this photo; please try again.")
TIMEOUT_FAILURE = ("timed_out", "The analysis took too long; please try again.")


class ExpectedFailure(Exception):
    """An analysis that ends `failed` with a code, without retry."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def analyze_bytes(image: bytes) -> dict[str, Any]:
    """Run the analysis engine; the engine's own refusals (no face, unreadable photo) end the analysis at
    once, without a retry."""
    from inference.analysis import analyze_image
    from inference.errors import InferenceError

    try:
        return analyze_image(image, mesh=True)  # the try-on enricher places frames on the mesh, then drops it
    except InferenceError as exc:
        raise ExpectedFailure(exc.code, exc.message) from exc


Engine = Callable[[bytes], dict[str, Any]]


def init_app(app: Flask) -> None:
    """Bind the engine and the result enrichers analyses run with: `analyze_bytes` and `result_enrichers()`,
    unless the app's config names others (`ANALYSIS_ENGINE`, an `Engine`; `ANALYSIS_ENRICHERS`, a sequence
    of enrichers). These two keys are Python objects, never read from the environment."""
    app.extensions["facet.engine"] = app.config.get("ANALYSIS_ENGINE") or analyze_bytes
    enrichers = app.config.get("ANALYSIS_ENRICHERS")
    # None: the real ones, imported when the first analysis finishes (they pull in the recommender).
    app.extensions["facet.enrichers"] = None if enrichers is None else tuple(enrichers)


def _engine() -> Engine:
    return current_app.extensions["facet.engine"]


def _enrichers() -> Sequence[Enricher]:
    chosen = current_app.extensions["facet.enrichers"]
    return result_enrichers() if chosen is None else chosen


def drop_mesh(result: dict[str, Any]) -> dict[str, Any]:
    """Remove the face mesh: it is requested only to place try-on frames and must never be stored.

    The try-on enricher drops it once used, but an enricher that raises is skipped, so the job makes sure.
    """
    face = result.get("face")
    if isinstance(face, dict):
        face.pop("mesh", None)
    return result


def run_analysis(analysis_id: str) -> str:
    """Analyse one uploaded selfie; returns the final (or current) status, or "missing" when the analysis is
    gone (deleted by the shopper, before or while it ran)."""
    try:
        return _run_analysis(analysis_id)
    except (StaleDataError, ObjectDeletedError):  # the row went between two of the job's reads or writes
        db.session.rollback()
        log.info("analysis %s was deleted while it ran; nothing more to do", analysis_id)
        return "missing"


def _run_analysis(analysis_id: str) -> str:
    analysis = db.session.get(Analysis, uuid.UUID(analysis_id))
    if analysis is None:
        log.warning("analysis %s no longer exists; nothing to do", analysis_id)
        return "missing"
    if analysis.state.finished:
        log.info("analysis %s already %s; nothing to do", analysis_id, analysis.status)
        return analysis.status
    analysis.status = AnalysisStatus.RUNNING.value
    analysis.started_at = utcnow()
    analysis.attempts = (analysis.attempts or 0) + 1
    db.session.commit()

    try:
        if not analysis.upload_key:
            raise ExpectedFailure(
                "upload_missing", "The photo is no longer available; please upload it again."
            )
        try:
            image = current_storage().get(analysis.upload_key)
        except ObjectNotFound as exc:
            raise ExpectedFailure(
                "upload_missing", "The photo is no longer available; please upload it again."
            ) from exc
        result = _engine()(image)
    except ExpectedFailure as exc:
        if not finish(analysis, AnalysisStatus.FAILED, error=(exc.code, exc.message)):
            return "missing"
        return analysis.status
    except Exception:
        # Unexpected: leave it queued for the retry (or the failure callback) and let the queue see the error.
        db.session.rollback()
        analysis.status = AnalysisStatus.QUEUED.value
        db.session.commit()
        raise

    for enrich in _enrichers():
        try:
            result = enrich(analysis, result)
        except Exception:
            log.exception("result enricher %s failed for analysis %s", enrich, analysis_id)
            db.session.rollback()
    if not finish(analysis, AnalysisStatus.DONE, result=drop_mesh(result)):
        return "missing"
    return analysis.status


def finish(
    analysis: Analysis,
    status: AnalysisStatus,
    *,
    result: dict[str, Any] | None = None,
    error: tuple[str, str] | None = None,
) -> bool:
    """Record the outcome, apply upload retention, release the in-flight slot (idempotent). Returns False,
    having written nothing, when the shopper deleted the analysis meanwhile."""
    if not _lock_if_present(analysis):
        # `delete_analysis` already freed the slot of the unfinished analysis it deleted.
        db.session.rollback()
        log.info("analysis %s was deleted while it ran; its outcome is dropped", _ident(analysis))
        return False
    analysis.status = status.value
    analysis.finished_at = utcnow()
    analysis.result = result
    analysis.error_code, analysis.error_message = error if error else (None, None)
    if status is AnalysisStatus.DONE:
        record_dashboard_facts(analysis, result)
    else:  # e.g. the reaper failing an analysis whose job just finished it: the dashboard counts it failed
        forget_dashboard_facts(analysis)
    merchant = db.session.get(Merchant, analysis.merchant_id)
    keep_days = merchant.keep_uploads_days if merchant else 0
    if analysis.upload_key and keep_days > 0:
        analysis.upload_delete_at = analysis.finished_at + timedelta(days=keep_days)
    elif analysis.upload_key:
        try:
            current_storage().delete(analysis.upload_key)
            analysis.upload_key = None
        except StorageError:
            # Keep the key so `flask facet purge` deletes it later; privacy must not depend on one call.
            analysis.upload_delete_at = analysis.finished_at
            log.exception("could not delete upload of analysis %s", analysis.id)
    db.session.commit()
    current_jobs().release_slot(analysis.merchant_id, str(analysis.id))
    log.info("analysis %s %s %s", analysis.id, analysis.status, analysis.error_code or "")
    return True


def _lock_if_present(analysis: Analysis) -> bool:
    """Lock the analysis' row until the outcome is committed; False when the row is gone. The shopper's
    delete takes the same lock, so an outcome is either written whole before it or not at all."""
    with db.session.no_autoflush:
        found = db.session.execute(
            select(Analysis.id).where(Analysis.id == _ident(analysis)).with_for_update()
        ).first()
    return found is not None


def _ident(analysis: Analysis) -> uuid.UUID:
    """The analysis' id without loading it (an expired instance of a deleted row cannot be loaded)."""
    return sa_inspect(analysis).identity[0]


def record_dashboard_facts(analysis: Analysis, result: dict[str, Any] | None) -> None:
    """Keep what the merchant dashboard counts in columns, so it never parses results again."""
    forget_dashboard_facts(analysis)
    facts = facts_from_result(result)
    analysis.facts_recorded = True
    analysis.shown_monk = facts.shown_monk
    analysis.shown_undertone = facts.shown_undertone
    analysis.face_shape = facts.face_shape
    analysis.closest_shade_delta_e = facts.closest_shade_delta_e
    db.session.add_all(
        ShownRecommendation(
            merchant_id=analysis.merchant_id,
            analysis_id=analysis.id,
            queued_at=analysis.queued_at,
            product_id=rec.product_id,
            category=rec.category,
            title=rec.title,
        )
        for rec in facts.recommendations
    )


def forget_dashboard_facts(analysis: Analysis) -> None:
    """Clear what `record_dashboard_facts` wrote, so it can be written again or no longer counts."""
    analysis.facts_recorded = False
    analysis.shown_monk = analysis.shown_undertone = analysis.face_shape = None
    analysis.closest_shade_delta_e = None
    db.session.execute(delete(ShownRecommendation).where(ShownRecommendation.analysis_id == analysis.id))


def mark_failed(analysis_id: str, code: str, message: str) -> None:
    """End an unfinished analysis as `failed` (used by the failure callback and the reaper)."""
    db.session.rollback()
    analysis = db.session.get(Analysis, uuid.UUID(analysis_id))
    if analysis is None or analysis.state.finished:
        return
    finish(analysis, AnalysisStatus.FAILED, error=(code, message))


def on_analysis_failure(job: Any, connection: Any, exc_type: Any, exc_value: Any, traceback: Any) -> None:
    """Queue failure callback: once no retry is left, the analysis ends `failed` with an error code."""
    if getattr(job, "retries_left", 0):
        return  # the queue will run it again
    from rq.timeouts import JobTimeoutException

    code, message = TIMEOUT_FAILURE if exc_type is JobTimeoutException else GENERIC_FAILURE
    log.error("analysis job %s failed for good: %s", job.id, exc_value)
    mark_failed(str(job.args[0]), code, message)
