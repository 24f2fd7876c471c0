"""Merchant dashboard at a big store's volume: how long one page's figures take to compute.

The dashboard computes its figures on each request from the raw rows (events, analyses). This seeds one
store with a month of a busy storefront in its own PostgreSQL database (default `facet_bench_dashboard`,
dropped and re-created), with a holdout test running the whole month, plus a second store's rows beside it
(tenancy filters must not scan them for free), then times `dashboard_summary` and `lift_summary`.

Usage: nice .venv/bin/python benchmarks/dashboard.py [--views-per-day 10000] [--analyses-per-day 300]
       [--days 30] [--repeat 5] [--pg postgresql+psycopg://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, insert, text  # noqa: E402

from plugin_api import create_app  # noqa: E402
from plugin_api.extensions import db  # noqa: E402
from plugin_api.models import (  # noqa: E402
    Analysis,
    Event,
    ExperimentSession,
    Merchant,
    ShownRecommendation,
    utcnow,
)
from plugin_api.services.analysis_facts import facts_from_result  # noqa: E402
from plugin_api.services.dashboard import dashboard_summary  # noqa: E402
from plugin_api.services.experiment import assigned_group  # noqa: E402
from plugin_api.services.lift import lift_summary  # noqa: E402

CATEGORIES = ("eyewear", "sunglasses", "foundation", "lipstick", "apparel")
WIDGET_EVENTS = ("opened", "photo_submitted", "analysis_shown", "tryon_switched", "recommendation_clicked")


def recreate_database(server: str, name: str) -> str:
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return f"{server}/{name}"


def a_result(rng: random.Random) -> dict:
    """An analysis result with the parts the dashboard reads, at a real result's size (12 recommendations)."""
    recs = [
        {
            "product_id": str(rng.randrange(1000)),
            "title": f"Product {rng.randrange(1000)} — a title of ordinary length",
            "url": "https://shop.example/products/p",
            "image_url": "https://cdn.shop.example/p.jpg",
            "price": "49.00",
            "category": rng.choice(CATEGORIES),
            "score": rng.random(),
            "reasons": ["Round frames balance an angular jaw", "Warm tortoise suits your autumn palette"],
            "tryon": None,
            "add_to_cart": {"method": "post", "url": "https://shop.example/cart/add", "fields": {"id": "1"}},
        }
        for _ in range(12)
    ]
    return {
        "skin": {"monk": rng.randint(1, 10), "reliable": rng.random() < 0.8, "undertone": "neutral"},
        "face_shape": {"label": rng.choice(("oval", "round", "square", "heart", "oblong"))},
        "recommendations": recs,
        "closest_shades": [{"category": "foundation", "delta_e": rng.uniform(0.5, 8)}],
    }


def event_row(store_id: int, rng: random.Random, sid: str, etype: str, at, props: dict) -> dict:
    return {
        "merchant_id": store_id,
        "session_id": sid,
        "type": etype,
        "properties": props,
        "product_id": str(rng.randrange(1000)),
        "occurred_at": at,
        "received_at": at,
    }


def seed(
    app, store: Merchant, days: int, views_per_day: int, analyses_per_day: int, rng: random.Random
) -> int:
    """A month of one store: storefront views (3 per session), adds, widget events and analyses, with the
    rows the app writes beside them (the analysis job's `record_dashboard_facts`, the events API's
    `record_sessions`)."""
    now, rows = utcnow(), 0
    experiment = (store.settings or {}).get("experiment")
    for day in range(days):
        events, analyses, shown, tests = [], [], [], []
        start = now - timedelta(days=day + 1)

        for _ in range(views_per_day // 3):
            sid = uuid.uuid4().hex[:24]
            at = start + timedelta(seconds=rng.randrange(86400))
            group = assigned_group(sid, experiment["id"], experiment["holdout_percent"])
            props = {"group": group, "experiment": experiment["id"]}
            for _ in range(3):
                events.append(event_row(store.id, rng, sid, "storefront_view", at, props))
            added = rng.random() < 0.04
            if added:
                events.append(event_row(store.id, rng, sid, "store_add_to_cart", at, props))
            tests.append(
                {
                    "merchant_id": store.id,
                    "experiment_id": experiment["id"],
                    "session_id": sid,
                    "group": group,
                    "viewed": True,
                    "added_to_cart": added,
                    "first_seen_at": at,
                }
            )
            if group == "exposed" and rng.random() < 0.05:
                result_id = str(uuid.uuid4())  # the beacons after the photo name the result they act on
                for etype in WIDGET_EVENTS:
                    props = {} if etype in ("opened", "photo_submitted") else {"analysis_id": result_id}
                    events.append(event_row(store.id, rng, sid, etype, at, props))
        for _ in range(analyses_per_day):
            at = start + timedelta(seconds=rng.randrange(86400))
            result, analysis_id = a_result(rng), uuid.uuid4()
            facts = facts_from_result(result)
            analyses.append(
                {
                    "id": analysis_id,
                    "merchant_id": store.id,
                    "status": "done",
                    "result": result,
                    "queued_at": at,
                    "finished_at": at,
                    "expires_at": at + timedelta(days=30),
                    "facts_recorded": True,
                    "shown_monk": facts.shown_monk,
                    "shown_undertone": facts.shown_undertone,
                    "face_shape": facts.face_shape,
                    "closest_shade_delta_e": facts.closest_shade_delta_e,
                }
            )
            shown += [
                {
                    "merchant_id": store.id,
                    "analysis_id": analysis_id,
                    "queued_at": at,
                    "product_id": rec.product_id,
                    "category": rec.category,
                    "title": rec.title,
                }
                for rec in facts.recommendations
            ]
        with app.app_context():
            db.session.execute(insert(Event), events)
            db.session.execute(insert(Analysis), analyses)
            db.session.execute(insert(ShownRecommendation), shown)
            db.session.execute(insert(ExperimentSession), tests)
            db.session.commit()
        rows += len(events) + len(analyses) + len(shown) + len(tests)
    return rows


def timed(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--views-per-day", type=int, default=10_000)
    parser.add_argument("--analyses-per-day", type=int, default=300)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="facet_bench_dashboard")
    parser.add_argument("--keep", action="store_true", help="leave the database for profiling")
    args = parser.parse_args()
    url = recreate_database(args.pg, args.db)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "REDIS_URL": None,
                "FACET_STORAGE_DIR": tmp,
                "FACET_LOG_LEVEL": "WARNING",
            }
        )
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
            started = (utcnow() - timedelta(days=args.days + 1)).isoformat()
            stores = []
            for name in ("big", "neighbour"):
                store = Merchant(
                    platform="shopify",
                    shop_domain=f"{name}.myshopify.com",
                    publishable_key=f"pk_{name}",
                    settings={
                        "experiment": {"holdout_percent": 10, "id": f"x{name[:8]:_<8}", "started_at": started}
                    },
                )
                db.session.add(store)
                db.session.commit()
                db.session.refresh(store)
                db.session.expunge(store)
                stores.append(store)
        start = time.perf_counter()
        rows = sum(seed(app, s, args.days, args.views_per_day, args.analyses_per_day, rng) for s in stores)
        print(f"seeded {rows:,} rows (2 stores × {args.days} days) in {time.perf_counter() - start:.0f} s")
        with app.app_context():
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            big = db.session.get(Merchant, stores[0].id)
            print(
                f"| figure ({args.views_per_day:,} storefront views/day, "
                f"{args.analyses_per_day} analyses/day) | p50 ms | max ms |"
            )
            print("|---|---:|---:|")
            for label, fn in (
                ("lift (whole test)", lambda: lift_summary(big)),
                ("dashboard, 7 days", lambda: dashboard_summary(big, 7, analysis_retention_days=30)),
                ("dashboard, 30 days", lambda: dashboard_summary(big, 30, analysis_retention_days=30)),
            ):
                p50, worst = timed(fn, args.repeat)
                print(f"| {label} | {p50:.0f} | {worst:.0f} |")
            db.session.remove()
            db.engine.dispose()
    if not args.keep:
        engine = create_engine(f"{args.pg}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)"))
        engine.dispose()


if __name__ == "__main__":
    main()
