"""Face Mesh v2 stage: a rotated square crop around each face, the network, and the inverse mapping.

Coordinates are continuous pixel coordinates (pixel i spans [i, i+1]), the convention MediaPipe's normalised
landmarks use when multiplied by the image size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import torch

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
        """Return the 2×3 affine taking crop pixels (continuous) to image pixels (continuous)."""
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
    """Sample the rotated square into a size×size uint8 crop (zero outside the image).

    Large faces are first shrunk with area averaging, so a 2,000 px face doesn't alias at 256 px.
    """
    forward = rect.crop_to_image(size)
    source, offset, zoom = rgb, np.zeros(2), 1.0
    shrink = size / rect.side
    if shrink < 0.5:
        # Cut the axis-aligned bounds of the rotated square, then resize that region with INTER_AREA.
        square = np.array([[0, 0, 1], [size, 0, 1], [0, size, 1], [size, size, 1]], dtype=np.float64)
        corners = forward @ square.T
        h, w = rgb.shape[:2]
        x0, y0 = max(int(corners[0].min()) - 2, 0), max(int(corners[1].min()) - 2, 0)
        x1, y1 = min(int(math.ceil(corners[0].max())) + 2, w), min(int(math.ceil(corners[1].max())) + 2, h)
        if x1 > x0 and y1 > y0:
            zoom = shrink * 1.5  # keep a little more than the crop's resolution for the final bilinear sample
            region = rgb[y0:y1, x0:x1]
            nw, nh = max(1, round((x1 - x0) * zoom)), max(1, round((y1 - y0) * zoom))
            source = cv2.resize(region, (nw, nh), interpolation=cv2.INTER_AREA)
            offset = np.array([x0, y0], dtype=np.float64)
            zoom_x, zoom_y = nw / (x1 - x0), nh / (y1 - y0)
            forward = np.diag([zoom_x, zoom_y]) @ (forward - np.c_[np.zeros((2, 2)), offset])
    # cv2 samples pixel centres at integer coordinates: shift the continuous mapping by half a pixel.
    to_index = forward.copy()
    to_index[:, 2] += forward[:, :2] @ np.array([0.5, 0.5]) - 0.5
    return cv2.warpAffine(
        source, to_index, (size, size), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0),
    )  # fmt: skip


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
