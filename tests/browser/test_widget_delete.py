"""The shopper deletes their results, in real Chromium with the real engines: "Delete my results" on the demo
store, the previous analysis deleted when another photo is sent, and the delete from another origin (a real
storefront's page, where the browser asks before a DELETE)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from plugin_api.extensions import db
from plugin_api.models import Analysis, Merchant, ShownRecommendation
from tests.browser.conftest import screenshot
from tests.browser.test_demo_flow import other_storefront, store_page

ANALYSIS_TIMEOUT = 180_000  # a cold model load on a busy 2-core CI machine
OPEN_BUTTON = "[data-facet-floating] button, [data-facet-tryon] button"


def open_widget(page, url: str) -> None:
    page.goto(url)
    page.locator(OPEN_BUTTON).first.click()
    page.locator('[data-facet-dialog] [role="dialog"]').wait_for()


def analyse(page, photo) -> str:
    """Upload `photo` from the start screen and wait for the results; returns the analysis id."""
    with page.expect_response(lambda r: r.request.method == "POST" and "/widget/analyses" in r.url) as posted:
        with page.expect_file_chooser() as chooser:
            page.locator('[data-fc="upload"]').first.click()
        chooser.value.set_files(str(photo))
    analysis_id = posted.value.json()["id"]
    page.locator('[data-fc="results"]').wait_for(timeout=ANALYSIS_TIMEOUT)
    return analysis_id


def stored(live_server, analysis_id: str) -> tuple[bool, int]:
    """(whether the analysis row exists, how many recommendation rows name it)."""
    ident = uuid.UUID(analysis_id)
    with live_server.app.app_context():
        row = db.session.get(Analysis, ident) is not None
        shown = db.session.scalar(
            select(func.count())
            .select_from(ShownRecommendation)
            .where(ShownRecommendation.analysis_id == ident)
        )
        db.session.remove()
    return row, shown


def test_delete_my_results_deletes_them_and_says_so(live_server, page_factory, inputs):
    page, errors = page_factory(1280, 900)
    deletes: list[str] = []
    page.on("request", lambda r: deletes.append(r.url) if r.method == "DELETE" else None)
    open_widget(page, f"{live_server.url}/demo")
    notice = page.locator('[data-fc="privacy"]').inner_text()
    assert "kept for 30 days unless you delete them" in notice and "come back to it" not in notice
    analysis_id = analyse(page, inputs["selfie_jpg"])
    assert stored(live_server, analysis_id)[0]

    page.locator('[data-fc="delete-results"]').click()

    confirmation = page.locator('[data-fc="notice"]')
    confirmation.wait_for()
    assert confirmation.inner_text() == "Your results were deleted."
    assert page.locator(".dlg").get_attribute("data-state") == "intro"
    assert page.locator('[data-fc="results"]').count() == 0
    screenshot(page, "widget-results-deleted")
    assert stored(live_server, analysis_id) == (False, 0)
    assert len(deletes) == 1 and analysis_id in deletes[0]
    # Closed and reopened, the results do not come back.
    page.keyboard.press("Escape")
    page.locator(OPEN_BUTTON).first.click()
    page.locator('.dlg[data-state="intro"]').wait_for()
    assert errors == []


def test_another_photo_deletes_the_previous_results(live_server, page_factory, inputs):
    page, errors = page_factory(1280, 900)
    open_widget(page, f"{live_server.url}/demo")
    first = analyse(page, inputs["selfie_jpg"])
    page.locator('[data-fc="retake"]').last.click()  # "Choose another photo": back to the start

    # Deleted in the background as the second photo is sent: the server answers once it is gone.
    def deletes_first(response) -> bool:
        return response.request.method == "DELETE" and response.url.split("?")[0].endswith(f"/{first}")

    with page.expect_response(deletes_first) as deleting:
        second = analyse(page, inputs["selfie_jpg"])

    assert deleting.value.status == 204
    assert second != first and stored(live_server, second)[0]
    assert stored(live_server, first) == (False, 0)
    assert errors == []


def test_a_storefront_on_another_origin_can_delete(live_server, page_factory, inputs):
    # The real case: the widget runs on the store's own domain, Facet on another, so the browser sends a
    # preflight before the DELETE and must be told DELETE is allowed.
    with other_storefront(store_page("", live_server.url)) as port:
        storefront = f"http://127.0.0.1:{port}"
        with live_server.app.app_context():
            merchant = db.session.get(Merchant, live_server.seed["merchant_id"])
            before = list(merchant.allowed_origins or [])
            merchant.allowed_origins = [*before, storefront]
            db.session.commit()
        try:
            page, errors = page_factory(1280, 900)
            open_widget(page, f"{storefront}/products/frame")
            analysis_id = analyse(page, inputs["selfie_jpg"])
            page.locator('[data-fc="delete-results"]').click()
            page.locator('[data-fc="notice"]').wait_for()
            assert stored(live_server, analysis_id) == (False, 0)
            assert errors == []
        finally:
            with live_server.app.app_context():
                db.session.get(Merchant, live_server.seed["merchant_id"]).allowed_origins = before
                db.session.commit()
