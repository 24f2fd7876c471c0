"""`analyze_image`: one photo in, the analysis JSON of docs/architecture.md out."""

from __future__ import annotations

import time
from typing import Any, Protocol

import numpy as np

from inference import colour
from inference.analysis import concerns, face_shape, geometry, quality, season, skin
from inference.analysis import regions as R
from inference.analysis.illumination import Illumination
from inference.analysis.regions import LinearPhoto, RegionCanvas
from inference.errors import NoFaceError
from inference.imageio import load_rgb

# Below this skin confidence the shade is not shown or used (`skin.reliable`). On 74 real portraits
# (faces/diverse, faces/smoke) the 5th percentile of confidence is 0.45; 2 photos fall below 0.2, both with
# most of the skin clipped in a channel.
MIN_RELIABLE_CONFIDENCE = 0.2


class FaceLike(Protocol):
    """What the analysis needs from a detected face (`inference.face.DetectedFace` satisfies it)."""

    box: Any
    score: float
    mesh: np.ndarray


class _Clock:
    """Collects per-stage wall times in milliseconds."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.stages: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = round(self.stages.get(stage, 0.0) + (now - self.last) * 1000.0, 1)
        self.last = now

    def total(self) -> dict[str, float]:
        return {**self.stages, "total": round((time.perf_counter() - self.start) * 1000.0, 1)}


def analyze_image(image: Any, *, mesh: bool = False) -> dict:
    """Analyse the largest face in `image` (path, bytes, PIL image or RGB array); raise NoFaceError if
    none."""
    from inference.face import find_faces  # torch loads on first use, not at `import inference`

    clock = _Clock()
    rgb = load_rgb(image)
    clock.lap("decode")
    scan = find_faces(rgb)
    clock.lap("detect_mesh")
    if not scan.faces:
        raise NoFaceError(
            "We couldn't find a face in this photo. Please upload a clear, front-facing selfie."
        )
    return analyze_face(rgb, scan.faces[0], len(scan.faces), include_mesh=mesh, clock=clock)


def analyze_face(
    rgb: np.ndarray,
    face: FaceLike,
    faces_found: int,
    *,
    include_mesh: bool = False,
    clock: _Clock | None = None,
) -> dict:
    """Everything after detection, for one face whose 478-point mesh is known."""
    clock = clock or _Clock()
    points_3d = np.asarray(face.mesh, dtype=np.float64)
    height, width = rgb.shape[:2]
    canvas = RegionCanvas(points_3d, (height, width))

    pose = geometry.head_pose(points_3d)
    face_out: dict[str, Any] = {
        "box": [round(float(v), 1) for v in face.box],
        "score": round(float(face.score), 3),
        "points": geometry.named_points(points_3d),
        "pose": pose,
    }
    if include_mesh:
        face_out["mesh"] = np.round(points_3d, 2).tolist()
    quality_out = quality.assess(rgb, canvas, points_3d, pose, geometry.eye_openness(points_3d), faces_found)
    clock.lap("quality")

    # Linear light only where it is needed: the face crop (skin, sclera) and a subsample of the scene.
    photo = LinearPhoto(rgb, canvas)
    illumination, sample = skin.measure_skin(photo, canvas, points_3d)
    fit_for_skin = quality.skin_reliable(quality_out)
    skin_out = _skin_section(sample, illumination, canvas, photo, fit_for_skin)
    if sample is not None and fit_for_skin and not skin_out["reliable"]:
        # The photo passed the capture checks, but the skin's own reading is too uncertain to show (most
        # often light skin clipped in red under harsh light): say what to change, not just that it failed.
        cause = quality.lighting_issue(
            skin.confidence_factors(sample, illumination), illumination.exposure_stops
        )
        if cause:
            quality_out = quality.with_issue(quality_out, cause)
    clock.lap("skin")

    shape_out = face_shape.classify(points_3d)
    concerns_out: dict[str, int | None] = dict(concerns.measure(photo, canvas, illumination.gains))
    if any(issue["code"] == "glasses_on" for issue in quality_out["issues"]):
        # A frame's rims cross the skin under the eyes and its edges read as roughness: on 42 real wearers
        # against 42 bare faces of their ages (benchmarks/README.md, "Worn glasses"), texture read 27 against
        # 13 at the median (p90 81 against 28) and dark circles 38 against 24. Not read, rather than misread.
        concerns_out.update({key: None for key in concerns.READ_THROUGH_FRAMES})
    fit_out = geometry.fit(points_3d)
    fit_out.pop("iris_px", None)
    clock.lap("shape_concerns_fit")
    return {
        "image": {"width": int(width), "height": int(height)},
        "faces_found": int(faces_found),
        "face": face_out,
        "quality": quality_out,
        "skin": skin_out,
        "face_shape": shape_out,
        "concerns": concerns_out,
        "disclaimer": concerns.NOTE,
        "fit": fit_out,
        "timing_ms": clock.total(),
    }


def _skin_section(
    sample: skin.SkinSample | None,
    illumination: Illumination,
    canvas: RegionCanvas,
    photo: LinearPhoto,
    photo_fit_for_skin: bool,
) -> dict:
    """The `skin` object of the contract (fields None when too little skin was visible to measure).

    `reliable` says whether the shade may be shown and used: a measurement exists, the photo has none of
    the issues that falsify a skin colour (`quality.SKIN_ISSUES`), and the reading's own `confidence` is at
    least MIN_RELIABLE_CONFIDENCE (e.g. most of the skin clipped in one channel under harsh light, which the
    quality gate's all-channels test does not catch; a shade shown with confidence 0 contradicted itself).
    The measurement is still reported when it is not, so a caller can see what was read; the widget withholds
    it and the ranking ignores it.
    """
    if sample is None:
        return {
            "monk": None,
            "monk_hex": None,
            "hex": None,
            "lab": None,
            "ita": None,
            "undertone": None,
            "undertone_close_to": None,
            "season": None,
            "palette": {
                "best": [],
                "avoid": [],
                "best_names": [],
                "avoid_names": [],
                "frame_best": [],
                "frame_avoid": [],
                "frame_best_names": [],
                "frame_avoid_names": [],
            },
            "confidence": 0.0,
            "hue_tolerance": 1.0,
            "overexposure_doubt": 0.0,
            "reliable": False,
        }
    lab = sample.lab
    monk = skin.classify_sample(sample)
    tone, deviation = skin.undertone(lab)
    contrast = _feature_contrast(photo, canvas, illumination.gains, float(lab[0]))
    traits = season.traits(lab, deviation, contrast)
    seasonal = season.season_of(traits)
    confidence = skin.confidence(sample, illumination)
    return {
        "monk": monk,
        "monk_hex": colour.MONK_HEX[monk - 1],
        "hex": colour.rgb_to_hex(colour.linear_to_srgb(np.clip(sample.linear, 0, 1))),
        "lab": [round(float(v), 1) for v in lab],
        "ita": round(float(colour.ita_degrees(lab)), 1),
        "undertone": tone,
        "undertone_close_to": skin.undertone_neighbour(deviation),
        "season": seasonal,
        "palette": season.palette(seasonal["subtype"]),
        "confidence": confidence,
        "hue_tolerance": skin.hue_tolerance(illumination),
        "overexposure_doubt": skin.overexposure_doubt(illumination),
        "reliable": photo_fit_for_skin and confidence >= MIN_RELIABLE_CONFIDENCE,
        "illumination": illumination.as_dict(),
    }


def _feature_contrast(photo: LinearPhoto, canvas: RegionCanvas, gains: np.ndarray, skin_l: float) -> float:
    """L* contrast between skin and brows (a stand-in for hair colour): what makes a look clear or soft."""
    crop = photo.crop
    brows = canvas.union(R.RIGHT_BROW, R.LEFT_BROW)
    if brows.sum() < 10:
        return 30.0
    values = crop[brows] * gains
    luma = values @ np.array([0.2126, 0.7152, 0.0722])
    dark = values[luma <= np.quantile(luma, 0.3)]  # the hairs, not the skin between them
    brow_l = float(colour.rgb_to_lab(colour.linear_to_srgb(np.clip(np.median(dark, axis=0), 0, 1)))[0])
    return abs(skin_l - brow_l)


def warm_up() -> None:
    """Build the detector and mesh networks now (the RQ worker calls this before taking jobs)."""
    from inference.runtime import warm_up as runtime_warm_up

    runtime_warm_up()
