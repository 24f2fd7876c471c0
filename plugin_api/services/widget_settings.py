"""The merchant's widget settings (`Merchant.settings["widget"]`): what the storefront widget reads, and the
merchant's edits to them from the dashboard's form or `PUT /api/v1/admin/widget-settings`.

Two directions, two strictnesses. Reading (`widget_settings`) never breaks a storefront: a bad stored value
falls back to its default. Writing (`parse_widget_settings`) refuses a bad value with 422
`invalid_widget_settings` naming each field, and stores nothing, so a merchant never saves a setting the
widget would then silently ignore.

Keys: `enabled` (bool), `theme_color` ("#rrggbb"), `button_position` (bottom-right, bottom-left, top-right,
top-left), `button_label` (≤ 40 characters; empty = the default "Try on"), `floating_button` (bool: also show
the floating button on pages with a placement element), `language` ("auto" or a supported code),
`features` ({tryon, analysis, concerns, recommendations, camera: bool}).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from inference.ranking import LANGUAGES
from plugin_api.errors import ApiError
from plugin_api.extensions import db
from plugin_api.models import Merchant

log = logging.getLogger(__name__)

SETTINGS_KEY = "widget"
# The languages recommendation reasons are written in; the widget's string table
# (widgets/widget/src/app/strings.js) must have the same ones (a test checks both).
SUPPORTED_LANGUAGES = LANGUAGES
BUTTON_POSITIONS = ("bottom-right", "bottom-left", "top-right", "top-left")
FEATURES = ("tryon", "analysis", "concerns", "recommendations", "camera")
DEFAULT_THEME_COLOR = "#1f4e79"
MAX_LABEL = 40
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _bool(value: Any, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def widget_settings(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Validate a merchant's raw widget settings into the shape the widget reads, defaulting bad values."""
    raw = raw if isinstance(raw, dict) else {}
    color = raw.get("theme_color")
    if color is not None and not (isinstance(color, str) and _HEX.match(color)):
        log.warning("ignoring invalid widget theme_color %r", color)
        color = None
    position = raw.get("button_position")
    if position not in BUTTON_POSITIONS:
        position = "bottom-right"
    label = raw.get("button_label")
    label = label.strip()[:MAX_LABEL] if isinstance(label, str) and label.strip() else None
    language = raw.get("language")
    if language not in SUPPORTED_LANGUAGES:
        language = "auto"
    features_raw = raw.get("features") if isinstance(raw.get("features"), dict) else {}
    return {
        "enabled": _bool(raw.get("enabled"), True),
        "theme": {"color": (color or DEFAULT_THEME_COLOR).lower()},
        "features": {name: _bool(features_raw.get(name), True) for name in FEATURES},
        "button": {
            "position": position,
            "label": label,
            "floating": _bool(raw.get("floating_button"), False),
        },
        "language": language,
        "languages": list(SUPPORTED_LANGUAGES),
    }


def parse_widget_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """The stored form of a merchant's edit (the keys above; a key left out keeps its stored value), or 422
    `invalid_widget_settings` with one message per bad field."""
    problems: dict[str, str] = {}
    known = {
        "enabled",
        "theme_color",
        "button_position",
        "button_label",
        "floating_button",
        "language",
        "features",
    }
    for key in values:
        if key not in known:
            problems[key] = "Not a widget setting."
    out: dict[str, Any] = {}
    for key in ("enabled", "floating_button"):
        if key in values:
            if isinstance(values[key], bool):
                out[key] = values[key]
            else:
                problems[key] = "Must be true or false."
    if "theme_color" in values:
        color = values["theme_color"]
        if isinstance(color, str) and _HEX.match(color.strip()):
            out["theme_color"] = color.strip().lower()
        else:
            problems["theme_color"] = 'Must be a colour as "#rrggbb", such as "#1f4e79".'
    if "button_position" in values:
        if values["button_position"] in BUTTON_POSITIONS:
            out["button_position"] = values["button_position"]
        else:
            problems["button_position"] = f"Must be one of {', '.join(BUTTON_POSITIONS)}."
    if "button_label" in values:
        label = values["button_label"]
        if label is None or (isinstance(label, str) and len(label.strip()) <= MAX_LABEL):
            out["button_label"] = (label or "").strip() or None
        else:
            problems["button_label"] = (
                f"Must be text of at most {MAX_LABEL} characters (empty for the default)."
            )
    if "language" in values:
        if values["language"] == "auto" or values["language"] in SUPPORTED_LANGUAGES:
            out["language"] = values["language"]
        else:
            problems["language"] = f"Must be auto or one of {', '.join(SUPPORTED_LANGUAGES)}."
    if "features" in values:
        features = values["features"]
        if isinstance(features, Mapping) and all(
            name in FEATURES and isinstance(on, bool) for name, on in features.items()
        ):
            out["features"] = dict(features)
        else:
            problems["features"] = f"Must map any of {', '.join(FEATURES)} to true or false."
    if problems:
        raise ApiError(
            422,
            "invalid_widget_settings",
            "Nothing was changed: " + " ".join(f"{key}: {why}" for key, why in problems.items()),
            details={"fields": problems},
        )
    return out


def save_widget_settings(merchant: Merchant, edit: Mapping[str, Any]) -> dict[str, Any]:
    """Apply a parsed edit to the stored settings and commit; returns what the widget now reads.
    Storefronts pick it up within the widget config's one-minute cache."""
    # `settings` is one JSON value other writers rewrite whole too (the holdout form, an uninstall): lock the
    # row and read it again, so what is written back is the latest settings plus this edit.
    db.session.refresh(merchant, with_for_update=True)
    settings = dict(merchant.settings or {})
    stored = dict(settings.get(SETTINGS_KEY) or {})
    features = {**(stored.get("features") or {}), **(edit.get("features") or {})}
    stored.update({key: value for key, value in edit.items() if key != "features"})
    if "features" in edit:
        stored["features"] = features
    settings[SETTINGS_KEY] = stored
    merchant.settings = settings  # a new dict: the JSON column does not track in-place changes
    db.session.commit()
    log.info("merchant %s widget settings changed: %s", merchant.id, sorted(edit))
    return widget_settings(stored)
