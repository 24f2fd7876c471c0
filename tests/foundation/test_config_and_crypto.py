"""Configuration layers, required secrets, every setting declared and documented, and credentials encrypted
at rest with key rotation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from connectors.settings import settings_from_mapping
from plugin_api import create_app
from plugin_api.config import (
    DERIVED_SETTINGS,
    ENVIRONMENT_ONLY,
    ConfigError,
    load_config,
    normalize_database_url,
)
from plugin_api.crypto import Cipher, CredentialsError
from plugin_api.extensions import db
from plugin_api.jobs.features import embedding_config, fetch_options
from plugin_api.models import Merchant

ROOT = Path(__file__).resolve().parents[2]
# Where the app's settings are read: the app, the connectors, inference (and wsgi.py).
CODE = [*(ROOT / "plugin_api").rglob("*.py"), *(ROOT / "connectors").rglob("*.py")]
CODE += [*(ROOT / "inference").rglob("*.py"), ROOT / "wsgi.py"]
SETTING = re.compile(r"\bFACET_[A-Z0-9_]*[A-Z0-9]\b")


def test_production_refuses_to_start_without_secrets(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config({"FACET_ENV": "production"}, instance_path=str(tmp_path))
    assert "FACET_SECRET_KEY" in str(info.value) and "FACET_ENCRYPTION_KEYS" in str(info.value)
    with pytest.raises(ConfigError):
        create_app({"FACET_ENV": "production", "FACET_SECRET_KEY": None, "FACET_ENCRYPTION_KEYS": None})


def test_layers_defaults_env_overrides(tmp_path):
    key = Fernet.generate_key().decode()
    env = {
        "FACET_ENV": "production",
        "FACET_SECRET_KEY": "s3cret",
        "FACET_ENCRYPTION_KEYS": key,
        "FACET_MAX_UPLOAD_BYTES": "1234",
        "FACET_SHOPIFY_API_KEY": "shpka_x",
        "DATABASE_URL": "postgres://u@h/db",
        "REDIS_URL": "redis://h:6379/3",
    }
    cfg = load_config(env, {"FACET_MAX_UPLOAD_BYTES": 99}, instance_path=str(tmp_path))
    assert cfg["SECRET_KEY"] == "s3cret" and not cfg["FACET_INSECURE_DEFAULTS"]
    assert cfg["FACET_MAX_UPLOAD_BYTES"] == 99  # override beats env
    assert cfg["FACET_SHOPIFY_API_KEY"] == "shpka_x"  # a connector's setting, read from app.config
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert cfg["REDIS_URL"] == "redis://h:6379/3"
    defaults = load_config({"FACET_ENV": "demo"}, instance_path=str(tmp_path))
    assert defaults["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/facet.db"
    assert defaults["FACET_STORAGE_DIR"] == f"{tmp_path}/storage"
    assert defaults["REDIS_URL"] is None and defaults["FACET_INSECURE_DEFAULTS"]
    assert defaults["FACET_MAX_UPLOAD_BYTES"] == 10 * 1024 * 1024
    # A presenter's allowance in the demo, a shopper's in production; either can be set.
    assert (defaults["FACET_CLIENT_UPLOADS_PER_HOUR"], defaults["FACET_CLIENT_UPLOAD_BURST"]) == (300, 60)
    production = load_config(
        {"FACET_ENV": "production", "FACET_SECRET_KEY": "k", "FACET_ENCRYPTION_KEYS": key},
        instance_path=str(tmp_path),
    )
    assert (production["FACET_CLIENT_UPLOADS_PER_HOUR"], production["FACET_CLIENT_UPLOAD_BURST"]) == (30, 10)
    chosen = load_config({"FACET_ENV": "demo", "FACET_CLIENT_UPLOAD_BURST": "5"}, instance_path=str(tmp_path))
    assert chosen["FACET_CLIENT_UPLOAD_BURST"] == 5 and chosen["FACET_CLIENT_UPLOADS_PER_HOUR"] == 300


def test_database_url_normalisation():
    assert normalize_database_url("postgresql://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalize_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_credentials_are_encrypted_at_rest_and_keys_rotate(app_factory, runner):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app = app_factory(FACET_ENCRYPTION_KEYS=old)
    with app.app_context():
        merchant = Merchant(
            platform="shopify", shop_domain="enc.myshopify.com", credentials={"token": "shpat_SECRET"}
        )
        db.session.add(merchant)
        db.session.commit()
        raw = db.session.execute(
            text("SELECT credentials FROM merchants WHERE id = :i"), {"i": merchant.id}
        ).scalar()
        assert "shpat_SECRET" not in raw and Cipher(old).decrypt_json(raw) == {"token": "shpat_SECRET"}

    # Rotation: the new key first, the old one still listed → old tokens still decrypt.
    rotated = app_factory(FACET_ENCRYPTION_KEYS=f"{new},{old}")
    with rotated.app_context():
        assert db.session.scalars(select(Merchant)).one().credentials == {"token": "shpat_SECRET"}
    result = rotated.test_cli_runner().invoke(args=["facet", "rotate-keys"])
    assert "re-encrypted credentials of 1 merchants" in result.output, result.output

    # After rotate-keys the old key can be removed.
    new_only = app_factory(FACET_ENCRYPTION_KEYS=new)
    with new_only.app_context():
        assert db.session.scalars(select(Merchant)).one().credentials == {"token": "shpat_SECRET"}
    with app.app_context(), pytest.raises(CredentialsError):
        db.session.scalars(select(Merchant)).one().credentials  # noqa: B018 - the load decrypts


def test_invalid_encryption_key_is_a_clear_error():
    with pytest.raises(ValueError, match="invalid Fernet key"):
        Cipher("not-a-key")


def test_seed_demo_merchant_is_idempotent(app):
    from plugin_api.demo import seed_demo_merchant

    with app.app_context():
        first = seed_demo_merchant()
        second = seed_demo_merchant()
        assert first.id == second.id
        merchants = db.session.scalars(select(Merchant)).all()
        assert len(merchants) == 1
        demo = merchants[0]
        assert (demo.platform, demo.publishable_key, demo.status) == ("demo", "pk_demo", "installed")
        assert "http://127.0.0.1:8000" in demo.allowed_origins


def _named_in_code() -> set[str]:
    return {name for path in CODE for name in SETTING.findall(path.read_text(encoding="utf-8"))}


def _readme_table() -> list[str]:
    """The `FACET_*` names of the README's configuration table, from each row's first cell, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return [name for cell in rows for name in SETTING.findall(cell)]


def _declared(tmp_path) -> set[str]:
    cfg = load_config({"FACET_ENV": "test"}, instance_path=str(tmp_path))
    return {key for key in cfg if key.startswith("FACET_")} - set(DERIVED_SETTINGS)


def test_every_setting_the_code_names_is_declared_with_a_default(tmp_path):
    in_code = _named_in_code()
    assert len(in_code) > 50  # the scan found the code
    assert set(DERIVED_SETTINGS) <= in_code and set(ENVIRONMENT_ONLY) <= in_code
    undeclared = in_code - _declared(tmp_path) - set(DERIVED_SETTINGS) - set(ENVIRONMENT_ONLY)
    assert sorted(undeclared) == [], "read outside plugin_api/config.py without a declared default"
    assert not set(ENVIRONMENT_ONLY) & _declared(tmp_path)


def test_the_readme_lists_every_setting_once_and_no_other(tmp_path):
    table = _readme_table()
    assert sorted(name for name in set(table) if table.count(name) > 1) == []
    settings = _named_in_code() - set(DERIVED_SETTINGS)
    assert sorted(settings - set(table)) == [], "settings the README's configuration table does not list"
    assert sorted(set(table) - settings) == [], "README settings no code reads"
    assert _declared(tmp_path) | set(ENVIRONMENT_ONLY) == set(table)


def test_the_readers_own_fallbacks_equal_the_declared_defaults(tmp_path):
    cfg = load_config({"FACET_ENV": "test"}, instance_path=str(tmp_path))
    from_app, bare = settings_from_mapping(cfg), settings_from_mapping({})
    # FACET_PUBLIC_URL is always in the app's config (`connectors.settings` falls back to another URL).
    assert from_app.public_url == cfg["FACET_PUBLIC_URL"]
    assert from_app.__dict__ | {"public_url": bare.public_url} == bare.__dict__
    assert fetch_options(cfg) == fetch_options({})
    assert embedding_config(cfg) == embedding_config({})
