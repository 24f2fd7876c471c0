"""The merchant dashboard's pages: `/admin` (the dashboard), `/admin/sign-in` (support links), `/admin/demo`,
`POST /admin/experiment` (the holdout form, `plugin_api.admin.experiment`), `POST /admin/widget-settings`
(`plugin_api.admin.widget_settings_form`), `POST /admin/sync` (`plugin_api.admin.sync_form`),
`POST /admin/disconnect` (`plugin_api.admin.disconnect_form`), `POST /admin/sign-out`
(`plugin_api.admin.sign_out`) and
`GET /admin/data-requests/<id>.json` (a customer data request's export).

A support link opens a confirmation page (GET, HEAD: nothing is set or used up); its button POSTs the link's
token back from that page, which signs in and uses the link up.

Server-rendered HTML; the same figures are served as JSON by `plugin_api.api.admin_summary`, both from
`requested_summary()`. Errors here are pages a merchant can act on (what to do to get in), not JSON bodies.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, make_response, redirect, render_template, request, url_for

from connectors import PLATFORMS
from inference.colour import MONK_HEX
from plugin_api.admin.disconnect_form import disconnect
from plugin_api.admin.experiment import set_holdout
from plugin_api.admin.links import LINK_MAX_AGE, check_link, redeem_link
from plugin_api.admin.same_origin import require_own_page
from plugin_api.admin.session import SESSION_MAX_AGE, authenticate_admin, start_session
from plugin_api.admin.sign_out import sign_out
from plugin_api.admin.sync_form import sync_now
from plugin_api.admin.widget_settings_form import set_widget_settings
from plugin_api.errors import ApiError
from plugin_api.models import Merchant
from plugin_api.money import money
from plugin_api.services.category_labels import category_label
from plugin_api.services.dashboard import PERIODS, DashboardSummary, Share, dashboard_summary, parse_period
from plugin_api.services.data_requests import data_request_export, data_requests
from plugin_api.services.installs import connector_for
from plugin_api.web.demo_store import demo_merchant

admin_bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def requested_summary(merchant: Merchant | None = None) -> DashboardSummary:
    """The signed-in merchant's summary for the request's `?days=` (401/403 first, then 422)."""
    merchant = merchant or authenticate_admin()
    days = parse_period(request.args.get("days"))
    retention = int(current_app.config["FACET_ANALYSIS_RETENTION_DAYS"])
    min_readings = int(current_app.config["FACET_DASHBOARD_MIN_READINGS"])
    return dashboard_summary(merchant, days, analysis_retention_days=retention, min_readings=min_readings)


def percent(value: float | None) -> str:
    """0.4167 → '42 %'; '–' when there was nothing to divide by."""
    return "–" if value is None else f"{value * 100:.0f} %"


def withheld_text(row: Share) -> str:
    """What a withheld row of the shoppers' breakdowns says instead of its count."""
    return f"fewer than {row.fewer_than}" if row.fewer_than else "not shown"


def utc_time(iso: str | None) -> str | None:
    """'2025-06-01 14:03 UTC' for a stored ISO 8601 timestamp (as given when it does not parse)."""
    try:
        return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if iso else None
    except ValueError:
        return iso


@admin_bp.get("")
def dashboard() -> str:
    """The merchant's dashboard for the last 7, 30 or 90 days."""
    merchant = authenticate_admin()
    summary = requested_summary(merchant)
    return render_template(
        "admin/dashboard.html",
        summary=summary,
        periods=PERIODS,
        percent=percent,
        money=money,
        utc_time=utc_time,
        withheld_text=withheld_text,
        category_label=category_label,
        monk_hex=MONK_HEX,
        data_requests=data_requests(merchant),
        syncable=merchant.platform in PLATFORMS,
    )


@admin_bp.get("/sign-in")
def sign_in_page() -> str:
    """Ask whether to sign in with a support link (`flask facet admin-link`); opening it uses nothing up."""
    token = request.args.get("token")
    link = check_link(token)  # refuses a bad or used link now, rather than after the button
    return render_template(
        "admin/sign_in.html",
        store_name=link.merchant.name or link.merchant.shop_domain,
        token=token,
        session_hours=SESSION_MAX_AGE // 3600,
    )


@admin_bp.post("/sign-in")
def sign_in() -> Response:
    """Sign in with the token the confirmation page posts, once per link, then open the dashboard."""
    # Before the link is touched: a post from another site must not use it up either.
    require_own_page("cross_site_sign_in", "This sign-in did not come from Facet's own sign-in page.")
    merchant = redeem_link(request.form.get("token"))
    return start_session(redirect(url_for("admin.dashboard"), 303), merchant)


# The holdout form's view lives with the experiment's other admin code; registered here with the rest.
admin_bp.add_url_rule("/experiment", view_func=set_holdout, methods=["POST"])
admin_bp.add_url_rule("/widget-settings", view_func=set_widget_settings, methods=["POST"])
admin_bp.add_url_rule("/sync", view_func=sync_now, methods=["POST"])
admin_bp.add_url_rule("/disconnect", view_func=disconnect, methods=["POST"])
admin_bp.add_url_rule("/sign-out", view_func=sign_out, methods=["POST"])


@admin_bp.get("/data-requests/<request_id>.json")
def data_request_download(request_id: str) -> Response:
    """One customer data request's export, for the signed-in merchant to send to their customer."""
    merchant = authenticate_admin()
    response = make_response(data_request_export(merchant, request_id))
    response.headers["Content-Type"] = "application/json"
    response.headers["Content-Disposition"] = f'attachment; filename="facet-data-request-{request_id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@admin_bp.get("/demo")
def demo_sign_in() -> Response:
    """In the demo, sign in as the demo store (publishable key pk_demo); nowhere else does this exist."""
    merchant = demo_merchant() if current_app.config["FACET_ENV"] == "demo" else None
    if merchant is None:
        raise ApiError(404, "not_found", "There is no demo dashboard here.")
    return start_session(redirect(url_for("admin.dashboard")), merchant)


@admin_bp.errorhandler(ApiError)
def error_page(error: ApiError) -> Response:
    """A page saying what went wrong and how to get in, with the error's status."""
    page = render_template(
        "admin/message.html",
        error=error,
        periods=PERIODS,
        session_hours=SESSION_MAX_AGE // 3600,
        sign_in_ways=[connector_for(platform).dashboard_sign_in for platform in PLATFORMS],
        link_minutes=LINK_MAX_AGE // 60,
    )
    return make_response(page, error.status)


@admin_bp.after_request
def _private(response: Response) -> Response:
    # A store's figures are private: no shared proxy or shared computer may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    # Facet's admin pages open top-level (the Shopify app is not embedded): no other site may frame them.
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    return response
