"""The dashboard's "Disconnect Facet": `POST /admin/disconnect` ends Facet on the store at once.

A merchant leaving Facet should not need support, nor to know that revoking a WooCommerce key is noticed
only after days of refused syncs. The same uninstall as a platform's own notice runs (Facet's webhooks are
removed from the store where it registered them, its credentials forgotten, every dashboard session ended),
and the store's data is deleted 48 hours later, which the page says with its date. Connecting the store
again within those hours keeps everything.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, make_response, render_template, request

from connectors import PLATFORMS
from plugin_api.admin.same_origin import require_own_page
from plugin_api.admin.session import authenticate_admin
from plugin_api.errors import ApiError
from plugin_api.services.installs import connector_for, uninstall_merchant


def disconnect() -> Response:
    """Uninstall the signed-in store (the form's box must be ticked), then say when its data goes."""
    require_own_page()
    merchant = authenticate_admin()
    if merchant.platform not in PLATFORMS:
        raise ApiError(409, "cannot_disconnect", "This store is not connected through a store platform.")
    if request.form.get("confirm") != "yes":
        raise ApiError(
            422,
            "confirmation_required",
            "Tick the box to confirm that Facet should disconnect and delete your store's data.",
        )
    app_removed = uninstall_merchant(merchant, notify_platform=True)
    delete_after = datetime.fromisoformat((merchant.sync_state or {})["data_delete_after"])
    page = render_template(
        "admin/disconnected.html",
        merchant=merchant,
        delete_after=delete_after,
        app_removed=app_removed,
        # Where, in the store's own admin, what Facet could not remove itself is (the connector names it).
        leftover=None if app_removed else connector_for(merchant.platform).leftover_after_disconnect,
    )
    return make_response(page, 200)
