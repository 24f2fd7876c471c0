"""BlazeFace decoding: letterbox, 896 SSD anchors, score threshold and MediaPipe's weighted NMS."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch

from inference.face.geometry import warp
from inference.face.models import FaceModels

MIN_SCORE = 0.5  # MediaPipe's default min_detection_confidence
NMS_IOU = 0.3  # MediaPipe's face detector min_suppression_threshold
SCORE_CLIP = 100.0


@dataclass(frozen=True)
class Detection:
    """One face from the detector, in image pixels: box (x0, y0, x1, y1), score, 6 key points (x, y)."""

    box: np.ndarray
    score: float
    keypoints: np.ndarray

    @property
    def area(self) -> float:
        return float(max(self.box[2] - self.box[0], 0) * max(self.box[3] - self.box[1], 0))


@functools.lru_cache(maxsize=4)
def anchors(size: int) -> np.ndarray:
    """Anchor centres (x, y) in [0, 1] for a size×size input: stride 8 → 2 per cell, stride 16 → 6 per cell.

    At the trained size (128) that is MediaPipe's 896 anchors (16×16×2 + 8×8×6). The network is fully
    convolutional and regresses offsets in input pixels, so a larger input just means a denser grid.
    """
    centres = []
    for stride, per_cell in ((8, 2), (16, 6)):
        grid = size // stride
        ys, xs = np.meshgrid(np.arange(grid), np.arange(grid), indexing="ij")
        cells = np.stack([(xs + 0.5) / grid, (ys + 0.5) / grid], axis=-1).reshape(-1, 1, 2)
        centres.append(np.repeat(cells, per_cell, axis=1).reshape(-1, 2))
    return np.concatenate(centres).astype(np.float32)


@dataclass(frozen=True)
class Letterbox:
    """How the image was fitted into the square detector input: input = image * scale + pad."""

    scale: float
    pad_x: float
    pad_y: float

    def to_image(self, points: np.ndarray) -> np.ndarray:
        """Map (..., 2) detector-input pixels back to image pixels."""
        out = np.empty_like(points)
        out[..., 0] = (points[..., 0] - self.pad_x) / self.scale
        out[..., 1] = (points[..., 1] - self.pad_y) / self.scale
        return out


def letterbox(rgb: np.ndarray, size: int) -> tuple[np.ndarray, Letterbox]:
    """Fit `rgb` into a size×size black canvas keeping its aspect ratio, centred (as MediaPipe does)."""
    h, w = rgb.shape[:2]
    scale = size / max(h, w)
    pad_x, pad_y = (size - w * scale) / 2, (size - h * scale) / 2
    dst_to_src = np.array([[1 / scale, 0, -pad_x / scale], [0, 1 / scale, -pad_y / scale]])
    box = Letterbox(scale=scale, pad_x=pad_x, pad_y=pad_y)
    return warp(rgb, dst_to_src, size), box


def run_detector(models: FaceModels, inputs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Run BlazeFace on a batch of square uint8 RGB canvases; return (N×A×16 regressors, N×A scores)."""
    batch = torch.from_numpy(np.stack(inputs)).to(models.device).permute(0, 3, 1, 2).float()
    lo, hi = models.config.detector_range
    batch = batch.mul_((hi - lo) / 255.0).add_(lo).contiguous(memory_format=models.memory_format)
    with torch.inference_mode():
        boxes, logits = models.detector(batch)
    scores = torch.sigmoid(logits.clamp(-SCORE_CLIP, SCORE_CLIP))
    return boxes.float().cpu().numpy(), scores.float().cpu().numpy()


def decode(
    raw: np.ndarray, scores: np.ndarray, size: int, box: Letterbox, min_score: float
) -> list[Detection]:
    """Turn one image's anchor outputs into detections in image pixels (before NMS)."""
    keep = np.flatnonzero(scores >= min_score)
    grid = anchors(size)
    out = []
    for i in keep:
        r = raw[i] / size
        cx, cy = r[0] + grid[i, 0], r[1] + grid[i, 1]
        half_w, half_h = r[2] / 2, r[3] / 2
        corners = np.array([[cx - half_w, cy - half_h], [cx + half_w, cy + half_h]], dtype=np.float32) * size
        points = (r[4:16].reshape(6, 2) + grid[i]) * size
        out.append(Detection(box.to_image(corners).reshape(4), float(scores[i]), box.to_image(points)))
    return out


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two (x0, y0, x1, y1) boxes."""
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def weighted_nms(detections: list[Detection], threshold: float = NMS_IOU) -> list[Detection]:
    """MediaPipe's WEIGHTED suppression: overlapping boxes are averaged by score; the top score is kept."""
    remaining = sorted(detections, key=lambda d: d.score, reverse=True)
    merged = []
    while remaining:
        top = remaining[0]
        overlapping = [d for d in remaining if iou(top.box, d.box) > threshold]
        overlapping = overlapping or [top]
        remaining = [d for d in remaining if all(d is not o for o in overlapping)]
        weights = np.array([d.score for d in overlapping], dtype=np.float32)
        weights /= weights.sum()
        box = np.einsum("n,nk->k", weights, np.stack([d.box for d in overlapping]))
        points = np.einsum("n,nkc->kc", weights, np.stack([d.keypoints for d in overlapping]))
        merged.append(Detection(box.astype(np.float32), top.score, points.astype(np.float32)))
    return merged


def detect(
    models: FaceModels, rgb: np.ndarray, size: int | None = None, min_score: float = MIN_SCORE
) -> list[Detection]:
    """Detect faces in the whole image letterboxed to size×size (default: the trained 128), merged by NMS."""
    size = size or models.config.detector_size
    canvas, box = letterbox(rgb, size)
    raw, scores = run_detector(models, [canvas])
    return weighted_nms(decode(raw[0], scores[0], size, box, min_score))
