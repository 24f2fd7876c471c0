"""Catalog intelligence: what a product is, its colours and shades, its frame shape, and a visual embedding.

Public names: `compute_product_features`, `extract_product_features`, `ProductInfo`, `detect_category`,
`dominant_colours`, `classify_frame_shape`, `get_embedder`, `EmbeddingConfig`.
"""

from __future__ import annotations

from inference.catalog.category import CATEGORIES, detect_category
from inference.catalog.colours import dominant_colours, shade_from_swatch, shade_from_text
from inference.catalog.embedding import EmbeddingConfig, EmbeddingStatus, get_embedder
from inference.catalog.eyewear_shape import FRAME_SHAPES, classify_frame_shape
from inference.catalog.features import (
    FEATURES_VERSION,
    FeatureResult,
    ProductInfo,
    compute_product_features,
    extract_product_features,
    parse_frame_size,
)

compute_features = compute_product_features  # the name docs/architecture.md uses

__all__ = [
    "CATEGORIES",
    "FEATURES_VERSION",
    "FRAME_SHAPES",
    "EmbeddingConfig",
    "EmbeddingStatus",
    "FeatureResult",
    "ProductInfo",
    "classify_frame_shape",
    "compute_features",
    "compute_product_features",
    "detect_category",
    "dominant_colours",
    "extract_product_features",
    "get_embedder",
    "parse_frame_size",
    "shade_from_swatch",
    "shade_from_text",
]
