"""The black-and-white / toned-photo check (`quality.colourless`) on real portraits as shot, under the
skin-tone benchmark's lamps, and as grey, sepia and duotone versions: how many of each it flags.

A colour photo taken under a warm lamp is dominated by the lamp's colour, and a filter maps lightness onto
one line of colours; the check must flag the second and not the first (a shopper at home under tungsten
light would be told to "use a colour photo without a filter").

    nice .venv/bin/python benchmarks/calibrate_colourless.py [--utk 150]
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import skin_tone  # noqa: E402  (the lamps)
from face_common import portrait_args, real_portraits  # noqa: E402

from inference import colour  # noqa: E402
from inference.analysis.quality import colourless, toned_share  # noqa: E402
from inference.imageio import load_rgb  # noqa: E402

FILTERS = {  # (dark, light) ends of the line each grey level is mapped onto
    "grey": ((0, 0, 0), (255, 255, 255)),
    "sepia": ((40, 26, 13), (255, 236, 200)),
    "duotone": ((30, 20, 80), (255, 220, 180)),
}
LAMPS = ("2700K", "4000K", "6500K", "fluor-green")


def toned(rgb: np.ndarray, dark: tuple[int, int, int], light: tuple[int, int, int]) -> np.ndarray:
    grey = (rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114]))[..., None] / 255.0
    return np.round(np.array(dark) + (np.array(light) - np.array(dark)) * grey).astype(np.uint8)


def main() -> None:
    args = portrait_args(__doc__ or "")
    paths = real_portraits(args.data, args.utk, seed=args.seed)
    flagged: Counter[str] = Counter()
    shares: dict[str, list[float]] = {}
    black_and_white = 0  # sources flagged as shot: their lamp-lit versions are no colour photos either
    for path in paths:
        rgb = load_rgb(path)
        versions = {"as shot": rgb}
        linear = colour.srgb_to_linear(rgb)
        for lamp in LAMPS:
            gains, stops = skin_tone.CONDITIONS[lamp]
            versions[lamp] = skin_tone.relight(linear, gains, stops)
        for name, (dark, light) in FILTERS.items():
            versions[name] = toned(rgb, dark, light)
        grey_source = colourless(rgb)
        black_and_white += grey_source
        for name, image in versions.items():
            flagged[name] += colourless(image) and not (grey_source and name in LAMPS)
            shares.setdefault(name, []).append(toned_share(image))
    print(
        f"{len(paths)} real portraits (faces/diverse, faces/smoke, {args.utk} of faces/utkface), "
        f"{black_and_white} of them black-and-white as shot (their lamp-lit versions are not counted)\n"
    )
    print("| version | flagged | share of a*b* variance lightness explains: p50 / p99 / max |")
    print("|---|---:|---|")
    for name, values in shares.items():
        p50, p99, top = np.percentile(values, [50, 99, 100])
        print(f"| {name} | {flagged[name]} of {len(values)} | {p50:.3f} / {p99:.3f} / {top:.3f} |")


if __name__ == "__main__":
    main()
