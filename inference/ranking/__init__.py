"""Ranking a store's catalog for one shopper: `recommend(analysis, candidates, *, limit, context)`.

Public names: `recommend`, `Recommendation`, `RecommendContext`, `Candidate`, `CandidateSet`.
"""

from __future__ import annotations

from inference.ranking.candidates import Candidate, CandidateSet
from inference.ranking.recommend import Recommendation, RecommendContext, recommend
from inference.ranking.rules import fit_verdict

__all__ = ["Candidate", "CandidateSet", "RecommendContext", "Recommendation", "fit_verdict", "recommend"]
