"""Measure the skin-concern signals on real portraits: the full scale behind each 0–100 index in `concerns`.

Each concern index maps one physical measurement (cheek a* lift, red area, spot area, fine L* roughness,
specular area, under-eye L* drop) linearly onto 0–100. Where 100 sits decides whether an ordinary selfie reads
"redness 100". This script measures the raw signals on real portraits as the analysis sees them
(illumination-corrected; faces/diverse, faces/smoke and faces/utkface photos whose face passes the quality
checks that matter for skin, `skin.reliable`), and prints their percentiles and the share of photos each
full scale puts at ≥ 95. The constants are set at the 98th percentile of a fitting half; the other half is
held out.

    .venv/bin/python benchmarks/calibrate_concerns.py [--data ../shared/data] [--utk 1000]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from face_common import portrait_args, real_portraits  # noqa: E402

from inference.analysis import analyze_face, concerns  # noqa: E402
from inference.analysis.regions import LinearPhoto, RegionCanvas  # noqa: E402
from inference.face import find_faces  # noqa: E402
from inference.imageio import load_rgb  # noqa: E402

QUANTILE = 0.98


def measure(path: Path) -> dict[str, float] | None:
    """Raw concern signals of the largest face, or None when its skin reading is not trusted."""
    rgb = load_rgb(path)
    scan = find_faces(rgb)
    if not scan.faces:
        return None
    face = scan.faces[0]
    section = analyze_face(rgb, face, len(scan.faces))["skin"]
    if not section["reliable"]:
        return None
    # The same illumination-corrected view the analysis measured its concerns in (its reported gains).
    canvas = RegionCanvas(face.mesh.astype(np.float64), rgb.shape[:2])
    gains = np.array(section["illumination"]["gains"])
    return concerns.raw_measures(LinearPhoto(rgb, canvas), canvas, gains)


def main() -> int:
    args = portrait_args(__doc__.splitlines()[0])
    rows = [r for r in map(measure, real_portraits(args.data, args.utk, args.seed)) if r is not None]
    fit, held = rows[0::2], rows[1::2]
    print(f"{len(rows)} photos with a trusted skin reading ({len(fit)} to fit, {len(held)} held out)\n")
    print(
        "| signal | p50 | p90 | p98 (fit half) | max | full scale now | held out ≥ 95 now | "
        "held out ≥ 95 at the fitted p98 |\n|---|---|---|---|---|---|---|---|"
    )
    for key, scale in concerns.FULL_SCALE.items():
        values = np.array([r[key] for r in fit])
        held_values = np.array([r[key] for r in held])
        p98 = float(np.quantile(values, QUANTILE))
        print(
            f"| {key} | {np.median(values):.3g} | {np.quantile(values, 0.9):.3g} | {p98:.3g} | "
            f"{values.max():.3g} | {scale:g} | {100 * np.mean(held_values >= 0.95 * scale):.1f} % | "
            f"{100 * np.mean(held_values >= 0.95 * p98):.1f} % |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
