"""Facet inference: pixels in, facts out. Knows nothing of Flask, databases or store platforms.

Public names are imported lazily so that `import inference` stays cheap (torch loads on first use).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_PUBLIC = {
    "analyze_image": "inference.analysis",
    "make_tryon_asset": "inference.tryon",
    "render_tryon": "inference.tryon",
    "place_asset": "inference.tryon",
    "TryOnAsset": "inference.tryon",
    "AssetRejection": "inference.tryon",
    "recommend": "inference.ranking",
    "Recommendation": "inference.ranking",
    "InferenceError": "inference.errors",
    "NoFaceError": "inference.errors",
    "ImageUnreadableError": "inference.errors",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'inference' has no attribute {name!r}")
    return getattr(import_module(module), name)
