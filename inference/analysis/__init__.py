"""Face analysis: capture quality, skin tone (Monk, undertone, season), face shape, concerns and fit.

Public names: `analyze_image(image, *, mesh=False) -> dict` and `warm_up()`.
"""

from __future__ import annotations

from inference.analysis.analyze import analyze_face, analyze_image, warm_up

__all__ = ["analyze_face", "analyze_image", "warm_up"]
