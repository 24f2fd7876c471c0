"""Steps that add to a finished analysis result (recommendations, try-on placements, the shopper's language).

Each enricher takes the `Analysis` and the engine's result dict and returns the dict to store (it may modify
and return the same dict). They run in order after the analysis engine succeeded. An enricher that raises is
logged and skipped: a shopper still gets their analysis when, say, the catalog is being re-synced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plugin_api.models import Analysis

Enricher = Callable[[Analysis, dict[str, Any]], dict[str, Any]]


def result_enrichers() -> tuple[Enricher, ...]:
    """The enrichers to run, in order. Imported here (lazily) to keep job start-up cheap."""
    from plugin_api.services.localisation import localise_analysis
    from plugin_api.services.recommendations import enrich_analysis

    return (enrich_analysis, localise_analysis)
