"""A support sign-in link in real Chromium: opening it asks first, its button signs in once.

The same-origin check on the button's POST trusts what the browser says (`Sec-Fetch-Site`, `Origin`); the
Flask tests send those headers by hand, this shows a real browser's own submission passes it.
"""

from __future__ import annotations

from sqlalchemy import func, select

from plugin_api.extensions import db
from plugin_api.models import UsedSignInLink
from tests.browser.conftest import screenshot


def _used_links(live_server) -> int:
    with live_server.app.app_context():
        return db.session.scalar(select(func.count()).select_from(UsedSignInLink))


def test_a_support_link_opens_a_page_whose_button_signs_in_once(live_server, page_factory):
    result = live_server.app.test_cli_runner().invoke(args=["facet", "admin-link", "demo"])
    assert result.exit_code == 0, result.output
    link = result.output.strip()
    assert link.startswith(f"{live_server.url}/admin/sign-in?token=")
    before = _used_links(live_server)

    page, errors = page_factory(1024, 700)
    opened = page.goto(link)
    assert opened.status == 200
    assert page.locator("h1").inner_text() == "Sign in to Facet Demo Store's Facet dashboard"
    assert not [c for c in page.context.cookies() if c["name"] == "facet_admin"]
    assert _used_links(live_server) == before  # opening it used nothing up
    screenshot(page, "dashboard-sign-in-confirm")

    with page.expect_request(lambda r: r.method == "POST") as posted:
        with page.expect_navigation(url=f"{live_server.url}/admin"):
            page.get_by_role("button", name="Sign in").click()
    sent = posted.value.all_headers()
    assert (sent.get("sec-fetch-site"), sent.get("origin")) == ("same-origin", live_server.url)
    assert page.locator("h1").inner_text() == "Facet Demo Store"
    assert [c["name"] for c in page.context.cookies() if c["name"] == "facet_admin"] == ["facet_admin"]
    assert _used_links(live_server) == before + 1

    # Another browser (a forwarded mail) opening the same link: used, says so, no button.
    other, _ = page_factory(1024, 700)
    again = other.goto(link)
    assert again.status == 401
    assert "This sign-in link has already been used" in other.locator("h1").inner_text()
    assert other.get_by_role("button").count() == 0
    assert errors == []


def test_the_merchant_changes_the_widget_from_the_dashboard_in_a_real_browser(live_server, page_factory):
    from plugin_api.models import Merchant

    with live_server.app.app_context():
        demo = db.session.scalar(select(Merchant).where(Merchant.platform == "demo"))
        kept = dict(demo.settings or {})
    link = live_server.app.test_cli_runner().invoke(args=["facet", "admin-link", "demo"]).output.strip()
    page, errors = page_factory(390, 844)
    page.goto(link)
    with page.expect_navigation(url=f"{live_server.url}/admin"):
        page.get_by_role("button", name="Sign in").click()
    try:
        form = page.locator("[data-widget-settings]")
        form.scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the form fits a phone
        screenshot(page, "dashboard-widget-settings-390")
        page.set_viewport_size({"width": 320, "height": 640})  # and the narrowest one (WCAG reflow)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.set_viewport_size({"width": 390, "height": 844})
        form.get_by_label("Language").select_option("fr")
        form.get_by_label("Taking a selfie with the camera").uncheck()
        with page.expect_navigation():
            form.get_by_role("button", name="Save widget settings").click()
        assert page.locator('[data-saved="widget"]').inner_text().startswith("Saved.")
        # The page lands on the message itself, so a screen reader reads it out.
        assert page.evaluate("location.hash") == "#widget-saved"
        assert form.get_by_label("Taking a selfie with the camera").is_checked() is False

        shop, shop_errors = page_factory()
        shop.goto(live_server.url + "/demo")
        button = shop.locator("[data-facet-floating] button, [data-facet-tryon] button").first
        button.wait_for()
        assert button.inner_text().strip() == "Essayer"
        button.click()
        shop.locator('[data-fc="upload"]').first.wait_for()
        assert shop.locator('[data-fc="camera"]').count() == 0
        assert errors == [] and shop_errors == []
    finally:
        with live_server.app.app_context():
            demo = db.session.scalar(select(Merchant).where(Merchant.platform == "demo"))
            demo.settings = kept
            db.session.commit()
