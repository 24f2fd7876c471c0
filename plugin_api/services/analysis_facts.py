"""The few facts of a finished analysis that the merchant dashboard counts, kept in plain columns.

Why: the dashboard used to read every result of the period and parse its JSON (skin, face shape, a dozen
recommendations) on each page load; at 300 analyses a day that was 4 s of a 30-day page
(`benchmarks/dashboard.py`). The job now writes these facts once, when the analysis finishes, and the
dashboard counts them in SQL.

What is kept is what the dashboard shows and nothing more: the Monk tone and undertone only when the widget
showed them (`skin.reliable` true), the face shape's label, the ΔE00 of the store's closest foundation (else
concealer) to a shown tone, and the id, category and title of each recommended product. No pixel, no
measurement beyond those, and the rows go with their analysis (purged after the retention period).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_ID = 255
MAX_CATEGORY = 32
MAX_TITLE = 255
MAX_LABEL = 32


@dataclass(frozen=True)
class RecommendationFact:
    product_id: str
    category: str
    title: str


@dataclass(frozen=True)
class AnalysisFacts:
    shown_monk: int | None = None
    shown_undertone: str | None = None
    face_shape: str | None = None
    closest_shade_delta_e: float | None = None
    recommendations: list[RecommendationFact] = field(default_factory=list)


def facts_from_result(result: Any) -> AnalysisFacts:
    """The dashboard's facts of one result; anything missing or malformed is simply not a fact."""
    if not isinstance(result, dict):
        return AnalysisFacts()
    skin = result.get("skin") if isinstance(result.get("skin"), dict) else {}
    # `reliable` true: the widget showed the shade (false: withheld, the photo falsified colour).
    monk = skin.get("monk") if skin.get("reliable") is True else None
    shown = isinstance(monk, int) and not isinstance(monk, bool) and 1 <= monk <= 10
    shape = result.get("face_shape")
    label = shape.get("label") if isinstance(shape, dict) else None
    return AnalysisFacts(
        shown_monk=monk if shown else None,
        shown_undertone=str(skin["undertone"])[:MAX_LABEL] if shown and skin.get("undertone") else None,
        face_shape=str(label)[:MAX_LABEL] if label else None,
        closest_shade_delta_e=_closest_foundation(result.get("closest_shades")) if shown else None,
        recommendations=_recommendations(result.get("recommendations")),
    )


def _closest_foundation(closest: Any) -> float | None:
    """The foundation range is what coverage is about: a concealer, a touch lighter by design, only stands in
    for it in a store that sells no foundation."""
    by_category: dict[Any, float] = {}
    for item in closest if isinstance(closest, list) else []:
        if isinstance(item, dict) and isinstance(item.get("delta_e"), int | float):
            by_category[item.get("category")] = float(item["delta_e"])
    return by_category.get("foundation", by_category.get("concealer"))


def _recommendations(recommendations: Any) -> list[RecommendationFact]:
    facts = []
    for rec in recommendations if isinstance(recommendations, list) else []:
        if not isinstance(rec, dict) or not rec.get("product_id"):
            continue
        facts.append(
            RecommendationFact(
                str(rec["product_id"])[:MAX_ID],
                str(rec.get("category") or "other")[:MAX_CATEGORY],
                str(rec.get("title") or "")[:MAX_TITLE],
            )
        )
    return facts
