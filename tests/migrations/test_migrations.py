"""`flask db upgrade` builds the schema on an empty database, and the models agree with it (no drift)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from plugin_api import create_app
from plugin_api.extensions import db
from plugin_api.models import Merchant

REPO = Path(__file__).resolve().parents[2]


def flask_db(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run `flask db ...` exactly as an operator would."""
    return flask_command(database_url, "db", *args)


def facet_cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run `flask facet ...` exactly as an operator would."""
    return flask_command(database_url, "facet", *args)


def flask_command(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "FACET_ENV": "test", "FACET_LOG_FORMAT": "text"}
    env.pop("REDIS_URL", None)
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "plugin_api", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def store_at_revision(database_url: str, revision: str, tmp_path: Path, settings: dict | None = None) -> int:
    """Migrate to `revision` and add one store (merchants have not changed since 0009); returns its id. For
    tests of a later revision's data migration, which then insert rows as they were at `revision`."""
    flask_db(database_url, "upgrade", revision)
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "FACET_STORAGE_DIR": str(tmp_path)}
    )
    with app.app_context():
        merchant = Merchant(
            platform="shopify",
            shop_domain="old.myshopify.com",
            publishable_key="pk_old",
            settings=settings or {},
        )
        db.session.add(merchant)
        db.session.commit()
        merchant_id = merchant.id
        db.session.remove()
        db.engine.dispose()
    return merchant_id


def stored_time(database_url: str, at: datetime) -> datetime | str:
    """`at` as a raw INSERT must give it: SQLite keeps naive UTC text, PostgreSQL an aware timestamp."""
    return at if database_url.startswith("postgresql") else at.replace(tzinfo=None).isoformat(" ")


def assert_no_drift(database_url: str, tmp_path: Path) -> None:
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "FACET_STORAGE_DIR": str(tmp_path)}
    )
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def check_upgrade_downgrade(database_url: str, tmp_path: Path) -> None:
    flask_db(database_url, "upgrade")
    engine = create_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    assert {"merchants", "products", "analyses", "events", "webhook_receipts", "alembic_version"} <= tables
    engine.dispose()
    assert_no_drift(database_url, tmp_path)
    assert "No new upgrade operations detected" in flask_db(database_url, "check").stdout
    flask_db(database_url, "downgrade", "base")
    engine = create_engine(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_sqlite_upgrade_from_empty_and_no_drift(tmp_path: Path):
    check_upgrade_downgrade("sqlite:///" + str(tmp_path / "empty.db"), tmp_path)


@contextmanager
def scratch_postgres(postgres_url: str, suffix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database beside the test one, dropped afterwards."""
    url = make_url(postgres_url)
    scratch = f"{url.database}_{suffix}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{scratch}"'))
    try:
        yield url.set(database=scratch).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.services
def test_postgres_upgrade_from_empty_and_no_drift(postgres_url: str, tmp_path: Path):
    with scratch_postgres(postgres_url, "migrations") as url:
        check_upgrade_downgrade(url, tmp_path)
