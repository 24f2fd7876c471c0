"""Clipping recovery on real skin: how far the skin colour moves when the bright part of a real face clips.

The skin-tone and shade benchmarks paint a flat colour times the face's shading onto real photos, so their
skin has the same chromaticity in shadow and highlight. Real skin does not: its darker pixels are redder and
less blue. `skin.clip_robust_median` reads a clipped channel's ratio from the unclipped (darker) pixels, so
on real skin it can only be checked on real skin. Here each real, unclipped, well-measured face is brightened
by 0.25 to 1.25 stops in linear light, clipped like a camera, and measured again with the same mesh. Its
expected colour is the original reading times that exposure (under the gains each reading chose), so the
difference is what clipping recovery gets wrong. Rows are grouped by how much of the skin clipped in red,
for photos where green stayed unclipped and no over-exposure was detected (the case where the reading is
used as it is).

Also printed: the within-face slope of log(r/g) and log(b/g) against log(g) over each unclipped face's skin
pixels (binned medians by decile), which says in which direction and by how much the ratio read from darker
pixels differs from the median's.

    nice .venv/bin/python benchmarks/clip_recovery.py --utk 150 [--data ../shared/data] [--seed 3]
"""

from __future__ import annotations

import sys
from multiprocessing import Pool
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from face_common import data_root, portrait_args, real_portraits  # noqa: E402

from inference import colour  # noqa: E402
from inference.analysis import skin  # noqa: E402
from inference.analysis.illumination import Illumination  # noqa: E402
from inference.analysis.regions import LinearPhoto, RegionCanvas  # noqa: E402
from inference.face import find_faces  # noqa: E402
from inference.imageio import load_rgb  # noqa: E402

STOPS = (0.25, 0.5, 0.75, 1.0, 1.25)
RED_CLIPPED_BANDS = ((0.0, 0.02), (0.02, 0.2), (0.2, 0.35), (0.35, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01))


def shading_slopes(raw: np.ndarray) -> tuple[float, float]:
    """Within-face slopes of log(r/g) and log(b/g) against log(g), from medians over deciles of g (the line
    `clip_robust_median` extrapolates along)."""
    raw = raw[(raw > 0.003).all(axis=1)]
    log_g = np.log(raw[:, 1])
    red = skin.decile_line(log_g, np.log(raw[:, 0] / raw[:, 1]))
    blue = skin.decile_line(log_g, np.log(raw[:, 2] / raw[:, 1]))
    return (red[0] if red else 0.0), (blue[0] if blue else 0.0)


def measure(rgb: np.ndarray, mesh: np.ndarray) -> tuple[Illumination, skin.SkinSample | None, RegionCanvas]:
    canvas = RegionCanvas(mesh, rgb.shape[:2])
    illumination, sample = skin.measure_skin(LinearPhoto(rgb, canvas), canvas, mesh)
    return illumination, sample, canvas


def face_cases(
    path: Path,
) -> tuple[tuple[float, float] | None, list[tuple[float, float, bool, float, float]]]:
    """(shading slopes, [(red clipped fraction, ΔE00 to expected, used as is, ΔL*, Δa*)]) for one photo;
    nothing for a photo without a face, with too little skin, or already clipped."""
    rgb = load_rgb(path)
    scan = find_faces(rgb)
    if not scan.faces:
        return None, []
    mesh = scan.faces[0].mesh.astype(np.float64)
    base_light, base, canvas = measure(rgb, mesh)
    if base is None or base.clipped_fraction > 0.01 or base.pixels < 300:
        return None, []
    pixels = skin.collect_skin_pixels(LinearPhoto(rgb, canvas), canvas, np.ones(3))
    slopes = shading_slopes(pixels.raw[pixels.usable]) if pixels is not None else None
    linear = colour.srgb_to_linear(rgb)
    cases = []
    for stops in STOPS:
        brighter = np.round(colour.linear_to_srgb(np.clip(linear * 2.0**stops, 0, 1))).astype(np.uint8)
        light, sample, canvas = measure(brighter, mesh)
        if sample is None:
            continue
        seen = skin.collect_skin_pixels(LinearPhoto(brighter, canvas), canvas, light.gains)
        red_clipped, green_clipped, _ = (seen.raw >= skin.CEILING).mean(axis=0)
        expected_linear = base.linear * 2.0**stops * (light.gains / base_light.gains)
        expected = colour.linear_to_lab(np.maximum(expected_linear, 0))
        used_as_is = green_clipped < 0.02 and light.exposure_stops == 0
        error = sample.lab - expected
        cases.append(
            (
                float(red_clipped),
                float(colour.delta_e_2000(sample.lab, expected)),
                bool(used_as_is),
                float(error[0]),
                float(error[1]),
            )
        )
    return slopes, cases


def main() -> None:
    args = portrait_args(__doc__)
    paths = real_portraits(data_root(str(args.data)), args.utk, args.seed)
    with Pool(2) as pool:
        results = pool.map(face_cases, paths)
    slopes = np.array([s for s, _ in results if s is not None])
    cases = [c for _, found in results for c in found]
    print(f"# Clipping recovery on real skin ({len(slopes)} unclipped faces of {len(paths)} photos)\n")
    print("Within-face slope against log(g), p10 / p50 / p90:")
    for name, column in (("log(r/g)", 0), ("log(b/g)", 1)):
        p10, p50, p90 = np.percentile(slopes[:, column], [10, 50, 90])
        print(f"- {name}: {p10:+.3f} / {p50:+.3f} / {p90:+.3f}")
    print(
        "\n| red clipped | cases | ΔE00 p50 | ΔE00 p90 | ΔL* p50 | Δa* p50 |\n|---|---:|---:|---:|---:|---:|"
    )
    rows = np.array([c for c in cases if c[2]], dtype=float).reshape(-1, 5)
    for lo, hi in RED_CLIPPED_BANDS:
        band = rows[(rows[:, 0] >= lo) & (rows[:, 0] < hi)]
        if len(band):
            print(
                f"| {100 * lo:.0f}–{min(100 * hi, 100):.0f} % | {len(band)} | {np.median(band[:, 1]):.2f} | "
                f"{np.percentile(band[:, 1], 90):.2f} | {np.median(band[:, 3]):+.2f} | "
                f"{np.median(band[:, 4]):+.2f} |"
            )


if __name__ == "__main__":
    main()
