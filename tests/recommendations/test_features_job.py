"""The features job: only new/changed products, CDN fetch with ETag cache and limits, per-product failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from inference import colour
from inference.tryon.generator import generate_eyewear_photo, named_specs
from plugin_api.demo.catalog import draw_bottle, draw_lipstick, draw_top
from plugin_api.extensions import db
from plugin_api.jobs.features import compute_product_features
from plugin_api.models import Merchant, Product
from plugin_api.services.installs import product_understanding_lines
from plugin_api.storage import current_storage
from tests.recommendations.conftest import png

REPO = Path(__file__).resolve().parents[2]


# A garment's size: its stock and price live on the variant.
SIZE_M = [{"id": "top-1", "title": "M", "price": "19.00", "available": True}]


def _catalog(cdn, merchant_id: int) -> None:
    spec = named_specs()["round"]
    cdn.files["/frame.png"] = png(np.asarray(generate_eyewear_photo(spec)[0]))
    cdn.files["/bottle.png"] = png(draw_bottle(np.array([200, 160, 120])))
    cdn.files["/top.png"] = png(draw_top(np.array([31, 42, 74])))
    rows = [
        ("frame", f"Round Gold Glasses {spec.frame_mm}", "Eyeglasses", "/frame.png"),
        ("bottle", "Skin Foundation 5N", "Foundation", "/bottle.png"),
        ("top", "Cotton tee navy", "T-shirt", "/top.png"),
        ("missing", "Cat-eye frames", "Eyeglasses", "/gone.png"),
        ("huge", "Oversized shades", "Sunglasses", "/huge.png"),
    ]
    for pid, title, kind, path in rows:
        db.session.add(
            Product(
                merchant_id=merchant_id,
                platform_product_id=pid,
                title=title,
                product_type=kind,
                image_urls=[cdn.url(path)],
                variants=SIZE_M if pid == "top" else [],
            )
        )
    db.session.commit()


def _products(merchant_id: int) -> dict[str, Product]:
    return {
        p.platform_product_id: p
        for p in db.session.scalars(select(Product).where(Product.merchant_id == merchant_id))
    }


def test_features_job_computes_caches_and_isolates_failures(app_factory, merchant_factory, cdn) -> None:
    app = app_factory(FACET_IMAGE_MAX_BYTES="1000000")
    merchant = merchant_factory(app)
    with app.app_context():
        _catalog(cdn, merchant.id)
        counts = compute_product_features(merchant.id)
        assert counts == {"computed": 3, "unchanged": 0, "failed": 2}
        products = _products(merchant.id)
        assert products["missing"].features_status == "failed"
        assert products["missing"].features_error == "image download failed: HTTP 404"
        assert products["huge"].features_error.startswith("image too large")
        frame = products["frame"]
        assert frame.features_status == "ready" and frame.features["category"] == "eyewear"
        assert frame.features["eyewear"]["frame_shape"]["label"] == "round"
        assert frame.tryon_asset_key == f"merchants/{merchant.public_id}/tryon/{frame.id}.png"
        assert current_storage().get(frame.tryon_asset_key).startswith(b"\x89PNG")
        assert current_storage().exists(frame.tryon_asset_key[:-4] + ".json")
        assert products["bottle"].features["shades"][0]["undertone"] == "neutral"
        assert (
            products["top"].features["category"] == "apparel" and products["bottle"].tryon_asset_key is None
        )
        status = db.session.get(Merchant, merchant.id).catalog_status
        assert status["embedding"]["learned"] is False and "descriptor" in status["embedding"]["message"]
        assert status["features"] == {"ready": 3, "failed": 2} and status["tryon_assets"] == 1
        # The merchant's page says the same in words, naming what could not be read and why.
        said = product_understanding_lines(db.session.get(Merchant, merchant.id))
        assert said[0] == "3 products understood."
        assert said[1].startswith("2 could not be read; Facet retries them after the next sync (")
        assert "image download failed: HTTP 404" in said[1] and "image too large" in said[1]
        assert said[2] == "1 frame can be tried on."
        assert "no learned image model is configured" in said[3]

        # Unchanged products are skipped without touching the CDN; failed ones are retried (CDN errors are
        # often transient); a changed product is recomputed. A new price or a sold-out size changes nothing
        # the features read.
        products["top"].variants = [{"id": "top-1", "title": "M", "price": "24.00", "available": False}]
        db.session.commit()
        cdn.requests.clear()
        assert compute_product_features(merchant.id) == {"computed": 0, "unchanged": 3, "failed": 2}
        assert sorted(path for path, _ in cdn.requests) == ["/gone.png", "/huge.png"]
        products["top"].title = "Cotton tee navy (new fit)"
        db.session.commit()
        assert compute_product_features(merchant.id, [products["top"].id])["computed"] == 1
        # The CDN was asked If-None-Match with the cached ETag and answered 304: no second download.
        assert cdn.requests[-1][0] == "/top.png" and cdn.requests[-1][1]


def test_a_broken_first_photo_falls_back_to_the_next_and_the_shopper_sees_the_one_read(
    app, merchant_factory, cdn
) -> None:
    """A deleted CDN file as a product's first photo should not keep a frame with good photos out of the
    recommendations; a product none of whose first photos loads fails with that said."""
    from plugin_api.jobs.features import MAX_PHOTOS_TRIED, PHOTO_READ

    merchant = merchant_factory(app)
    spec = named_specs()["round"]
    with app.app_context():
        cdn.files["/second.png"] = png(np.asarray(generate_eyewear_photo(spec)[0]))
        broken = [cdn.url(f"/gone-{n}.png") for n in range(MAX_PHOTOS_TRIED)]
        rows = [("second", [broken[0], cdn.url("/second.png")]), ("none", [*broken, cdn.url("/second.png")])]
        for pid, urls in rows:
            db.session.add(
                Product(
                    merchant_id=merchant.id,
                    platform_product_id=pid,
                    title="Round Gold Glasses",
                    product_type="Eyeglasses",
                    image_urls=urls,
                )
            )
        db.session.commit()
        assert compute_product_features(merchant.id) == {"computed": 1, "unchanged": 0, "failed": 1}
        products = _products(merchant.id)
        frame = products["second"]
        assert frame.features_status == "ready" and frame.tryon_asset_key is not None
        assert frame.features["eyewear"]["frame_shape"]["label"] == "round"
        assert frame.features[PHOTO_READ] == cdn.url("/second.png")
        failed = products["none"]
        assert failed.features_error == (
            f"none of its first {MAX_PHOTOS_TRIED} photos loads; the first: image download failed: HTTP 404"
        )
        assert sorted(p for p, _ in cdn.requests if p.startswith("/gone")) == sorted(
            ["/gone-0.png"] * 2 + [f"/gone-{n}.png" for n in range(1, MAX_PHOTOS_TRIED)]
        )


def test_variant_swatch_images_give_each_shade_its_colour(app, merchant_factory, cdn) -> None:
    merchant = merchant_factory(app)
    shades = {"101": (236, 208, 180), "102": (190, 140, 100), "103": (110, 72, 50)}
    with app.app_context():
        cdn.files["/family.png"] = png(draw_bottle(np.array([190, 140, 100])))
        variants = []
        for vid, rgb in shades.items():
            cdn.files[f"/swatch-{vid}.png"] = png(draw_bottle(np.array(rgb)))
            variants.append({"id": vid, "title": f"Shade {vid}", "image_url": cdn.url(f"/swatch-{vid}.png")})
        variants.append({"id": "104", "title": "Shade 104", "image_url": cdn.url("/missing-swatch.png")})
        db.session.add(
            Product(
                merchant_id=merchant.id,
                platform_product_id="fam",
                title="Serum Foundation",
                product_type="Foundation",
                image_urls=[cdn.url("/family.png")],
                variants=variants,
            )
        )
        db.session.commit()
        assert compute_product_features(merchant.id)["computed"] == 1
        found = {s["variant_id"]: s for s in _products(merchant.id)["fam"].features["shades"]}
    assert set(found) == {"101", "102", "103"}  # the variant without a readable swatch or name is left out
    for vid, rgb in shades.items():
        expected = colour.rgb_to_lab(np.array(rgb, dtype=float))
        assert colour.delta_e_2000(np.array(found[vid]["lab"]), expected) < 1.5
        assert found[vid]["source"] == "swatch"


def test_a_foundation_shade_is_never_guessed_from_its_name_and_the_merchant_is_told(
    app, merchant_factory, cdn
) -> None:
    """'Buff Beige', 'Natural Beige' and 'Sun Beige' all read 'beige'; one range photo is no shade's colour.
    Unread shades are left out of matching, and the merchant is told how to make them matchable."""
    merchant = merchant_factory(app)
    with app.app_context():
        cdn.files["/range.png"] = png(draw_bottle(np.array([200, 160, 120])))
        cdn.files["/swatch-3.png"] = png(draw_bottle(np.array([120, 80, 55])))
        cdn.files["/coral.png"] = png(draw_lipstick(np.array([240, 110, 90])))
        names = ("130 Buff Beige", "220 Natural Beige", "310 Sun Beige")
        variants = [{"id": str(i), "title": name} for i, name in enumerate(names, start=1)]
        variants[2]["image_url"] = cdn.url("/swatch-3.png")
        rows = [
            ("range", "Fit Me Foundation", "Foundation", "/range.png", variants),
            ("coral", "Lip Colour", "Lipstick", "/coral.png", [{"id": "9", "title": "Coral"}, {"id": "8"}]),
        ]
        for pid, title, kind, path, product_variants in rows:
            db.session.add(
                Product(
                    merchant_id=merchant.id,
                    platform_product_id=pid,
                    title=title,
                    product_type=kind,
                    image_urls=[cdn.url(path)],
                    variants=product_variants,
                )
            )
        db.session.commit()
        assert compute_product_features(merchant.id)["computed"] == 2
        products = _products(merchant.id)
        foundation = products["range"].features
        assert [s["variant_id"] for s in foundation["shades"]] == ["3"]  # only the swatch's shade
        assert foundation["shades"][0]["source"] == "swatch" and foundation["shades_unread"] == 2
        # A lipstick's colour word does name its colour.
        assert [s["source"] for s in products["coral"].features["shades"]] == ["name:coral"]
        said = product_understanding_lines(db.session.get(Merchant, merchant.id))
        assert (
            "1 foundation or concealer lists shades Facet cannot see the colour of (Fit Me Foundation): "
            "give each shade its own swatch image or a hex colour, and Facet matches them to shoppers."
        ) in said


def test_slow_image_times_out_and_only_that_product_fails(app_factory, merchant_factory, cdn) -> None:
    app = app_factory(FACET_IMAGE_FETCH_TIMEOUT="0.5")
    merchant = merchant_factory(app)
    with app.app_context():
        cdn.files["/ok.png"] = png(draw_top(np.array([200, 30, 40])))
        db.session.add(
            Product(
                merchant_id=merchant.id,
                platform_product_id="slow",
                title="Tee",
                image_urls=[cdn.url("/slow.png")],
            )
        )
        db.session.add(
            Product(
                merchant_id=merchant.id,
                platform_product_id="ok",
                title="Tee red",
                image_urls=[cdn.url("/ok.png")],
            )
        )
        db.session.commit()
        assert compute_product_features(merchant.id) == {"computed": 1, "unchanged": 0, "failed": 1}
        products = _products(merchant.id)
        assert products["slow"].features_error == "image download timed out"
        assert products["ok"].features_status == "ready"


@pytest.mark.services
def test_sync_hook_enqueues_on_catalog_queue_and_a_real_worker_runs_it(
    redis_app, database_url, storage_dir, merchant_factory, cdn
) -> None:
    from rq import Queue

    from plugin_api.jobs.queueing import CATALOG_QUEUE, current_jobs
    from plugin_api.jobs.sync import FEATURES_JOB

    merchant = merchant_factory(redis_app)
    with redis_app.app_context():
        cdn.files["/tee.png"] = png(draw_top(np.array([30, 120, 60])))
        product = Product(
            merchant_id=merchant.id,
            platform_product_id="tee",
            title="Green tee",
            image_urls=[cdn.url("/tee.png")],
        )
        db.session.add(product)
        db.session.commit()
        current_jobs().enqueue(FEATURES_JOB, merchant.id, [product.id], queue=CATALOG_QUEUE)
        assert Queue(CATALOG_QUEUE, connection=redis_app.extensions["facet.redis"]).count == 1
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_app.config["REDIS_URL"],
        "FACET_ENV": "test",
        "FACET_STORAGE_DIR": str(storage_dir),
        "FACET_LOG_FORMAT": "text",
        "FACET_IMAGE_ALLOW_PRIVATE": "1",  # the fake CDN is on 127.0.0.1
        "PYTHONPATH": str(REPO),
    }
    cmd = [
        str(Path(sys.executable).parent / "flask"),
        "--app",
        "plugin_api",
        "facet",
        "worker",
        "--burst",
        "--queues",
        CATALOG_QUEUE,
    ]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with redis_app.app_context():
        done = db.session.get(Product, product.id)
        assert done.features_status == "ready", (done.features_error, proc.stderr[-2000:])
        assert done.features["category"] == "apparel"
