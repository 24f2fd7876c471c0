"""Face geometry from the 478-point mesh: named points (image-left/right), head pose and metric fit.

The mesh's x/y are image pixels and z is in the same pixel scale, so 3-D distances are foreshortening-free
and pose angles can be read from the mesh's own axes.
"""

from __future__ import annotations

import numpy as np

from inference.analysis import regions as R

IRIS_DIAMETER_MM = 11.7
# Population spread of the visible iris diameter (≈ ±0.5 mm), the floor of any iris-scaled measurement.
IRIS_RELATIVE_SD = 0.5 / IRIS_DIAMETER_MM
# Pitch of the forehead→chin axis in a level, frontal head (the forehead slopes back), the median over 371
# real faces.
PITCH_OFFSET_DEG = 6.9


def _pair(mesh: np.ndarray, a: int, b: int) -> tuple[list[float], list[float]]:
    """Two points ordered image-left first."""
    pa, pb = mesh[a, :2], mesh[b, :2]
    if pa[0] > pb[0]:
        pa, pb = pb, pa
    return _xy(pa), _xy(pb)


def _xy(point: np.ndarray) -> list[float]:
    return [round(float(point[0]), 1), round(float(point[1]), 1)]


def named_points(mesh: np.ndarray) -> dict[str, list[float]]:
    """The contract's points, in image pixels; left/right mean image-left/image-right."""
    left_eye, right_eye = _pair(mesh, R.RIGHT_IRIS[0], R.LEFT_IRIS[0])
    mouth_left, mouth_right = _pair(mesh, 61, 291)
    left_temple, right_temple = _pair(mesh, 127, 356)
    return {
        "left_eye": left_eye,
        "right_eye": right_eye,
        "nose_tip": _xy(mesh[1]),
        "nose_bridge": _xy(mesh[168]),
        "mouth_left": mouth_left,
        "mouth_right": mouth_right,
        "chin": _xy(mesh[152]),
        "forehead": _xy(mesh[151]),
        "left_temple": left_temple,
        "right_temple": right_temple,
    }


def head_pose(mesh: np.ndarray) -> dict[str, float]:
    """Roll, yaw and pitch in degrees from the mesh's own axes.

    roll > 0: the head tilts so the image-right eye is lower; yaw > 0: the face turns toward image-right;
    pitch > 0: the chin goes up.
    """
    across = mesh[454] - mesh[234]  # subject's right cheek (image-left) → left cheek (image-right)
    up = mesh[10] - mesh[152]  # chin → forehead
    eyes = mesh[R.LEFT_IRIS[0], :2] - mesh[R.RIGHT_IRIS[0], :2]
    roll = np.degrees(np.arctan2(eyes[1], eyes[0]))
    yaw = np.degrees(np.arctan2(-across[2], np.hypot(across[0], across[1])))
    pitch = np.degrees(np.arctan2(-up[2], np.hypot(up[0], up[1]))) - PITCH_OFFSET_DEG
    return {"roll": round(float(roll), 1), "yaw": round(float(yaw), 1), "pitch": round(float(pitch), 1)}


def iris_diameter_px(mesh: np.ndarray) -> tuple[float, float]:
    """Mean iris diameter of both eyes (3-D, pixels) and the relative disagreement between the two eyes."""
    sizes = []
    for iris in (R.RIGHT_IRIS, R.LEFT_IRIS):
        centre = mesh[iris[0]]
        sizes.append(2.0 * float(np.linalg.norm(mesh[list(iris[1:])] - centre, axis=1).mean()))
    mean = float(np.mean(sizes))
    return mean, abs(sizes[0] - sizes[1]) / max(mean, 1e-6)


def fit(mesh: np.ndarray) -> dict[str, float]:
    """Pupillary distance and face width in mm from the iris scale, with a 1-sigma uncertainty on the PD."""
    iris_px, asymmetry = iris_diameter_px(mesh)
    mm_per_px = IRIS_DIAMETER_MM / max(iris_px, 1e-6)
    pd_px = float(np.linalg.norm(mesh[R.LEFT_IRIS[0]] - mesh[R.RIGHT_IRIS[0]]))
    width_px = float(np.linalg.norm(mesh[454] - mesh[234]))
    pd_mm = pd_px * mm_per_px
    # Relative error: the population spread of iris size, ±0.5 px localisation on each iris edge, and the
    # disagreement between the two eyes (which grows with blur and head turn).
    relative = float(np.sqrt(IRIS_RELATIVE_SD**2 + (0.7 / max(iris_px, 1e-6)) ** 2 + (asymmetry / 2) ** 2))
    return {
        "pd_mm": round(pd_mm, 1),
        "face_width_mm": round(width_px * mm_per_px, 1),
        "uncertainty_mm": round(pd_mm * relative, 1),
        "iris_px": round(iris_px, 2),
    }


def eye_openness(mesh: np.ndarray) -> float:
    """Mean lid gap / eye width of both eyes (≈ 0.25–0.35 open, < 0.1 closed)."""
    values = []
    for top, bottom, outer, inner in ((159, 145, 33, 133), (386, 374, 263, 362)):
        gap = np.linalg.norm(mesh[top, :2] - mesh[bottom, :2])
        width = np.linalg.norm(mesh[outer, :2] - mesh[inner, :2])
        values.append(gap / max(width, 1e-6))
    return float(np.mean(values))
