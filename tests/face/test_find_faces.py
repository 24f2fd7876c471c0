"""find_faces on the public-domain astronaut and generated images: pinned points, counts, scale robustness."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from inference.face import find_faces
from inference.imageio import load_rgb

# Computed once with the `mediapipe` package's own FaceLandmarker (1.2.2, same .task) on skimage's astronaut;
# our port agreed to < 0.02 px (benchmarks/parity.py measures the same on real photos).
PINNED = {
    1: (223.53, 131.06),  # nose tip
    33: (195.28, 100.58),  # image-left eye, outer corner
    263: (255.32, 103.79),  # image-right eye, outer corner
    61: (202.28, 139.17),  # image-left mouth corner
    291: (244.49, 140.55),  # image-right mouth corner
    152: (221.43, 177.42),  # chin
    468: (203.47, 101.12),  # image-left iris centre
    473: (246.03, 103.52),  # image-right iris centre
}
IDS = list(PINNED)
EXPECTED = np.array([PINNED[i] for i in IDS])
IOD = float(np.linalg.norm(EXPECTED[-1] - EXPECTED[-2]))  # ≈ 42.6 px


def points(face, scale: float = 1.0, offset: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """The pinned points of `face`, mapped back to the original astronaut's coordinates."""
    return (face.mesh[IDS, :2] - np.array(offset)) / scale


def test_astronaut_points_match_mediapipe(astronaut):
    scan = find_faces(astronaut)
    assert scan.image_size == (512, 512)
    assert len(scan.faces) == 1
    face = scan.faces[0]
    np.testing.assert_allclose(points(face), EXPECTED, atol=2.0)
    assert face.mesh.shape == (478, 3) and face.mesh.dtype == np.float32
    assert face.score > 0.8 and face.presence > 0.9
    x0, y0, x1, y1 = face.box
    assert x0 < EXPECTED[:, 0].min() and x1 > EXPECTED[:, 0].max() and y0 < EXPECTED[:, 1].min()
    assert face.keypoints.shape == (6, 2)
    # Detector key point 0 is the subject's right eye, which is image-left in a photo.
    assert face.keypoints[0, 0] < face.keypoints[1, 0]


def test_no_face_in_generated_scene():
    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:480, 0:640]
    scene = np.stack([(xx / 640) * 255, (yy / 480) * 255, np.full_like(xx, 90.0)], axis=-1).astype(np.uint8)
    for _ in range(12):  # rectangles and circles: structure, but nothing face-like
        x, y = rng.integers(0, 600), rng.integers(0, 440)
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        if rng.random() < 0.5:
            cv2.rectangle(scene, (int(x), int(y)), (int(x) + 60, int(y) + 30), colour, -1)
        else:
            cv2.circle(scene, (int(x), int(y)), 25, colour, -1)
    assert find_faces(scene).faces == []
    assert find_faces(np.zeros((300, 300, 3), np.uint8)).faces == []


def test_two_faces_side_by_side_largest_first(astronaut):
    small = np.zeros_like(astronaut)
    small[:384, :384] = cv2.resize(astronaut, (384, 384), interpolation=cv2.INTER_AREA)
    pair = np.concatenate([small, astronaut], axis=1)  # 1024×512: a 3/4-size copy left, full-size right
    scan = find_faces(pair)
    assert len(scan.faces) == 2
    big, little = scan.faces
    assert big.area > little.area
    np.testing.assert_allclose(points(big, offset=(512, 0)), EXPECTED, atol=3.0)
    np.testing.assert_allclose(points(little, scale=0.75), EXPECTED, atol=3.0)
    assert len(find_faces(pair, max_faces=1).faces) == 1


def test_exif_rotated_jpeg_maps_to_upright_coordinates(astronaut):
    # Orientation 6 = "rotate 90° clockwise to display": store the upright picture rotated counter-clockwise.
    stored = Image.fromarray(astronaut).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    stored.save(buffer, format="JPEG", quality=95, exif=exif.tobytes())
    rgb = load_rgb(buffer.getvalue())
    assert rgb.shape == astronaut.shape
    face = find_faces(rgb).faces[0]
    np.testing.assert_allclose(points(face), EXPECTED, atol=2.5)


@pytest.mark.parametrize("side", [96, 64])
def test_tiny_image_is_upscaled(astronaut, side):
    # A tight crop around the face, shrunk to a thumbnail: the face is ~60-90 % of the image.
    x0, y0, size = 150, 40, 160
    thumb = cv2.resize(astronaut[y0 : y0 + size, x0 : x0 + size], (side, side), interpolation=cv2.INTER_AREA)
    faces = find_faces(thumb).faces
    assert len(faces) == 1
    scale = side / size
    got = points(faces[0], scale=scale) + np.array([x0, y0])
    error = np.linalg.norm(got - EXPECTED, axis=1).mean() / IOD
    assert error < 0.05, error


def test_huge_image_keeps_full_resolution_mesh(astronaut):
    scale = 6.0  # 3072×3072, like a phone photo
    huge = cv2.resize(astronaut, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    face = find_faces(huge).faces[0]
    error = np.linalg.norm(points(face, scale=scale) - EXPECTED, axis=1).mean() / IOD
    assert error < 0.02, error


def test_small_face_in_large_photo_found_by_tiles(astronaut):
    # The 95 px face is 1/25 of a 2,400 px canvas: too small for the 128 px whole-image pass.
    canvas = np.full((1800, 2400, 3), 128, np.uint8)
    canvas[1200:1712, 1800:2312] = astronaut
    faces = find_faces(canvas).faces
    assert len(faces) == 1
    np.testing.assert_allclose(points(faces[0], offset=(1800, 1200)), EXPECTED, atol=3.0)


def test_refine_pass_stays_on_the_face(astronaut):
    face = find_faces(astronaut, refine=True).faces[0]
    np.testing.assert_allclose(points(face), EXPECTED, atol=3.0)


def test_rejects_non_rgb_arrays():
    with pytest.raises(ValueError):
        find_faces(np.zeros((10, 10), np.uint8))
