"""Parity of our PyTorch port with the `mediapipe` package's own Face Landmarker on the same images.

    .venv-bench/bin/python benchmarks/parity.py [--data ../shared/data] [--utkface 200]

For every image both pipelines see the same EXIF-corrected RGB array. Faces are paired by nearest mesh centre.
Reported: mean and p95 per-landmark distance in pixels (all 478 points, x/y), the same normalised by the
inter-ocular distance, and detection agreement (same face count; faces found by one and not the other).
Our side runs MediaPipe's single mesh pass (`find_faces(mirror=False)`), which is what the port reproduces;
`--mirror` measures the product default instead (each mesh averaged with its mirrored crop's mesh).
"""

from __future__ import annotations

import argparse

import numpy as np
from face_common import MediaPipeLandmarker, data_root, images_in, pct, table

from inference.face import find_faces
from inference.imageio import load_rgb

LEFT_IRIS, RIGHT_IRIS = 468, 473


def compare(
    ours: list[np.ndarray], theirs: list[np.ndarray]
) -> tuple[list[tuple[np.ndarray, float]], int, int]:
    """Pair faces by nearest centre: ([(per-point distances, MP's IOD)], unmatched ours, unmatched MP)."""
    pairs, used = [], set()
    for t in theirs:
        centre, size = t[:, :2].mean(axis=0), np.ptp(t[:, 0])
        gaps = [
            (np.linalg.norm(o[:, :2].mean(axis=0) - centre), i) for i, o in enumerate(ours) if i not in used
        ]
        gap, best = min(gaps, default=(np.inf, -1))
        if best >= 0 and gap < 0.25 * size:
            used.add(best)
            dist = np.linalg.norm(ours[best][:, :2] - t[:, :2], axis=1)
            pairs.append((dist, float(np.linalg.norm(t[LEFT_IRIS, :2] - t[RIGHT_IRIS, :2]))))
    return pairs, len(ours) - len(pairs), len(theirs) - len(pairs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--utkface", type=int, default=200, help="how many utkface images to include")
    parser.add_argument("--refine", action="store_true", help="use find_faces(refine=True)")
    parser.add_argument("--mirror", action="store_true", help="use the default mirror-averaged mesh")
    args = parser.parse_args()
    root = data_root(args.data) / "faces"
    sets = {
        "smoke": images_in(root / "smoke"),
        "diverse": images_in(root / "diverse"),
        "utkface": images_in(root / "utkface", args.utkface),
    }
    mediapipe = MediaPipeLandmarker()
    rows, worst, mismatched = [], [], []
    for name, files in sets.items():
        all_d, all_n, same_count, only_ours, only_theirs, faces = [], [], 0, 0, 0, 0
        for path in files:
            rgb = load_rgb(path)
            ours = [f.mesh for f in find_faces(rgb, refine=args.refine, mirror=args.mirror).faces]
            theirs = mediapipe(rgb)
            pairs, extra_ours, extra_theirs = compare(ours, theirs)
            same_count += len(ours) == len(theirs)
            only_ours += extra_ours
            only_theirs += extra_theirs
            faces += len(theirs)
            if extra_ours or extra_theirs:
                mismatched.append(f"{path.name} (ours {len(ours)}, MP {len(theirs)})")
            for d, iod in pairs:
                all_d.append(d)
                all_n.append(d / iod)
                worst.append((float(d.mean()), path.name))
        d = np.concatenate(all_d) if all_d else np.zeros(0)
        n = np.concatenate(all_n) if all_n else np.zeros(0)
        per_face = [float(x.mean()) for x in all_d]
        mean_d = float(d.mean()) if d.size else float("nan")
        mean_n = float(n.mean()) if n.size else float("nan")
        agree = f"{same_count}/{len(files)}"
        rows.append([name, len(files), faces, len(all_d), agree, only_ours, only_theirs, mean_d, pct(d, 95),
                     pct(per_face, 95), mean_n])  # fmt: skip
    mediapipe.close()
    print(table(["set", "images", "MP faces", "paired", "same count", "only ours", "only MP",
                 "mean px", "p95 px (points)", "p95 px (face means)", "mean / IOD"], rows))  # fmt: skip
    worst.sort(reverse=True)
    print("\nlargest per-face mean differences (px):", ", ".join(f"{n} {d:.2f}" for d, n in worst[:5]))
    print("face-count disagreements:", ", ".join(mismatched) or "none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
