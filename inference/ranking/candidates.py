"""Candidates and their precomputed matrices, so ranking a whole catalog is a handful of numpy operations.

A `CandidateSet` is built once per catalog version (the service caches it) and holds one *row* per
recommendable item: a product, or — for shade products sold in many variants — one row per shade. Every
column the
scoring needs (category code, main colour in CIELAB, shade undertone, frame shape, frame width, embeddings,
analytics) is an array aligned with the rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inference.catalog.category import CATEGORIES
from inference.catalog.eyewear_shape import FRAME_SHAPES

UNDERTONES: tuple[str, ...] = ("warm", "neutral", "cool")


@dataclass
class Candidate:
    """A product the store could recommend, with its computed features (see inference.catalog.features)."""

    product_id: str
    features: Mapping[str, Any]
    title: str = ""
    category: str | None = None  # overrides features["category"] (e.g. a merchant's manual correction)
    analytics: Mapping[str, float] | None = None  # {"impressions", "clicks", "add_to_carts"} from the store
    payload: Any = None  # opaque, handed back untouched (the service keeps its row/dict here)
    # Variants the platform says are sold out: their shades are never offered, though the product (another
    # shade still in stock) is.
    sold_out_variants: frozenset[str] = frozenset()


@dataclass
class CandidateSet:
    """Column arrays over candidate rows (see module docstring)."""

    candidates: list[Candidate]
    row_candidate: np.ndarray  # (n,) index into candidates
    row_variant: list[str | None]
    row_shade_name: list[str | None]
    category: np.ndarray  # (n,) int index into CATEGORIES
    lab: np.ndarray  # (n, 3) main colour (shade colour for shade rows), NaN when unknown
    is_shade: np.ndarray  # (n,) bool: lab is a measured shade, not just a dominant colour
    undertone: np.ndarray  # (n,) int index into UNDERTONES, -1 unknown
    frame_shape: np.ndarray  # (n,) int index into FRAME_SHAPES, -1 unknown
    frame_width: np.ndarray  # (n,) mm, NaN unknown
    tryon: np.ndarray  # (n,) bool: a try-on asset exists
    embedding_kind: str | None
    embedding: np.ndarray  # (n, d) L2-normalised, zeros where missing/other kind
    has_embedding: np.ndarray  # (n,) bool
    clicks: np.ndarray
    add_to_carts: np.ndarray
    impressions: np.ndarray
    index_by_product: dict[str, np.ndarray] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)  # per-palette ΔE columns and shopper-independent masks

    def __len__(self) -> int:
        return len(self.row_candidate)

    @classmethod
    def build(cls, candidates: Sequence[Candidate]) -> CandidateSet:
        """Flatten candidates into rows and columns (one Python pass; everything after is vectorised)."""
        candidates = list(candidates)
        kind, dim = _embedding_kind(candidates)
        rows: list[tuple] = []
        embeddings: list[np.ndarray | None] = []
        for ci, cand in enumerate(candidates):
            cand_rows, vector = _candidate_rows(ci, cand, kind)
            rows += cand_rows
            embeddings += [vector] * len(cand_rows)

        n = len(rows)
        emb_matrix, has_emb = _embedding_matrix(embeddings, n, dim)
        columns = list(zip(*rows, strict=True)) if rows else [()] * 13
        row_candidate = np.asarray(columns[0], dtype=np.int64)
        index: dict[str, list[int]] = {}
        for i, ci in enumerate(row_candidate):
            index.setdefault(candidates[ci].product_id, []).append(i)
        return cls(
            candidates=candidates,
            row_candidate=row_candidate,
            row_variant=list(columns[1]),
            row_shade_name=list(columns[2]),
            category=np.asarray(columns[3], dtype=np.int64),
            lab=np.asarray(columns[4], dtype=np.float64).reshape(n, 3),
            is_shade=np.asarray(columns[5], dtype=bool),
            undertone=np.asarray(columns[6], dtype=np.int64),
            frame_shape=np.asarray(columns[7], dtype=np.int64),
            frame_width=np.asarray(columns[8], dtype=np.float64),
            tryon=np.asarray(columns[9], dtype=bool),
            embedding_kind=kind,
            embedding=emb_matrix,
            has_embedding=has_emb,
            clicks=np.asarray(columns[10], dtype=np.float64),
            add_to_carts=np.asarray(columns[11], dtype=np.float64),
            impressions=np.asarray(columns[12], dtype=np.float64),
            index_by_product={k: np.asarray(v) for k, v in index.items()},
        )


def _embedding_kind(candidates: list[Candidate]) -> tuple[str | None, int]:
    """The embedding kind most candidates have, and its length (None, 0 when none has one): vectors of
    different models cannot be compared, so the set uses the majority's only."""
    kinds: dict[str, int] = {}
    for cand in candidates:
        emb = cand.features.get("embedding") or {}
        if emb.get("vector"):
            kinds[emb.get("kind", "")] = kinds.get(emb.get("kind", ""), 0) + 1
    kind = max(kinds, key=kinds.get) if kinds else None
    dim = 0
    if kind is not None:
        dim = next(
            len(c.features["embedding"]["vector"])
            for c in candidates
            if (c.features.get("embedding") or {}).get("kind") == kind
        )
    return kind, dim


def _category_code(cand: Candidate) -> int:
    """The candidate's category as an index into CATEGORIES: the merchant's, else the classifier's, else
    "other" (also for a name the ranking does not know)."""
    cat_name = cand.category or cand.features.get("category") or "other"
    if isinstance(cat_name, dict):
        cat_name = cat_name.get("category") or "other"
    return CATEGORIES.index(cat_name) if cat_name in CATEGORIES else CATEGORIES.index("other")


def _candidate_rows(ci: int, cand: Candidate, kind: str | None) -> tuple[list[tuple], np.ndarray | None]:
    """One candidate's rows (one per shade still in stock for a shade product, else one), each a tuple in
    `build`'s column order, and its embedding vector (None unless of the set's `kind`), shared by its rows."""
    feats = cand.features
    cat = _category_code(cand)
    colours = feats.get("colours") or []
    main = colours[0]["lab"] if colours else (np.nan, np.nan, np.nan)
    eyewear = feats.get("eyewear") or {}
    shape = (eyewear.get("frame_shape") or {}).get("label")
    shape_idx = FRAME_SHAPES.index(shape) if shape in FRAME_SHAPES else -1
    width = ((eyewear.get("frame_mm") or {}).get("total_width_mm")) or np.nan
    has_tryon = bool((eyewear.get("tryon") or {}).get("ok"))
    stats = cand.analytics or {}
    analytics = (stats.get("clicks", 0), stats.get("add_to_carts", 0), stats.get("impressions", 0))
    emb = feats.get("embedding") or {}
    vector = np.asarray(emb["vector"], dtype=np.float64) if emb.get("kind") == kind and kind else None
    shades = feats.get("shades") or []
    if not shades:
        return [(ci, None, None, cat, main, False, -1, shape_idx, width, has_tryon, *analytics)], vector
    rows = []
    for shade in shades:
        if str(shade.get("variant_id")) in cand.sold_out_variants:
            continue
        tone = shade.get("undertone")
        rows.append(
            (
                ci,
                shade.get("variant_id"),
                shade.get("name"),
                cat,
                shade["lab"],
                True,
                UNDERTONES.index(tone) if tone in UNDERTONES else -1,
                shape_idx,
                width,
                has_tryon,
                *analytics,
            )
        )
    return rows, vector


def _embedding_matrix(embeddings: list[np.ndarray | None], n: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, dim) embedding matrix with zeros where a row has none (or one of another length), and the mask of
    rows that have one."""
    # float64 on purpose: this OpenBLAS build runs small float32 GEMMs ~400x slower than float64 ones.
    emb_matrix = np.zeros((n, dim), dtype=np.float64)
    has_emb = np.zeros(n, dtype=bool)
    for i, vector in enumerate(embeddings):
        if vector is not None and len(vector) == dim:
            emb_matrix[i] = vector
            has_emb[i] = True
    return emb_matrix, has_emb
