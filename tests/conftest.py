"""Shared fixtures.

Database: `DATABASE_URL` when set (PostgreSQL in CI), else a SQLite file per test session. The schema is built
once per session with the real migrations (`flask db upgrade`), and every table is emptied after each test.
Redis: `REDIS_URL` when set; tests that need it take the `redis_url`/`redis_app` fixtures and are skipped
(saying why) without it. The Redis db is flushed around each such test.

Reusable fixtures: `app_factory`, `app` (jobs in-process), `redis_app` (jobs on RQ), `client`, `db_session`,
`merchant_factory`, `widget_headers`, `redis_url`, `postgres_url`, `make_jpeg`, `engine` (a fake analysis
engine for `app_factory(ANALYSIS_ENGINE=engine)`), and `astronaut` (the public-domain portrait the face,
analysis and try-on tests read).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import create_engine, inspect, text

from plugin_api import create_app
from plugin_api.config import normalize_database_url
from plugin_api.extensions import db
from plugin_api.models import Merchant
from tests import images

if TYPE_CHECKING:
    from tests.dashboard.helpers import FakeEngine

ENV_DATABASE_URL = os.environ.get("DATABASE_URL") or None
ENV_REDIS_URL = os.environ.get("REDIS_URL") or None


def base_config(database_url: str, storage_dir: Path, **overrides: Any) -> dict[str, Any]:
    """The config every test app starts from (in-process jobs unless REDIS_URL is overridden)."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": None,
        "FACET_STORAGE_DIR": str(storage_dir),
        "FACET_LOG_FORMAT": "text",
        # The fake CDNs and stores listen on 127.0.0.1; production refuses private addresses.
        "FACET_IMAGE_ALLOW_PRIVATE": "1",
        "FACET_CONNECTOR_ALLOW_PRIVATE": "1",
        # The dashboard's figures are checked on a handful of shoppers; the threshold has its own test.
        "FACET_DASHBOARD_MIN_READINGS": 1,
        **overrides,
    }


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test database, migrated to head once per session."""
    if ENV_DATABASE_URL:
        url = normalize_database_url(ENV_DATABASE_URL)
        if url.startswith("postgresql"):
            _reset_postgres(url)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "facet-test.db")
    from flask_migrate import upgrade

    app = create_app(base_config(url, tmp_path_factory.mktemp("storage")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def _empty_tables(database_url: str) -> None:
    """Empty every table (including ones from models this test run never imported), keep the schema."""
    engine = create_engine(database_url)
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # must precede the transaction to take effect
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
        conn.commit()
    engine.dispose()


@pytest.fixture
def storage_dir(tmp_path: Path) -> Path:
    return tmp_path / "storage"


@pytest.fixture
def app_factory(database_url: str, storage_dir: Path) -> Iterator[Callable[..., Flask]]:
    """Build apps on the test database; every table is emptied after the test."""
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        app = create_app(base_config(database_url, storage_dir, **overrides))
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    if made:
        _empty_tables(database_url)


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    """The app with jobs running in-process."""
    return app_factory()


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app: Flask):
    """`db.session` inside an app context of `app`."""
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A real Redis (REDIS_URL), flushed before and after the test."""
    if not ENV_REDIS_URL:
        pytest.skip("REDIS_URL is not set: this test needs a real Redis (CI sets it via .ci/run)")
    from redis import Redis

    conn = Redis.from_url(ENV_REDIS_URL)
    conn.flushdb()
    yield ENV_REDIS_URL
    conn.flushdb()
    conn.close()


@pytest.fixture
def postgres_url(database_url: str) -> str:
    """The PostgreSQL URL under test; skips on SQLite."""
    if not database_url.startswith("postgresql"):
        pytest.skip("DATABASE_URL is not a PostgreSQL URL: this test needs a real PostgreSQL (CI sets it)")
    return database_url


@pytest.fixture
def redis_app(app_factory: Callable[..., Flask], redis_url: str) -> Flask:
    """The app with jobs enqueued on RQ (real Redis)."""
    return app_factory(REDIS_URL=redis_url)


_counter = itertools.count(1)


@pytest.fixture
def merchant_factory(app: Flask) -> Callable[..., Merchant]:
    """Create merchants (committed); each gets a unique domain, `pk_test_N` key and `https://shop-N.example`
    origin. The returned object is detached with its attributes loaded."""

    def make(app_: Flask | None = None, **fields: Any) -> Merchant:
        n = next(_counter)
        values: dict[str, Any] = {
            "platform": "shopify",
            "shop_domain": f"shop-{n}.myshopify.com",
            "name": f"Shop {n}",
            "allowed_origins": [f"https://shop-{n}.example"],
            "publishable_key": f"pk_test_{n}",
            "plan": "standard",
            **fields,
        }
        with (app_ or app).app_context():
            merchant = Merchant(**values)
            db.session.add(merchant)
            db.session.commit()
            db.session.refresh(merchant)
            db.session.expunge(merchant)
        return merchant

    return make


@pytest.fixture
def widget_headers() -> Callable[[Merchant], dict[str, str]]:
    """Headers a browser widget on the merchant's storefront would send."""

    def make(merchant: Merchant, origin: str | None = None) -> dict[str, str]:
        return {"X-Facet-Key": merchant.publishable_key, "Origin": origin or merchant.allowed_origins[0]}

    return make


@pytest.fixture
def make_jpeg() -> Callable[..., bytes]:
    """`make_jpeg(width=320, height=240, color=..., exif_orientation=None)` → JPEG bytes."""
    return images.make_jpeg


@pytest.fixture
def engine() -> FakeEngine:
    """A fake analysis engine: each photo gets the next of `engine.readings` (no model runs). An app uses it
    when built with `app_factory(ANALYSIS_ENGINE=engine)`."""
    from tests.dashboard.helpers import FakeEngine

    return FakeEngine()


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """NASA's public-domain portrait of Eileen Collins, 512×512 RGB (bundled with scikit-image). Shared by
    the whole session: tests must not write into it."""
    skimage_data = pytest.importorskip("skimage.data")
    return np.ascontiguousarray(skimage_data.astronaut())
