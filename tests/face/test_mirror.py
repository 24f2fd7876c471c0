"""The mesh's mirror permutation (`FLIP_INDEX`) and the mirror-averaged mesh that `find_faces` returns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inference.face import find_faces
from inference.face.topology import FLIP_INDEX
from tests.face.test_find_faces import EXPECTED, IDS, IOD

TASK = Path(__file__).resolve().parents[3] / "shared" / "models" / "face_landmarker.task"
FLIP = np.array(FLIP_INDEX)


def test_flip_index_is_an_involution_over_all_points():
    assert sorted(FLIP) == list(range(478))
    np.testing.assert_array_equal(FLIP[FLIP], np.arange(478))


@pytest.mark.parametrize(
    ("a", "b"),
    [(468, 473), (33, 263), (133, 362), (61, 291), (78, 308), (234, 454)],  # iris, eye/mouth corners, oval
)
def test_flip_index_swaps_known_left_right_pairs(a, b):
    assert FLIP[a] == b and FLIP[b] == a


def test_flip_index_keeps_the_midline_and_pairs_the_iris_rings():
    for midline in (0, 1, 4, 6, 10, 13, 14, 152, 168):  # lips, nose tip, nose bridge, forehead, chin
        assert FLIP[midline] == midline
    assert set(FLIP[469:473]) == {474, 475, 476, 477}
    assert int((FLIP == np.arange(478)).sum()) == 28  # the canonical model's points on x = 0; no iris point


def test_flip_index_is_what_the_tool_derives_from_the_canonical_model():
    if not TASK.is_file():
        pytest.skip(f"{TASK} not present")
    from inference.tools.mesh_flip_index import canonical_vertices, flip_index

    vertices = canonical_vertices(TASK)
    assert vertices.shape == (468, 3)
    assert flip_index(vertices) == list(FLIP_INDEX)


def test_mirrored_photo_gives_the_mirrored_mesh(astronaut):
    # A wrong pairing would move points by a large fraction of the face; the model's own asymmetry is small.
    width = astronaut.shape[1]
    direct = find_faces(astronaut, mirror=False).faces[0].mesh[:, :2]
    mirrored = find_faces(np.ascontiguousarray(astronaut[:, ::-1]), mirror=False).faces[0].mesh[FLIP, :2]
    mirrored[:, 0] = width - 1 - mirrored[:, 0]
    gap = np.linalg.norm(mirrored - direct, axis=1) / IOD
    assert gap.mean() < 0.03 and gap.max() < 0.1, (gap.mean(), gap.max())


def test_single_pass_is_mediapipes_and_the_mirror_average_stays_close(astronaut):
    single = find_faces(astronaut, mirror=False).faces[0]
    np.testing.assert_allclose(single.mesh[IDS, :2], EXPECTED, atol=0.1)  # parity with MediaPipe's runtime
    averaged = find_faces(astronaut).faces[0]  # the default: mirror=True
    np.testing.assert_allclose(averaged.mesh[IDS, :2], EXPECTED, atol=2.0)
    assert 0.05 < np.abs(averaged.mesh[IDS, :2] - EXPECTED).max()  # the default really averages two passes
    assert averaged.presence > 0.9
