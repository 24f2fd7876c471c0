"""Shared helpers for the face benchmarks: data paths, the peer models (MediaPipe runtime, MTCNN), timing.

The peers live only in the benchmark environment (.venv-bench, see benchmarks/README.md) and are imported
lazily, so a missing peer fails with a clear message instead of breaking the runtime.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_DATA = REPO.parent / "shared" / "data"
TASK_FILE = REPO.parent / "shared" / "models" / "face_landmarker.task"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


def data_root(arg: str | None) -> Path:
    """The evaluation data folder: --data, else $FACET_DATA, else ../shared/data beside the repository."""
    root = Path(arg or os.environ.get("FACET_DATA") or DEFAULT_DATA)
    if not root.is_dir():
        raise SystemExit(f"data folder {root} not found (pass --data or set FACET_DATA)")
    return root


def real_portraits(data: Path, utk: int, seed: int) -> list[Path]:
    """All of faces/diverse and faces/smoke and a seeded sample of `utk` faces/utkface photos: the real
    portraits the calibration scripts (undertone line, concern scales) fit their constants on."""
    faces = data / "faces"
    utk_paths = sorted((faces / "utkface").glob("*.jpg"))
    chosen = random.Random(seed).sample(utk_paths, min(utk, len(utk_paths)))
    return sorted((faces / "diverse").glob("*.jpg")) + sorted((faces / "smoke").glob("*.jpg")) + chosen


def portrait_args(description: str) -> argparse.Namespace:
    """--data, --utk and --seed for `real_portraits` (defaults: ../shared/data, all 1,000 utkface, seed 3)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--utk", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3)
    return parser.parse_args()


def images_in(folder: Path, limit: int | None = None) -> list[Path]:
    """Image files in `folder`, sorted by name, at most `limit`."""
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    return files[:limit] if limit else files


class MediaPipeLandmarker:
    """The `mediapipe` package's own Face Landmarker (C++ TFLite runtime), IMAGE mode, same .task file."""

    def __init__(self, task: Path = TASK_FILE, num_faces: int = 5) -> None:
        os.environ.setdefault("GLOG_minloglevel", "2")
        try:
            import mediapipe as mp
            from mediapipe.tasks.python import BaseOptions, vision
        except ImportError as exc:
            raise SystemExit("mediapipe is not installed: run benchmarks/setup_bench_env.sh") from exc
        self._mp = mp
        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(task)),
            running_mode=vision.RunningMode.IMAGE,
            num_faces=num_faces,
        )
        self._landmarker = vision.FaceLandmarker.create_from_options(options)

    def __call__(self, rgb: np.ndarray) -> list[np.ndarray]:
        """Return one 478×3 array (image pixels, z scaled like x) per face."""
        h, w = rgb.shape[:2]
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        result = self._landmarker.detect(image)
        return [
            np.array([[p.x * w, p.y * h, p.z * w] for p in face], np.float32)
            for face in result.face_landmarks
        ]

    def close(self) -> None:
        self._landmarker.close()


class Mtcnn:
    """facenet-pytorch's MTCNN (installed with --no-deps in .venv-bench): boxes, scores and 5 points."""

    def __init__(self) -> None:
        try:
            from facenet_pytorch import MTCNN
        except ImportError as exc:
            raise SystemExit("facenet-pytorch is not installed: run benchmarks/setup_bench_env.sh") from exc
        self._mtcnn = MTCNN(keep_all=True, device="cpu")

    def __call__(self, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (N×4 boxes, N scores, N×5×2 points: image-left eye, image-right eye, nose, mouth l/r)."""
        from PIL import Image

        boxes, scores, points = self._mtcnn.detect(Image.fromarray(rgb), landmarks=True)
        if boxes is None:
            return np.zeros((0, 4)), np.zeros(0), np.zeros((0, 5, 2))
        as_float = lambda a: np.asarray(a, dtype=np.float64)  # noqa: E731 (MTCNN returns object arrays)
        return as_float(boxes), as_float(scores), as_float(points)


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Run `fn` `repeat` times; return the wall times in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def pct(values: list[float] | np.ndarray, q: float) -> float:
    """Percentile (nan for an empty list)."""
    return float(np.percentile(values, q)) if len(values) else float("nan")


def table(headers: list[str], rows: Iterator[list[object]] | list[list[object]]) -> str:
    """A GitHub-markdown table (what the README and the closing note paste)."""

    def fmt(v: object) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
