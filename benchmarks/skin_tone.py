"""Monk skin-tone accuracy under controlled recolourings and simulated illuminants, ours vs `stone`.

No human-labelled Monk data exists here, so the ground truth is constructed: real faces have their skin
replaced by
each Monk shade with the original shading kept (linear RGB: shade × per-pixel luminance / median luminance
inside
the mesh face oval), then the whole photo is re-lit:
  neutral; Planckian 2,700 K, 4,000 K and 6,500 K; a green-ish fluorescent tube (CIE F2 with a green spike);
  exposure −1 and +1 stop.
Illuminants are von Kries gains in linear sRGB (white under the lamp / white under D65), normalised to keep
the
luminance of white (auto-exposure), and clipped like a camera. Then: exact and ±1 accuracy per Monk shade
and per
condition, for `inference.analysis` and for the `skin-tone-classifier` package (`stone`, Monk palette), and on
faces/utkface the distribution of our estimates per self-reported group.

    .venv/bin/python benchmarks/skin_tone.py                    # ours + stone (needs .venv-stone)
    .venv/bin/python benchmarks/skin_tone.py --sample 12 --no-peer
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from inference import colour  # noqa: E402
from inference.analysis import analyze_image, skin  # noqa: E402
from inference.analysis import regions as R  # noqa: E402
from inference.analysis.regions import LinearPhoto, RegionCanvas  # noqa: E402
from inference.face import find_faces  # noqa: E402
from inference.imageio import load_rgb  # noqa: E402

_XYZ_TO_SRGB = np.linalg.inv(colour._SRGB_TO_XYZ)
_LUMA = np.array([0.2126, 0.7152, 0.0722])
RACES = {0: "White", 1: "Black", 2: "Asian", 3: "Indian", 4: "Other"}


def planck_xy(cct: float) -> tuple[float, float]:
    """Chromaticity of a black body (Kim et al. 2002 cubic fit, 1,667–25,000 K)."""
    t = cct
    if t <= 4000:
        x = -0.2661239e9 / t**3 - 0.2343589e6 / t**2 + 0.8776956e3 / t + 0.179910
    else:
        x = -3.0258469e9 / t**3 + 2.1070379e6 / t**2 + 0.2226347e3 / t + 0.240390
    if t <= 2222:
        y = -1.1063814 * x**3 - 1.34811020 * x**2 + 2.18555832 * x - 0.20219683
    elif t <= 4000:
        y = -0.9549476 * x**3 - 1.37418593 * x**2 + 2.09137015 * x - 0.16748867
    else:
        y = 3.0817580 * x**3 - 5.87338670 * x**2 + 3.75112997 * x - 0.37001483
    return x, y


def gains_from_xy(x: float, y: float) -> np.ndarray:
    """Linear-sRGB channel gains of a lamp of chromaticity (x, y), luminance of white kept at 1."""
    rgb = _XYZ_TO_SRGB @ np.array([x / y, 1.0, (1 - x - y) / y])
    return rgb / (rgb @ _LUMA)


CONDITIONS: dict[str, tuple[np.ndarray, float]] = {
    "neutral": (np.ones(3), 0.0),
    "2700K": (gains_from_xy(*planck_xy(2700)), 0.0),
    "4000K": (gains_from_xy(*planck_xy(4000)), 0.0),
    "6500K": (gains_from_xy(*planck_xy(6500)), 0.0),
    "fluor-green": (gains_from_xy(0.3721, 0.3751) * np.array([0.88, 1.0, 0.9]), 0.0),
    "-1 stop": (np.ones(3), -1.0),
    "+1 stop": (np.ones(3), 1.0),
}


def load_sources(data: Path, sample: int, seed: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, rgb, mesh) for astronaut plus a sample of faces/diverse and faces/utkface, ≤ 800 px."""
    from skimage import data as skdata

    rng = random.Random(seed)
    diverse = sorted((data / "faces/diverse").glob("*.jpg"))
    utk = sorted((data / "faces/utkface").glob("*.jpg"))
    half = sample // 2
    paths = rng.sample(diverse, min(half, len(diverse))) + rng.sample(utk, min(sample - half, len(utk)))
    items: list[tuple[str, np.ndarray]] = [("astronaut", skdata.astronaut())]
    for p in paths:
        rgb = load_rgb(p)
        scale = 800 / max(rgb.shape[:2])
        if scale < 1:
            rgb = np.asarray(
                Image.fromarray(rgb).resize((round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)))
            )
        items.append((p.name, rgb))
    out = []
    for name, rgb in items:
        scan = find_faces(rgb)
        if scan.faces:
            out.append((name, rgb, scan.faces[0].mesh.astype(np.float64)))
    return out


def recolour(rgb: np.ndarray, mesh: np.ndarray, shade: int, *, own_chroma: bool = False) -> np.ndarray:
    """The photo with the face-oval skin replaced by Monk shade `shade` (see `recolour_to`)."""
    target = colour.srgb_to_linear(colour.hex_to_rgb(colour.MONK_HEX[shade - 1]))
    return recolour_to(rgb, mesh, target, own_chroma=own_chroma)


def recolour_to(
    rgb: np.ndarray, mesh: np.ndarray, target: np.ndarray, *, own_chroma: bool = False
) -> np.ndarray:
    """The photo (linear RGB) with the face-oval skin replaced by `target` (linear RGB), the face's own
    shading kept.

    By default the shading is the face's luminance, so the new skin has one chromaticity in shadow and
    highlight (`--skin-chroma flat`, the documented benchmark). `own_chroma` keeps each channel's own
    shading instead (`--skin-chroma own`): real skin is redder and less blue where it is darker
    (benchmarks/clip_recovery.py), which the flat version hides from clipping recovery. Either way, the
    colorimetry sites' median is the target.
    """
    canvas = RegionCanvas(mesh, rgb.shape[:2], margin=0.05)
    skin = canvas.polygon(R.FACE_OVAL) & ~canvas.union(
        R.RIGHT_EYE, R.LEFT_EYE, R.LIPS_OUTER, R.RIGHT_BROW, R.LEFT_BROW
    )
    linear = colour.srgb_to_linear(rgb)
    crop = canvas.crop(linear)
    # Shading is normalised at the colorimetry sites (cheeks, forehead), where skin colour is measured
    # clinically.
    sites = canvas.union(R.RIGHT_CHEEK, R.LEFT_CHEEK, R.FOREHEAD) & skin
    if own_chroma:
        shading = np.clip(crop / np.maximum(np.median(crop[sites], axis=0), 1e-4), 0, 3)
        crop[skin] = target * shading[skin]
    else:
        luma = crop @ _LUMA
        shading = np.clip(luma / max(np.median(luma[sites]), 1e-4), 0, 3)
        crop[skin] = target * shading[skin][:, None]
    return np.clip(linear, 0, 1)


def add_skin_chroma_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--skin-chroma",
        choices=("flat", "own"),
        default="flat",
        help="recoloured skin: one chromaticity throughout (flat, documented) or each face's own per-channel "
        "shading (own)",
    )


def relight(linear: np.ndarray, gains: np.ndarray, stops: float) -> np.ndarray:
    """Apply a lamp and an exposure change, then clip and encode to 8-bit sRGB like a camera."""
    lit = np.clip(linear * gains * 2.0**stops, 0, 1)
    return np.round(colour.linear_to_srgb(lit)).clip(0, 255).astype(np.uint8)


def ours(rgb: np.ndarray, mesh: np.ndarray, shade: int) -> tuple[int | None, float | None]:
    """Our Monk estimate with the source photo's mesh (detection is benchmarked in face_landmarks.py), and
    the CIEDE2000 between the measured skin Lab and the painted shade's Lab (what shade matching feels)."""
    canvas = RegionCanvas(mesh, rgb.shape[:2])
    photo = LinearPhoto(rgb, canvas)
    _, sample = skin.measure_skin(photo, canvas, mesh)
    if sample is None:
        return None, None
    return skin.classify_sample(sample), float(colour.delta_e_2000(sample.lab, colour.MONK_LAB[shade - 1]))


_STONE_SCRIPT = """
import json, sys, stone
palette = sys.argv[1].split(',')
for path in sys.stdin.read().split():
    try:
        labels = [str(i) for i in range(1, 11)]
        r = stone.process(path, image_type='color', tone_palette=palette, tone_labels=labels)
        faces = r.get('faces') or []
        print(json.dumps({'path': path, 'monk': int(faces[0]['tone_label']) if faces else None}))
    except Exception as exc:  # one bad image must not end the peer's run
        print(json.dumps({'path': path, 'monk': None, 'error': str(exc)}))
"""


def run_stone(paths: list[str], python: Path) -> dict[str, int | None]:
    proc = subprocess.run(
        [str(python), "-c", _STONE_SCRIPT, ",".join(colour.MONK_HEX)],
        input="\n".join(paths),
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    out = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            out[row["path"]] = row["monk"]
    if not out:
        print("stone produced no output:", proc.stderr[-2000:], file=sys.stderr)
    return out


def _de_cell(values: list[float | None]) -> str:
    """Median ΔE00 of the measured skin to the painted shade, or – when not measured (the peer)."""
    known = [v for v in values if v is not None]
    return f"{np.median(known):.2f}" if known else "–"


def table(title: str, rows: list[tuple]) -> dict[str, float]:
    """Print exact / ±1 accuracy (and median ΔE00 when known) per shade and per condition; a miss (None)
    counts as wrong. Rows are (shade, condition, predicted Monk[, ΔE00 of measured to painted Lab])."""
    print(f"\n## {title}\n")
    rows = [(r[0], r[1], r[2], r[3] if len(r) > 3 else None) for r in rows]
    by_shade: dict[int, list] = defaultdict(list)
    by_cond: dict[str, list] = defaultdict(list)
    de_shade: dict[int, list] = defaultdict(list)
    de_cond: dict[str, list] = defaultdict(list)
    for shade, cond, pred, de in rows:
        hit = (pred == shade, pred is not None and abs(pred - shade) <= 1)
        by_shade[shade].append(hit)
        by_cond[cond].append(hit)
        de_shade[shade].append(de)
        de_cond[cond].append(de)
    print("| Monk | n | exact % | ±1 % | median ΔE00 |\n|---|---|---|---|---|")
    for shade in sorted(by_shade):
        h = np.array(by_shade[shade])
        print(
            f"| {shade} | {len(h)} | {100 * h[:, 0].mean():.1f} | {100 * h[:, 1].mean():.1f} | "
            f"{_de_cell(de_shade[shade])} |"
        )
    print("\n| condition | n | exact % | ±1 % | median ΔE00 |\n|---|---|---|---|---|")
    for cond in CONDITIONS:
        if cond in by_cond:
            h = np.array(by_cond[cond])
            print(
                f"| {cond} | {len(h)} | {100 * h[:, 0].mean():.1f} | {100 * h[:, 1].mean():.1f} | "
                f"{_de_cell(de_cond[cond])} |"
            )
    print("\nexact / ±1 % by shade and condition\n")
    print("| Monk | " + " | ".join(CONDITIONS) + " |\n|---|" + "---|" * len(CONDITIONS))
    cells: dict[tuple[int, str], list] = defaultdict(list)
    for shade, cond, pred, _de in rows:
        cells[(shade, cond)].append((pred == shade, pred is not None and abs(pred - shade) <= 1))
    for shade in sorted(by_shade):
        parts = []
        for cond in CONDITIONS:
            c = np.array(cells[(shade, cond)])
            parts.append(f"{100 * c[:, 0].mean():.0f} / {100 * c[:, 1].mean():.0f}" if len(c) else "–")
        print(f"| {shade} | " + " | ".join(parts) + " |")
    h = np.array([hit for v in by_shade.values() for hit in v])
    worst = min(100 * np.array(v)[:, 1].mean() for v in by_shade.values())
    all_de = [r[3] for r in rows]
    print(
        f"| **all** | {len(h)} | **{100 * h[:, 0].mean():.1f}** | **{100 * h[:, 1].mean():.1f}** | "
        f"{_de_cell(all_de)} |"
    )
    print(f"\nworst shade ±1: {worst:.1f} %")
    out = {"exact": 100 * h[:, 0].mean(), "within1": 100 * h[:, 1].mean(), "worst_within1": worst}
    if any(d is not None for d in all_de):
        out["median_de00"] = float(np.median([d for d in all_de if d is not None]))
    return out


def utk_groups(data: Path, per_group: int, seed: int) -> None:
    """Distribution of our Monk estimates per UTKFace self-reported group (full pipeline incl. detection)."""
    rng = random.Random(seed)
    groups: dict[int, list[Path]] = defaultdict(list)
    for p in sorted((data / "faces/utkface").glob("*.jpg")):
        parts = p.name.split("_")
        if len(parts) >= 4 and parts[2].isdigit():
            groups[int(parts[2])].append(p)
    print(
        f"\n## faces/utkface: our Monk estimate per self-reported group ({per_group} each, full pipeline)\n"
    )
    print(
        "| group | n | no face | "
        + " | ".join(f"M{i}" for i in range(1, 11))
        + " | median Monk | median ITA° |"
    )
    print("|---|---|---|" + "---|" * 10 + "---|---|")
    for race, name in RACES.items():
        paths = rng.sample(groups[race], min(per_group, len(groups[race])))
        counts: Counter[int] = Counter()
        itas, monks, missing = [], [], 0
        for p in paths:
            try:
                skin = analyze_image(p)["skin"]
            except Exception:  # noqa: BLE001 - a failure is what this table is here to count
                missing += 1
                continue
            if skin["monk"] is None:
                missing += 1
                continue
            counts[skin["monk"]] += 1
            monks.append(skin["monk"])
            itas.append(skin["ita"])
        cells = " | ".join(str(counts.get(i, 0)) for i in range(1, 11))
        print(
            f"| {name} | {len(paths)} | {missing} | {cells} | "
            f"{np.median(monks):.0f} | {np.median(itas):.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument(
        "--sample", type=int, default=16, help="real faces besides astronaut (half diverse, half utk)"
    )
    parser.add_argument("--utk-per-group", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-peer", action="store_true", help="skip stone")
    parser.add_argument("--stone-python", type=Path, default=REPO / ".venv-stone" / "bin" / "python")
    add_skin_chroma_option(parser)
    args = parser.parse_args()

    t0 = time.time()
    sources = load_sources(args.data, args.sample, args.seed)
    print(f"# Skin tone benchmark: {len(sources)} faces × 10 shades × {len(CONDITIONS)} conditions")
    rows_ours: list[tuple[int, str, int | None, float | None]] = []
    stone_jobs: list[tuple[int, str, str]] = []
    peer = not args.no_peer and args.stone_python.exists()
    with tempfile.TemporaryDirectory() as tmp:
        for i, (_name, rgb, mesh) in enumerate(sources):
            for shade in range(1, 11):
                base = recolour(rgb, mesh, shade, own_chroma=args.skin_chroma == "own")
                for cond, (gains, stops) in CONDITIONS.items():
                    img = relight(base, gains, stops)
                    rows_ours.append((shade, cond, *ours(img, mesh, shade)))
                    if peer:
                        path = f"{tmp}/{i}_{shade}_{cond.replace(' ', '')}.png"
                        Image.fromarray(img).save(path, compress_level=1)
                        stone_jobs.append((shade, cond, path))
        t1 = time.time()
        summary = {"ours": table("inference.analysis (ours)", rows_ours)}
        print(f"\n(ours: {len(rows_ours)} analyses in {t1 - t0:.0f} s incl. rendering)")
        if peer:
            found = run_stone([p for _, _, p in stone_jobs], args.stone_python)
            rows_stone = [(s, c, found.get(p)) for s, c, p in stone_jobs]
            summary["stone"] = table("skin-tone-classifier 1.2.6 (stone, Monk palette)", rows_stone)
            print(
                f"\n(stone: {len(rows_stone)} images in {time.time() - t1:.0f} s; no face counted as wrong)"
            )
        elif not args.no_peer:
            print(f"\nstone skipped: {args.stone_python} not found (run benchmarks/setup_stone_env.sh)")
    if args.utk_per_group > 0:
        utk_groups(args.data, args.utk_per_group, args.seed)
    print("\nsummary:", json.dumps({k: {m: round(v, 1) for m, v in s.items()} for k, s in summary.items()}))


if __name__ == "__main__":
    main()
