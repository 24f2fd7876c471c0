"""Peak memory of a photo upload: what the web process spends checking and re-encoding it
(`plugin_api.services.uploads.clean_image`), then what the worker spends decoding and analysing what was
stored (`inference.analyze_image`), for a decompression bomb and for ordinary phone photos.

Each measurement runs in a fresh process and reports its peak RSS during the step above what the process held
just before it (imports done, input read; for the analysis, models loaded and one small photo analysed): the
kernel's high-water mark is reset first (`/proc/self/clear_refs`, Linux 4.0+), then `VmHWM` − `VmRSS`.

Usage: python benchmarks/upload_memory.py [--max-pixels N] [--no-analysis]
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024.0  # kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def start_measuring() -> float:
    """Reset the peak RSS to the current RSS; return the current RSS (MiB)."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mib("VmRSS")


def peak_mib() -> float:
    return _status_mib("VmHWM")


def make_inputs(folder: Path) -> dict[str, Path]:
    """The photos measured: the audit's bomb PNG and phone-sized JPEGs of a real face (with sensor-like noise,
    so they weigh what phone photos weigh), plus the HEIC test asset."""
    import numpy as np
    from PIL import Image

    from tests.images import astronaut_jpeg

    made: dict[str, Path] = {}
    bomb = folder / "bomb-6324.png"
    Image.new("RGB", (6324, 6324), (200, 160, 140)).save(bomb, format="PNG", optimize=True)
    made["bomb PNG 6324x6324 (40 Mpx)"] = bomb
    # The worst a file can still do: as many pixels as its bytes allow (a block of noise keeps it heavy).
    floor = Image.new("RGB", (6324, 6324), (200, 160, 140))
    noise = np.random.default_rng(1).integers(0, 256, (700, 700, 3), dtype=np.uint8)
    floor.paste(Image.fromarray(noise), (0, 0))
    heavy = folder / "floor-6324.png"
    floor.save(heavy, format="PNG")
    made["PNG 6324x6324, noise-padded to pass"] = heavy
    face = Image.open(io.BytesIO(astronaut_jpeg(512)))
    rng = np.random.default_rng(0)
    for label, size in (("phone JPEG 4032x3024 (12 Mpx)", (4032, 3024)), ("JPEG 1024x768", (1024, 768))):
        big = np.asarray(face.resize(size, Image.Resampling.BICUBIC), dtype=np.int16)
        noisy = (big + rng.normal(0, 4, big.shape)).clip(0, 255).astype(np.uint8)
        path = folder / f"{size[0]}x{size[1]}.jpg"
        Image.fromarray(noisy).save(path, format="JPEG", quality=92)
        made[label] = path
    made["iPhone HEIC test asset (256 px)"] = ROOT / "tests" / "assets" / "astronaut-256.heic"
    return made


def child_clean(source: Path, stored: Path, max_pixels: int) -> dict:
    from plugin_api.errors import ApiError
    from plugin_api.services.uploads import clean_image

    data = source.read_bytes()
    before = start_measuring()
    started = time.perf_counter()
    try:
        image = clean_image(data, max_pixels=max_pixels)
    except ApiError as exc:
        outcome = f"{exc.status} {exc.code}"
    else:
        stored.write_bytes(image.data)
        outcome = f"stored {image.info['width']}x{image.info['height']} {image.extension}"
    return {
        "peak_mib": peak_mib() - before,
        "ms": (time.perf_counter() - started) * 1000.0,
        "outcome": outcome,
        "bytes": len(data),
    }


def child_analyse(stored: Path) -> dict:
    from inference import analyze_image
    from inference.errors import InferenceError
    from tests.images import astronaut_jpeg

    analyze_image(astronaut_jpeg(512))  # models loaded and warmed: only the photo's own cost is left
    data = stored.read_bytes()
    before = start_measuring()
    started = time.perf_counter()
    try:
        analyze_image(data)
        outcome = "done"
    except InferenceError as exc:
        outcome = exc.code
    return {
        "peak_mib": peak_mib() - before,
        "ms": (time.perf_counter() - started) * 1000.0,
        "outcome": outcome,
    }


def run_child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-pixels", type=int, default=None, help="default: FACET_MAX_IMAGE_PIXELS' default"
    )
    parser.add_argument("--no-analysis", action="store_true", help="measure the upload only")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = (
            child_clean(Path(rest[0]), Path(rest[1]), int(rest[2]))
            if kind == "clean"
            else child_analyse(Path(rest[0]))
        )
        print(json.dumps(result))
        return
    if args.max_pixels is None:
        from plugin_api.config import load_config

        with tempfile.TemporaryDirectory() as tmp:
            args.max_pixels = int(
                load_config({"FACET_ENV": "test"}, instance_path=tmp)["FACET_MAX_IMAGE_PIXELS"]
            )
    print(f"FACET_MAX_IMAGE_PIXELS = {args.max_pixels:,}; peak RSS above the process' own before the step\n")
    print("| input | file | upload: outcome | upload peak | upload ms | analysis peak | analysis ms |")
    print("|---|---:|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, path in make_inputs(Path(tmp)).items():
            stored = Path(tmp) / (path.stem + ".stored")
            clean = run_child("clean", str(path), str(stored), str(args.max_pixels))
            analysis = "–", "–"
            if stored.exists() and not args.no_analysis:
                done = run_child("analyse", str(stored))
                analysis = f"+{done['peak_mib']:.0f} MiB ({done['outcome']})", f"{done['ms']:.0f}"
            print(
                f"| {label} | {clean['bytes'] / 1024:,.0f} KiB | {clean['outcome']} | "
                f"+{clean['peak_mib']:.0f} MiB | {clean['ms']:.0f} | {analysis[0]} | {analysis[1]} |"
            )


if __name__ == "__main__":
    main()
