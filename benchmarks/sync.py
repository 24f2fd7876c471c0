"""Catalog sync benchmark: time and HTTP requests to sync N products (default 10,000) from each fake store.

Two measurements per platform:
  connector  the real client library talking HTTP to the fake server, pages mapped to CatalogProduct, no DB;
  full sync  `plugin_api.jobs.sync.sync_merchant` into the database (upserts, resume points, delete check).
Shopify is run with a Plus-sized cost bucket (1000 pts/s restore) and unthrottled; the cost its queries
actually used is reported so the time on a Standard plan (100 pts/s) can be read off.

    python benchmarks/sync.py [--products 10000] [--database-url postgresql://...] [--skip-db]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from connectors import ConnectorSettings, StoreSession  # noqa: E402
from connectors.magento import MagentoConnector  # noqa: E402
from connectors.shopify import ShopifyConnector  # noqa: E402
from connectors.woocommerce import WooCommerceConnector  # noqa: E402
from tests.fakes.magento import FakeMagento  # noqa: E402
from tests.fakes.shopify import FakeShopify  # noqa: E402
from tests.fakes.woocommerce import FakeWooCommerce  # noqa: E402


def shopify_store(n: int, restore: float, bulk: bool = False) -> tuple[Any, Any, StoreSession]:
    fake = FakeShopify(products=n, bucket_max=max(2000.0, restore * 2), restore_rate=restore).start()
    settings = ConnectorSettings(
        shopify_api_key=fake.api_key,
        shopify_api_secret=fake.api_secret,
        shopify_api_base_url=fake.url,
        shopify_bulk_min_products=1 if bulk else 0,
        shopify_bulk_poll_seconds=0.5,
    )
    token = fake._issue(expiring=True)
    creds = {
        "access_token": token["access_token"],
        "refresh_token": token["refresh_token"],
        "expires_at": time.time() + 3600,
    }
    return fake, ShopifyConnector(settings), StoreSession(fake.shop, creds)


def woo_store(n: int) -> tuple[Any, Any, StoreSession]:
    fake = FakeWooCommerce(products=n).start()
    fake.keys["ck_bench"] = "cs_bench"
    return (
        fake,
        WooCommerceConnector(ConnectorSettings()),
        StoreSession(fake.url + "/", {"consumer_key": "ck_bench", "consumer_secret": "cs_bench"}),
    )


def magento_store(n: int) -> tuple[Any, Any, StoreSession]:
    fake = FakeMagento(products=n).start()
    fake.consumers["bench"] = {"secret": "bench-secret", "verifier": "v"}
    fake.access_tokens["bench-token"] = {"secret": "bench-token-secret", "consumer": "bench"}
    creds = {
        "consumer_key": "bench",
        "consumer_secret": "bench-secret",
        "access_token": "bench-token",
        "access_token_secret": "bench-token-secret",
    }
    return fake, MagentoConnector(ConnectorSettings()), StoreSession(fake.base_url, creds)


def stores(n: int) -> list[tuple[str, Any]]:
    return [
        ("shopify paged (Plus bucket, 1000/s)", lambda: shopify_store(n, 1000.0)),
        ("shopify paged (unthrottled)", lambda: shopify_store(n, 1e9)),
        ("shopify bulk operation (Plus bucket)", lambda: shopify_store(n, 1000.0, bulk=True)),
        ("woocommerce (10% variable)", lambda: woo_store(n)),
        ("magento", lambda: magento_store(n)),
    ]


def bench_connector(name: str, make: Any) -> dict[str, Any]:
    fake, connector, session = make()
    try:
        start = time.perf_counter()
        pages = products = 0
        for page in connector.iter_products(session):
            pages += 1
            products += len(page.products)
        seconds = time.perf_counter() - start
    finally:
        fake.stop()
    row = {
        "store": name,
        "products": products,
        "pages": pages,
        "requests": connector.http.requests_made,
        "seconds": seconds,
        "waited": connector.http.waited_seconds,
    }
    if isinstance(fake, FakeShopify):
        row["cost"] = fake.cost_used
    return row


def bench_db(name: str, make: Any, database_url: str) -> dict[str, Any]:
    from flask_migrate import upgrade

    from plugin_api import create_app
    from plugin_api.extensions import db
    from plugin_api.jobs.sync import sync_merchant
    from plugin_api.models import Merchant

    fake, connector, session = make()
    platform = connector.name
    overrides = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": None,
        "FACET_SYNC_FEATURES": "0",
        "FACET_LOG_LEVEL": "WARNING",
        "FACET_LOG_FORMAT": "text",
    }
    if isinstance(fake, FakeShopify):
        overrides.update(
            FACET_SHOPIFY_BULK_MIN_PRODUCTS=connector.settings.shopify_bulk_min_products,
            FACET_SHOPIFY_BULK_POLL_SECONDS=0.5,
            FACET_SHOPIFY_API_KEY=fake.api_key,
            FACET_SHOPIFY_API_SECRET=fake.api_secret,
            FACET_SHOPIFY_API_BASE_URL=fake.url,
        )
    app = create_app(overrides)
    try:
        with app.app_context():
            upgrade()
            db.session.execute(db.text("DELETE FROM merchants WHERE shop_domain = :d"), {"d": session.store})
            merchant = Merchant(platform=platform, shop_domain=session.store, credentials=session.credentials)
            db.session.add(merchant)
            db.session.commit()
            before = fake.request_count
            start = time.perf_counter()
            counts = sync_merchant(merchant.id, full=True)
            seconds = time.perf_counter() - start
            requests = fake.request_count - before
            db.session.delete(db.session.get(Merchant, merchant.id))
            db.session.commit()
    finally:
        fake.stop()
    return {"store": name, "products": counts.get("created", 0), "requests": requests, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--skip-db", action="store_true")
    args = parser.parse_args()
    n = args.products

    print(f"\nConnector only: {n:,} products per store, real client libraries over HTTP to 127.0.0.1 fakes\n")
    print(f"| {'store':37} | products | pages | HTTP requests | seconds | products/s | throttle waits s |")
    print(f"|{'-' * 39}|---------:|------:|--------------:|--------:|-----------:|-----------------:|")
    rows: list[dict[str, Any]] = []
    for name, make in stores(n):
        r = bench_connector(name, make)
        rows.append(r)
        print(
            f"| {r['store']:37} | {r['products']:8,} | {r['pages']:5} | {r['requests']:13,} "
            f"| {r['seconds']:7.2f} | {r['products'] / r['seconds']:10,.0f} | {r['waited']:16.2f} |"
        )
    cost = next(r["cost"] for r in rows if "cost" in r)
    print(
        f"\nShopify queries used {cost:,.0f} cost points: on a Standard plan (100 pts/s) the same sync "
        f"takes about {cost / 100:,.0f} s; Advanced (200/s) {cost / 200:,.0f} s."
    )
    if args.skip_db:
        return
    url = args.database_url or "sqlite:///" + str(Path(tempfile.mkdtemp()) / "bench.db")
    kind = url.split(":", 1)[0]
    print(
        f"\nFull sync job into the database ({kind}): {n:,} products (upserts, resume points, delete check)\n"
    )
    print(f"| {'store':37} | products | HTTP requests | seconds | products/s |")
    print(f"|{'-' * 39}|---------:|--------------:|--------:|-----------:|")
    for name, make in stores(n):
        if "paged (Plus" in name:
            continue
        r = bench_db(name, make, url)
        rows.append(r)
        print(
            f"| {r['store']:37} | {r['products']:8,} | {r['requests']:13,} | {r['seconds']:7.2f} "
            f"| {r['products'] / r['seconds']:10,.0f} |"
        )


if __name__ == "__main__":
    main()
