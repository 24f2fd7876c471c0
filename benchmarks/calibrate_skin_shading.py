"""Measure how skin shading spreads on real, well-exposed faces: the constants behind clipping recovery.

When the bright part of the skin clips (over-exposure, a strong lamp on light skin), its median can no longer
be read, but an unclipped low percentile still can; median = percentile × (median / percentile) when that
ratio is known. Shading is mostly face geometry (the same on every skin tone), so the ratio is measured here
once on real photos, per percentile, on exactly the pixels `inference.analysis.skin` reads for recovery
(mesh regions, outliers removed, shadow tails kept). Prints the medians and IQRs as a table and as the
Python dict for `skin.SHADING_RATIO`.

    .venv/bin/python benchmarks/calibrate_skin_shading.py [--data ../shared/data] [--utk 120]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from inference.analysis import skin  # noqa: E402
from inference.analysis.regions import LinearPhoto, RegionCanvas  # noqa: E402
from inference.face import find_faces  # noqa: E402
from inference.imageio import load_rgb  # noqa: E402

QUANTILES = (0.02, 0.05, 0.1, 0.2, 0.3, 0.4)


def face_ratios(path: Path) -> np.ndarray | None:
    """median / percentile of the green channel of one face's usable skin pixels, per QUANTILES; None if
    no face, too few pixels or any clipping (the point is to see the unclipped shape)."""
    rgb = load_rgb(path)
    scan = find_faces(rgb)
    if not scan.faces:
        return None
    mesh = scan.faces[0].mesh.astype(np.float64)
    canvas = RegionCanvas(mesh, rgb.shape[:2])
    pixels = skin.collect_skin_pixels(LinearPhoto(rgb, canvas), canvas, np.ones(3))
    if pixels is None:
        return None
    green = pixels.raw[pixels.usable][:, 1]
    if len(green) < 200 or (pixels.raw >= skin.CEILING).any(axis=1).mean() > 0.01:
        return None
    return np.median(green) / np.maximum(np.quantile(green, QUANTILES), 1e-6)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--utk", type=int, default=120, help="faces/utkface photos to add (random, seed 3)")
    args = parser.parse_args()
    paths = sorted((args.data / "faces/diverse").glob("*.jpg")) + sorted(
        (args.data / "faces/smoke").glob("*.jpg")
    )
    utk = sorted((args.data / "faces/utkface").glob("*.jpg"))
    paths += random.Random(3).sample(utk, min(args.utk, len(utk)))
    rows = [r for r in (face_ratios(p) for p in paths) if r is not None]
    table = np.array(rows)
    print(f"{len(table)} well-exposed faces of {len(paths)} photos\n")
    print("| percentile | median / percentile: median | IQR |\n|---|---|---|")
    for i, q in enumerate(QUANTILES):
        lo, mid, hi = np.quantile(table[:, i], [0.25, 0.5, 0.75])
        print(f"| p{round(q * 100)} | {mid:.3f} | {lo:.3f}–{hi:.3f} |")
    print(
        "\nSHADING_RATIO = {"
        + ", ".join(f"{q}: {np.median(table[:, i]):.3f}" for i, q in enumerate(QUANTILES))
        + "}"
    )


if __name__ == "__main__":
    main()
