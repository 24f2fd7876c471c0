"""Face shape (oval, round, square, heart, oblong, diamond, triangle) from the mesh outline geometry.

Five measurements, each standardised against the population of frontal faces (mean/sd below, measured on real
photos): face length / cheekbone width, forehead / cheekbone width, jaw / cheekbone width, jaw angle at the
gonion and chin width. Each shape is a prototype in that standardised space; scores are a softmax over
distances.
"""

from __future__ import annotations

import numpy as np

FEATURES = ("length_ratio", "forehead_ratio", "jaw_ratio", "jaw_angle", "chin_ratio")
# Population mean and sd of each feature on frontal faces (263 frontal faces of the shared evaluation set).
POPULATION_MEAN = np.array([1.119, 0.866, 0.809, 140.6, 0.187])
POPULATION_SD = np.array([0.091, 0.026, 0.023, 5.1, 0.012])
# Prototypes in standard deviations from the population mean, in FEATURES order.
PROTOTYPES: dict[str, tuple[float, ...]] = {
    "oval": (0.3, 0.0, -0.3, 0.3, -0.3),
    "round": (-1.3, 0.0, 0.3, 1.2, 0.5),
    "square": (-0.8, 0.3, 1.3, -1.2, 1.0),
    "heart": (0.0, 1.2, -1.2, 0.3, -1.2),
    "oblong": (1.6, 0.0, 0.3, -0.3, 0.0),
    "diamond": (0.3, -1.3, -1.0, 0.3, -0.6),
    "triangle": (0.0, -1.3, 1.3, -0.3, 0.6),
}
_TEMPERATURE = 1.0


def _dist(mesh: np.ndarray, a: int, b: int) -> float:
    return float(np.linalg.norm(mesh[a, :2] - mesh[b, :2]))


def _angle(mesh: np.ndarray, a: int, vertex: int, b: int) -> float:
    u, v = mesh[a, :2] - mesh[vertex, :2], mesh[b, :2] - mesh[vertex, :2]
    cos = float(np.dot(u, v) / max(np.linalg.norm(u) * np.linalg.norm(v), 1e-6))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def measurements(mesh: np.ndarray) -> np.ndarray:
    """The five outline measurements, in FEATURES order (2-D, so roll does not matter; yaw does)."""
    cheek = max(_dist(mesh, 234, 454), 1e-6)
    length = _dist(mesh, 10, 152)
    forehead = _dist(mesh, 54, 284)
    jaw = _dist(mesh, 172, 397)
    chin = _dist(mesh, 148, 377)
    jaw_angle = (_angle(mesh, 132, 172, 152) + _angle(mesh, 361, 397, 152)) / 2
    return np.array([length / cheek, forehead / cheek, jaw / cheek, jaw_angle, chin / cheek])


CLOSE_SHAPE_GAP = 0.10


def classify(mesh: np.ndarray) -> dict:
    """Label and a score per shape (sums to 1)."""
    z = (measurements(mesh) - POPULATION_MEAN) / POPULATION_SD
    names = list(PROTOTYPES)
    protos = np.array([PROTOTYPES[n] for n in names])
    d2 = ((z[None, :] - protos) ** 2).sum(axis=1)
    logits = -d2 / (2 * _TEMPERATURE)
    p = np.exp(logits - logits.max())
    p /= p.sum()
    scores = {n: round(float(s), 3) for n, s in zip(names, p, strict=True)}
    first, second = np.argsort(-p)[:2]
    # Two shapes this close swap with the photo's size or angle (4 of 40 real portraits did between full
    # size, 1,024 and 768 px, at top-two gaps of 0.001–0.096): say so rather than sound certain.
    close_to = names[int(second)] if p[first] - p[second] < CLOSE_SHAPE_GAP else None
    return {"label": names[int(first)], "scores": scores, "close_to": close_to}
