"""Upload path overhead: validation/re-encode time, and POST /api/v1/widget/analyses latency (RQ enqueue);
and what a storefront beacon costs (POST /api/v1/widget/events), with and without a holdout test's session
upsert (SQLite, in-process).

Usage: REDIS_URL=redis://127.0.0.1:6379/15 python benchmarks/upload_api.py [--n 50]
Without REDIS_URL only the validation timing is printed (POSTs would run the engine in-process).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask  # noqa: E402

from plugin_api import create_app  # noqa: E402
from plugin_api.extensions import db  # noqa: E402
from plugin_api.models import Merchant  # noqa: E402
from plugin_api.services.experiment import assigned_group, set_holdout_percent  # noqa: E402
from plugin_api.services.uploads import clean_image  # noqa: E402
from tests.images import astronaut_jpeg  # noqa: E402


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


@contextmanager
def bench_store(**config: Any) -> Iterator[tuple[Flask, Merchant]]:
    """An app on a throwaway SQLite database with one store (key `pk_bench`), in an app context."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "REDIS_URL": None,
                "FACET_STORAGE_DIR": f"{tmp}/storage",
                "FACET_LOG_LEVEL": "WARNING",
                **config,
            }
        )
        with app.app_context():
            db.create_all()
            merchant = Merchant(platform="demo", shop_domain="bench", publishable_key="pk_bench")
            db.session.add(merchant)
            db.session.commit()
            yield app, merchant


def timed_posts(redis_url: str, photo: bytes, n: int, limits: dict[str, int]) -> list[float]:
    with bench_store(REDIS_URL=redis_url, FACET_MAX_INFLIGHT_PER_MERCHANT=10_000, **limits) as (app, _):
        app.extensions["facet.redis"].flushdb()
        client = app.test_client()
        times = []
        for _ in range(n):
            start = time.perf_counter()
            response = client.post(
                "/api/v1/widget/analyses",
                data={"image": (io.BytesIO(photo), "a.jpg")},
                headers={"X-Facet-Key": "pk_bench"},
                content_type="multipart/form-data",
            )
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 202, response.json
        app.extensions["facet.redis"].flushdb()
        return times


def timed_beacons(n: int, tagged: bool) -> list[float]:
    """POST one beacon per new tab session: a holdout test's `storefront_view` (event row + session upsert)
    or a widget `opened` (event row only)."""
    with bench_store() as (app, merchant):
        test = set_holdout_percent(merchant, 10)
        client = app.test_client()
        times = []
        for i in range(n):
            sid = f"benchtab{i:08d}"
            beacon = {"type": "opened", "session_id": sid}
            if tagged:
                group = assigned_group(sid, test.id, test.holdout_percent)
                beacon = {
                    "type": "storefront_view",
                    "session_id": sid,
                    "properties": {"group": group, "experiment": test.id},
                }
            start = time.perf_counter()
            response = client.post(
                "/api/v1/widget/events?key=pk_bench", data=json.dumps(beacon), content_type="text/plain"
            )
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 202, response.json
        return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
    photo = astronaut_jpeg(1024)
    rows = []

    times = []
    for _ in range(args.n):
        start = time.perf_counter()
        clean_image(photo, max_pixels=40_000_000)
        times.append((time.perf_counter() - start) * 1000)
    rows.append(("validate + EXIF + re-encode (512x512 JPEG)", times))

    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        # The same POSTs without and with the per-address limit checked (a limit no request reaches).
        for label, limits in (
            ("POST analyses → 202 (validate, store, row, enqueue)", {}),
            (
                "same, per-address limit checked in Redis",
                {"FACET_CLIENT_UPLOADS_PER_HOUR": 10**9, "FACET_CLIENT_UPLOAD_BURST": 10**9},
            ),
        ):
            rows.append((label, timed_posts(redis_url, photo, args.n, limits)))

    rows.append(("POST events: a widget beacon (event row)", timed_beacons(args.n, tagged=False)))
    rows.append(
        (
            "POST events: a holdout storefront view (event row + session upsert)",
            timed_beacons(args.n, tagged=True),
        )
    )

    print(f"| step (n={args.n}) | p50 ms | p95 ms | mean ms |")
    print("|---|---|---|---|")
    for name, values in rows:
        p50, p95, mean = pct(values, 0.5), pct(values, 0.95), statistics.mean(values)
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {mean:.1f} |")


if __name__ == "__main__":
    main()
