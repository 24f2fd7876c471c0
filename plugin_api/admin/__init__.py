"""The merchant dashboard: a signed admin session, single-use support links and pages under `/admin`.

Public names: `admin_bp` (registered through `plugin_api.api.BLUEPRINTS`), `start_session` (the install flow
signs a merchant in when it shows them the connected page), `authenticate_admin` and `requested_summary` (the
JSON API in `plugin_api.api.admin_summary` uses the same session and the same figures).
"""

from __future__ import annotations

from plugin_api.admin.links import sign_in_url
from plugin_api.admin.session import COOKIE_NAME, authenticate_admin, start_session
from plugin_api.admin.views import admin_bp, requested_summary

__all__ = [
    "COOKIE_NAME",
    "admin_bp",
    "authenticate_admin",
    "requested_summary",
    "sign_in_url",
    "start_session",
]
