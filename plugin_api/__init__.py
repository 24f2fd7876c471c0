"""Facet's Flask app. `create_app()` is the only way to build it (wsgi.py, the CLI, the worker, tests)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from plugin_api.config import load_config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build a configured app: defaults → environment → `config` overrides."""
    app = Flask(__name__)
    app.config.from_mapping(load_config(overrides=config, instance_path=app.instance_path))

    from plugin_api import observability

    observability.configure_logging(app)
    observability.init_request_ids(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") or not app.config.get("FACET_S3_BUCKET"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    if app.config["FACET_INSECURE_DEFAULTS"]:
        log.warning(
            "FACET_ENV=%s: using built-in insecure secrets; never do this in production",
            app.config["FACET_ENV"],
        )
    return app


def _init_extensions(app: Flask) -> None:
    from plugin_api import rate_limits, storage
    from plugin_api.api import register_blueprints
    from plugin_api.cli import facet_cli
    from plugin_api.crypto import Cipher
    from plugin_api.errors import FacetApi
    from plugin_api.extensions import db, migrate
    from plugin_api.jobs import analysis, housekeeping, queueing

    _enable_sqlite_foreign_keys()
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    app.extensions["facet.cipher"] = Cipher(app.config["FACET_ENCRYPTION_KEYS"])
    storage.init_app(app)
    queueing.init_app(app)
    analysis.init_app(app)
    rate_limits.init_app(app)
    housekeeping.init_app(app)
    api = FacetApi(app)
    app.extensions["facet.api"] = api
    register_blueprints(app, api)
    app.cli.add_command(facet_cli)


def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # SQLite ignores ON DELETE CASCADE unless asked, and locks instantly without a busy timeout.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()


def _enable_sqlite_foreign_keys() -> None:
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
