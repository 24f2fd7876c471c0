"""WSGI entry point: `gunicorn wsgi:app`."""

from __future__ import annotations

from plugin_api import create_app

app = create_app()
