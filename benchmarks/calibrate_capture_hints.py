"""How often the camera screen's lighting hints fire on real portraits: as shot, one stop under and over, and
under the skin benchmark's lamps. The constants behind `watchLighting` in widgets/widget/src/app/capture.js.

The widget samples the live preview at 160 px wide and tests the inner part of its guide oval (the face)
against what lies well outside it (the background). Here each portrait is framed the way a shopper lines up
in the guide: the face oval from its mesh, scaled to ALIGNED of the guide's height and centred on it, in a
4:3 frame the size of the widget's sample (a tight crop is extended by reflecting its edges, as close to
"more of the same room" as one photo allows). Then capture.js's rules run with its own constants, read from
the file, so this script and the widget cannot drift apart. A hint on a photo as shot is a false alarm unless
the analysis would also correct that photo (too dark: the analysis brightens it); one stop over, a hint is
what the analysis cannot provide (benchmarks/README.md, issue 7: medium and deep skin one stop over clips
nothing and reads lighter).

    .venv/bin/python benchmarks/calibrate_capture_hints.py [--data ../shared/data] [--utk 150]
"""

from __future__ import annotations

import re
import sys
from multiprocessing import Pool
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

import skin_tone  # noqa: E402  (its relighting: lamps and exposure applied in linear light, then 8-bit)
from face_common import portrait_args, real_portraits  # noqa: E402

from inference import colour  # noqa: E402
from inference.analysis import regions as R  # noqa: E402
from inference.analysis.regions import RegionCanvas  # noqa: E402
from inference.face import find_faces  # noqa: E402
from inference.imageio import load_rgb  # noqa: E402

CAPTURE_JS = REPO / "widgets" / "widget" / "src" / "app" / "capture.js"
CONSTANTS = (
    "LIGHT_SAMPLE_WIDTH",
    "CLIPPED_8BIT",
    "TOO_BRIGHT_FACE",
    "BACKLIT_SCENE",
    "BACKLIT_FACE_MAX",
    "DARK_WHITE_PATCH",
    "FACE_SCALE",
    "SCENE_SCALE",
    "GUIDE_CX",
    "GUIDE_CY",
    "GUIDE_RX",
    "GUIDE_RY",
)
# The portraits are read at the widget's upload size before framing (the preview's own size varies by camera).
PHOTO_SIDE = 1024
# A face lined up in the guide: its outline's height as a share of the guide oval's.
ALIGNED = 0.9
# The camera box is 4:3 on desktop; the widget samples it 160 px wide.
FRAME_ASPECT = 4 / 3


def widget_constants() -> dict[str, float]:
    """The hint thresholds as capture.js declares them (`var NAME = value;`)."""
    text = CAPTURE_JS.read_text(encoding="utf-8")
    found = {name: re.search(rf"var {name} = ([0-9.]+);", text) for name in CONSTANTS}
    missing = [name for name, match in found.items() if match is None]
    if missing:
        raise SystemExit(f"capture.js no longer declares {missing}: update this script with the widget")
    return {name: float(match.group(1)) for name, match in found.items()}


C = widget_constants()


def guide_oval(width: float, height: float) -> tuple[float, float, float, float]:
    """capture.js's `ovalInFrame` for a frame shown whole in a box of its own shape: (cx, cy, rx, ry)."""
    unit = max(width, height) / 100
    return (
        width / 2 + (C["GUIDE_CX"] - 50) * unit,
        height / 2 + (C["GUIDE_CY"] - 50) * unit,
        C["GUIDE_RX"] * unit,
        C["GUIDE_RY"] * unit,
    )


def camera_frame(rgb: np.ndarray, face: np.ndarray) -> np.ndarray:
    """What the widget samples when this face is lined up in the guide: 4:3, LIGHT_SAMPLE_WIDTH wide."""
    w = int(C["LIGHT_SAMPLE_WIDTH"])
    h = round(w / FRAME_ASPECT)
    cx, cy, _, ry = guide_oval(w, h)
    rows, cols = np.nonzero(face)
    scale = ALIGNED * 2 * ry / (rows.max() - rows.min() + 1)
    size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
    small = np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.LANCZOS))
    shift = np.float32(
        [
            [1, 0, cx - (cols.min() + cols.max() + 1) / 2 * scale],
            [0, 1, cy - (rows.min() + rows.max() + 1) / 2 * scale],
        ]
    )
    return cv2.warpAffine(small, shift, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)


def hint(frame: np.ndarray) -> str | None:
    """capture.js's `lightingHint` on a camera frame (8-bit RGB, sample size) with the guide oval."""
    h, w = frame.shape[:2]
    cx, cy, rx, ry = guide_oval(w, h)
    yy, xx = np.mgrid[0:h, 0:w] + 0.5
    r2 = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2
    face, scene = r2 <= C["FACE_SCALE"] ** 2, r2 > C["SCENE_SCALE"] ** 2
    clipped = frame[..., 1] >= C["CLIPPED_8BIT"]
    face_share = float(clipped[face].mean())
    if face_share >= C["TOO_BRIGHT_FACE"]:
        return "too_bright"
    if clipped[scene].mean() >= C["BACKLIT_SCENE"] and face_share < C["BACKLIT_FACE_MAX"]:
        return "backlit"
    top = int(np.ceil(0.005 * w * h))
    brightest = int(np.sort(frame.max(axis=2).ravel())[::-1][top - 1])
    return "too_dark" if brightest < C["DARK_WHITE_PATCH"] else None


def face_oval(rgb: np.ndarray) -> np.ndarray | None:
    """The face oval of the photo's first face as a full-size mask, or None without a face."""
    scan = find_faces(rgb)
    if not scan.faces:
        return None
    canvas = RegionCanvas(scan.faces[0].mesh.astype(np.float64), rgb.shape[:2])
    crop = canvas.polygon(R.FACE_OVAL)
    full = np.zeros(rgb.shape[:2], bool)
    full[canvas.y0 : canvas.y0 + crop.shape[0], canvas.x0 : canvas.x0 + crop.shape[1]] = crop
    return full


def hints_for(path: Path) -> dict[str, str | None] | None:
    """The hint each condition of the skin benchmark gets on one portrait (None without a face)."""
    rgb = load_rgb(path)
    scale = PHOTO_SIDE / max(rgb.shape[:2])
    if scale < 1:
        size = (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale))
        rgb = np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.LANCZOS))
    face = face_oval(rgb)
    if face is None:
        return None
    linear = colour.srgb_to_linear(rgb)
    out = {}
    for condition, (gains, stops) in skin_tone.CONDITIONS.items():
        photo = rgb if condition == "neutral" else skin_tone.relight(linear, gains, stops)
        out[condition] = hint(camera_frame(photo, face))
    return out


def main() -> None:
    args = portrait_args(__doc__.splitlines()[0])
    paths = real_portraits(args.data, args.utk, args.seed)
    with Pool(2) as pool:
        results = [r for r in pool.imap(hints_for, paths, chunksize=4) if r is not None]
    print(f"\n{len(results)} real portraits with a face; constants from capture.js: {C}\n")
    kinds = ("too_bright", "backlit", "too_dark")
    print("| condition | " + " | ".join(kinds) + " | any hint |\n|---|" + "---:|" * (len(kinds) + 1))
    for condition in skin_tone.CONDITIONS:
        got = [r[condition] for r in results]
        shares = [100 * np.mean([g == kind for g in got]) for kind in kinds]
        anything = 100 * np.mean([g is not None for g in got])
        print(f"| {condition} | " + " | ".join(f"{s:.1f} %" for s in shares) + f" | {anything:.1f} % |")


if __name__ == "__main__":
    main()
