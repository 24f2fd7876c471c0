"""Face detection and the 478-point face mesh: a PyTorch port of MediaPipe's Face Landmarker.

Public names: `find_faces(rgb, *, max_faces=5) -> FaceScan`, `FaceScan`, `DetectedFace`, and mesh indices
(`LEFT_IRIS`, `RIGHT_IRIS` for the image-left/-right iris centres, ...). Weights ship in `inference/weights/`.
"""

from __future__ import annotations

from inference.face.pipeline import DetectedFace, FaceScan, find_faces

__all__ = ["DetectedFace", "FaceScan", "find_faces"]
