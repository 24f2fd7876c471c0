"""The worn-glasses hint (`inference.analysis.glasses`) on real faces, labelled by eye, and on generated
frames drawn onto the public-domain astronaut by the try-on renderer: how many wearers it finds and how many
bare faces it wrongly asks to take their glasses off.

    nice .venv/bin/python benchmarks/worn_glasses.py [--data ../shared/data/faces]

Labels: `benchmarks/labels/worn_glasses.txt` names the wearers (file names only: the photos stay in
../shared). Photos are read at most 1,024 px on their long side, as the widget sends them.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from inference.analysis.glasses import GLASSES_SCORE, glasses_score  # noqa: E402
from inference.face import find_faces  # noqa: E402
from inference.imageio import load_rgb  # noqa: E402
from inference.tryon import make_tryon_asset  # noqa: E402
from inference.tryon.generator import generate_eyewear_photo, named_spec, named_specs  # noqa: E402
from inference.tryon.render import render_tryon  # noqa: E402

FOLDERS = ("utkface", "diverse", "smoke")
LABELS = REPO / "benchmarks" / "labels" / "worn_glasses.txt"


def widget_sized(path: Path) -> np.ndarray:
    rgb = load_rgb(path)
    scale = min(1.0, 1024 / max(rgb.shape[:2]))
    if scale < 1:
        size = (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return rgb


def real_faces(root: Path) -> tuple[np.ndarray, np.ndarray, list[str], list[float]]:
    wearers = {
        line.strip() for line in LABELS.read_text().splitlines() if line.strip() and not line.startswith("#")
    }
    scores, labels, names, timings = [], [], [], []
    for folder in FOLDERS:
        for path in sorted((root / folder).glob("*")):
            if path.suffix.lower() not in {".jpg", ".jpeg", ".png"}:
                continue
            rgb = widget_sized(path)
            faces = find_faces(rgb).faces
            if not faces:
                continue
            start = time.perf_counter()
            scores.append(glasses_score(rgb, faces[0].mesh))
            timings.append((time.perf_counter() - start) * 1000)
            name = f"{folder}/{path.name}"
            labels.append(name in wearers)
            names.append(name)
    missing = wearers - set(names)
    if missing:
        raise SystemExit(f"labelled wearers not found or without a face: {sorted(missing)}")
    return np.array(scores), np.array(labels), names, timings


def table(scores: np.ndarray, labels: np.ndarray, thresholds: list[float]) -> None:
    print("| threshold | wearers found | bare faces flagged |")
    print("|---:|---:|---:|")
    for t in thresholds:
        found, flagged = scores[labels] >= t, scores[~labels] >= t
        print(
            f"| {t:.2f}{' (shipped)' if t == GLASSES_SCORE else ''} | {found.sum()} / {labels.sum()} "
            f"({found.mean():.0%}) | {flagged.sum()} / {(~labels).sum()} ({flagged.mean():.1%}) |"
        )


def split_half(scores: np.ndarray, labels: np.ndarray) -> None:
    """Pick the threshold on one half (no more than 0.5 % false alarms, most wearers), report the other."""
    for fit, held in ((0, 1), (1, 0)):
        idx = np.arange(len(scores))
        f, h = idx % 2 == fit, idx % 2 == held
        bare = np.sort(scores[f & ~labels])[::-1]
        threshold = float(bare[int(0.005 * len(bare))]) + 1e-6
        found = (scores[h & labels] >= threshold).mean()
        flagged = (scores[h & ~labels] >= threshold).mean()
        print(
            f"- threshold fitted on half {fit}: {threshold:.3f}; held-out half: wearers found {found:.0%}, "
            f"bare faces flagged {flagged:.1%}"
        )


def generated_frames() -> None:
    from skimage import data

    astronaut = np.ascontiguousarray(data.astronaut())
    close = cv2.resize(astronaut, (1024, 1024), interpolation=cv2.INTER_CUBIC)
    print("\n| frame drawn on the astronaut | 512 px | 1,024 px |\n|---|---:|---:|")
    rows: dict[str, list[float]] = {"(none)": []}
    for photo in (astronaut, close):
        face = find_faces(photo).faces[0]
        rows["(none)"].append(glasses_score(photo, face.mesh))
        for style in named_specs():
            spec = replace(named_spec(style), width_px=480)
            asset = make_tryon_asset(generate_eyewear_photo(spec)[0], frame_mm=spec.frame_mm)
            worn = np.asarray(render_tryon(photo, asset, face=face)[0])
            rows.setdefault(style, []).append(glasses_score(worn, find_faces(worn).faces[0].mesh))
    for style, values in rows.items():
        print(
            f"| {style} | "
            + " | ".join(f"{v:.2f}{' ✓' if v >= GLASSES_SCORE else ''}" for v in values)
            + " |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "faces")
    args = parser.parse_args()
    scores, labels, names, timings = real_faces(args.data)
    print(
        f"{len(scores)} real faces, {labels.sum()} wearing glasses; score p50 / p99 of bare faces: "
        f"{np.median(scores[~labels]):.3f} / {np.percentile(scores[~labels], 99):.3f}; "
        f"{np.median(timings):.2f} ms per face (p50)\n"
    )
    table(scores, labels, [0.20, 0.25, GLASSES_SCORE, 0.35, 0.40])
    print()
    split_half(scores, labels)
    flagged = [n for n, s, worn in zip(names, scores, labels, strict=True) if s >= GLASSES_SCORE and not worn]
    print(f"\nbare faces flagged at {GLASSES_SCORE}: {', '.join(flagged) or 'none'}")
    generated_frames()


if __name__ == "__main__":
    main()
