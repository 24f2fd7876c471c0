"""Measure where real skin sits in hue, by lightness: the neutral line and band behind `skin.undertone`.

Undertone is read as the skin's hue angle (h_ab) minus the typical hue at that lightness (hue falls as skin
darkens, so a fixed hue would call every dark skin "cool"). This script measures that typical hue on real
portraits as the analysis sees them (illumination-corrected, faces/diverse, faces/smoke and a sample of
faces/utkface; only photos whose skin reading the analysis itself trusts), fits the line
hue = a + b · L* by least absolute deviations on one half of the photos, and reports the band of deviations
that splits that half into thirds (warm / neutral / cool). The other half is held out: it shows the split
the constants give on photos they were not fitted to, overall and per utkface group.

    .venv/bin/python benchmarks/calibrate_undertone.py [--data ../shared/data] [--utk 1000]
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from face_common import portrait_args, real_portraits  # noqa: E402

from inference import analyze_image, colour  # noqa: E402
from inference.analysis import skin  # noqa: E402
from inference.errors import InferenceError  # noqa: E402

UTK_GROUPS = {"0": "White", "1": "Black", "2": "Asian", "3": "Indian", "4": "Other"}


def group_of(path: Path) -> str:
    """utkface names are age_gender_race_date: the group, or the folder for the other sets."""
    parts = path.name.split("_")
    if path.parent.name == "utkface" and len(parts) > 3:
        return "utk " + UTK_GROUPS.get(parts[2], "?")
    return path.parent.name


def fit_line(lightness: np.ndarray, hue: np.ndarray) -> tuple[float, float]:
    """hue ≈ a + b · L by least absolute deviations (iteratively reweighted least squares)."""
    design = np.stack([np.ones_like(lightness), lightness], axis=1)
    weights = np.ones_like(hue)
    for _ in range(100):
        w = np.sqrt(weights)
        coef, *_ = np.linalg.lstsq(design * w[:, None], hue * w, rcond=None)
        weights = 1.0 / np.maximum(np.abs(hue - design @ coef), 0.5)
    return float(coef[0]), float(coef[1])


def split(deviation: np.ndarray, band: float) -> str:
    warm, cool = (deviation > band).mean(), (deviation < -band).mean()
    return f"warm {100 * warm:.0f} % / neutral {100 * (1 - warm - cool):.0f} % / cool {100 * cool:.0f} %"


def main() -> int:
    args = portrait_args(__doc__.splitlines()[0])

    rows = []
    for path in real_portraits(args.data, args.utk, args.seed):
        try:
            result = analyze_image(path)
        except InferenceError:
            continue
        section = result.get("skin") or {}
        if section.get("reliable") and section.get("lab"):
            lab = np.array(section["lab"], dtype=float)
            rows.append((path, group_of(path), lab[0], float(colour.hue_angle(lab))))
    print(f"{len(rows)} photos with a trusted skin reading")
    fit_rows, held_rows = rows[0::2], rows[1::2]
    lightness = np.array([r[2] for r in fit_rows])
    hue = np.array([r[3] for r in fit_rows])
    a, b = fit_line(lightness, hue)
    deviation = hue - (a + b * lightness)
    band = float((np.quantile(deviation, 2 / 3) - np.quantile(deviation, 1 / 3)) / 2)
    centre = float((np.quantile(deviation, 2 / 3) + np.quantile(deviation, 1 / 3)) / 2)
    print(
        f"\nfitted on {len(fit_rows)}: hue = {a:.2f} + {b:.3f} · L*  (tercile centre {centre:+.2f}°, "
        f"half-width {band:.2f}°)"
    )
    print(
        f"current constants: hue = {skin._HUE_LINE[0]} + {skin._HUE_LINE[1]} · L*, band "
        f"±{skin._UNDERTONE_BAND_DEG}°"
    )

    print("\n| photos | n | L* median | hue median | split, current constants | split, fitted line + band |")
    print("|---|---|---|---|---|---|")
    by_group: dict[str, list] = defaultdict(list)
    for r in held_rows:
        by_group[r[1]].append(r)
    for name, group in [("held-out half", held_rows), *sorted(by_group.items())]:
        lig = np.array([r[2] for r in group])
        hu = np.array([r[3] for r in group])
        current = hu - (skin._HUE_LINE[0] + skin._HUE_LINE[1] * lig)
        fitted = hu - (a + b * lig)
        print(
            f"| {name} | {len(group)} | {np.median(lig):.1f} | {np.median(hu):.1f} | "
            f"{split(current, skin._UNDERTONE_BAND_DEG)} | {split(fitted - centre, band)} |"
        )
    tones = Counter(skin.undertone(np.array([r[2], *_ab(r[3])]))[0] for r in held_rows)
    print(f"\nheld-out half with today's `skin.undertone`: {dict(tones)}")
    return 0


def _ab(hue_deg: float) -> tuple[float, float]:
    """An (a*, b*) pair at a hue angle (chroma 20): `undertone` reads only the angle and L*."""
    return float(np.cos(np.radians(hue_deg))) * 20, float(np.sin(np.radians(hue_deg))) * 20


if __name__ == "__main__":
    raise SystemExit(main())
