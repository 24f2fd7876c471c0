"""Ranking a store's catalog for one shopper: `recommend(analysis, candidates, *, limit, context)`.

Public names: `recommend`, `judge` (the page's own product for this shopper), `Recommendation`,
`RecommendContext`, `Candidate`, `CandidateSet`, and `LANGUAGES` (the languages reasons are written in).
"""

from __future__ import annotations

from inference.ranking.candidates import Candidate, CandidateSet
from inference.ranking.recommend import Recommendation, RecommendContext, judge, recommend
from inference.ranking.rules import fit_verdict
from inference.ranking.wording import LANGUAGES, supported_language

__all__ = [
    "LANGUAGES",
    "Candidate",
    "CandidateSet",
    "RecommendContext",
    "Recommendation",
    "fit_verdict",
    "judge",
    "recommend",
    "supported_language",
]
