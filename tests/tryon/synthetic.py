"""Synthetic negatives for the rejection codes (the shared 3/4 renders are research data and cannot ship)."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from inference.tryon.generator import EyewearSpec, generate_eyewear_photo


def three_quarter_view(spec: EyewearSpec) -> Image.Image:
    """A front-view photo turned ~50 deg: the far half foreshortened and the near temple arm running back."""
    photo, truth = generate_eyewear_photo(spec)
    rgb = np.asarray(photo)
    h, w = rgb.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[0.05 * w, 0.02 * h], [0.62 * w, 0.14 * h], [0.62 * w, 0.86 * h], [0.05 * w, 0.98 * h]])
    m = cv2.getPerspectiveTransform(src, dst)
    bg = tuple(int(v) for v in spec.background_rgb)
    turned = cv2.warpPerspective(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=bg)
    hinge = cv2.perspectiveTransform(np.float32([[truth.hinge_right]]), m)[0, 0]
    end = (int(0.97 * w), int(hinge[1] - 0.05 * h))
    thickness = max(3, int(0.012 * w))
    cv2.line(
        turned,
        (int(hinge[0]), int(hinge[1])),
        end,
        tuple(int(c) for c in spec.frame_rgb),
        thickness,
        cv2.LINE_AA,
    )
    return Image.fromarray(turned)


def busy_background(spec: EyewearSpec, seed: int = 0) -> Image.Image:
    """The frame photographed on a cluttered table: random coloured blobs and texture behind it."""
    photo, truth = generate_eyewear_photo(spec)
    rng = np.random.default_rng(seed)
    h, w = truth.alpha.shape
    clutter = np.zeros((h, w, 3), np.uint8)
    for _ in range(60):
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        axes = (int(rng.integers(10, w // 6)), int(rng.integers(10, h // 4)))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        cv2.ellipse(clutter, centre, axes, float(rng.uniform(0, 180)), 0, 360, colour, -1)
    clutter = cv2.GaussianBlur(clutter, (0, 0), 2) + rng.normal(0, 6, clutter.shape)
    a = truth.alpha[..., None]
    # Put the frame over the clutter where it is opaque; lenses show the clutter through them.
    front = np.asarray(photo, np.float32)
    out = front * a + np.clip(clutter, 0, 255) * (1 - a)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def blank(width: int = 480, height: int = 240, grey: int = 250, seed: int = 0) -> Image.Image:
    """An empty studio shot: just the background and sensor noise."""
    rng = np.random.default_rng(seed)
    arr = np.full((height, width, 3), grey, np.float32) + rng.normal(0, 1.5, (height, width, 3))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def mug(width: int = 480, height: int = 320) -> Image.Image:
    """A product that is not eyewear: a mug with a handle, on white."""
    arr = np.full((height, width, 3), 252, np.uint8)
    cv2.rectangle(
        arr, (int(0.3 * width), int(0.2 * height)), (int(0.6 * width), int(0.85 * height)), (40, 90, 160), -1
    )
    cv2.ellipse(
        arr,
        (int(0.62 * width), int(0.5 * height)),
        (int(0.08 * width), int(0.15 * height)),
        0,
        -90,
        90,
        (40, 90, 160),
        int(0.03 * width),
    )
    return Image.fromarray(arr)


def transparent_png(spec: EyewearSpec) -> Image.Image:
    """The frame as a cut-out PNG (how some stores upload product images): true alpha, colour un-mixed."""
    photo, truth = generate_eyewear_photo(spec)
    rgb = np.asarray(photo).astype(np.float32)
    a = truth.alpha[..., None]
    bg = np.array(spec.background_rgb, np.float32)
    colour = np.where(a > 0.02, (rgb - (1 - a) * bg) / np.maximum(a, 0.02), 0)
    rgba = np.dstack([np.clip(colour, 0, 255), np.clip(truth.alpha * 255, 0, 255)]).astype(np.uint8)
    return Image.fromarray(rgba)
