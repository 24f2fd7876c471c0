"""The dashboard's "Sync now" button: `POST /admin/sync` reads the store's whole catalog again at once.

A merchant who fixed their product images, or whose products could not be read, used to wait for the next
daily full sync. The sync lock keeps this from racing a run in progress, and a run in progress is said
instead of a second one queued.
"""

from __future__ import annotations

from flask import Response, redirect, url_for

from connectors import PLATFORMS
from plugin_api.admin.same_origin import require_own_page
from plugin_api.admin.session import authenticate_admin
from plugin_api.errors import ApiError
from plugin_api.jobs.sync import enqueue_sync, sync_in_progress


def sync_now() -> Response:
    """Queue a full catalog sync for the signed-in store, then show the catalog section."""
    require_own_page()
    merchant = authenticate_admin()
    if merchant.platform not in PLATFORMS:
        raise ApiError(409, "nothing_to_sync", "This store's catalog is not read from a store platform.")
    if sync_in_progress(merchant):
        return redirect(url_for("admin.dashboard", sync="running", _anchor="catalog"), 303)
    enqueue_sync(merchant, full=True)
    return redirect(url_for("admin.dashboard", sync="started", _anchor="catalog"), 303)
