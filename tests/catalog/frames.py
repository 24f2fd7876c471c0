"""Draw front-view frame silhouettes of known shape (RGBA) for the frame-shape rules' tests.

Independent of the try-on generator on purpose: these tests pin the outline rules themselves.
"""

from __future__ import annotations

import cv2
import numpy as np


def lens_outline(shape: str, w: float, h: float, n: int = 180) -> np.ndarray:
    """Closed outline of the image-left lens centred at 0, outer (temple) side at negative x."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    x, y = np.cos(t) * w / 2, np.sin(t) * h / 2  # y down
    if shape in {"round", "oval"}:
        return np.stack([x, y], axis=1)
    if shape in {"rectangle", "square"}:
        p = 8.0  # superellipse: nearly a rectangle with slightly rounded corners
        x = np.sign(np.cos(t)) * np.abs(np.cos(t)) ** (2 / p) * w / 2
        y = np.sign(np.sin(t)) * np.abs(np.sin(t)) ** (2 / p) * h / 2
        return np.stack([x, y], axis=1)
    if shape == "wayfarer":
        top, bottom = w / 2, w / 2 * 0.72
        pts = [(-top, -h / 2), (top, -h / 2), (bottom, h / 2), (-bottom, h / 2)]
        return _rounded(np.array(pts), n)
    if shape == "aviator":
        pts = [
            (-w / 2, -h / 2),
            (w / 2, -h / 2),
            (w / 2 * 0.7, h * 0.05),
            (w * 0.05, h / 2),
            (-w * 0.3, h * 0.45),
            (-w / 2, h * 0.1),
        ]
        return _rounded(np.array(pts), n, smooth=9)
    if shape == "cat-eye":
        pts = [
            (-w / 2, -h * 0.75),
            (-w * 0.1, -h / 2),
            (w / 2, -h * 0.38),
            (w * 0.42, h * 0.3),
            (0, h / 2),
            (-w * 0.38, h * 0.3),
        ]
        return _rounded(np.array(pts), n, smooth=5)
    if shape == "geometric":
        angles = np.linspace(0, 2 * np.pi, 7)[:-1] + np.pi / 6
        return np.stack([np.cos(angles) * w / 2, np.sin(angles) * h / 2], axis=1)
    raise ValueError(shape)


def _rounded(polygon: np.ndarray, n: int, smooth: int = 3) -> np.ndarray:
    closed = np.vstack([polygon, polygon[:1]])
    seg = np.linalg.norm(np.diff(closed, axis=0), axis=1)
    s = np.concatenate([[0], np.cumsum(seg)])
    u = np.linspace(0, s[-1], n, endpoint=False)
    pts = np.stack([np.interp(u, s, closed[:, 0]), np.interp(u, s, closed[:, 1])], axis=1)
    kernel = np.ones(smooth) / smooth
    padded = np.vstack([pts[-smooth:], pts, pts[:smooth]])
    out = np.stack([np.convolve(padded[:, i], kernel, mode="same") for i in range(2)], axis=1)
    return out[smooth:-smooth]


def draw_frame(
    shape: str,
    *,
    lens_w: int = 120,
    lens_h: int | None = None,
    rim: int = 7,
    colour: tuple[int, int, int] = (30, 30, 30),
    browline: bool = False,
) -> tuple[np.ndarray, dict]:
    """RGBA front view of a frame with clear lenses, plus its geometry (bridge and lens centres in pixels)."""
    aspect = {
        "round": 1.0,
        "oval": 1.45,
        "rectangle": 1.75,
        "square": 1.08,
        "wayfarer": 1.45,
        "aviator": 1.15,
        "cat-eye": 1.6,
        "geometric": 1.1,
        "browline": 1.5,
    }[shape]
    lens_h = lens_h or int(lens_w / aspect)
    bridge = int(lens_w * 0.18)
    width, height = 2 * lens_w + bridge + 80, int(lens_h * 1.9) + 40
    canvas = np.zeros((height, width, 4), dtype=np.uint8)
    cy = height // 2
    centres = [(40 + lens_w // 2, cy), (width - 40 - lens_w // 2, cy)]
    outline_shape = "oval" if shape == "browline" else shape
    for i, (cx, cy_) in enumerate(centres):
        pts = lens_outline(outline_shape, lens_w, lens_h)
        if i == 1:
            pts[:, 0] = -pts[:, 0]  # mirror for the image-right lens
        poly = np.round(pts + [cx, cy_]).astype(np.int32)
        if browline or shape == "browline":
            cv2.polylines(canvas, [poly], True, (*colour, 255), max(2, rim // 4), cv2.LINE_AA)
            top = poly[poly[:, 1] < cy_ - lens_h * 0.15]
            cv2.polylines(canvas, [top[np.argsort(top[:, 0])]], False, (*colour, 255), rim * 2, cv2.LINE_AA)
        else:
            cv2.polylines(canvas, [poly], True, (*colour, 255), rim, cv2.LINE_AA)
    top_y = cy - lens_h // 3
    cv2.line(
        canvas,
        (centres[0][0] + lens_w // 2, top_y),
        (centres[1][0] - lens_w // 2, top_y),
        (*colour, 255),
        max(3, rim - 2),
    )
    cv2.line(canvas, (10, top_y), (centres[0][0] - lens_w // 2, top_y), (*colour, 255), max(3, rim - 1))
    cv2.line(
        canvas, (centres[1][0] + lens_w // 2, top_y), (width - 10, top_y), (*colour, 255), max(3, rim - 1)
    )
    geometry = {"bridge": [width / 2, float(top_y)], "lens_centres": [list(centres[0]), list(centres[1])]}
    return canvas, geometry


def on_background(rgba: np.ndarray, background: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """Composite an RGBA drawing onto a flat studio background (an RGB product photo)."""
    alpha = rgba[..., 3:4].astype(np.float64) / 255
    return (rgba[..., :3] * alpha + np.array(background) * (1 - alpha)).astype(np.uint8)
