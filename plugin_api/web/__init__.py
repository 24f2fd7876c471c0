"""Non-API web routes: the widget's static files (`/widget/v1/...`) and the demo store (`/demo`).

Both are plain Flask blueprints, registered through `plugin_api.api.BLUEPRINTS` like every other blueprint.
"""

from __future__ import annotations

from plugin_api.web.demo_store import bp as demo_store_bp
from plugin_api.web.widget_files import bp as widget_files_bp

__all__ = ["demo_store_bp", "widget_files_bp"]
