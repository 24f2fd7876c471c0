"""Recommendation benchmarks: shade matching on recoloured real faces, feature throughput, ranking latency.

1. Shade matching. Real faces (astronaut + a sample of faces/diverse and faces/utkface) have their skin
   recoloured to each of the demo catalog's 57 foundation shades (the 10 Monk tones and 9 in-between
   depths × warm / neutral / cool) with shading kept, then re-lit under the skin-tone benchmark's
   illuminants (neutral, 2,700 K, 4,000 K, 6,500 K, green fluorescent, ±1 stop). The analysis engine
   measures the skin colour and undertone (illumination-corrected, with the source photo's mesh as in
   benchmarks/skin_tone.py), and `inference.recommend` ranks the demo foundations, whose shade colours were
   extracted from their generated product photos. A hit: the truly closest shade (by ΔE00 to the known
   target colour) is ranked 1st / in the top 3.
   Then, on real portraits as shot (faces/diverse, faces/smoke and 300 of faces/utkface, at the widget's
   1,024 px): how far the closest demo shade is from each trusted skin reading, with the whole range and with
   its Monk depths only. No truth is needed there: it says whether the range has a shade where real skin is.
2. Feature extraction throughput (products/s) on the generated demo catalog, per category.
3. Ranking latency against 1,000 and 10,000 products (CandidateSet built once, as the service caches it), over
   varied shoppers (all 12 season palettes, random skin colours, face shapes, face widths).

    .venv/bin/python benchmarks/recommend.py                  # all of it
    .venv/bin/python benchmarks/recommend.py --sample 8 --skip-throughput
    .venv/bin/python benchmarks/recommend.py --skip-latency --skip-throughput --skip-shades   # real readings
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import skin_tone  # noqa: E402  (the skin-tone benchmark's recolouring, illuminants and face loading)
from face_common import real_portraits  # noqa: E402
from PIL import Image  # noqa: E402

from inference import colour  # noqa: E402
from inference.analysis import analyze_face, analyze_image, season  # noqa: E402
from inference.catalog import ProductInfo, extract_product_features  # noqa: E402
from inference.errors import InferenceError  # noqa: E402
from inference.imageio import load_rgb  # noqa: E402
from inference.ranking import Candidate, CandidateSet, RecommendContext, judge, recommend  # noqa: E402
from inference.ranking.reasons import LOW_SKIN_CONFIDENCE  # noqa: E402
from inference.ranking.rules import FACE_SHAPES  # noqa: E402
from plugin_api.demo.catalog import demo_shades, draw_bottle, generate_demo_catalog  # noqa: E402


def recolour_to(rgb: np.ndarray, mesh: np.ndarray, target_lab: np.ndarray, *, own_chroma: bool) -> np.ndarray:
    """skin_tone.recolour_to with a CIELAB target (a demo shade instead of a Monk shade)."""
    target = colour.srgb_to_linear(np.clip(colour.lab_to_rgb(target_lab), 0, 255))
    return skin_tone.recolour_to(rgb, mesh, target, own_chroma=own_chroma)


@dataclass(frozen=True)
class KnownFace:
    """The source photo's face (box, score, mesh) handed to `analyze_face`: detection is benchmarked
    elsewhere, and re-detecting every re-lit copy would only add its noise."""

    box: tuple[float, float, float, float]
    score: float
    mesh: np.ndarray


def measure(rgb: np.ndarray, mesh: np.ndarray) -> tuple[dict | None, bool, float]:
    """The analysis engine's skin measurement (lab, undertone, hue tolerance, over-exposure doubt) for a photo
    with a known mesh, whether the product would show and use it (`skin.reliable`: no lighting / blur /
    face-size issue, confidence), and its confidence."""
    xy = mesh[:, :2]
    face = KnownFace((*map(float, xy.min(axis=0)), *map(float, xy.max(axis=0))), 1.0, mesh)
    section = analyze_face(rgb, face, faces_found=1)["skin"]
    if section["lab"] is None:
        return None, False, 0.0
    reading = {"skin": {k: section[k] for k in ("lab", "undertone", "hue_tolerance", "overexposure_doubt")}}
    return reading, bool(section["reliable"]), float(section["confidence"])


def foundation_candidates() -> tuple[list[dict], CandidateSet]:
    """The demo foundations with shade colours extracted from their generated photos (as seeded)."""
    shades = demo_shades()
    cands = []
    for shade in shades:
        info = ProductInfo(
            title=f"Second Skin Foundation — {shade['name']}",
            product_type="Foundation",
            variants=[{"id": shade["code"], "title": shade["name"]}],
        )
        features = extract_product_features(info, draw_bottle(colour.hex_to_rgb(shade["hex"]))).features
        cands.append(Candidate(shade["code"], features, title=info.title))
    return shades, CandidateSet.build(cands)


def shade_benchmark(args: argparse.Namespace) -> None:
    shades, cs = foundation_candidates()
    extracted = {c.product_id: np.array(c.features["shades"][0]["lab"]) for c in cs.candidates}
    err = [float(colour.delta_e_2000(extracted[s["code"]], s["lab"])) for s in shades]
    print(
        f"\n## Shade matching ({len(shades)} demo foundation shades; photo extraction error ΔE00 mean "
        f"{np.mean(err):.2f}, max {np.max(err):.2f})"
    )
    t0 = time.time()
    sources = skin_tone.load_sources(args.data, args.sample, args.seed)
    hits: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    by_monk: dict[int, list[tuple[bool, bool]]] = defaultdict(list)
    measured_de: list[float] = []
    by_error: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    failures = 0
    # What the shopper sees: a shade only when the analysis trusts the reading (None: "use a clearer photo").
    product: dict[str, list[tuple[bool, bool] | None]] = defaultdict(list)
    # Shown readings by confidence: below LOW_SKIN_CONFIDENCE the closest shade says the match is approximate.
    by_confidence: dict[bool, list[tuple[bool, bool]]] = defaultdict(list)
    context = RecommendContext(categories=["foundation"], diversity=0.0)
    for _name, rgb, mesh in sources:
        for shade in shades:
            truth = min(shades, key=lambda s: float(colour.delta_e_2000(s["lab"], shade["lab"])))["code"]
            base = recolour_to(rgb, mesh, shade["lab"], own_chroma=args.skin_chroma == "own")
            for cond, (gains, stops) in skin_tone.CONDITIONS.items():
                analysis, shown, confidence = measure(skin_tone.relight(base, gains, stops), mesh)
                if analysis is None:
                    failures += 1
                    hits[cond].append((False, False))
                    product[cond].append(None)
                    continue
                error = float(colour.delta_e_2000(np.array(analysis["skin"]["lab"]), shade["lab"]))
                measured_de.append(error)
                ranked = [r.product_id for r in recommend(analysis, cs, limit=len(shades), context=context)]
                rank = ranked.index(truth) if truth in ranked else len(ranked)
                hits[cond].append((rank == 0, rank < 3))
                product[cond].append((rank == 0, rank < 3) if shown else None)
                if shown:
                    by_confidence[confidence < LOW_SKIN_CONFIDENCE].append((rank == 0, rank < 3))
                by_monk[shade["monk"]].append((rank == 0, rank < 3))
                band = "≤ 2" if error <= 2 else "2–4" if error <= 4 else "4–8" if error <= 8 else "> 8"
                by_error[band].append((rank == 0, rank < 3))
    print(
        f"{len(sources)} faces × {len(shades)} shades × {len(skin_tone.CONDITIONS)} conditions "
        f"({sum(map(len, hits.values()))} cases, {failures} unmeasurable) in {time.time() - t0:.0f} s; "
        f"measured skin vs target ΔE00: median {np.median(measured_de):.2f}, p90 "
        f"{np.percentile(measured_de, 90):.2f}"
    )
    print("\n| condition | cases | top-1 | top-3 |\n|---|---:|---:|---:|")
    everything = []
    for cond, rows in hits.items():
        everything += rows
        a = np.array(rows)
        print(f"| {cond} | {len(a)} | {100 * a[:, 0].mean():.1f} % | {100 * a[:, 1].mean():.1f} % |")
    a = np.array(everything)
    print(f"| **all** | {len(a)} | **{100 * a[:, 0].mean():.1f} %** | **{100 * a[:, 1].mean():.1f} %** |")
    print(
        "\nAs the product shows it: when `skin.reliable` is false (a too-bright / too-dark / blurry photo, a"
        " small face, low confidence) the widget asks for a clearer photo instead of naming a shade."
    )
    print(
        "\n| condition | asks for a clearer photo | top-1 among shown | top-3 among shown |"
        "\n|---|---:|---:|---:|"
    )
    all_product: list[tuple[bool, bool] | None] = []
    for cond, rows in product.items():
        all_product += rows
        print(_product_row(cond, rows))
    print(_product_row("**all**", all_product))
    print("\n| measurement error (ΔE00 measured vs target) | cases | top-1 | top-3 |\n|---|---:|---:|---:|")
    for band in ("≤ 2", "2–4", "4–8", "> 8"):
        if by_error.get(band):
            m = np.array(by_error[band])
            print(f"| {band} | {len(m)} | {100 * m[:, 0].mean():.1f} % | {100 * m[:, 1].mean():.1f} % |")
    print("\n| shown readings, confidence | cases | top-1 | top-3 |\n|---|---:|---:|---:|")
    print(_confidence_row(f"below {LOW_SKIN_CONFIDENCE} (called approximate)", by_confidence[True]))
    print(_confidence_row(f"{LOW_SKIN_CONFIDENCE} and up", by_confidence[False]))
    print("\n| Monk tone | top-1 | top-3 |\n|---|---:|---:|")
    for monk in sorted(by_monk):
        m = np.array(by_monk[monk])
        print(f"| {monk} | {100 * m[:, 0].mean():.1f} % | {100 * m[:, 1].mean():.1f} % |")


def trusted_skin_lab(path: Path) -> np.ndarray | None:
    """The skin Lab the product shows for a real photo at the widget's 1,024 px; None when it shows none
    (no face found, or a reading it does not trust)."""
    rgb = load_rgb(path)
    scale = 1024 / max(rgb.shape[:2])
    if scale < 1:
        size = (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale))
        rgb = np.asarray(Image.fromarray(rgb).resize(size))
    try:
        skin = analyze_image(rgb).get("skin") or {}
    except InferenceError:
        return None
    return np.array(skin["lab"]) if skin.get("lab") is not None and skin.get("reliable") else None


def real_readings_benchmark(args: argparse.Namespace) -> None:
    """How close the demo range comes to real shoppers' skin: the closest shade's ΔE00 per trusted reading."""
    paths = real_portraits(args.data, args.real_utk, seed=3)
    with Pool(2) as pool:
        readings = [lab for lab in pool.map(trusted_skin_lab, paths, chunksize=4) if lab is not None]
    shades = demo_shades()
    ranges = {
        "whole range": shades,
        "Monk depths only": [s for s in shades if float(s["depth"]).is_integer()],
    }
    print(
        f"\n## Real skin readings: the closest demo shade ({len(readings)} trusted readings of {len(paths)} "
        "real portraits at 1,024 px)"
    )
    print(
        "\n| range | shades | ΔE00 p50 | p75 | p90 | over ΔE00 2 | over ΔE00 3 |"
        "\n|---|---:|---:|---:|---:|---:|---:|"
    )
    for label, subset in ranges.items():
        labs = np.array([s["lab"] for s in subset])
        closest = np.array(
            [min(float(colour.delta_e_2000(lab, shade)) for shade in labs) for lab in readings]
        )
        p50, p75, p90 = np.percentile(closest, [50, 75, 90])
        print(
            f"| {label} | {len(subset)} | {p50:.2f} | {p75:.2f} | {p90:.2f} | "
            f"{100 * (closest > 2).mean():.1f} % | {100 * (closest > 3).mean():.1f} % |"
        )


def _confidence_row(label: str, rows: list[tuple[bool, bool]]) -> str:
    if not rows:
        return f"| {label} | 0 | – | – |"
    top1, top3 = 100 * np.array(rows, dtype=bool).mean(axis=0)
    return f"| {label} | {len(rows)} | {top1:.1f} % | {top3:.1f} % |"


def _product_row(label: str, rows: list[tuple[bool, bool] | None]) -> str:
    shown = np.array([r for r in rows if r is not None], dtype=bool).reshape(-1, 2)
    withheld = 100 * (1 - len(shown) / max(len(rows), 1))
    if not len(shown):
        return f"| {label} | {withheld:.1f} % | – | – |"
    top1, top3 = 100 * shown.mean(axis=0)
    return f"| {label} | {withheld:.1f} % | {top1:.1f} % | {top3:.1f} % |"


def throughput_benchmark() -> None:
    catalog = generate_demo_catalog()
    wall: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    for item in catalog:
        info = ProductInfo(
            title=item.title, product_type=item.product_type, tags=item.tags, variants=item.variants
        )
        image = item.image  # drawn lazily: not part of feature extraction
        t, c = time.perf_counter(), time.process_time()
        extract_product_features(info, image)
        wall[item.product_type].append(time.perf_counter() - t)
        cpu[item.product_type].append(time.process_time() - c)
    print(f"\n## Feature extraction throughput (demo catalog, {len(catalog)} products, 1 process)")
    print(
        "\n| product type | products | wall ms/product (p50) | CPU ms/product (p50) | products/s (wall) | "
        "products/s per core (CPU) |\n|---|---:|---:|---:|---:|---:|"
    )
    for kind in sorted(wall):
        w, c = wall[kind], cpu[kind]
        print(
            f"| {kind} | {len(w)} | {1000 * np.median(w):.0f} | {1000 * np.median(c):.0f} | "
            f"{len(w) / sum(w):.1f} | {len(c) / sum(c):.1f} |"
        )
    total_w = sum(sum(v) for v in wall.values())
    total_c = sum(sum(v) for v in cpu.values())
    print(
        f"| **all** | {len(catalog)} | | | **{len(catalog) / total_w:.1f}** | "
        f"**{len(catalog) / total_c:.1f}** |"
    )
    print(f"\n(load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def synthetic_catalog(n: int, rng: np.random.Generator, templates: list[Candidate]) -> list[Candidate]:
    """n products made from the demo catalog's real features, with jittered colours, widths and embeddings."""
    out = []
    for i in range(n):
        base = templates[i % len(templates)].features
        feats = {k: v for k, v in base.items()}
        jitter = rng.normal(0, 3.0, 3)
        feats["colours"] = [{**c, "lab": list(np.array(c["lab"]) + jitter)} for c in base.get("colours", [])]
        if base.get("shades"):
            feats["shades"] = [
                {**s, "lab": list(np.array(s["lab"]) + rng.normal(0, 1.5, 3))} for s in base["shades"]
            ]
        if base.get("eyewear"):
            eyewear = dict(base["eyewear"])
            eyewear["frame_mm"] = {"total_width_mm": float(rng.uniform(118, 152))}
            feats["eyewear"] = eyewear
        if base.get("embedding"):
            vec = np.array(base["embedding"]["vector"]) + rng.normal(
                0, 0.05, len(base["embedding"]["vector"])
            )
            feats["embedding"] = {
                "kind": base["embedding"]["kind"],
                "vector": list(vec / np.linalg.norm(vec)),
            }
        stats = {"clicks": int(rng.poisson(2)), "add_to_carts": int(rng.poisson(0.4))}
        out.append(Candidate(f"p{i}", feats, title=f"Product {i}", analytics=stats))
    return out


def shoppers(rng: np.random.Generator, k: int) -> list[dict]:
    subtypes = list(season.PALETTES) if hasattr(season, "PALETTES") else []
    palettes = [season.palette(s) for s in subtypes] or [{"best": ["#c3a27c"], "avoid": ["#000000"]}]
    out = []
    for i in range(k):
        subtype = subtypes[i % len(subtypes)] if subtypes else "x"
        lab = colour.MONK_LAB[rng.integers(10)] + rng.normal(0, 3, 3)
        face = FACE_SHAPES[rng.integers(len(FACE_SHAPES))]
        out.append(
            {
                "skin": {
                    "lab": list(lab),
                    "undertone": ["warm", "neutral", "cool"][i % 3],
                    "palette": palettes[i % len(palettes)],
                    # The sub-type goes with the palette: frames are judged by its frame colours.
                    "season": {"name": subtype.split()[-1], "subtype": subtype},
                    # Every other shopper's photo had a colour cast removed, and every third one's background
                    # was blown out: the shade match's other two paths are timed too.
                    "hue_tolerance": 1.0 if i % 2 else 4.0,
                    "overexposure_doubt": 0.0 if i % 3 else 1.0,
                },
                "face_shape": {"label": face, "scores": {face: 0.7, "oval": 0.3}},
                "fit": {"face_width_mm": float(rng.uniform(125, 150))},
            }
        )
    return out


def latency_benchmark(args: argparse.Namespace) -> None:
    rng = np.random.default_rng(args.seed)
    templates = []
    for item in generate_demo_catalog():
        info = ProductInfo(
            title=item.title, product_type=item.product_type, tags=item.tags, variants=item.variants
        )
        templates.append(Candidate(item.platform_id, extract_product_features(info, item.image).features))
    print(
        "\n## Ranking latency (`recommend(..., limit=12)`, CandidateSet prebuilt and cached as in the "
        "service)"
    )
    print(
        "\n| products | build set (ms, once per catalog change) | first call per palette p50 (ms) | "
        "p50 (ms) | p95 (ms) | CPU time p50 (ms) | product page: list + the page product's verdict p50 (ms) |"
        "\n|---:|---:|---:|---:|---:|---:|---:|"
    )
    for n in (1000, 10000):
        cands = synthetic_catalog(n, rng, templates)
        t = time.perf_counter()
        cs = CandidateSet.build(cands)
        build_ms = 1000 * (time.perf_counter() - t)
        people = shoppers(rng, 240)
        cold, warm, ctx, cpu = [], [], [], []
        for i, person in enumerate(people):
            t, c = time.perf_counter(), time.process_time()
            recommend(person, cs, limit=12)
            (cold if i < 12 else warm).append(1000 * (time.perf_counter() - t))
            if i >= 12:
                cpu.append(1000 * (time.process_time() - c))
        for person in people[:60]:
            page = f"p{rng.integers(n)}"
            t = time.perf_counter()
            recommend(person, cs, limit=12, context=RecommendContext(product_id=page))
            judge(person, cs, page)  # the service answers "is this one right for me?" beside the list
            ctx.append(1000 * (time.perf_counter() - t))
        print(
            f"| {n:,} | {build_ms:.0f} | {np.median(cold):.1f} | {np.median(warm):.1f} | "
            f"{np.percentile(warm, 95):.1f} | {np.median(cpu):.1f} | {np.median(ctx):.1f} |"
        )
    print(
        f"\n(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; the CPU-time "
        "column is what one call costs when it has a core to itself)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--sample", type=int, default=8, help="real faces besides astronaut")
    parser.add_argument("--seed", type=int, default=7)
    skin_tone.add_skin_chroma_option(parser)
    parser.add_argument("--skip-shades", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-real", action="store_true", help="skip the real skin readings section")
    parser.add_argument(
        "--real-utk", type=int, default=300, help="faces/utkface photos among the real portraits"
    )
    args = parser.parse_args()
    print("# Recommendation benchmarks")
    if not args.skip_latency:
        latency_benchmark(args)
    if not args.skip_throughput:
        throughput_benchmark()
    if not args.skip_shades:
        shade_benchmark(args)
    if not args.skip_real:
        real_readings_benchmark(args)


if __name__ == "__main__":
    main()
