"""Speed per stage at 512, 1024 and 2048 px: our detector + mesh, the full analysis, MTCNN and MediaPipe.

    nice .venv-bench/bin/python benchmarks/speed.py [--data ../shared/data] [--images 8] [--repeat 5]

Test photos are real portraits (faces/diverse and faces/smoke) resized so the long side is 512, 1024 or
2048 px and JPEG-encoded, so "decode" is real JPEG decoding. Every model sees the same images in the same run.
Two clocks: wall time (what a shopper waits, inflated when other processes share the 2 cores) and CPU time of
this process (process_time: the work done, summed over threads; close to the uncontended wall time for one
thread). The load average at start and end is printed: compare ratios, which the contention largely cancels.
Torch models run with FACET_TORCH_THREADS (default: runtime's choice); MediaPipe uses its own thread pool.
"""

from __future__ import annotations

import argparse
import io
import os
import time
from collections.abc import Callable

import cv2
import numpy as np
import torch
from face_common import MediaPipeLandmarker, Mtcnn, data_root, images_in, pct, table
from PIL import Image

from inference.face.detector import detect
from inference.face.mesh import rect_from_points, run_mesh
from inference.face.models import load_face_models
from inference.face.pipeline import find_faces
from inference.imageio import load_rgb

SIZES = (512, 1024, 2048)


def clock(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall ms, process CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def resized_jpegs(paths: list, size: int) -> list[bytes]:
    out = []
    for path in paths:
        rgb = load_rgb(path)
        scale = size / max(rgb.shape[:2])
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        rgb = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=interpolation)
        buffer = io.BytesIO()
        Image.fromarray(rgb).save(buffer, format="JPEG", quality=90)
        out.append(buffer.getvalue())
    return out


def analysis_entry() -> Callable[[bytes], dict] | None:
    """inference.analyze_image when the analysis package is present, else None."""
    try:
        from inference.analysis import analyze_image
    except ImportError:
        return None
    return analyze_image


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--images", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args()
    root = data_root(args.data) / "faces"
    photos = (images_in(root / "diverse") + images_in(root / "smoke"))[:: max(1, 80 // args.images)]
    photos = [p for p in photos if "no-faces" not in p.name][: args.images]

    models = load_face_models()
    models.warm_up()
    analyze = analysis_entry()
    peers: dict[str, Callable[[np.ndarray], object]] = {}
    if not args.no_peers:
        peers["MTCNN"] = Mtcnn()
        peers["MediaPipe runtime"] = MediaPipeLandmarker()
    print(f"load average at start: {os.getloadavg()[0]:.1f}; torch threads: {torch.get_num_threads()}")

    rows, ratio_rows = [], []
    for size in SIZES:
        jpegs = resized_jpegs(photos, size)
        stats: dict[str, list[tuple[float, float]]] = {}

        def record(name: str, fn: Callable[[], object], stats: dict = stats) -> None:
            stats.setdefault(name, []).append(clock(fn))

        for _ in range(args.repeat):
            for data in jpegs:
                holder: dict[str, object] = {}
                record("decode", lambda data=data, holder=holder: holder.update(rgb=load_rgb(data)))
                rgb = holder["rgb"]
                record("detect", lambda rgb=rgb, holder=holder: holder.update(dets=detect(models, rgb)))
                dets = holder["dets"]
                if dets:
                    d = max(dets, key=lambda d: d.area)
                    rect = rect_from_points(d.box, d.keypoints[0], d.keypoints[1])
                    record("mesh", lambda rgb=rgb, rect=rect: run_mesh(models, rgb, [rect]))
                record("find_faces (detect+mesh)", lambda rgb=rgb: find_faces(rgb))
                if analyze is not None:
                    record("analyze_image (full, from JPEG bytes)", lambda data=data: analyze(data))
                for name, peer in peers.items():
                    record(name, lambda rgb=rgb, peer=peer: peer(rgb))
        for name, values in stats.items():
            wall, cpu = np.array(values).T
            rows.append([size, name, len(values), pct(wall, 50), pct(wall, 95), pct(cpu, 50), pct(cpu, 95)])
        ours_wall = pct(np.array(stats["find_faces (detect+mesh)"])[:, 0], 50)
        ours_cpu = pct(np.array(stats["find_faces (detect+mesh)"])[:, 1], 50)
        for name in peers:
            wall, cpu = np.array(stats[name]).T
            ratio_rows.append([size, f"ours / {name}", ours_wall / pct(wall, 50), ours_cpu / pct(cpu, 50)])
    for peer in peers.values():
        getattr(peer, "close", lambda: None)()
    print(f"load average at end: {os.getloadavg()[0]:.1f}\n")
    print(table(["px", "stage", "n", "wall p50 ms", "wall p95 ms", "CPU p50 ms", "CPU p95 ms"], rows))
    if ratio_rows:
        print()
        print(table(["px", "detector + mesh vs peer", "wall p50 ratio", "CPU p50 ratio"], ratio_rows))
    if analyze is None:
        print("\n(inference.analysis not importable: full-analysis timing skipped)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
