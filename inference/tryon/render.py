"""Draw a placed try-on asset into the photo so it reads as a photograph, not a sticker.

What makes the difference: the frame is warped with the placement's perspective homography from a pre-shrunk
copy (thin rims stay anti-aliased), tinted to the photo's light level and colour cast, casts a soft contact
shadow on the face, and when the head is turned the near temple arm is drawn running back to the ear while
the far one stays hidden behind the face. Only the region of interest around the frame is touched, in
premultiplied alpha, so a 1024 px render costs a few milliseconds (the face mesh is the expensive part, and
is not done here).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from PIL import Image

from inference.errors import NoFaceError
from inference.imageio import load_rgb
from inference.tryon.placement import apply_homography, place_asset

SHADOW_STRENGTH = 0.38


def render_tryon(
    face_image: Any, asset: Any, *, analysis: dict | None = None, face: Any = None
) -> tuple[Image.Image, dict]:
    """Render `asset` on the largest face of `face_image`; return the picture and the placement JSON.

    The mesh comes from `face` (a DetectedFace or 478x3 array), `analysis['face']['mesh']`, or else a new
    `find_faces` run. Raises NoFaceError when the photo has no face.
    """
    if not hasattr(asset, "premultiplied"):
        raise TypeError(f"render_tryon needs a TryOnAsset, got {type(asset).__name__}")
    rgb = load_rgb(face_image)
    if face is None and not ((analysis or {}).get("face") or {}).get("mesh"):
        from inference.face import find_faces  # torch loads on first use

        scan = find_faces(rgb)
        if not scan.faces:
            raise NoFaceError(
                "We couldn't find a face in this photo. Please upload a clear, front-facing selfie."
            )
        face = scan.faces[0]
    placement = place_asset(face, asset, analysis=analysis)
    out = rgb.copy()
    composite(out, asset, placement)
    return Image.fromarray(out), placement


def _octave_homography(h: np.ndarray, asset: Any) -> tuple[np.ndarray, np.ndarray]:
    """Pick the pre-shrunk asset closest to the on-screen scale and adapt the homography to it."""
    w, hh = asset.size
    centre = np.array([[w / 2, hh / 2], [w / 2 + 1, hh / 2], [w / 2, hh / 2 + 1]])
    p = apply_homography(h, centre)
    u, v = p[1] - p[0], p[2] - p[0]
    on_screen = float(np.sqrt(abs(u[0] * v[1] - u[1] * v[0])))
    arr, s = asset.premultiplied(on_screen)
    return h @ np.diag([1 / s, 1 / s, 1.0]), arr


def composite(rgb: np.ndarray, asset: Any, placement: dict) -> np.ndarray:
    """Draw the asset into `rgb` (HxWx3 uint8, modified in place) at `placement`; returns `rgb`."""
    H, W = rgb.shape[:2]
    h = np.asarray(placement["homography"], np.float64)
    h_oct, arr = _octave_homography(h, asset)
    aw, ah = asset.size
    corners = apply_homography(h, [[0, 0], [aw - 1, 0], [aw - 1, ah - 1], [0, ah - 1]])
    arm = _near_arm(asset, placement)
    pts = corners if arm is None else np.concatenate([corners, arm[0]])
    frame_w = float(np.linalg.norm(corners[1] - corners[0]))
    sigma = max(1.0, 0.010 * frame_w)
    drop = 0.028 * frame_w
    pad = int(3 * sigma + drop + 2)
    x0, y0 = np.floor(pts.min(0)).astype(int) - pad
    x1, y1 = np.ceil(pts.max(0)).astype(int) + pad
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(W, x1), min(H, y1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return rgb
    shift = np.array([[1.0, 0, -x0], [0, 1.0, -y0], [0, 0, 1.0]])
    layer = cv2.warpPerspective(
        arr, shift @ h_oct, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT
    )
    if arm is not None:
        _draw_arm_under(layer, arm[0] - [x0, y0], arm[1])
    roi = rgb[y0:y1, x0:x1]
    alpha = layer[..., 3]
    # Contact shadow: the frame's own alpha, blurred and dropped a little (light from above-front).
    shadow = cv2.GaussianBlur(alpha, (0, 0), sigma)
    dy = int(round(drop))
    if dy:
        shadow[dy:] = shadow[:-dy].copy()
        shadow[:dy] = 0
    light = _light_match(roi, alpha)
    keep = 1.0 - alpha
    shade = keep * (1.0 - SHADOW_STRENGTH * shadow * keep)
    out = cv2.multiply(roi, cv2.merge([shade, shade, shade]), dtype=cv2.CV_32F)
    out += layer[..., :3] * light
    roi[...] = cv2.convertScaleAbs(out)
    return rgb


def _light_match(roi: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Per-channel gain (x255) so the frame takes on the photo's exposure and colour cast, mildly."""
    step = 4  # a strided sample is plenty for a mean and keeps this off the render's critical path
    sample = roi[::step, ::step].reshape(-1, 3).astype(np.float32)
    weight = (alpha[::step, ::step] < 0.05).reshape(-1).astype(np.float32)
    if weight.sum() < 16:
        return np.full(3, 255.0, np.float32)
    mean = (sample * weight[:, None]).sum(axis=0) / weight.sum() + 1.0
    level = float(np.clip((mean.mean() / 150.0) ** 0.35, 0.75, 1.1))
    cast = (mean / mean.mean()) ** 0.25
    return (255.0 * level * cast).astype(np.float32)


def _near_arm(asset: Any, placement: dict) -> tuple[np.ndarray, np.ndarray] | None:
    """The visible near temple arm as a quad in image pixels (tapering towards the ear) and its RGB colour."""
    arm = placement.get("temple_arm")
    if not arm:
        return None
    side = 0 if arm["side"] == "left" else 1
    geo = asset.geometry
    hinge = np.asarray(geo["hinge_left" if side == 0 else "hinge_right"], np.float64)
    thick_asset, colour = _hinge_profile(
        np.asarray(asset.image), np.asarray(asset.image)[..., 3], hinge, side
    )
    h = np.asarray(placement["homography"], np.float64)
    ends = apply_homography(h, [hinge - [0, thick_asset / 2], hinge + [0, thick_asset / 2]])
    thick = float(np.linalg.norm(ends[1] - ends[0]))
    start, end = np.asarray(arm["start"], np.float64), np.asarray(arm["end"], np.float64)
    along = end - start
    if np.linalg.norm(along) < 1.0:
        return None
    normal = np.array([-along[1], along[0]]) / np.linalg.norm(along)
    taper = 0.75 * thick
    quad = np.array(
        [
            start - normal * thick / 2,
            start + normal * thick / 2,
            end + normal * taper / 2,
            end - normal * taper / 2,
        ]
    )
    return quad, colour


def _hinge_profile(
    rgba: np.ndarray, alpha: np.ndarray, hinge: np.ndarray, side: int
) -> tuple[float, np.ndarray]:
    """Height of the end piece at the hinge (asset px) and its colour."""
    w = alpha.shape[1]
    span = max(2, int(0.02 * w))
    x = int(round(hinge[0]))
    cols = slice(max(0, x - span), x + 1) if side == 1 else slice(x, min(w, x + span + 1))
    strip = alpha[:, cols] > 128
    rows = np.nonzero(strip.any(axis=1))[0]
    if len(rows) == 0:
        return 4.0, np.array([40.0, 40.0, 40.0])
    thickness = float(min(rows.max() - rows.min() + 1, 0.12 * alpha.shape[0] + 2))
    colour = rgba[:, cols][strip][:, :3].astype(np.float64).mean(axis=0)
    return max(thickness, 2.0), colour


def _draw_arm_under(layer: np.ndarray, quad: np.ndarray, colour: np.ndarray) -> None:
    """Draw the arm (anti-aliased) behind the frame front, in premultiplied alpha."""
    mask = np.zeros(layer.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, np.round(quad * 16).astype(np.int32), 255, lineType=cv2.LINE_AA, shift=4)
    a = mask.astype(np.float32) / 255.0
    # Shade along the arm: slightly darker towards the ear, like the side of a frame facing away from the
    # light.
    rgb = (colour / 255.0 * 0.85).astype(np.float32)
    under = (1.0 - layer[..., 3]) * a
    layer[..., :3] += under[..., None] * rgb
    layer[..., 3] += under
