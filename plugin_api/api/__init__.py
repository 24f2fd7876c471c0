"""Every HTTP blueprint of the app, registered from the one list below.

To add one: import it and append it to `BLUEPRINTS` (one line). flask-smorest blueprints are registered on the
`Api` (so they appear in `/api/v1/openapi.json`); plain Flask blueprints (install flows, webhooks, static
widget files, the demo store, the merchant dashboard's pages) are registered on the app.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint

from plugin_api.admin import admin_bp
from plugin_api.api import (
    admin_experiment,
    admin_summary,
    admin_widget_settings,
    docs_assets,
    health,
    widget_analyses,
    widget_assets,
    widget_config,
    widget_events,
    widget_photo_conversions,
)
from plugin_api.install import install_bp
from plugin_api.web import demo_store_bp, site_icon_bp, widget_files_bp

BLUEPRINTS: list[Blueprint] = [
    health.blp,
    widget_analyses.blp,
    widget_config.blp,
    widget_events.blp,
    widget_photo_conversions.blp,
    admin_summary.blp,
    admin_experiment.blp,
    admin_widget_settings.blp,
    *(widget_assets.blp, widget_assets.media_blp),
    widget_files_bp,
    demo_store_bp,
    site_icon_bp,
    install_bp,
    admin_bp,
    docs_assets.bp,
]


def register_blueprints(app: Flask, api: Api) -> None:
    """Register every blueprint in `BLUEPRINTS`."""
    for blp in BLUEPRINTS:
        if isinstance(blp, ApiBlueprint):
            api.register_blueprint(blp)
        else:
            app.register_blueprint(blp)
