"""`find_faces`: detection over the whole photo (plus a tiled pass for small faces), then a mesh per face."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from inference.face.detector import Detection, detect, iou
from inference.face.mesh import rect_from_mesh, rect_from_points, run_mesh
from inference.face.models import load_face_models

MIN_PRESENCE = 0.5  # MediaPipe's default min_face_presence_confidence
# The 128 px detector finds faces down to ≈ 12 % of the image's long side (≈ 15 px in its input; measured on
# the astronaut pasted into larger canvases). When that pass finds nothing, the same fully convolutional
# network runs once more on a 512 px letterbox (4× denser anchors), which finds faces down to ≈ 3 % of the
# long side (e.g. a 120 px face in a 4,000 px photo) for ~16× the detector's cost.
SMALL_FACE_SIZE = 512
MIN_SIDE_FOR_SMALL_FACES = 384  # below this a 3 % face is < 12 px: too small to analyse anyway


@dataclass(frozen=True)
class DetectedFace:
    """One face: detector box/score/key points and the 478-point mesh, all in image pixels."""

    box: tuple[float, float, float, float]
    score: float
    keypoints: np.ndarray  # 6×2: right eye, left eye, nose tip, mouth centre, right tragion, left tragion
    mesh: np.ndarray  # 478×3 float32: x, y image pixels, z (relative depth) on the same scale
    presence: float  # the mesh network's face-presence probability

    @property
    def area(self) -> float:
        """Box area in square pixels (faces are sorted by it)."""
        return max(self.box[2] - self.box[0], 0.0) * max(self.box[3] - self.box[1], 0.0)


@dataclass(frozen=True)
class FaceScan:
    """All faces found in one image, largest first, the image size (width, height) and stage timings."""

    faces: list[DetectedFace]
    image_size: tuple[int, int]
    timing_ms: dict[str, float] = field(default_factory=dict)  # "detect", "mesh" (wall clock)


def _detect_all(rgb: np.ndarray, thorough: bool) -> list[Detection]:
    """Whole-image pass at 128 px; a 512 px pass for small faces when it finds nothing (or `thorough`)."""
    models = load_face_models()
    found = detect(models, rgb)
    if (found and not thorough) or max(rgb.shape[:2]) < MIN_SIDE_FOR_SMALL_FACES:
        return found
    # Keep the 128 px detections (better boxes for large faces) and add small faces that overlap none.
    for det in detect(models, rgb, SMALL_FACE_SIZE):
        if all(iou(det.box, kept.box) < 0.3 for kept in found):
            found.append(det)
    return found


def find_faces(
    rgb: np.ndarray,
    *,
    max_faces: int = 5,
    thorough: bool = False,
    refine: bool = False,
    mirror: bool = True,
) -> FaceScan:
    """Find up to `max_faces` faces in an HxWx3 uint8 RGB image and fit a 478-point mesh to each.

    `thorough` always runs the 512 px small-face pass (by default it runs only when the 128 px pass finds
    nothing). `refine` re-runs the mesh from the first mesh's own bounds, as MediaPipe does between frames.
    `mirror` (default) averages each mesh with the mesh of the mirrored crop (see `run_mesh`): fewer gross
    errors and less jitter; `mirror=False` is MediaPipe's single pass (what benchmarks/parity.py compares).
    Returns an empty list when there is no face: the caller decides what that means (`NoFaceError`).
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"find_faces expects HxWx3 uint8 RGB, got {rgb.shape} {rgb.dtype}")
    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    start = time.perf_counter()
    detections = sorted(_detect_all(rgb, thorough), key=lambda d: d.area, reverse=True)[: max(max_faces, 0)]
    timing = {"detect": (time.perf_counter() - start) * 1000}
    if not detections:
        return FaceScan([], (w, h), timing)
    start = time.perf_counter()
    models = load_face_models()
    rects = [rect_from_points(d.box, d.keypoints[0], d.keypoints[1]) for d in detections]
    meshes, presence = run_mesh(models, rgb, rects, mirror=mirror)
    if refine:
        meshes, presence = run_mesh(models, rgb, [rect_from_mesh(m) for m in meshes], mirror=mirror)
    timing["mesh"] = (time.perf_counter() - start) * 1000
    faces = [
        DetectedFace(tuple(map(float, d.box)), d.score, d.keypoints.astype(np.float32), meshes[i], float(p))
        for i, (d, p) in enumerate(zip(detections, presence, strict=True))
        if p >= MIN_PRESENCE
    ]
    faces.sort(key=lambda f: f.area, reverse=True)
    return FaceScan(faces, (w, h), timing)
