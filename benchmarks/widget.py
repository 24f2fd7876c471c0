"""Shopper widget benchmark: gzipped sizes, time to button visible, submit → results, frame switching.

Runs the real product: a fresh SQLite demo instance (demo merchant + generated catalog, jobs in-process)
served on 127.0.0.1, and the system Chromium (`/usr/bin/chromium`) driven by Playwright. Every page load uses
a new browser context (empty cache), as a first-time shopper would. Timings come from the page's own clock
(Navigation Timing and the widget's `facet-*` User Timing marks), so they exclude Playwright's overhead.

    .venv/bin/python benchmarks/widget.py [--runs 10] [--analyses 4]

Prints Markdown tables and writes benchmarks/out/widget.json; screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
OUT = REPO / "benchmarks" / "out"
SHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def widget_sizes() -> dict[str, int]:
    """Raw and gzip -9 sizes of the built loader and app bundle."""
    spec = importlib.util.spec_from_file_location("widget_build", REPO / "widgets" / "widget" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    dist = REPO / "widgets" / "widget" / "dist"
    out = {}
    for name in ("facet.js", "facet-app.js"):
        data = (dist / name).read_bytes()
        out[f"{name} raw"] = len(data)
        out[f"{name} gzip"] = len(gzip.compress(data, 9, mtime=0))
    out["total gzip"] = out["facet.js gzip"] + out["facet-app.js gzip"]
    return out


def start_demo(tmp: Path) -> tuple[Any, str, dict[str, Any]]:
    """Migrate and seed a demo instance in `tmp`; serve it on a free port. Returns (server, url, info)."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from plugin_api import create_app
    from plugin_api.demo import seed_demo_merchant
    from plugin_api.demo.seed import seed_demo_catalog

    app = create_app(
        {
            "FACET_ENV": "demo",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'facet.db'}",
            "FACET_STORAGE_DIR": str(tmp / "storage"),
            "REDIS_URL": None,
            "FACET_LOG_LEVEL": "WARNING",
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    t0 = time.perf_counter()
    with app.app_context():
        upgrade()
        merchant = seed_demo_merchant(origins=[url])
        counts = seed_demo_catalog(merchant, config=app.config)
    info = {"seed_s": round(time.perf_counter() - t0, 1), "catalog": counts}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, url, info


def selfie(tmp: Path) -> Path:
    """scikit-image's public-domain astronaut at 1024 px (passes the analysis' capture checks)."""
    from PIL import Image
    from skimage import data

    path = tmp / "astronaut-1024.jpg"
    buf = io.BytesIO()
    Image.fromarray(data.astronaut()).resize((1024, 1024), Image.Resampling.LANCZOS).save(
        buf, "JPEG", quality=92
    )
    path.write_bytes(buf.getvalue())
    return path


MARKS_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const m = n => {
    const e = performance.getEntriesByName('facet-' + n);
    return e.length ? e[e.length - 1].startTime : null;
  };
  return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, button: m('button-visible'),
          chosen: m('photo-chosen'), received: m('analysis-received'), drawn: m('drawn-frame')};
}"""


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))]


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} | {pct(values, 95):.0f} | {min(values):.0f} | {max(values):.0f}"


def run(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from plugin_api.models import Product

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one access-log line per request otherwise

    results: dict[str, Any] = {"sizes": widget_sizes()}
    SHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="facet-widget-bench-") as tmpdir:
        tmp = Path(tmpdir)
        server, url, info = start_demo(tmp)
        results["instance"] = info
        photo = selfie(tmp)
        with server.app.app_context():
            from sqlalchemy import select

            from plugin_api.extensions import db

            frame = db.session.scalars(
                select(Product.platform_product_id)
                .where(Product.tryon_asset_key.is_not(None))
                .order_by(Product.platform_product_id)
            ).first()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            button_nav, button_after_load, load = [], [], []
            for i in range(args.runs):
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                page = ctx.new_page()
                page.goto(f"{url}/demo/products/{frame}")
                page.locator("[data-facet-tryon] button").wait_for()
                page.wait_for_load_state("load")
                m = page.evaluate(MARKS_JS)
                button_nav.append(m["button"])
                load.append(m["load"])
                button_after_load.append(m["button"] - m["load"])
                if i == 0:
                    page.screenshot(path=str(SHOTS / "bench-product-page-1280.png"))
                ctx.close()
            results["button"] = {
                "from_navigation_ms": button_nav,
                "page_load_ms": load,
                "after_load_ms": button_after_load,
            }

            submit, analysis, switch = [], [], []
            for i in range(args.analyses):
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                page = ctx.new_page()
                page.set_default_timeout(300_000)
                page.goto(f"{url}/demo/products/{frame}")
                page.locator("[data-facet-tryon] button").click()
                with page.expect_file_chooser() as chooser:
                    page.locator('[data-fc="upload"]').first.click()
                chooser.value.set_files(str(photo))
                page.locator('[data-fc="tryon-canvas"][data-drawn="frame"]').wait_for()
                m = page.evaluate(MARKS_JS)
                submit.append(m["drawn"] - m["chosen"])
                analysis.append(m["received"] - m["chosen"])
                frames = page.locator('[data-fc="frames"] button')
                for j in range(1, min(4, frames.count())):
                    pid = frames.nth(j).get_attribute("data-product-id")
                    t0 = page.evaluate("() => performance.now()")
                    frames.nth(j).click()
                    page.locator(
                        f'[data-fc="tryon-canvas"][data-product-id="{pid}"][data-drawn="frame"]'
                    ).wait_for()
                    switch.append(page.evaluate(MARKS_JS)["drawn"] - t0)
                if i == 0:
                    page.screenshot(path=str(SHOTS / "bench-results-1280.png"))
                ctx.close()
            browser.close()
        server.shutdown()
    results["submit_to_results_ms"] = submit
    results["submit_to_analysis_ms"] = analysis
    results["frame_switch_ms"] = switch
    return results


def report(r: dict[str, Any]) -> str:
    s = r["sizes"]
    lines = [
        "### Widget size (gzip -9)",
        "| file | raw bytes | gzip bytes | budget |",
        "|---|---|---|---|",
        f"| facet.js (loader) | {s['facet.js raw']} | {s['facet.js gzip']} | 5120 |",
        f"| facet-app.js (lazy) | {s['facet-app.js raw']} | {s['facet-app.js gzip']} | |",
        f"| whole widget | {s['facet.js raw'] + s['facet-app.js raw']} | {s['total gzip']} | 40960 |",
        "",
        f"### Timings (ms; demo on 127.0.0.1, cold browser cache each run; seed {r['instance']['seed_s']} s)",
        "| measure | runs | p50 | p95 | min | max |",
        "|---|---|---|---|---|---|",
        f"| page load event (product page) | {len(r['button']['page_load_ms'])} | "
        f"{summary(r['button']['page_load_ms'])} |",
        f"| button visible, from navigation start | {len(r['button']['from_navigation_ms'])} | "
        f"{summary(r['button']['from_navigation_ms'])} |",
        f"| button visible, after the load event | {len(r['button']['after_load_ms'])} | "
        f"{summary(r['button']['after_load_ms'])} |",
    ]
    sub, ana = r["submit_to_results_ms"], r["submit_to_analysis_ms"]
    lines.append(f"| submit → results drawn, first (cold models) | 1 | {sub[0]:.0f} | | | |")
    if len(sub) > 1:
        lines.append(f"| submit → results drawn, warm | {len(sub) - 1} | {summary(sub[1:])} |")
        lines.append(f"| submit → analysis received, warm | {len(ana) - 1} | {summary(ana[1:])} |")
    if r["frame_switch_ms"]:
        lines.append(
            f"| switch frame → re-drawn (no upload) | {len(r['frame_switch_ms'])} | "
            f"{summary(r['frame_switch_ms'])} |"
        )
    lines += ["", f"Screenshots: {SHOTS / 'bench-product-page-1280.png'}, {SHOTS / 'bench-results-1280.png'}"]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10, help="page loads for time-to-button")
    ap.add_argument("--analyses", type=int, default=4, help="selfie submissions (the first is cold)")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found: apt-get install -y chromium")
    results = run(args)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "widget.json").write_text(json.dumps(results, indent=1))
    sys.stdout.write(report(results) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
