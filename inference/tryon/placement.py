"""Place a try-on asset on a face: a perspective homography from asset pixels to image pixels.

The frame is modelled as a flat plate in 3-D. Its x axis runs along the line through the two iris centres (so
it rolls with the eye line and turns with the head's yaw), its y axis follows the head's forehead-to-chin
axis (pitch), and the asset's lens centres are anchored on the iris centres. The mesh's x/y are image pixels
and its z is depth on the same scale, so the plate lives in that space; a pinhole projection about the face
(focal length ≈ 3 face widths, a selfie at arm's length) then makes the far side smaller: a true projective
homography, not an affine.

Scale: with the frame's size in mm (asset `px_per_mm`) and the iris scale (visible iris ≈ 11.7 mm) the frame
is drawn at its real size, and the fit verdict compares its width with the face's. Without mm data the lens
centres go exactly on the eyes, with the total width kept within 0.72-1.05 of the face width at the temples.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from inference.analysis.geometry import IRIS_DIAMETER_MM  # visible iris ≈ 11.7 mm: the face's metric scale
from inference.analysis.regions import FACE_OVAL, LEFT_IRIS, RIGHT_IRIS

RIGHT_IRIS_CENTRE = RIGHT_IRIS[0]  # the subject's right eye: image-left in an unmirrored photo
LEFT_IRIS_CENTRE = LEFT_IRIS[0]
TEMPLES = (127, 356)  # face contour at the temples, beside the outer eye corners
CHEEKS = (234, 454)  # face width as the analysis reports it (`fit.face_width_mm`)
_ACROSS_PAIRS = ((234, 454), (127, 356), (33, 263), (133, 362), (61, 291), (70, 300))
FOCAL_FACE_WIDTHS = 3.0
ARM_MIN_YAW_DEG = 7.0  # below this the temple arms run straight back, hidden behind the end pieces
ARM_LENGTH_MM = 95.0  # hinge to the top of the ear: the straight, visible part of a temple arm
# The forehead-chin axis leans back ~10 deg in an upright head, so "straight back" from the mesh points up;
# temple arms run level or slightly down to the ear.
ARM_DROOP_DEG = 14.0
ARM_DEPTH_MARGIN_MM = 20.0  # arms press on the temples: only a clear depth gap means "behind the face"
FIT_TOLERANCE_MM = 6.0  # a frame within ±6 mm of the face width "fits" (optician rule of thumb: ±3 mm a side)
# Without mm data the frame's width follows the eyes, kept within these multiples of the mesh's temple width.
# The temple points (127/356) sit in front of the ears, so an eye-fitted frame measures 0.74-0.99 of that
# width (median 0.87, 50 CUHK faces x 6 generated frames); the bounds only stop absurd proportions.
TEMPLE_CLAMP = (0.72, 1.05)


def face_mesh(face: Any, analysis: dict | None = None) -> np.ndarray:
    """The 478x3 mesh from a DetectedFace, an array, or an analysis dict made with `mesh=True`."""
    for source in (face, analysis):
        if source is None:
            continue
        if isinstance(source, dict):
            mesh = (source.get("face") or {}).get("mesh") or source.get("mesh")
            if mesh is not None:
                return np.asarray(mesh, np.float64)
            continue
        mesh = getattr(source, "mesh", source)
        arr = np.asarray(mesh, np.float64)
        if arr.shape == (478, 3):
            return arr
    raise ValueError(
        "place_asset needs a face mesh: a DetectedFace, a 478x3 array or analysis['face']['mesh']"
    )


def iris_diameter_px(mesh: np.ndarray) -> float:
    """Mean 3-D iris diameter of both eyes in mesh pixels (the same measure the analysis' `fit` uses)."""
    sizes = [
        2.0 * float(np.linalg.norm(mesh[list(iris[1:])] - mesh[iris[0]], axis=1).mean())
        for iris in (RIGHT_IRIS, LEFT_IRIS)
    ]
    return float(np.mean(sizes))


def head_axes(mesh: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit vectors of the head: across (image-left to image-right eye), down (forehead to chin), back."""
    across = sum(mesh[b] - mesh[a] for a, b in _ACROSS_PAIRS)
    across /= np.linalg.norm(across)
    down = mesh[152] - mesh[10]
    down = down - across * float(down @ across)
    down /= np.linalg.norm(down)
    back = np.cross(across, down)  # x right, y down, z away from the camera: right-handed
    return across, down, back


def plate_homography(
    origin: np.ndarray,
    ex: np.ndarray,
    ey: np.ndarray,
    anchor: np.ndarray,
    scale: float,
    focal: float,
    centre: np.ndarray | None = None,
) -> np.ndarray:
    """Homography of the plate point (u, v) -> origin + scale*((u-anchor_u) ex + (v-anchor_v) ey), projected.

    Pinhole projection about `centre`: x' = c + (P - c) * f / (f + Pz - cz), which leaves
    points at the centre's depth where they are.
    """
    c = origin if centre is None else centre
    a = np.stack([ex, ey], axis=1) * scale  # 3x2
    m = np.concatenate([a, (origin - a @ anchor)[:, None]], axis=1)  # 3x3: q=(u, v, 1) -> P
    depth = m[2] - np.array([0.0, 0.0, c[2]])  # d . q = Pz - cz
    h = np.stack(
        [m[0] + c[0] / focal * depth, m[1] + c[1] / focal * depth, np.array([0.0, 0.0, 1.0]) + depth / focal]
    )
    return h / h[2, 2]


def unproject(point: np.ndarray, centre: np.ndarray, focal: float) -> np.ndarray:
    """Where a mesh point sits in 3-D so that `plate_homography`'s projection about `centre` returns it."""
    out = np.array(point, np.float64)
    out[:2] = centre[:2] + (out[:2] - centre[:2]) * (focal + out[2] - centre[2]) / focal
    return out


def apply_homography(h: np.ndarray | list, points: Any) -> np.ndarray:
    """Map Nx2 points through a 3x3 homography."""
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    q = np.concatenate([pts, np.ones((len(pts), 1))], axis=1) @ np.asarray(h, np.float64).T
    return q[:, :2] / q[:, 2:3]


def place_asset(face: Any, asset: Any, *, analysis: dict | None = None, asset_url: str | None = None) -> dict:
    """Placement JSON for drawing `asset` on the face.

    `homography` is a row-major 3x3 list H (H[2][2] == 1) mapping homogeneous asset pixel coordinates
    [x, y, 1] to image pixels: [X, Y, W] = H @ [x, y, 1], image point (X / W, Y / W). Both sides use the
    OpenCV pixel-centre convention (the centre of the top-left pixel is (0, 0)); a canvas, whose pixel
    centres sit at +0.5, may ignore the half-pixel difference. Draw it exactly with CSS `matrix3d` or WebGL
    (the bottom row makes it a perspective map, which a 2-D canvas `setTransform` cannot express).
    `asset_size` is [width, height] of the asset PNG. `fit` is "fits", "narrow", "wide", or null when the
    frame's size in mm is unknown; `frame_width_mm` and `face_width_mm` are the numbers it compares.
    """
    geo = asset.geometry if hasattr(asset, "geometry") else asset
    mesh = face_mesh(face, analysis)
    across, down, back = head_axes(mesh)
    eye_l, eye_r = mesh[RIGHT_IRIS_CENTRE], mesh[LEFT_IRIS_CENTRE]
    centre = (eye_l + eye_r) / 2
    face_width_px = float(np.linalg.norm(mesh[CHEEKS[1]] - mesh[CHEEKS[0]]))
    focal = FOCAL_FACE_WIDTHS * face_width_px
    # Anchor the plate on the irises' 3-D positions, so projecting puts the lens centres exactly on them.
    eye_l, eye_r = unproject(eye_l, centre, focal), unproject(eye_r, centre, focal)
    origin = (eye_l + eye_r) / 2
    ex = (eye_r - eye_l) / np.linalg.norm(eye_r - eye_l)
    ey = down - ex * float(down @ ex)
    ey /= np.linalg.norm(ey)

    lens = np.asarray(geo["lens_centres"], np.float64)
    anchor = lens.mean(axis=0)
    dbc_asset = float(np.linalg.norm(lens[1] - lens[0]))
    iod = float(np.linalg.norm(eye_r - eye_l))
    temple_w = float(np.linalg.norm(mesh[TEMPLES[1]] - mesh[TEMPLES[0]]))
    total_asset = float(geo["total_width_px"])
    iris_px = iris_diameter_px(mesh)
    px_per_mm_face = iris_px / IRIS_DIAMETER_MM
    fit_info = (analysis or {}).get("fit") or {}
    if fit_info.get("pd_mm"):
        px_per_mm_face = iod / float(fit_info["pd_mm"])

    frame_width_mm = geo.get("total_width_mm")
    if geo.get("px_per_mm") and frame_width_mm:
        scale, mode = px_per_mm_face / float(geo["px_per_mm"]), "metric"
    else:
        scale, mode = iod / dbc_asset, "eyes"
        lo, hi = (temple_w * c / total_asset for c in TEMPLE_CLAMP)
        scale = float(np.clip(scale, lo, hi))

    face_width_mm = fit_info.get("face_width_mm") or face_width_px / px_per_mm_face
    h = plate_homography(origin, ex, ey, anchor, scale, focal, centre)

    verdict = None
    if frame_width_mm:
        diff = float(frame_width_mm) - float(face_width_mm)
        verdict = "fits" if abs(diff) <= FIT_TOLERANCE_MM else ("narrow" if diff < 0 else "wide")
    yaw = float(np.degrees(np.arctan2(-across[2], np.hypot(across[0], across[1]))))
    roll = float(np.degrees(np.arctan2(ex[1], ex[0])))
    arm = temple_arm(mesh, geo, (origin, centre, ex, ey, back), anchor, scale, focal, px_per_mm_face, yaw)
    return {
        "homography": [[float(v) for v in row] for row in h],
        "asset_size": [int(geo["width"]), int(geo["height"])],
        "asset_url": asset_url,
        "fit": verdict,
        "frame_width_mm": round(float(frame_width_mm), 1) if frame_width_mm else None,
        "face_width_mm": round(float(face_width_mm), 1),
        "scale_mode": mode,
        "px_per_mm_face": round(float(px_per_mm_face), 4),
        "pose": {"roll": round(roll, 2), "yaw": round(yaw, 2)},
        "temple_arm": arm,
        # The face silhouette, image pixels: what hides a temple arm that runs behind the face.
        "face_oval": [[round(float(x), 1), round(float(y), 1)] for x, y in mesh[list(FACE_OVAL), :2]],
        "plate": {
            "origin": [float(v) for v in origin],
            "centre": [float(v) for v in centre],
            "ex": [float(v) for v in ex],
            "ey": [float(v) for v in ey],
            "back": [float(v) for v in back],
            "scale": float(scale),
            "focal": float(focal),
        },
    }


def temple_arm(
    mesh: np.ndarray,
    geo: dict,
    frame: tuple[np.ndarray, ...],
    anchor: np.ndarray,
    scale: float,
    focal: float,
    px_per_mm: float,
    yaw: float,
) -> dict | None:
    """The near temple arm's visible stretch in image pixels, or None when the head is not turned.

    The arm runs back from the near hinge towards the ear. The far arm is always behind the face; the near
    one is drawn only as far as it stays in front of the face: a sample along it is hidden when it projects in
    the face silhouette and lies deeper than the face surface there.
    """
    if abs(yaw) < ARM_MIN_YAW_DEG:
        return None
    origin, centre, ex, ey, back = frame

    def to3d(p: np.ndarray) -> np.ndarray:
        return origin + scale * ((p[0] - anchor[0]) * ex + (p[1] - anchor[1]) * ey)

    def project(p3: np.ndarray) -> np.ndarray:
        return centre[:2] + (p3[:2] - centre[:2]) * focal / (focal + p3[2] - centre[2])

    hinges = [np.asarray(geo["hinge_left"], np.float64), np.asarray(geo["hinge_right"], np.float64)]
    side = min((0, 1), key=lambda i: to3d(hinges[i])[2])
    start = to3d(hinges[side])
    tilt = np.radians(ARM_DROOP_DEG)
    direction = back * np.cos(tilt) + ey * np.sin(tilt)
    length = ARM_LENGTH_MM * px_per_mm
    oval = mesh[list(FACE_OVAL), :2].astype(np.float32).reshape(-1, 1, 2)
    radius = 0.06 * float(np.linalg.norm(mesh[CHEEKS[1], :2] - mesh[CHEEKS[0], :2]))
    margin = ARM_DEPTH_MARGIN_MM * px_per_mm
    visible = 0.0
    for t in np.linspace(0.0, 1.0, 33):
        p3 = start + direction * (length * t)
        p2 = project(p3)
        if cv2.pointPolygonTest(oval, (float(p2[0]), float(p2[1])), False) >= 0:
            if p3[2] > _surface_depth(mesh, p2, radius) + margin:
                break
        visible = float(t)
    if visible < 0.1:
        return None
    end = project(start + direction * (length * visible))
    hinge_xy = project(start)
    if float(np.dot(end - hinge_xy, hinge_xy - centre[:2])) <= 0:
        return None  # seen heading inwards, the arm runs behind the lens and the face: nothing of it shows
    return {
        "side": "left" if side == 0 else "right",
        "start": [round(float(v), 2) for v in hinge_xy],
        "end": [round(float(v), 2) for v in end],
        "visible_fraction": round(visible, 3),
    }


def _surface_depth(mesh: np.ndarray, point: np.ndarray, radius: float) -> float:
    """Depth of the visible face surface at an image point (IDW mean of the 4 nearest mesh points)."""
    d = np.linalg.norm(mesh[:, :2] - point, axis=1)
    nearest = np.argsort(d)[:4]
    if d[nearest[0]] > radius:
        return float("inf")
    w = 1.0 / (d[nearest] + 1e-3)
    return float((mesh[nearest, 2] * w).sum() / w.sum())
