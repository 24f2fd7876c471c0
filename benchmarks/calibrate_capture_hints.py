"""How often the camera screen's lighting hints fire on real portraits: as shot, one stop under and over, and
under the skin benchmark's lamps. The constants behind `watchLighting` in widgets/widget/src/app/capture.js.

The widget reads the live preview at 160 px wide and tests the pixels inside its guide oval (where the
shopper's face is) against the rest. Here each portrait's face oval from its mesh stands in for the guide,
and the rules are applied with the constants read from capture.js itself, so this script and the widget
cannot drift apart. A hint on a photo as shot is a false alarm unless the analysis would also correct that
photo (too dark: the analysis brightens it); one stop over, a hint is what the analysis cannot provide
(benchmarks/README.md, issue 7: medium and deep skin one stop over clips nothing and reads lighter).

    .venv/bin/python benchmarks/calibrate_capture_hints.py [--data ../shared/data] [--utk 150]
"""

from __future__ import annotations

import re
import sys
from multiprocessing import Pool
from pathlib import Path

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
)
# The widget downsizes every photo to 1,024 px before upload; the preview is sampled from about that size.
PHOTO_SIDE = 1024


def widget_constants() -> dict[str, float]:
    """The hint thresholds as capture.js declares them (`var NAME = value;`)."""
    text = CAPTURE_JS.read_text(encoding="utf-8")
    found = {name: re.search(rf"var {name} = ([0-9.]+);", text) for name in CONSTANTS}
    missing = [name for name, match in found.items() if match is None]
    if missing:
        raise SystemExit(f"capture.js no longer declares {missing}: update this script with the widget")
    return {name: float(match.group(1)) for name, match in found.items()}


C = widget_constants()


def hint(rgb: np.ndarray, face: np.ndarray) -> str | None:
    """capture.js's `lightingHint` on a 160 px sample of an 8-bit photo, with `face` (same size as the photo)
    as the oval."""
    height, width = rgb.shape[:2]
    w = int(C["LIGHT_SAMPLE_WIDTH"])
    h = max(1, round(height * w / width))
    px = np.asarray(Image.fromarray(rgb).resize((w, h), Image.Resampling.BILINEAR)).astype(int)
    mask = Image.fromarray(face.astype(np.uint8) * 255)
    oval = np.asarray(mask.resize((w, h), Image.Resampling.NEAREST)) > 127
    clipped = px[..., 1] >= C["CLIPPED_8BIT"]
    if not oval.any():
        return None
    face_share = float(clipped[oval].mean())
    if face_share >= C["TOO_BRIGHT_FACE"]:
        return "too_bright"
    if (~oval).any() and clipped[~oval].mean() >= C["BACKLIT_SCENE"] and face_share < C["BACKLIT_FACE_MAX"]:
        return "backlit"
    top = int(np.ceil(0.005 * w * h))
    brightest = int(np.sort(px.max(axis=2).ravel())[::-1][top - 1])
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
        out[condition] = hint(photo, face)
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
