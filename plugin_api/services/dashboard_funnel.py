"""The dashboard's shopper funnel: widget sessions, photos (and the ones turned away at upload), analyses
done and failed with their reasons, results shown, try-ons, clicks and add-to-carts, for one merchant; and
how many of the results shown led the shopper to act on them at all (a frame tried on, a product clicked or
added to cart), because click-through alone misses the shoppers who tried on and bought from the results.

Counted in SQL from the widget's `Event` beacons and the `Analysis` rows (`tenancy.scoped`), never by parsing
stored results.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_

from plugin_api.extensions import db
from plugin_api.models import Analysis, AnalysisStatus, Event, Merchant
from plugin_api.services.shade_coverage import rate
from plugin_api.tenancy import scoped

TOP_FAILURES = 5
# What each analysis failure code means, for a merchant (the shopper's message says what to do instead).
FAILURE_MEANINGS = {
    "no_face": "no face was found in the photo",
    "image_unreadable": "the photo file could not be read",
    "upload_missing": "the photo was gone before it could be analysed",
    "analysis_error": "the analysis failed on Facet's side, also when retried",
    "timed_out": "the analysis took too long (Facet was busy)",
}
# Photos turned away when uploaded, before any analysis (the widget reports the API's answer): for a merchant,
# what was refused and whether there is anything to do about it.
REFUSAL_MEANINGS = {
    "not_image": "the file was not a photo (seen in the shopper's browser, before it was sent)",
    "image_cut_short": "the photo file was cut short, as an interrupted download or transfer leaves it "
    "(seen in the shopper's browser, before it was sent)",
    "rate_limited": "one shopper address sent more photos than its allowance (shoppers on one network "
    "share an address)",
    "too_many_analyses": "your store already had the most analyses running at once",
    "file_too_large": "the photo file was too large",
    "unsupported_media_type": "the file was not a photo type Facet reads",
    "image_too_small": "the photo was too small to analyse",
    "image_too_large": "the photo had too many pixels",
    "image_unreadable": "the photo file could not be read",
    "missing_image": "the upload held no photo",
    "empty_file": "the photo file was empty",
    "unavailable": "Facet could not take the photo at that moment",
    "merchant_uninstalled": "Facet was not installed on your store at that moment",
    "internal_error": "Facet failed on its side",
    "bad_request": "the upload was malformed",
    "validation_error": "the upload was malformed",
}
# Beacons come from shoppers' browsers (public key): a code Facet never answers is counted, not shown.
_OTHER_REFUSAL = "other"
_HTTP_STATUS = re.compile(r"http_[1-5][0-9]{2}")
_REFUSED = "photo_refused"
CLICK, CART = "recommendation_clicked", "add_to_cart_clicked"
_SHOWN, _TRIED = "analysis_shown", "tryon_switched"
# What a shopper does with a result: each beacon names the analysis it acted on.
_ACTIONS = (_TRIED, CLICK, CART)
_FUNNEL_EVENTS = (
    "photo_submitted",
    _REFUSED,
    _SHOWN,
    _TRIED,
    CLICK,
    CART,
    "widget_error",
)


@dataclass(frozen=True)
class FailureCount:
    code: str
    count: int
    meaning: str


@dataclass(frozen=True)
class Funnel:
    sessions_opened: int
    photos_submitted: int
    photos_refused: int
    analyses_done: int
    analyses_failed: int
    results_shown: int
    tryon_switches: int
    recommendation_clicks: int
    add_to_cart_clicks: int
    widget_errors: int
    # Results shown, each once however often it was shown again (by the analysis id the beacons carry), and
    # how many of them had a recommendation click, an add-to-cart, or any of those or a try-on.
    distinct_results_shown: int
    results_clicked: int
    results_added_to_cart: int
    results_acted_on: int
    top_failures: list[FailureCount]
    top_refusals: list[FailureCount]
    analysis_success_rate: float | None
    # Shares of the distinct results shown: never above 1, however often one shopper clicks or adds.
    click_through_rate: float | None
    add_to_cart_rate: float | None
    acted_on_rate: float | None

    @property
    def empty(self) -> bool:
        """No widget activity at all in the period."""
        return not any(
            (
                self.sessions_opened,
                self.photos_submitted,
                self.photos_refused,
                self.analyses_done,
                self.analyses_failed,
                self.results_shown,
                self.tryon_switches,
                self.recommendation_clicks,
                self.add_to_cart_clicks,
                self.widget_errors,
            )
        )


def counts_of(query: Select[Any]) -> dict[Any, int]:
    """{key: count} from a `(key, count)` query."""
    return {key: count for key, count in db.session.execute(query)}


def funnel(merchant: Merchant, since: datetime) -> Funnel:
    events = scoped(Event, merchant=merchant).where(Event.occurred_at >= since)
    # The widget's own beacons only: a holdout test's storefront page views outnumber them many times.
    counts = counts_of(
        events.where(Event.type.in_(_FUNNEL_EVENTS))
        .with_only_columns(Event.type, func.count())
        .group_by(Event.type)
    )
    sessions = db.session.scalar(
        events.with_only_columns(func.count(func.distinct(Event.session_id))).where(Event.type == "opened")
    )
    analyses = scoped(Analysis, merchant=merchant).where(Analysis.queued_at >= since)
    statuses = counts_of(analyses.with_only_columns(Analysis.status, func.count()).group_by(Analysis.status))
    failures = counts_of(
        analyses.with_only_columns(Analysis.error_code, func.count())
        .where(Analysis.status == AnalysisStatus.FAILED.value)
        .group_by(Analysis.error_code)
    )
    refusal_code = Event.properties["code"].as_string()
    refusals = counts_of(
        events.where(Event.type == _REFUSED)
        .with_only_columns(refusal_code, func.count())
        .group_by(refusal_code)
    )
    done, failed = statuses.get(AnalysisStatus.DONE.value, 0), statuses.get(AnalysisStatus.FAILED.value, 0)
    shown, clicks, carts = counts.get(_SHOWN, 0), counts.get(CLICK, 0), counts.get(CART, 0)
    results, clicked, added, acted_on = _result_actions(events)
    return Funnel(
        sessions_opened=sessions or 0,
        photos_submitted=counts.get("photo_submitted", 0),
        photos_refused=counts.get(_REFUSED, 0),
        analyses_done=done,
        analyses_failed=failed,
        results_shown=shown,
        tryon_switches=counts.get(_TRIED, 0),
        recommendation_clicks=clicks,
        add_to_cart_clicks=carts,
        widget_errors=counts.get("widget_error", 0),
        distinct_results_shown=results,
        results_clicked=clicked,
        results_added_to_cart=added,
        results_acted_on=acted_on,
        top_failures=_top(failures, lambda code: code or "unknown", FAILURE_MEANINGS, "another error"),
        top_refusals=_top(refusals, _refusal_code, REFUSAL_MEANINGS, "another reason"),
        analysis_success_rate=rate(done, done + failed),
        click_through_rate=rate(clicked, results),
        add_to_cart_rate=rate(added, results),
        acted_on_rate=rate(acted_on, results),
    )


def _result_actions(events: Select[Any]) -> tuple[int, int, int, int]:
    """(distinct results shown, how many of them had a recommendation click, an add-to-cart, any action), by
    the analysis id the beacons carry: a shopper who clicks three recommendations and adds one to cart
    clicked on one result. Actions on a result shown before the period (or never reported shown) are not
    counted. "View options" (the product page, where options are chosen: every add on Magento) adds nothing
    yet."""
    analysis_id = Event.properties["analysis_id"].as_string()
    action = Event.properties["action"].as_string()
    shown_ids = events.where(Event.type == _SHOWN, analysis_id.is_not(None)).with_only_columns(analysis_id)
    shown = db.session.scalar(shown_ids.with_only_columns(func.count(func.distinct(analysis_id)))) or 0

    def results_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.count(func.distinct(case((condition, analysis_id))))

    clicked, added, acted_on = db.session.execute(
        events.where(Event.type.in_(_ACTIONS), analysis_id.in_(shown_ids)).with_only_columns(
            results_where(Event.type == CLICK),
            results_where((Event.type == CART) & or_(action.is_(None), action != "product_page")),
            func.count(func.distinct(analysis_id)),
        )
    ).one()
    return shown, clicked, added, acted_on


def _top(
    counts: dict[Any, int], label: Callable[[Any], str], meanings: dict[str, str], otherwise: str
) -> list[FailureCount]:
    """The TOP_FAILURES most frequent reasons (labelled by `label`, counts of one label summed), most first,
    each with what it means for a merchant."""
    merged: Counter[str] = Counter()
    for code, n in counts.items():
        merged[label(code)] += n
    ranked = sorted(merged.items(), key=lambda item: (-item[1], item[0]))[:TOP_FAILURES]
    return [FailureCount(code, n, meanings.get(code, otherwise)) for code, n in ranked]


def _refusal_code(code: str | None) -> str:
    """A reported refusal code as the dashboard shows it: one Facet answers with, an HTTP status, or other."""
    if code in REFUSAL_MEANINGS or (code and _HTTP_STATUS.fullmatch(code)):
        return str(code)
    return _OTHER_REFUSAL
