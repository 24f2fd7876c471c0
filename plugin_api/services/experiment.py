"""The merchant's holdout experiment: the setting, its experiment id, and which group a session is in.

A merchant may hold out a share of storefront sessions (`holdout_percent`, 0-50; 0 = off): those sessions
never see Facet's button, so comparing their add-to-cart rate with the others' measures what offering Facet
changes (see `plugin_api.services.lift`). Stored in `Merchant.settings["experiment"]` (no migration:
`{"holdout_percent": 10, "id": "xK3_ab9Qz", "started_at": "2025-06-01T14:03:00+00:00"}`; the id is "x" and
8 random characters of [A-Za-z0-9_-]). Every change of the percentage starts a new experiment with a new
random id, so sessions split one way are never counted with sessions split another way.

The split is made in the shopper's browser from the anonymous per-tab session id, with nothing stored there
beyond that id: FNV-1a (32 bit) of `"<session id>:<experiment id>"` (UTF-8), mod 100, below the percentage is
"holdout". The loader (`widgets/widget/src/loader.js`) and `assigned_group` compute the same thing, so the
server can check a beacon's group (`check_groups`) and tests can pick session ids for either group.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete

from plugin_api.errors import ApiError
from plugin_api.extensions import db
from plugin_api.models import ExperimentSession, Merchant, random_token, utcnow
from plugin_api.numbers import whole_number

log = logging.getLogger(__name__)

SETTINGS_KEY = "experiment"
# Ended tests' final figures, newest first: changing the share or ending the test used to delete its rows
# with nothing kept, so weeks of a test vanished on "Save".
HISTORY_KEY = "experiment_history"
HISTORY_KEEP = 12
MAX_HOLDOUT_PERCENT = 50
HOLDOUT, EXPOSED = "holdout", "exposed"
GROUPS = (HOLDOUT, EXPOSED)
EXPERIMENT_ID = re.compile(r"^[A-Za-z0-9_-]{4,32}$")
_FNV_OFFSET, _FNV_PRIME = 0x811C9DC5, 0x01000193


@dataclass(frozen=True)
class Experiment:
    """A running holdout experiment."""

    id: str
    holdout_percent: int
    started_at: datetime


def fnv1a_32(text: str) -> int:
    """FNV-1a, 32 bit, over the UTF-8 bytes of `text` (the loader's `fnv` computes the same)."""
    h = _FNV_OFFSET
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
    return h


def assigned_group(session_id: str, experiment_id: str, holdout_percent: int) -> str:
    """The session's group in an experiment: the same answer every time, here and in the loader."""
    return HOLDOUT if fnv1a_32(f"{session_id}:{experiment_id}") % 100 < holdout_percent else EXPOSED


def current_experiment(merchant: Merchant) -> Experiment | None:
    """The merchant's running experiment; None when the holdout is off (or the stored value is unusable)."""
    raw = (merchant.settings or {}).get(SETTINGS_KEY)
    if not isinstance(raw, dict):
        return None
    percent, exp_id, started = raw.get("holdout_percent"), raw.get("id"), raw.get("started_at")
    if not (
        isinstance(percent, int) and not isinstance(percent, bool) and 0 < percent <= MAX_HOLDOUT_PERCENT
    ):
        return None
    try:
        started_at = datetime.fromisoformat(started) if isinstance(started, str) else None
    except ValueError:
        started_at = None
    if started_at is not None and started_at.tzinfo is None:
        started_at = started_at.replace(tzinfo=UTC)  # a hand-written time without offset: Facet writes UTC
    if not (isinstance(exp_id, str) and EXPERIMENT_ID.match(exp_id)) or started_at is None:
        # A hand-edited or corrupt setting must not break storefronts: no experiment rather than a bad one.
        log.warning("ignoring invalid experiment setting for merchant %s: %r", merchant.id, raw)
        return None
    return Experiment(exp_id, percent, started_at)


def parse_holdout_percent(value: Any) -> int:
    """A holdout percentage as JSON carries it (an integer); 422 `invalid_holdout_percent` unless 0-50."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_HOLDOUT_PERCENT:
        raise ApiError(
            422,
            "invalid_holdout_percent",
            f"The holdout must be a whole number from 0 (off) to {MAX_HOLDOUT_PERCENT} percent.",
            details={"min": 0, "max": MAX_HOLDOUT_PERCENT},
        )
    return value


def parse_holdout_percent_text(text: str | None) -> int:
    """A holdout percentage as a form field carries it ("10"); 422 `invalid_holdout_percent` unless 0-50."""
    return parse_holdout_percent(whole_number((text or "").strip(), max_digits=3))


def set_holdout_percent(
    merchant: Merchant, percent: int, *, final_figures: Mapping[str, Any] | None = None
) -> Experiment | None:
    """Hold out `percent` % of sessions from now on; a different percentage starts a new experiment.

    Setting the percentage already running changes nothing (the same experiment goes on); 0 ends it. The
    test it ends is kept in the merchant's past tests with `final_figures` (`lift.change_holdout` passes
    them). Commits. Storefronts pick the change up with the widget config, within its one-minute cache.
    """
    percent = parse_holdout_percent(percent)
    # `settings` is one JSON value that other writers (an uninstall, another admin tab) rewrite whole too:
    # lock the row and read it again, so that what is written back is the latest settings plus this key.
    # (SQLite has no row locks: there the fresh read only narrows the window; production runs PostgreSQL.)
    db.session.refresh(merchant, with_for_update=True)
    running = current_experiment(merchant)
    if running is not None and running.holdout_percent == percent:
        db.session.commit()  # ends the transaction, and with it the lock
        return running
    settings = dict(merchant.settings or {})
    if running is not None:
        ended = {
            **(final_figures or {}),
            "experiment_id": running.id,
            "holdout_percent": running.holdout_percent,
            "started_at": running.started_at.isoformat(),
            "ended_at": utcnow().isoformat(),
        }
        settings[HISTORY_KEY] = [ended, *past_experiments(merchant)][:HISTORY_KEEP]
    if percent == 0:
        settings.pop(SETTINGS_KEY, None)
        experiment = None
    else:
        # A letter first: an id of digits and dashes alone would read as a phone number to the events API's
        # personal-data filter, which drops such values.
        experiment = Experiment("x" + random_token(6), percent, utcnow())
        settings[SETTINGS_KEY] = {
            "holdout_percent": percent,
            "id": experiment.id,
            "started_at": experiment.started_at.isoformat(),
        }
    merchant.settings = settings  # a new dict: the JSON column does not track in-place changes
    # The lift only ever reads the running test: the previous one's session rows go (its beacons stay).
    db.session.execute(delete(ExperimentSession).where(ExperimentSession.merchant_id == merchant.id))
    db.session.commit()
    log.info(
        "merchant %s holdout set to %s%% (experiment %s)",
        merchant.id,
        percent,
        experiment.id if experiment else None,
    )
    return experiment


def past_experiments(merchant: Merchant) -> list[dict[str, Any]]:
    """Ended tests with their final figures, newest first."""
    past = (merchant.settings or {}).get(HISTORY_KEY)
    return [dict(entry) for entry in past if isinstance(entry, dict)] if isinstance(past, list) else []


def widget_experiment(merchant: Merchant) -> dict[str, Any] | None:
    """The widget config's `experiment`: `{"id", "holdout_percent"}`, or None when the holdout is off."""
    experiment = current_experiment(merchant)
    if experiment is None:
        return None
    return {"id": experiment.id, "holdout_percent": experiment.holdout_percent}


def check_groups(merchant: Merchant, tagged: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
    """Refuse beacons ((session id, properties) pairs) whose `group` is not a group, whose `experiment` is
    not an experiment id, or whose group, for the store's current test, is not the one the session id is in.

    422 `invalid_event`: a beacon claiming the other group would count a session on the wrong side.
    """
    experiment = current_experiment(merchant)
    for session_id, properties in tagged:
        group, exp_id = properties.get("group"), properties.get("experiment")
        if group is not None and group not in GROUPS:
            raise _invalid_event("`group` must be 'holdout' or 'exposed'.", group=str(group)[:64])
        if exp_id is not None and not (isinstance(exp_id, str) and EXPERIMENT_ID.match(exp_id)):
            raise _invalid_event("`experiment` must be the experiment id from the widget config.")
        if group is None or experiment is None or exp_id != experiment.id:
            continue  # nothing to check against: an ended test's late beacon, or an untagged event
        if group != assigned_group(session_id, experiment.id, experiment.holdout_percent):
            raise _invalid_event("This session is not in that group for the current experiment.", group=group)


def _invalid_event(message: str, **details: Any) -> ApiError:
    return ApiError(422, "invalid_event", message, details=details)
