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

It also measures the third reference, the skin (`skin_reference`): the typical raw skin chromaticity by
lightness (the locus table) and, with three references, each one's own noise by a three-cornered hat
(var(a − b) = σa² + σb² for each pair), per lightness band.

    .venv/bin/python benchmarks/calibrate_illumination.py [--data ../shared/data] [--utk 600]
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

from inference.analysis import illumination, skin, skin_reference  # noqa: E402
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


def collect(data: Path, utk: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
    """(sclera pixels, scene pixels, raw skin (linear RGB, log2 Y after any under-exposure lift) or None)
    of the largest face of each photo, ≤ 800 px like the benchmarks."""
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
            out.append((sclera, scene, raw_skin(photo, canvas, mesh)))
    return out


def raw_skin(photo: LinearPhoto, canvas: RegionCanvas, mesh: np.ndarray) -> np.ndarray | None:
    """The skin as `skin_reference` reads it: (r, g, b, log2 Y after the under-exposure lift)."""
    reading = skin.raw_skin_reading(photo, canvas, mesh)
    if reading is None or reading[2] < skin_reference.MIN_PIXELS:
        return None
    linear, stops, _ = reading
    if not np.all(np.isfinite(linear)) or np.any(linear <= 0):
        return None
    return np.array([*linear, np.log2(float(linear @ illumination._LUMA)) - stops])


def skin_locus_table(log2_y: np.ndarray, chroma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Medians of (log r/g, log b/g) over tenths of the photos ordered by lightness, plus the brightest 5 %
    (the locus is steepest there): (log2 Y points, chroma points)."""
    edges = np.quantile(log2_y, np.linspace(0, 1, 11))
    edges[-1] += 1e-9
    groups = [(log2_y >= a) & (log2_y < b) for a, b in zip(edges[:-1], edges[1:], strict=True)]
    groups.append(log2_y >= np.quantile(log2_y, 0.95))
    points = np.array([np.median(log2_y[g]) for g in groups])
    values = np.array([np.median(chroma[g], axis=0) for g in groups])
    order = np.argsort(points)
    return points[order], values[order]


def three_cornered_hat(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Each of three readings' own noise (sd) from the variances of their pairwise differences."""
    ab, ac, bc = np.var(a - b), np.var(a - c), np.var(b - c)
    return np.sqrt(np.maximum([(ab + ac - bc) / 2, (ab + bc - ac) / 2, (ac + bc - ab) / 2], 0.0))


def report_skin_reference(photos: list, sclera_read: Callable, scene_read: Callable) -> None:
    """The skin locus table and the three references' own noise by lightness band."""
    rows = [(log_chroma(sclera_read(s)), log_chroma(scene_read(g)), k) for s, g, k in photos if k is not None]
    sclera_off = np.array([r[0] for r in rows])
    scene_off = np.array([r[1] for r in rows])
    raw = np.array([r[2] for r in rows])
    log2_y = raw[:, 3]
    chroma = np.log(raw[:, [0, 2]] / raw[:, [1]])
    points, values = skin_locus_table(log2_y, chroma)
    print(f"\n# The skin as a reference ({len(rows)} photos with a skin reading)\n")
    print("locus (skin_reference.LOCUS_*):")
    print("  log2 Y:", ", ".join(f"{v:.2f}" for v in points))
    print("  log r/g:", ", ".join(f"{v:.3f}" for v in values[:, 0]))
    print("  log b/g:", ", ".join(f"{v:.3f}" for v in values[:, 1]))
    expected = np.stack([np.interp(log2_y, points, values[:, k]) for k in range(2)], axis=1)
    skin_off = chroma - expected
    sclera_off -= np.median(sclera_off, axis=0)
    scene_off -= np.median(scene_off, axis=0)
    print("\n| log2 Y band | photos | own noise along warm–cool: sclera / scene / skin | across |")
    print("|---|---|---|---|")
    for low, high in ((-9.0, -2.0), (-2.0, -1.3), (-1.3, -0.6), (-0.6, 9.0)):
        band = (log2_y >= low) & (log2_y < high)
        cells = [
            three_cornered_hat(sclera_off[band] @ axis, scene_off[band] @ axis, skin_off[band] @ axis)
            for axis in (_PLANCK, _ACROSS)
        ]
        print(
            f"| {low:g} … {high:g} | {band.sum()} | {' / '.join(f'{v:.3f}' for v in cells[0])} "
            f"| {' / '.join(f'{v:.3f}' for v in cells[1])} |"
        )


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
    parser.add_argument("--utk", type=int, default=600, help="faces/utkface photos besides diverse and smoke")
    args = parser.parse_args()
    photos = collect(args.data, args.utk)
    print(f"# White-balance references on {len(photos)} real photos as shot\n")
    scleras = [sclera_brightest(t) for t in (0.5, 0.25, 0.1)]
    scenes = [scene_minkowski(p) for p in (1, 2, 4, 6)] + [scene_pairwise]
    chosen = {"sclera": scleras[-1], "scene": scenes[-1]}
    reads = {
        f.__name__: np.array([log_chroma(f(s if "sclera" in f.__name__ else g)) for s, g, _ in photos])
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
    report_skin_reference(photos, chosen["sclera"], chosen["scene"])


if __name__ == "__main__":
    main()
