"""Non-API web routes: the widget's static files (`/widget/v1/...`), the demo store (`/demo`), the site
icon (`/favicon.ico`).

All are plain Flask blueprints, registered through `plugin_api.api.BLUEPRINTS` like every other blueprint.
"""

from __future__ import annotations

from plugin_api.web.demo_store import bp as demo_store_bp
from plugin_api.web.site_icon import bp as site_icon_bp
from plugin_api.web.widget_files import bp as widget_files_bp

__all__ = ["demo_store_bp", "site_icon_bp", "widget_files_bp"]
