"""Widget API: anonymous analytics beacons (opened, photo_submitted, ..., add_to_cart_clicked).

The loader also sends, while the store runs a holdout test (`plugin_api.services.experiment`), one
`storefront_view` per page view and a `store_add_to_cart` when the store's own add-to-cart is used, both with
properties `group` ("holdout" or "exposed") and `experiment` (the test's id); `plugin_api.services.lift`
counts them. A `group` must be one of the two, and for the store's current test the one its session id is
assigned to (`plugin_api.services.experiment.check_groups`: a beacon claiming the other group would count a
session on the wrong side).

The widget sends them with `navigator.sendBeacon`, which cannot set headers: the body arrives as `text/plain`
(or a Blob of any type) and the key as `?key=`. So the body is parsed as JSON whatever its content type.
Nothing identifying is stored: the session id is a random per-tab token, property keys that could carry
personal data are dropped, and string values that look like e-mail addresses or phone numbers are refused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from plugin_api.api.schemas import KEY_HEADER_PARAM, KEY_MISMATCH, KEY_QUERY_PARAM, RETRY_AFTER_HEADER
from plugin_api.api.widget_auth import protect_widget_blueprint
from plugin_api.errors import ApiError, ErrorSchema
from plugin_api.extensions import db
from plugin_api.models import Event, Merchant
from plugin_api.rate_limits import enforce
from plugin_api.services.experiment import check_groups
from plugin_api.services.lift_sessions import record_sessions
from plugin_api.tenancy import current_merchant

EVENT_TYPES = frozenset(
    {
        "opened",
        "photo_submitted",
        "photo_refused",
        "analysis_shown",
        "tryon_switched",
        "recommendation_clicked",
        "add_to_cart_clicked",
        "widget_error",
        "storefront_view",
        "store_add_to_cart",
    }
)
# The properties each event type may carry (the widget's and loader's own beacons), besides the holdout
# test's `experiment` and `group` and the ids: anything else a script sends (an address, a browser string, a
# note) is dropped, so the events table holds only what the dashboard reads.
_ALWAYS_KEPT = frozenset({"experiment", "group", "product_id", "analysis_id"})
PROPERTY_KEYS: dict[str, frozenset[str]] = {
    etype: _ALWAYS_KEPT | frozenset(keys)
    for etype, keys in {
        "opened": (),
        "photo_submitted": ("source", "width", "height", "kb"),
        "photo_refused": ("code", "status"),
        "analysis_shown": ("quality_ok", "tryon_items", "recommendations"),
        "tryon_switched": ("from",),
        "recommendation_clicked": ("rank",),
        "add_to_cart_clicked": ("rank", "where", "action"),
        "widget_error": ("where", "message"),
        "storefront_view": (),
        "store_add_to_cart": (),
    }.items()
}
MAX_BODY_BYTES = 16 * 1024
MAX_EVENTS_PER_REQUEST = 20
MAX_PROPERTIES = 16
MAX_STRING = 200
_SESSION = re.compile(r"[A-Za-z0-9_-]{8,64}")
_PROP_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_PII_KEYS = frozenset(
    {
        "email",
        "e_mail",
        "mail",
        "name",
        "first_name",
        "last_name",
        "full_name",
        "phone",
        "telephone",
        "address",
        "ip",
        "ip_address",
        "user_agent",
        "customer_id",
        "user_id",
        "birthday",
        "dob",
        "image",
        "photo",
    }
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"^\+?[\d\s().-]{9,}$")

blp = Blueprint(
    "widget_events",
    __name__,
    url_prefix="/api/v1/widget/events",
    description="Anonymous widget analytics beacons; publishable key as `?key=` (beacons send no headers).",
)
protect_widget_blueprint(blp)

_EVENT_SCHEMA = {
    "type": "object",
    "required": ["type", "session_id"],
    "properties": {
        "type": {"type": "string", "enum": sorted(EVENT_TYPES)},
        "session_id": {"type": "string", "description": "Random per-tab id, 8-64 of [A-Za-z0-9_-]."},
        "product_id": {"type": "string", "nullable": True},
        "analysis_id": {"type": "string", "nullable": True},
        "properties": {
            "type": "object",
            "description": (
                "≤ 16 scalar values; personal data is dropped. `storefront_view` and `store_add_to_cart` "
                'carry `group` ("holdout" | "exposed") and `experiment` (the id from the widget config); '
                '`add_to_cart_clicked` carries `action` ("add", or "product_page" when it only opens '
                "the product page)."
            ),
        },
    },
}
_BODY = {
    "required": True,
    "description": 'One event, or `{"events": [...]}` (≤ 20). Any content type; parsed as JSON.',
    "content": {"text/plain": {"schema": _EVENT_SCHEMA}, "application/json": {"schema": _EVENT_SCHEMA}},
}


@dataclass(frozen=True)
class ParsedEvent:
    type: str
    session_id: str
    product_id: str | None
    properties: dict[str, Any]


def _invalid(message: str, **details: Any) -> ApiError:
    return ApiError(422, "invalid_event", message, details=details)


def _clean_value(value: Any) -> Any:
    """A scalar safe to store, or a sentinel `...` meaning drop it."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value if value == value and abs(value) < 1e12 else ...
    if isinstance(value, str):
        value = value[:MAX_STRING]
        if _EMAIL.search(value) or _PHONE.match(value):
            return ...
        return value
    return ...


def clean_properties(raw: Any, allowed: frozenset[str] | None = None) -> dict[str, Any]:
    """Keep at most 16 well-named scalar properties (of the `allowed` keys, when given), without anything
    that could identify the shopper."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _invalid("`properties` must be an object.")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if len(out) >= MAX_PROPERTIES:
            break
        if not isinstance(key, str) or not _PROP_KEY.fullmatch(key) or key in _PII_KEYS:
            continue
        if allowed is not None and key not in allowed:
            continue
        clean = _clean_value(value)
        if clean is not ...:
            out[key] = clean
    return out


def _optional_id(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or len(value) > 255:
        raise _invalid(f"`{field}` must be a string of at most 255 characters.")
    return value


def parse_event(item: Any) -> ParsedEvent:
    """Validate one event object."""
    if not isinstance(item, dict):
        raise _invalid("Each event must be a JSON object.")
    etype = item.get("type")
    if etype is None:
        raise _invalid("Each event needs a `type`.", allowed=sorted(EVENT_TYPES))
    # A list or object is no type (and, unhashable, would fail the set lookup with a 500).
    if not isinstance(etype, str) or etype not in EVENT_TYPES:
        raise _invalid("Unknown event type.", type=str(etype)[:64], allowed=sorted(EVENT_TYPES))
    session_id = item.get("session_id")
    # fullmatch: `$` would let a trailing newline through.
    if not isinstance(session_id, str) or not _SESSION.fullmatch(session_id):
        raise _invalid("`session_id` must be 8-64 characters of A-Z, a-z, 0-9, '_' or '-'.")
    props = clean_properties(item.get("properties"), PROPERTY_KEYS.get(etype, _ALWAYS_KEPT))
    # The analysis id and product id travel as top-level fields; keep them out of the free-form bag.
    props.pop("product_id", None)
    props.pop("analysis_id", None)
    analysis_id = _optional_id(item.get("analysis_id"), "analysis_id")
    if analysis_id:
        props["analysis_id"] = analysis_id
    return ParsedEvent(etype, session_id, _optional_id(item.get("product_id"), "product_id"), props)


def _too_large() -> ApiError:
    return ApiError(
        413, "payload_too_large", "Event batches are limited to 16 KB.", details={"max_bytes": MAX_BODY_BYTES}
    )


def read_body() -> bytes:
    """At most one byte past the limit of the body, whatever Content-Length claims (beacons can be chunked).

    A Content-Length over the app's MAX_CONTENT_LENGTH makes Werkzeug refuse the stream itself (its 413 is
    the uploads' `file_too_large`): for a beacon that is the same `payload_too_large` as any body over 16 KB.
    """
    try:
        return request.stream.read(MAX_BODY_BYTES + 1)
    except RequestEntityTooLarge as exc:
        raise _too_large() from exc


def parse_body(raw: bytes) -> list[ParsedEvent]:
    """Parse a beacon body (single event or `{"events": [...]}`) whatever its declared content type."""
    if len(raw) > MAX_BODY_BYTES:
        raise _too_large()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: "[[[[…" 16 KB deep
        raise _invalid("The body must be JSON.") from exc
    items = data.get("events") if isinstance(data, dict) and "events" in data else [data]
    if not isinstance(items, list) or not items:
        raise _invalid("`events` must be a non-empty list.")
    if len(items) > MAX_EVENTS_PER_REQUEST:
        raise _invalid(f"At most {MAX_EVENTS_PER_REQUEST} events per request.")
    return [parse_event(item) for item in items]


def record_events(merchant: Merchant, events: list[ParsedEvent]) -> int:
    """Store the events for `merchant`, and the holdout test's sessions they speak of; returns how many
    events were stored."""
    for ev in events:
        db.session.add(
            Event(
                merchant_id=merchant.id,
                session_id=ev.session_id,
                type=ev.type,
                product_id=ev.product_id,
                properties=ev.properties,
            )
        )
    record_sessions(merchant, events)
    db.session.commit()
    return len(events)


@blp.route("")
class WidgetEvents(MethodView):
    @blp.doc(requestBody=_BODY, parameters=[KEY_QUERY_PARAM, KEY_HEADER_PARAM])
    @blp.response(202, description='Stored: `{"accepted": n}`.')
    @blp.alt_response(400, schema=ErrorSchema, description=KEY_MISMATCH)
    @blp.alt_response(401, schema=ErrorSchema, description="`invalid_key`.")
    @blp.alt_response(403, schema=ErrorSchema, description="`origin_not_allowed`.")
    @blp.alt_response(
        413, schema=ErrorSchema, description="`payload_too_large`: the body is over 16 KB, however large."
    )
    @blp.alt_response(
        429,
        schema=ErrorSchema,
        description="`rate_limited`: this address sent more events to this store than a browser would; "
        "see `Retry-After`. Each event in a batch counts.",
        headers=RETRY_AFTER_HEADER,
    )
    @blp.alt_response(
        422,
        schema=ErrorSchema,
        description="`invalid_event` (also a `properties.group` other than the session's in the store's "
        "current test).",
    )
    def post(self):
        """Record widget analytics events"""
        events = parse_body(read_body())
        merchant = current_merchant()
        enforce("events", merchant.id, cost=len(events))
        check_groups(merchant, ((ev.session_id, ev.properties) for ev in events))
        return {"accepted": record_events(merchant, events)}, 202
