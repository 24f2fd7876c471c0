"""Virtual eyewear try-on: assets cut from catalog photos, metric placement on the face mesh, compositing.

Public names: `make_tryon_asset(photo, *, frame_mm=None) -> TryOnAsset | AssetRejection`,
`place_asset(face, asset, *, analysis=None) -> placement dict` (the homography the widget draws with),
`render_tryon(face_image, asset, *, analysis=None) -> (PIL.Image, placement)`, `parse_frame_size`, and the
procedural product-photo generator in `inference.tryon.generator`.
"""

from __future__ import annotations

from inference.tryon.asset import AssetRejection, TryOnAsset, make_tryon_asset
from inference.tryon.frame_size import FrameSize, parse_frame_size
from inference.tryon.placement import apply_homography, place_asset
from inference.tryon.render import composite, render_tryon

__all__ = [
    "AssetRejection",
    "FrameSize",
    "TryOnAsset",
    "apply_homography",
    "composite",
    "make_tryon_asset",
    "parse_frame_size",
    "place_asset",
    "render_tryon",
]
