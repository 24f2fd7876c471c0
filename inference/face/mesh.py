"""Face Mesh v2 stage: a rotated square crop around each face, the network, and the inverse mapping.

Coordinates follow MediaPipe's convention (see `geometry.py`): pixel (i, j) is centred on integer coordinates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from inference.face.geometry import warp
from inference.face.models import FaceModels
from inference.face.topology import FLIP_INDEX

CROP_SCALE = 1.5  # MediaPipe's RectTransformation scale for face detections and for landmark-based re-crops
# Mesh points whose line sets the roll of a re-crop from a previous mesh (MediaPipe's tracking rectangle).
RIGHT_EYE_OUTER, LEFT_EYE_OUTER = 33, 263


@dataclass(frozen=True)
class CropRect:
    """A rotated square in image pixels: centre, side and rotation (radians, image y down)."""

    cx: float
    cy: float
    side: float
    rotation: float

    def crop_to_image(self, size: int) -> np.ndarray:
        """Return the 2×3 affine taking crop pixel coordinates to image pixel coordinates."""
        s = self.side / size
        c, n = math.cos(self.rotation) * s, math.sin(self.rotation) * s
        half = size / 2
        return np.array(
            [[c, -n, self.cx - c * half + n * half], [n, c, self.cy - n * half - c * half]], dtype=np.float64
        )


def rect_from_points(
    box: np.ndarray, start: np.ndarray, end: np.ndarray, scale: float = CROP_SCALE
) -> CropRect:
    """Square crop around `box` (x0, y0, x1, y1), rotated so the line start → end (eye to eye) is level."""
    rotation = -math.atan2(-(float(end[1]) - float(start[1])), float(end[0]) - float(start[0]))
    rotation = (rotation + math.pi) % (2 * math.pi) - math.pi
    side = max(float(box[2] - box[0]), float(box[3] - box[1])) * scale
    return CropRect((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, max(side, 1.0), rotation)


def rect_from_mesh(points: np.ndarray) -> CropRect:
    """Re-crop from a previous mesh: its bounds, rolled by the outer eye corners (MediaPipe's tracking)."""
    xy = points[:, :2]
    box = np.array([*xy.min(axis=0), *xy.max(axis=0)])
    return rect_from_points(box, xy[RIGHT_EYE_OUTER], xy[LEFT_EYE_OUTER])


def crop(rgb: np.ndarray, rect: CropRect, size: int) -> np.ndarray:
    """Sample the rotated square into a size×size uint8 crop (edge pixels repeated outside the image)."""
    return warp(rgb, rect.crop_to_image(size), size, replicate_border=True)


def run_mesh(
    models: FaceModels, rgb: np.ndarray, rects: list[CropRect], *, mirror: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Run Face Mesh v2 on every rect in one batch; return (N×478×3 image-pixel points, N presence probs).

    `mirror` adds each crop mirrored left-right to the same batch and averages the two meshes (and presences)
    after mapping the mirrored one back: x → size − x, points renamed by `FLIP_INDEX`. The average reduces the
    network's left/right-asymmetric errors; on CUHK (benchmarks/face_landmarks.py) it took the failures from
    2.4 % to 1.8 % for ~0.8 of a mesh pass more CPU (a batch of 2 is ~15 % cheaper than 2 batches of 1).
    Why size − x and not size − 1 − x: the network's x behaves as if pixel i spans [i, i + 1); the mirrored
    pass then agrees with the direct one to −0.14 crop px on average over 1,524 CUHK faces (−1.14 px with
    size − 1), and the choice on the even lines also favoured it (failures 1.57 % vs 1.70 %).
    """
    size = models.config.mesh_size
    crops = np.stack([crop(rgb, rect, size) for rect in rects])
    if mirror:
        crops = np.concatenate([crops, crops[:, :, ::-1]])
    batch = torch.from_numpy(np.ascontiguousarray(crops)).to(models.device).permute(0, 3, 1, 2).float()
    lo, hi = models.config.mesh_range
    batch = batch.mul_((hi - lo) / 255.0).add_(lo).contiguous(memory_format=models.memory_format)
    with torch.inference_mode():
        landmarks, presence_logit = models.mesh(batch)
    landmarks = landmarks.float().cpu().numpy().astype(np.float64)
    presence = torch.sigmoid(presence_logit).float().cpu().numpy().reshape(len(crops))
    if mirror:
        n = len(rects)
        mirrored = landmarks[n:][:, FLIP_INDEX]
        mirrored[..., 0] = size - mirrored[..., 0]
        landmarks = (landmarks[:n] + mirrored) / 2
        presence = (presence[:n] + presence[n:]) / 2
    points = np.empty(landmarks.shape, dtype=np.float32)
    for i, rect in enumerate(rects):
        affine = rect.crop_to_image(size)
        points[i, :, :2] = landmarks[i, :, :2] @ affine[:, :2].T + affine[:, 2]
        points[i, :, 2] = landmarks[i, :, 2] * (rect.side / size)
    return points, presence
