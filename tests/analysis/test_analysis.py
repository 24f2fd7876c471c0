"""Face analysis on generated and public-domain images (scikit-image's astronaut only)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from inference import colour
from inference.analysis import analyze_image
from inference.analysis import regions as R
from inference.analysis.quality import TONED_SHARE, colourless, toned_share
from inference.analysis.regions import RegionCanvas
from inference.errors import NoFaceError
from inference.face import find_faces

skdata = pytest.importorskip("skimage.data")
REPO = Path(__file__).resolve().parents[2]
SHAPES = {"oval", "round", "square", "heart", "oblong", "diamond", "triangle"}
CONCERNS = ("redness", "uneven_tone", "texture", "shine", "dark_circles")
POINTS = ("left_eye", "right_eye", "nose_tip", "nose_bridge", "mouth_left", "mouth_right", "chin", "forehead")


@pytest.fixture(scope="module")
def result(astronaut: np.ndarray) -> dict:
    return analyze_image(astronaut)


def codes(analysis: dict) -> set[str]:
    return {issue["code"] for issue in analysis["quality"]["issues"]}


def relit(rgb: np.ndarray, gains: tuple[float, float, float], stops: float = 0.0) -> np.ndarray:
    """The photo under another lamp / exposure: von Kries gains in linear RGB, clipped like a camera."""
    linear = colour.srgb_to_linear(rgb) * np.array(gains) * 2.0**stops
    return np.round(colour.linear_to_srgb(np.clip(linear, 0, 1))).astype(np.uint8)


def test_schema_of_the_contract(result: dict) -> None:
    assert result["image"] == {"width": 512, "height": 512}
    assert result["faces_found"] == 1
    face = result["face"]
    x0, y0, x1, y1 = face["box"]
    assert 0 <= x0 < x1 <= 512 and 0 <= y0 < y1 <= 512
    assert 0.5 < face["score"] <= 1.0
    for name in (*POINTS, "left_temple", "right_temple"):
        assert len(face["points"][name]) == 2
    # image-left eye really is left of the image-right eye, and both are inside the face box
    assert face["points"]["left_eye"][0] < face["points"]["right_eye"][0]
    assert x0 < face["points"]["left_eye"][0] < x1
    assert set(face["pose"]) == {"roll", "yaw", "pitch"}
    assert "mesh" not in face
    assert {"ok", "issues", "brightness", "sharpness", "face_fraction"} <= set(result["quality"])
    assert set(result["timing_ms"]) >= {"decode", "detect_mesh", "skin", "total"}


def test_pose_is_near_frontal_and_fit_is_plausible(result: dict) -> None:
    pose = result["face"]["pose"]
    assert abs(pose["roll"]) < 10 and abs(pose["yaw"]) < 15 and abs(pose["pitch"]) < 20
    fit = result["fit"]
    assert 50 < fit["pd_mm"] < 75
    assert 110 < fit["face_width_mm"] < 170
    assert 0 < fit["uncertainty_mm"] < 10


def test_skin_fields(result: dict) -> None:
    skin = result["skin"]
    assert 1 <= skin["monk"] <= 10
    assert skin["monk_hex"] == colour.MONK_HEX[skin["monk"] - 1]
    assert skin["hex"].startswith("#") and len(skin["hex"]) == 7
    lightness, _, b = skin["lab"]
    assert 30 < lightness < 95 and b > 0  # a real, yellowish skin colour, not a background pixel
    assert skin["undertone"] in {"warm", "neutral", "cool"}
    assert skin["season"]["name"] in {"spring", "summer", "autumn", "winter"}
    assert skin["season"]["subtype"].endswith(skin["season"]["name"])
    assert len(skin["palette"]["best"]) >= 4 and len(skin["palette"]["avoid"]) >= 3
    for kind in ("best", "avoid"):  # every swatch has a plain name, in order
        names = skin["palette"][f"{kind}_names"]
        assert len(names) == len(skin["palette"][kind]) and all(n and not n.startswith("#") for n in names)
    assert 0.0 < skin["confidence"] <= 1.0
    assert skin["hue_tolerance"] == 1.0  # a camera-balanced photo: its hue is as sure as its lightness


def test_face_shape_and_concerns_in_range(result: dict) -> None:
    shape = result["face_shape"]
    assert shape["label"] in SHAPES and set(shape["scores"]) == SHAPES
    assert abs(sum(shape["scores"].values()) - 1.0) < 0.01
    assert shape["scores"][shape["label"]] == max(shape["scores"].values())
    for name in CONCERNS:
        assert isinstance(result["concerns"][name], int) and 0 <= result["concerns"][name] <= 100
    assert set(result["concerns"]) == set(CONCERNS)
    assert "not a medical" in result["disclaimer"]


@pytest.mark.parametrize(
    ("gains", "stops"),
    [
        ((1.93, 0.805, 0.193), 0.0),
        ((1.42, 0.92, 0.53), 0.0),
        ((1.04, 0.98, 1.04), 0.0),
        ((1.18, 0.94, 0.51), 0.0),
        ((1.0, 1.0, 1.0), -1.0),
    ],
    ids=["2700K", "4000K", "6500K", "fluorescent", "-1 stop"],
)
def test_colour_cast_gives_the_same_monk_shade(astronaut, result, gains, stops) -> None:
    cast = analyze_image(relit(astronaut, gains, stops))
    assert cast["skin"]["monk"] == result["skin"]["monk"]
    if stops == 0.0 and gains[0] > 1.3:  # a strong cast is visible evidence against certainty
        assert cast["skin"]["confidence"] < result["skin"]["confidence"]
    # Removing a lamp's colour leaves its hue less sure than its lightness; a change of exposure does not.
    coloured = max(gains) / min(gains) > 2
    assert (cast["skin"]["hue_tolerance"] >= 2.0) if coloured else (cast["skin"]["hue_tolerance"] == 1.0)


def test_no_face_raises() -> None:
    rng = np.random.default_rng(0)
    noise = cv2.GaussianBlur(rng.integers(0, 255, (240, 320, 3), dtype=np.uint8), (0, 0), 3)
    with pytest.raises(NoFaceError) as info:
        analyze_image(noise)
    assert info.value.code == "no_face" and "face" in info.value.message


def test_two_faces_analyses_the_largest(astronaut) -> None:
    small = cv2.resize(astronaut, (256, 256))
    canvas = np.full((512, 1024, 3), 235, np.uint8)
    canvas[:, :512] = astronaut
    canvas[128:384, 640:896] = small
    out = analyze_image(canvas)
    assert out["faces_found"] == 2
    assert "multiple_faces" in codes(out)
    assert out["face"]["box"][2] <= 512  # the big (left) astronaut


def test_rotated_exif_is_analysed_upright(astronaut, result) -> None:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° CW to display": the stored pixels are turned the other way
    Image.fromarray(np.rot90(astronaut, k=1)).save(buffer, format="JPEG", quality=95, exif=exif.tobytes())
    out = analyze_image(buffer.getvalue())
    assert out["image"] == {"width": 512, "height": 512}
    assert np.allclose(out["face"]["box"], result["face"]["box"], atol=8)
    assert abs(out["face"]["pose"]["roll"]) < 10


def test_tiny_image_never_guesses(astronaut) -> None:
    # At 48 px the face is ~20 px wide, under the smallest face the detector (128 px input, 8 px anchor
    # stride) finds: no face, not a made-up reading.
    tiny = cv2.resize(astronaut, (48, 48), interpolation=cv2.INTER_AREA)
    with pytest.raises(NoFaceError):
        analyze_image(tiny)
    # At 64 px it is found, and flagged as too small for its reading to be trusted.
    small = analyze_image(cv2.resize(astronaut, (64, 64), interpolation=cv2.INTER_AREA))
    assert "face_too_small" in codes(small) and not small["quality"]["ok"]


def test_quality_flags_dark_blurred_and_cropped(astronaut, result) -> None:
    assert not codes(result) & {"too_dark", "blurry", "face_cut_off", "head_turned", "eyes_closed"}
    dark = analyze_image(relit(astronaut, (1, 1, 1), -3.3))
    assert "too_dark" in codes(dark)
    assert dark["quality"]["brightness"] < result["quality"]["brightness"]
    blurred = analyze_image(cv2.GaussianBlur(astronaut, (0, 0), 3))
    assert "blurry" in codes(blurred)
    assert blurred["quality"]["sharpness"] < result["quality"]["sharpness"] / 5
    cropped = analyze_image(np.ascontiguousarray(astronaut[:150]))
    assert "face_cut_off" in codes(cropped)
    # Lighting and blur falsify the skin colour: the shade is flagged unreliable (the widget withholds it).
    assert dark["skin"]["reliable"] is False and blurred["skin"]["reliable"] is False
    for issue in dark["quality"]["issues"] + blurred["quality"]["issues"]:
        assert issue["message"] and not issue["message"].endswith(".")


def test_smooth_skin_in_a_sharp_photo_is_not_called_blurry(astronaut) -> None:
    # The astronaut's skin is smooth: a slight softness (σ 0.8 px at 1,024 px) leaves the face oval with
    # little detail, while lashes and brows still show the photo is sharp. A real blur (σ 1.5) takes them too.
    big = cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    soft = analyze_image(cv2.GaussianBlur(big, (0, 0), 0.8))
    assert soft["quality"]["sharpness"] < 60 < soft["quality"]["eye_sharpness"]
    assert "blurry" not in codes(soft)
    blurred = analyze_image(cv2.GaussianBlur(big, (0, 0), 1.5))
    assert blurred["quality"]["eye_sharpness"] < 60 and "blurry" in codes(blurred)


def test_pose_issues_keep_the_skin_shade_but_a_small_face_withholds_it(astronaut, result) -> None:
    # At 512 px the astronaut's face is 96 px wide: too few pixels (and sclera) to trust the colour.
    assert codes(result) == {"face_too_small"} and result["skin"]["reliable"] is False
    # Nearest-neighbour ×2 and a cubic rotation keep it sharp: only the pose is at issue.
    big = cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    upright = analyze_image(big)
    assert upright["quality"]["ok"] and upright["skin"]["reliable"] is True
    centre = (big.shape[1] / 2, big.shape[0] / 2)
    rotation = cv2.getRotationMatrix2D(centre, 20, 1.0)
    turned = cv2.warpAffine(big, rotation, big.shape[1::-1], flags=cv2.INTER_CUBIC)
    tilted = analyze_image(turned)
    assert codes(tilted) == {"head_tilted"}
    assert tilted["skin"]["reliable"] is True and abs(tilted["skin"]["monk"] - upright["skin"]["monk"]) <= 1


def _toned(rgb: np.ndarray, dark: tuple[int, int, int], light: tuple[int, int, int]) -> np.ndarray:
    """A filter mapping each grey level onto one line of colours (black-and-white, sepia, duotone)."""
    grey = (rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114]))[..., None] / 255.0
    return np.round(np.array(dark) + (np.array(light) - np.array(dark)) * grey).astype(np.uint8)


def test_a_colour_photo_under_a_warm_lamp_is_not_taken_for_a_filter(astronaut) -> None:
    # Tungsten light (2,700 K, gains as in benchmarks/skin_tone.py) pulls every colour towards orange in
    # proportion to its lightness, as a sepia filter does; balanced, the photo's own colours are back.
    # The retina (skimage's public-domain sample) was taken for a filter under that lamp before the balance.
    for photo in (astronaut, skdata.retina()):
        tungsten = relit(photo, (1.93, 0.81, 0.19))
        assert not colourless(tungsten) and toned_share(tungsten) < TONED_SHARE
    sepia = _toned(astronaut, (40, 26, 13), (255, 236, 200))
    assert colourless(sepia)


@pytest.mark.parametrize(
    ("dark", "light"),
    [((0, 0, 0), (255, 255, 255)), ((40, 26, 13), (255, 236, 200)), ((30, 20, 80), (255, 220, 180))],
    ids=["black-and-white", "sepia", "duotone"],
)
def test_a_photo_without_colour_of_its_own_gets_no_skin_colour(astronaut, dark, light) -> None:
    big = cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    assert "no_colour" not in codes(analyze_image(big))
    out = analyze_image(_toned(big, dark, light))
    assert codes(out) == {"no_colour"} and out["quality"]["ok"] is False
    assert out["quality"]["issues"][0]["message"] == "Use a colour photo without a filter"
    # The filter's colour is not the shopper's: no shade is shown; the face itself is still read.
    assert out["skin"]["reliable"] is False
    assert out["face_shape"]["label"] in SHAPES and out["fit"]


def test_skin_clipped_in_one_channel_is_not_shown_as_a_trusted_shade_and_says_why(astronaut) -> None:
    # Harsh warm light: red clips on most of the skin, the other channels do not, so the capture checks (all
    # channels clipped) pass, but the reading has no confidence left and must not be shown as reliable. The
    # shopper is told what to change (harsh light), not only that no shade could be shown.
    big = cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST).astype(np.float64)
    big[..., 0] = np.clip(big[..., 0] * 1.3, 0, 255)
    out = analyze_image(big.astype(np.uint8))
    assert out["skin"]["confidence"] < 0.2 and out["skin"]["reliable"] is False
    assert out["skin"]["monk"] is not None  # still reported, so a caller can see what was read
    assert codes(out) == {"too_bright"} and out["quality"]["ok"] is False
    assert out["quality"]["issues"][0]["message"] == "Move out of direct light"


def test_an_over_bright_photo_of_light_skin_asks_for_softer_light(astronaut) -> None:
    face = cv2.resize(astronaut[20:320, 90:390], (600, 600), interpolation=cv2.INTER_CUBIC)
    as_shot = analyze_image(face)
    assert as_shot["quality"]["ok"] and as_shot["skin"]["reliable"] is True
    brighter = colour.linear_to_srgb(np.clip(colour.srgb_to_linear(face) * 2.0**0.6, 0, 1))
    out = analyze_image(np.round(brighter).astype(np.uint8))
    assert out["skin"]["reliable"] is False and "too_bright" in codes(out)


def test_a_blown_out_background_makes_the_shade_approximate_but_keeps_it(astronaut) -> None:
    # A scene clipped to white is what a photo one stop over looks like around a face that itself clips
    # nothing, but also what a white backdrop looks like: the reading stays shown, marked approximate
    # (confidence under 0.5), and the photo gets no issue of its own.
    big = cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    as_shot = analyze_image(big)
    x0, y0, x1, y1 = (int(v) for v in as_shot["face"]["box"])
    pad = (x1 - x0) // 2
    around_face = (slice(max(y0 - pad, 0), y1 + pad), slice(max(x0 - pad, 0), x1 + pad))
    backdrop = np.full_like(big, 255)
    backdrop[around_face] = big[around_face]
    out = analyze_image(backdrop)
    assert as_shot["skin"]["reliable"] and as_shot["skin"]["confidence"] >= 0.5
    assert out["skin"]["reliable"] is True and 0.2 <= out["skin"]["confidence"] < 0.5
    assert out["quality"]["ok"] and out["skin"]["monk"] == as_shot["skin"]["monk"]
    # For the shade match, the scene says the photo may be a stop over; as shot, nothing says so.
    assert as_shot["skin"]["overexposure_doubt"] == 0.0 and out["skin"]["overexposure_doubt"] == 1.0


@pytest.mark.parametrize(
    ("weakest", "stops", "issue"),
    [
        ("clipping", 0.0, "too_bright"),
        ("cast", 0.0, "colour_cast"),
        ("exposure", -1.2, "too_dark"),
        ("exposure", 1.2, "too_bright"),
        ("bright_scene", 0.0, "too_bright"),
        ("agreement", 0.0, None),  # hair over the forehead, make-up: no single instruction
        ("pixels", 0.0, None),
    ],
)
def test_the_weakest_part_of_the_skin_confidence_names_the_issue(weakest, stops, issue) -> None:
    from inference.analysis.quality import lighting_issue

    factors = {"pixels": 0.9, "cast": 0.8, "exposure": 0.7, "clipping": 0.6, "agreement": 0.5, "evidence": 1}
    factors["bright_scene"] = 0.95
    factors[weakest] = 0.05
    assert lighting_issue(factors, stops) == issue


def test_redness_rises_with_reddened_cheeks(astronaut) -> None:
    big = cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    before = analyze_image(big)["concerns"]
    canvas = RegionCanvas(find_faces(big).faces[0].mesh.astype(np.float64), big.shape[:2], margin=0.0)
    flushed = big.astype(np.float64)
    crop = canvas.crop(flushed)  # a view into `flushed`
    cheeks = canvas.union(R.RIGHT_CHEEK, R.LEFT_CHEEK)
    crop[cheeks] = np.clip(crop[cheeks] * np.array([1.12, 0.93, 0.95]), 0, 255)
    after = analyze_image(flushed.astype(np.uint8))["concerns"]
    assert before["redness"] < 30 < 60 < after["redness"] < 100
    assert abs(after["texture"] - before["texture"]) <= 5  # colour, not texture, changed


def _on_cheeks(image: np.ndarray, draw) -> np.ndarray:
    """`image` with `draw(mask, cheeks, px_per_mm)` darkened into both cheeks, as melanin darkens skin (blue
    most, red least)."""
    face = find_faces(image).faces[0]
    canvas = RegionCanvas(face.mesh.astype(np.float64), image.shape[:2], margin=0.0)
    cheeks = canvas.union(R.RIGHT_CHEEK, R.LEFT_CHEEK)
    px_per_mm = float(np.ptp(face.mesh[[234, 454], 0])) / 140.0
    mask = np.zeros(cheeks.shape, np.float32)
    draw(mask, cheeks, px_per_mm)
    mask = cv2.GaussianBlur(mask, (0, 0), 0.4 * px_per_mm)
    linear = colour.srgb_to_linear(image)
    crop = canvas.crop(linear)  # a view into `linear`
    crop[:] = crop * (1 - mask[..., None] + mask[..., None] * np.array([0.74, 0.63, 0.51]))
    return np.clip(np.round(colour.linear_to_srgb(linear)), 0, 255).astype(np.uint8)


def test_uneven_tone_counts_spots_not_folds(astronaut) -> None:
    """Spots are small, compact and moderately darker; a smile line or a glasses rim's shadow is long. The
    index used to count both (a studio portrait read 94 from hair over the forehead and its smile folds)."""
    big = cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    rng = np.random.default_rng(3)

    def spots(mask: np.ndarray, cheeks: np.ndarray, px_per_mm: float) -> None:
        ys, xs = np.nonzero(cheeks)
        for i in rng.choice(len(xs), 12, replace=False):
            cv2.circle(mask, (int(xs[i]), int(ys[i])), max(1, round(2.5 * px_per_mm)), 1.0, -1)

    def folds(mask: np.ndarray, cheeks: np.ndarray, px_per_mm: float) -> None:
        ys, xs = np.nonzero(cheeks)
        for side in (xs < xs.mean(), xs >= xs.mean()):
            x0, y0 = int(xs[side].mean()), int(ys[side].min() + 0.2 * np.ptp(ys[side]))
            end = (x0 + round(6 * px_per_mm), y0 + round(30 * px_per_mm))
            cv2.line(mask, (x0, y0), end, 1.0, max(1, round(1.5 * px_per_mm)))

    before = analyze_image(big)["concerns"]
    spotted = analyze_image(_on_cheeks(big, spots))["concerns"]
    folded = analyze_image(_on_cheeks(big, folds))["concerns"]
    assert before["uneven_tone"] < 50
    assert spotted["uneven_tone"] >= before["uneven_tone"] + 40
    assert folded["uneven_tone"] <= before["uneven_tone"] + 10
    assert abs(spotted["redness"] - before["redness"]) <= 10  # pigment, not redness


def test_mesh_only_when_asked(astronaut) -> None:
    out = analyze_image(astronaut, mesh=True)
    mesh = np.array(out["face"]["mesh"])
    assert mesh.shape == (478, 3)


def test_cli_prints_one_json_object_per_image(tmp_path, astronaut) -> None:
    face = tmp_path / "astronaut.png"
    Image.fromarray(astronaut).save(face)
    blank = tmp_path / "blank.png"
    Image.new("RGB", (200, 200), (120, 160, 200)).save(blank)
    proc = subprocess.run(
        [sys.executable, "-m", "inference", "analyze", str(face), str(blank)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert proc.returncode == 1 and len(lines) == 2  # the blank image fails, the face does not
    good, bad = lines
    assert bad["error"]["code"] == "no_face"
    types = {
        "image": dict,
        "faces_found": int,
        "face": dict,
        "quality": dict,
        "skin": dict,
        "face_shape": dict,
        "concerns": dict,
        "fit": dict,
        "timing_ms": dict,
    }
    for key, kind in types.items():
        assert isinstance(good[key], kind), key
    assert isinstance(good["skin"]["monk"], int) and isinstance(good["skin"]["lab"], list)
    assert isinstance(good["fit"]["pd_mm"], float) and isinstance(good["quality"]["ok"], bool)
    # Same bytes in another process → the same skin reading (the widget re-analyses uploads).
    assert good["skin"] == json.loads(json.dumps(analyze_image(face)["skin"]))
