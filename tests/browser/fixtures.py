"""Test inputs for the browser tests: public-domain/generated photos and a contract-shaped analysis result.

The result fixture follows `docs/architecture.md` exactly and uses real try-on assets cut by the try-on engine
from generated product photos, placed on scikit-image's astronaut with a perspective homography. It lets the
UI tests pin down how the widget renders each field (and that its client-side warp matches OpenCV) without
depending on the analysis engine's numbers; the end-to-end tests use the real engines.
"""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

# Eye centres of skimage.data.astronaut() (image-left first), measured with inference.face.find_faces.
ASTRONAUT_EYES = ((203.9, 100.8), (248.0, 108.4))
FRAME_NAMES = ("round", "wayfarer", "aviator", "cat_eye")


def astronaut() -> np.ndarray:
    from skimage import data

    return data.astronaut()


def encode(rgb: np.ndarray, fmt: str = "JPEG", **kw: Any) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, format=fmt, **kw)
    return out.getvalue()


def write_inputs(folder: Path) -> dict[str, Path]:
    """Write the photos the tests upload: a face (JPEG and PNG), a photo with no face, and a non-image."""
    folder.mkdir(parents=True, exist_ok=True)
    face = astronaut()
    paths = {
        "face_jpg": folder / "astronaut.jpg",
        "face_png": folder / "astronaut.png",
        "big_jpg": folder / "astronaut-2048.jpg",
        "selfie_jpg": folder / "astronaut-1024.jpg",
        "noface_jpg": folder / "no-face.jpg",
        "text": folder / "notes.txt",
        "fake_jpg": folder / "not-really.jpg",
        "see_through_png": folder / "astronaut-half-transparent.png",
    }
    paths["face_jpg"].write_bytes(encode(face, quality=92))
    paths["face_png"].write_bytes(encode(face, "PNG"))
    big = np.asarray(Image.fromarray(face).resize((2048, 2048), Image.Resampling.BICUBIC))
    paths["big_jpg"].write_bytes(encode(big, quality=90))
    # The analysis engine wants a face ≥ 120 px wide: the astronaut at 2× passes its capture checks.
    selfie = np.asarray(Image.fromarray(face).resize((1024, 1024), Image.Resampling.LANCZOS))
    paths["selfie_jpg"].write_bytes(encode(selfie, quality=92))
    yy, xx = np.mgrid[0:480, 0:640]
    noface = np.dstack([(xx * 255 // 640), (yy * 255 // 480), np.full_like(xx, 140)]).astype(np.uint8)
    paths["noface_jpg"].write_bytes(encode(noface, quality=90))
    paths["text"].write_text("shopping list: milk, eggs\n")
    paths["fake_jpg"].write_text("this is not a JPEG\n")
    see_through = np.dstack([selfie, np.full(selfie.shape[:2], 128, np.uint8)])
    Image.fromarray(see_through).save(paths["see_through_png"])  # HxWx4 uint8: RGBA
    return paths


def write_y4m(rgb: np.ndarray, path: Path, frames: int = 3) -> Path:
    """A Y4M video (4:2:0) of a still image, for Chromium's `--use-file-for-fake-video-capture`."""
    h, w = rgb.shape[:2]
    f = rgb.astype(np.float32)
    y = 0.299 * f[..., 0] + 0.587 * f[..., 1] + 0.114 * f[..., 2]
    u = (f[..., 2] - y) * 0.564 + 128
    v = (f[..., 0] - y) * 0.713 + 128
    sub = lambda c: c.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))  # noqa: E731
    planes = [np.clip(p + 0.5, 0, 255).astype(np.uint8).tobytes() for p in (y, sub(u), sub(v))]
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{w} H{h} F30:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n")
            for plane in planes:
                out.write(plane)
    return path


@functools.cache
def frame_assets() -> dict[str, tuple[bytes, dict[str, Any]]]:
    """Try-on assets (PNG bytes, geometry) cut from generated product photos by the try-on engine."""
    from inference.tryon.asset import make_tryon_asset
    from inference.tryon.generator import generate_eyewear_photo, named_spec

    out = {}
    for name in FRAME_NAMES:
        spec = named_spec(name)
        photo, _truth = generate_eyewear_photo(spec)
        asset = make_tryon_asset(photo, frame_mm=spec.frame_mm)
        assert hasattr(asset, "geometry"), f"generated {name} photo was rejected: {asset}"
        out[name] = (asset.to_png(), asset.geometry)
    return out


def homography_onto_eyes(
    geometry: dict[str, Any], eyes=ASTRONAUT_EYES, yaw_squeeze: float = 0.08
) -> list[list[float]]:
    """Asset → image homography putting the lens centres on the eyes, with a little perspective (head yaw)."""
    import cv2

    (lx, ly), (rx, ry) = geometry["lens_centres"]
    (ex0, ey0), (ex1, ey1) = eyes
    src_vec = np.array([rx - lx, ry - ly])
    dst_vec = np.array([ex1 - ex0, ey1 - ey0])
    scale = np.linalg.norm(dst_vec) / np.linalg.norm(src_vec)
    angle = np.arctan2(dst_vec[1], dst_vec[0]) - np.arctan2(src_vec[1], src_vec[0])
    c, s = np.cos(angle) * scale, np.sin(angle) * scale
    sim = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    sim[:2, 2] = np.array([ex0, ey0]) - sim[:2, :2] @ np.array([lx, ly])
    w, h = geometry["width"], geometry["height"]
    corners = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float64)
    placed = (sim[:2, :2] @ corners.T).T + sim[:2, 2]
    # Foreshorten the image-right side (vertical squeeze around its midpoint), as a turned head would.
    mid = (placed[1, 1] + placed[2, 1]) / 2
    placed[1, 1] = mid + (placed[1, 1] - mid) * (1 - yaw_squeeze)
    placed[2, 1] = mid + (placed[2, 1] - mid) * (1 - yaw_squeeze)
    H = cv2.getPerspectiveTransform(corners.astype(np.float32), placed.astype(np.float32))
    return [[float(v) for v in row] for row in H]


def fixture_result(asset_url: str = "/fixture-assets/{name}.png") -> dict[str, Any]:
    """A complete analysis result in the documented shape, with try-on items for every fixture frame."""
    assets = frame_assets()
    items = []
    for i, name in enumerate(FRAME_NAMES):
        _png, geo = assets[name]
        items.append(
            {
                "product_id": f"fx-{name}",
                "title": name.replace("_", "-").title() + " frame",
                "asset_url": asset_url.format(name=name),
                "asset_size": [geo["width"], geo["height"]],
                "homography": homography_onto_eyes(geo, yaw_squeeze=0.04 * i),
                "fit": ("fits", "narrow", "fits", "wide")[i],
            }
        )
    recs = [
        {
            "product_id": it["product_id"],
            "title": it["title"],
            "url": f"/demo/products/{it['product_id']}",
            "image_url": it["asset_url"],
            "price": "129.00",
            "currency": "USD",
            "category": "eyewear",
            "score": 0.9 - 0.05 * i,
            "reasons": ["angular lines balance a round face", "fits your face width"],
            "tryon": {"asset_url": it["asset_url"]},
            "add_to_cart": {
                "method": "POST",
                "url": "/demo/cart/add",
                "fields": {"id": it["product_id"], "quantity": 1},
            },
        }
        for i, it in enumerate(items)
    ]
    recs.append(
        {
            "product_id": "fx-shade-5",
            "title": "Skin Tint 5W",
            "url": "/demo/products/fx-shade-5",
            "image_url": None,
            "price": "38.00",
            "currency": "USD",
            "category": "foundation",
            "score": 0.7,
            "reasons": ["closest shade: ΔE 1.8", "warm undertone like yours"],
            "tryon": None,
            "add_to_cart": {"method": "GET", "url": "/demo/cart/add?id=fx-shade-5"},
        }
    )
    return {
        "image": {"width": 512, "height": 512},
        "faces_found": 1,
        "face": {
            "box": [178, 81, 272, 175],
            "score": 0.97,
            "points": {},
            "pose": {"roll": 9.8, "yaw": -3, "pitch": 2},
        },
        "quality": {
            "ok": True,
            "issues": [{"code": "too_dark", "message": "Find more light"}],
            "brightness": 0.45,
            "sharpness": 150.0,
            "face_fraction": 0.18,
        },
        "skin": {
            "monk": 3,
            "monk_hex": "#f7ead0",
            "hex": "#e3b9a0",
            "lab": [78.0, 12.0, 17.0],
            "ita": 50.0,
            "undertone": "warm",
            "undertone_close_to": "neutral",
            "season": {"name": "spring", "subtype": "light spring"},
            "palette": {
                "best": ["#f4a582", "#f6d55c", "#8fd175", "#5ec3c9", "#f08a8a", "#c9a0dc"],
                "best_names": ["peach", "yellow", "mint", "turquoise", "coral", "lavender"],
                "avoid": ["#1b1b1b", "#4b0082", "#2f4f4f"],
                "frame_best": ["#c9a545", "#d8c49a", "#a86b32"],
                "frame_best_names": ["gold", "beige", "deep camel"],
                "frame_avoid": ["#141414"],
            },
            "confidence": 0.82,
            "reliable": True,
        },
        "face_shape": {"label": "oval", "scores": {"oval": 0.5, "round": 0.2}, "close_to": None},
        "concerns": {"redness": 12, "uneven_tone": 20, "texture": 31, "shine": 8, "dark_circles": 25},
        "fit": {"pd_mm": 62.5, "face_width_mm": 138.0, "uncertainty_mm": 2.1},
        "timing_ms": {"total": 31.0},
        "tryon": {"items": items},
        "recommendations": recs,
    }


def fixture_json() -> str:
    return json.dumps(fixture_result())
