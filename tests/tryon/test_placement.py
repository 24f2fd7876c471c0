from __future__ import annotations

import cv2
import numpy as np
import pytest

from inference.tryon import apply_homography, composite, place_asset, render_tryon
from inference.tryon.placement import LEFT_IRIS_CENTRE, RIGHT_IRIS_CENTRE


def _eyes(mesh: np.ndarray) -> np.ndarray:
    return np.asarray(mesh)[[RIGHT_IRIS_CENTRE, LEFT_IRIS_CENTRE], :2]


def _yawed(mesh: np.ndarray, degrees: float) -> np.ndarray:
    """The mesh turned about the head's vertical axis (x right, y down, z away from the camera)."""
    m = np.asarray(mesh, np.float64)
    c = m.mean(axis=0)
    t = np.radians(degrees)
    x, z = m[:, 0] - c[0], m[:, 2] - c[2]
    out = m.copy()
    out[:, 0] = c[0] + x * np.cos(t) - z * np.sin(t)
    out[:, 2] = c[2] + x * np.sin(t) + z * np.cos(t)
    return out


def test_homography_puts_the_lens_centres_on_the_irises(astronaut_face, rect_asset_no_mm):
    placement = place_asset(astronaut_face, rect_asset_no_mm)
    lens = apply_homography(placement["homography"], rect_asset_no_mm.geometry["lens_centres"])
    assert np.abs(lens - _eyes(astronaut_face.mesh)).max() < 0.5
    h = np.asarray(placement["homography"])
    assert h.shape == (3, 3) and h[2, 2] == pytest.approx(1.0)
    assert placement["asset_size"] == list(rect_asset_no_mm.size)
    assert placement["fit"] is None and placement["scale_mode"] == "eyes"


def test_placement_follows_roll(astronaut, astronaut_face, rect_asset_no_mm):
    from inference.face import find_faces

    eyes = _eyes(astronaut_face.mesh)
    centre = tuple(float(v) for v in eyes.mean(axis=0))
    rot = cv2.getRotationMatrix2D(centre, 18.0, 1.0)
    turned = cv2.warpAffine(astronaut, rot, astronaut.shape[1::-1], borderMode=cv2.BORDER_REFLECT)
    face = find_faces(turned).faces[0]
    placement = place_asset(face, rect_asset_no_mm)
    lens = apply_homography(placement["homography"], rect_asset_no_mm.geometry["lens_centres"])
    expected = eyes @ rot[:, :2].T + rot[:, 2]
    iod = float(np.linalg.norm(expected[1] - expected[0]))
    assert np.linalg.norm(lens - expected, axis=1).mean() / iod < 0.05
    d = lens[1] - lens[0]
    e = expected[1] - expected[0]
    roll_error = np.degrees(np.arctan2(d[1], d[0]) - np.arctan2(e[1], e[0]))
    assert abs(roll_error) < 2.0
    assert abs(placement["pose"]["roll"] - np.degrees(np.arctan2(e[1], e[0]))) < 2.0


def test_yaw_foreshortens_the_far_side_with_a_true_perspective(astronaut_face, rect_asset_no_mm):
    mesh = _yawed(astronaut_face.mesh, 28.0)
    placement = place_asset(mesh, rect_asset_no_mm)
    geo = rect_asset_no_mm.geometry
    h = np.asarray(placement["homography"])
    lens = apply_homography(h, geo["lens_centres"])
    assert np.abs(lens - _eyes(mesh)).max() < 0.5
    assert abs(h[2, 0]) > 1e-5  # not an affine map
    widths = []
    for box in geo["lens_boxes"]:
        cy = (box[1] + box[3]) / 2
        ends = apply_homography(h, [[box[0], cy], [box[2], cy]])
        widths.append(float(np.linalg.norm(ends[1] - ends[0])))
    far = int(np.argmax(mesh[[RIGHT_IRIS_CENTRE, LEFT_IRIS_CENTRE], 2]))
    assert widths[far] < 0.95 * widths[1 - far]
    assert abs(placement["pose"]["yaw"]) > 20


def test_turned_head_shows_the_near_temple_arm_only(astronaut, astronaut_face, rect_asset_no_mm):
    mesh = _yawed(astronaut_face.mesh, 28.0)
    placement = place_asset(mesh, rect_asset_no_mm)
    out = composite(astronaut.copy(), rect_asset_no_mm, placement)
    changed = np.abs(out.astype(int) - astronaut.astype(int)).max(axis=2) > 12
    geo = rect_asset_no_mm.geometry
    hinges = apply_homography(placement["homography"], [geo["hinge_left"], geo["hinge_right"]])
    far = int(np.argmax(mesh[[RIGHT_IRIS_CENTRE, LEFT_IRIS_CENTRE], 2]))
    span = abs(hinges[1, 0] - hinges[0, 0])
    ys = slice(int(hinges[:, 1].min() - 0.3 * span), int(hinges[:, 1].max() + 0.3 * span))

    def beyond(side: int) -> int:
        x = hinges[side, 0]
        cols = slice(0, int(x - 0.08 * span)) if side == 0 else slice(int(x + 0.08 * span), out.shape[1])
        return int(changed[ys, cols].sum())

    assert beyond(1 - far) > 30  # the near arm runs back towards the ear
    assert beyond(far) == 0  # the far arm is hidden behind the face


def test_metric_scale_draws_the_frame_at_its_real_width(astronaut_face, rect_asset):
    placement = place_asset(astronaut_face, rect_asset)
    geo = rect_asset.geometry
    hinges = apply_homography(placement["homography"], [geo["hinge_left"], geo["hinge_right"]])
    width_mm = float(np.linalg.norm(hinges[1] - hinges[0])) / placement["px_per_mm_face"]
    assert placement["scale_mode"] == "metric"
    assert width_mm == pytest.approx(geo["total_width_mm"], rel=0.03)
    assert placement["frame_width_mm"] == pytest.approx(geo["total_width_mm"], abs=0.1)
    assert placement["fit"] in {"fits", "narrow", "wide"}


@pytest.mark.parametrize(("delta_mm", "verdict"), [(-15, "narrow"), (0, "fits"), (4, "fits"), (15, "wide")])
def test_fit_verdict_compares_frame_and_face_width(astronaut_face, rect_asset, delta_mm, verdict):
    analysis = {
        "face": {"mesh": astronaut_face.mesh.tolist()},
        "fit": {"pd_mm": 62.0, "face_width_mm": 135.0},
    }
    geo = dict(rect_asset.geometry, total_width_mm=135.0 + delta_mm)
    placement = place_asset(None, geo, analysis=analysis)
    assert placement["face_width_mm"] == 135.0
    assert placement["fit"] == verdict


def test_render_composites_only_around_the_eyes(astronaut, astronaut_face, rect_asset):
    image, placement = render_tryon(astronaut, rect_asset, face=astronaut_face)
    out = np.asarray(image)
    assert out.shape == astronaut.shape
    changed = np.abs(out.astype(int) - astronaut.astype(int)).max(axis=2) > 8
    ys, xs = np.nonzero(changed)
    eyes = _eyes(astronaut_face.mesh)
    iod = float(np.linalg.norm(eyes[1] - eyes[0]))
    assert changed.sum() > 200
    assert ys.min() > eyes[:, 1].min() - 1.5 * iod and ys.max() < eyes[:, 1].max() + 1.5 * iod
    # The rim is drawn where the homography says it is: the asset's own opaque pixels land darker.
    assert placement["homography"] == place_asset(astronaut_face, rect_asset)["homography"]


def test_render_finds_the_face_itself(astronaut, rect_asset):
    image, placement = render_tryon(astronaut, rect_asset)
    assert image.size == (astronaut.shape[1], astronaut.shape[0])
    assert placement["fit"] in {"fits", "narrow", "wide"}
