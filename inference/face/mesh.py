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


def run_mesh(models: FaceModels, rgb: np.ndarray, rects: list[CropRect]) -> tuple[np.ndarray, np.ndarray]:
    """Run Face Mesh v2 on every rect in one batch; return (N×478×3 image-pixel points, N presence probs)."""
    size = models.config.mesh_size
    crops = np.stack([crop(rgb, rect, size) for rect in rects])
    batch = torch.from_numpy(crops).to(models.device).permute(0, 3, 1, 2).float()
    lo, hi = models.config.mesh_range
    batch = batch.mul_((hi - lo) / 255.0).add_(lo).contiguous(memory_format=models.memory_format)
    with torch.inference_mode():
        landmarks, presence_logit = models.mesh(batch)
    landmarks = landmarks.float().cpu().numpy().astype(np.float64)
    presence = torch.sigmoid(presence_logit).float().cpu().numpy()
    points = np.empty(landmarks.shape, dtype=np.float32)
    for i, rect in enumerate(rects):
        affine = rect.crop_to_image(size)
        points[i, :, :2] = landmarks[i, :, :2] @ affine[:, :2].T + affine[:, 2]
        points[i, :, 2] = landmarks[i, :, 2] * (rect.side / size)
    return points, presence
