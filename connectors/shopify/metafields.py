"""Shopify metafields as spec attributes ("lens width" → "52 mm"), the text the catalog features read.

Merchants define typed metafields in the store admin (`custom.lens_width`, a number or a dimension); GraphQL
gives them as `{key, value, type}` nodes and webhooks as REST objects with the same three fields. Only types
that read as text are kept: a reference or a rich-text document says nothing a frame size parser can use.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

# Dimension metafields carry a unit; sizes are read in millimetres.
_MM_PER_UNIT = {"MILLIMETERS": 1.0, "CENTIMETERS": 10.0, "METERS": 1000.0, "INCHES": 25.4, "FEET": 304.8}
_TEXT_TYPES = frozenset(
    {
        "single_line_text_field",
        "multi_line_text_field",
        "number_integer",
        "number_decimal",
        "string",
        "integer",
    }
)


def metafield_attributes(metafields: Iterable[dict[str, Any]]) -> dict[str, str]:
    """{"lens width": "52 mm", ...} from metafield objects (GraphQL nodes or REST webhook objects)."""
    attributes: dict[str, str] = {}
    for field in metafields:
        key, text = str(field.get("key") or ""), _as_text(field.get("type") or "", field.get("value"))
        if key and text:
            attributes[key.replace("_", " ")] = text
    return attributes


def _as_text(kind: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    if kind in _TEXT_TYPES:
        return str(value)
    if kind == "dimension":
        return _dimension(value)
    if kind.startswith("list.") and kind[5:] in _TEXT_TYPES:
        items = _json(value)
        return ", ".join(str(item) for item in items) if isinstance(items, list) else None
    if kind == "list.dimension":
        items = _json(value)
        parts = [_dimension(item) for item in items] if isinstance(items, list) else []
        return ", ".join(p for p in parts if p) or None
    return None


def _dimension(value: Any) -> str | None:
    """`{"value": 5.2, "unit": "CENTIMETERS"}` → "52 mm"."""
    data = _json(value) if isinstance(value, str) else value
    if not isinstance(data, dict):
        return None
    factor = _MM_PER_UNIT.get(str(data.get("unit") or "").upper())
    try:
        amount = float(data.get("value"))
    except (TypeError, ValueError):
        return None
    if factor is None:
        return None
    return f"{amount * factor:g} mm"


def _json(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return None
