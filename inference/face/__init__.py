"""Face detection and the 478-point face mesh: a PyTorch port of MediaPipe's Face Landmarker.

Public names: `find_faces(rgb, *, max_faces=5, thorough=False, refine=False, mirror=True) -> FaceScan`,
`FaceScan`, `DetectedFace`. Weights ship in `inference/weights/` (converted once by `inference/tools/`).

Mesh indices follow MediaPipe's canonical topology: 468 is the iris centre of the subject's right eye
(image-left for a face looking at the camera), 473 the other; nose tip 1; mouth corners 61 (image-left), 291.
Smallest face found: ≈ 12 % of the image's long side in the default pass, ≈ 3 % when nothing was found there
(a second, 512 px pass; always with `thorough=True`). Faces of 25-40 px (CUHK crops) still get a usable mesh
(benchmarks/face_landmarks.py).
"""

from __future__ import annotations

from inference.face.pipeline import DetectedFace, FaceScan, find_faces

__all__ = ["DetectedFace", "FaceScan", "find_faces"]
