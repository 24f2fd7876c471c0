"""Unbound extension objects, bound to an app with `init_app` in `create_app`."""

from __future__ import annotations

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from plugin_api.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
