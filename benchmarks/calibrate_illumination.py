"""Measure how the white-balance references behave on real photos: the constants behind `illumination`.

The analysis reads the lamp's colour from two references, the sclera and the rest of the scene. Neither is
exactly neutral and each photo has a real cast of its own, so for each candidate way of reading a reference
this script measures, over real portraits taken as shot (faces/diverse, faces/smoke, a sample of
faces/utkface):
- its typical log chromaticity (log r/g, log b/g): the prior that `illumination` compares photos against;
- its own noise: the part of its spread across photos that the other reference does not share. What both
  share (their covariance) is the photos' real casts; what one reference has alone is its error. Read along
  the warm–cool (Planckian) axis and across it.
The weights are then inverse own-noise variances, and the combined estimate's noise is the natural spread
(`CHROMA_SPREAD`) under which a cast is mostly left alone. No synthetic re-lighting is involved, so the
skin-tone benchmark's lamps play no part in these numbers.

    .venv/bin/python benchmarks/calibrate_illumination.py [--data ../shared/data] [--utk 300]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from inference.analysis import illumination  # noqa: E402
from inference.analysis.illumination import _log_chroma as log_chroma  # noqa: E402
from inference.analysis.pixels import within  # noqa: E402
from inference.analysis.regions import LinearPhoto, RegionCanvas  # noqa: E402
from inference.face import find_faces  # noqa: E402
from inference.imageio import load_rgb  # noqa: E402

# The warm–cool axis in (log r/g, log b/g): the direction a Planckian lamp moves a white (2,700 K vs D65).
_PLANCK = np.array([0.874, -1.428]) / np.hypot(0.874, -1.428)
_ACROSS = np.array([-_PLANCK[1], _PLANCK[0]])


def sclera_brightest(top: float) -> Callable[[np.ndarray], np.ndarray | None]:
    def read(pixels: np.ndarray) -> np.ndarray | None:
        return illumination._robust_white(pixels, top=top)

    read.__name__ = f"sclera, brightest {top:.0%}"
    return read


def scene_minkowski(p: float) -> Callable[[np.ndarray], np.ndarray]:
    def read(pixels: np.ndarray) -> np.ndarray:
        pixels = pixels[within(pixels, 0.004, 0.98)]  # every channel unclipped
        return (pixels**p).mean(axis=0) ** (1.0 / p)

    read.__name__ = "scene, grey-world (mean)" if p == 1 else f"scene, shades of grey p={p:g}"
    return read


def scene_pairwise(pixels: np.ndarray) -> np.ndarray | None:
    """What `illumination.collect_estimates` reads: shades of grey p=6, each ratio to green from the pixels
    where that pair of channels is unclipped."""
    reading = illumination.scene_white(pixels)
    return None if reading is None else reading[0]


scene_pairwise.__name__ = "scene, shades of grey p=6 per channel pair"


def collect(data: Path, utk: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(sclera pixels, scene pixels) of the largest face of each photo, ≤ 800 px like the
    benchmarks."""
    faces = data / "faces"
    paths = sorted((faces / "diverse").glob("*.jpg")) + sorted((faces / "smoke").glob("*.jpg"))
    sample = sorted((faces / "utkface").glob("*.jpg"))
    random.Random(1).shuffle(sample)
    out = []
    for path in paths + sample[:utk]:
        rgb = load_rgb(path)
        scale = 800 / max(rgb.shape[:2])
        if scale < 1:
            size = (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale))
            rgb = np.asarray(Image.fromarray(rgb).resize(size))
        scan = find_faces(rgb)
        if not scan.faces:
            continue
        mesh = scan.faces[0].mesh.astype(np.float64)
        canvas = RegionCanvas(mesh, rgb.shape[:2])
        photo = LinearPhoto(rgb, canvas)
        sclera = illumination.sclera_pixels(photo.crop, canvas, mesh)
        scene = photo.scene(mesh)
        if len(sclera) >= 8 and illumination.scene_white(scene) is not None:
            out.append((sclera, scene))
    return out


def own_noise(reference: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(own-noise sd, shared covariance) along and across the warm–cool axis."""
    noise, shared = [], []
    for axis in (_PLANCK, _ACROSS):
        a, b = reference @ axis, other @ axis
        cov = float(np.cov(a, b)[0, 1])
        noise.append(np.sqrt(max(float(a.var()) - cov, 0.0)))
        shared.append(cov)
    return np.array(noise), np.array(shared)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--utk", type=int, default=300, help="faces/utkface photos besides diverse and smoke")
    args = parser.parse_args()
    photos = collect(args.data, args.utk)
    print(f"# White-balance references on {len(photos)} real photos as shot\n")
    scleras = [sclera_brightest(t) for t in (0.5, 0.25, 0.1)]
    scenes = [scene_minkowski(p) for p in (1, 2, 4, 6)] + [scene_pairwise]
    chosen = {"sclera": scleras[-1], "scene": scenes[-1]}
    reads = {
        f.__name__: np.array([log_chroma(f(s if "sclera" in f.__name__ else g)) for s, g in photos])
        for f in scleras + scenes
    }
    partner = {"sclera": reads[chosen["scene"].__name__], "scene": reads[chosen["sclera"].__name__]}
    print(
        "| reference | median log r/g | median log b/g | own noise along warm–cool | across "
        "| shared cov along |"
    )
    print("|---|---|---|---|---|---|")
    noise = {}
    for name, values in reads.items():
        kind = "sclera" if "sclera" in name else "scene"
        sd, shared = own_noise(values, partner[kind])
        noise[name] = sd
        median = np.median(values, axis=0)
        print(f"| {name} | {median[0]:.3f} | {median[1]:.3f} | {sd[0]:.3f} | {sd[1]:.3f} | {shared[0]:.4f} |")
    along = {kind: noise[f.__name__][0] for kind, f in chosen.items()}
    precision = {kind: 1.0 / sd**2 for kind, sd in along.items()}
    print(
        f"\nchosen: {chosen['sclera'].__name__} + {chosen['scene'].__name__}; weights ∝ 1/noise² → "
        f"scene / sclera = {precision['scene'] / precision['sclera']:.2f}; combined noise along the "
        f"warm–cool axis {1 / np.sqrt(sum(precision.values())):.3f} (CHROMA_SPREAD)"
    )


if __name__ == "__main__":
    main()
