"""The holdout test in real Chromium on the demo store: who sees Facet, and what the store's cart sends.

The demo store holds out 50% of sessions. The tab's anonymous session id (`facet_sid` in sessionStorage, as
the loader keeps it) is set before the loader runs, picked with the loader's own hash
(`plugin_api.services.experiment.assigned_group`) to land in each group. What is checked is what the server
stored from the page's beacons, and the figures the dashboard computes from them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from plugin_api.extensions import db
from plugin_api.models import Event
from plugin_api.services.experiment import Experiment, assigned_group, set_holdout_percent
from plugin_api.services.lift import lift_summary
from plugin_api.web.demo_store import demo_merchant
from tests.browser import fixtures
from tests.browser.test_demo_flow import tryable_product
from tests.browser.test_widget_ui import route_fixture_api, upload

OPEN_BUTTON = "[data-facet-floating] button, [data-facet-tryon] button"
STORE_ADD = "form[data-store-add-to-cart] button[type=submit]"


@pytest.fixture
def experiment(live_server) -> Iterator[Experiment]:
    """A 50% holdout on the demo store for one test, off again afterwards (other tests need no holdout)."""
    with live_server.app.app_context():
        running = set_holdout_percent(demo_merchant(), 50)
    yield running
    with live_server.app.app_context():
        set_holdout_percent(demo_merchant(), 0)


def session_in(group: str, experiment: Experiment, tag: str) -> str:
    n = 0
    while assigned_group(f"{tag}{n:08d}", experiment.id, experiment.holdout_percent) != group:
        n += 1
    return f"{tag}{n:08d}"


def product_page(live_server) -> tuple[str, str]:
    """A demo product that can be tried on: (its id, its page's URL)."""
    pid = tryable_product(live_server)
    return pid, f"{live_server.url}/demo/products/{pid}"


def stored(live_server, sid: str, kind: str) -> list[Event]:
    with live_server.app.app_context():
        query = select(Event).where(Event.session_id == sid, Event.type == kind).order_by(Event.id)
        return list(db.session.scalars(query))


def wait_stored(live_server, sid: str, kind: str, timeout: float = 15) -> list[Event]:
    """The session's events of `kind` once the server has at least one (beacons are asynchronous)."""
    deadline = time.monotonic() + timeout
    while True:
        found = stored(live_server, sid, kind)
        if found or time.monotonic() > deadline:
            assert found, f"no {kind} stored for session {sid}"
            return found
        time.sleep(0.1)


def tab_with_session(page_factory: Callable[..., Any], sid: str):
    page, errors = page_factory(1280, 900)
    # Before any script of the page runs: the loader finds this tab's session id already there.
    page.add_init_script(f"window.sessionStorage.setItem('facet_sid', {sid!r});")
    return page, errors


def tags(event: Event) -> tuple[Any, Any]:
    return event.properties.get("group"), event.properties.get("experiment")


def test_a_held_out_session_never_sees_facet_and_its_add_to_cart_counts(
    live_server, page_factory, experiment
):
    sid = session_in("holdout", experiment, "held")
    pid, url = product_page(live_server)
    page, errors = tab_with_session(page_factory, sid)
    page.goto(url)
    [view] = wait_stored(live_server, sid, "storefront_view")
    assert tags(view) == ("holdout", experiment.id) and view.product_id == pid
    # The loader decided before it sent the view: no button now, nor later.
    page.wait_for_timeout(500)
    assert page.locator(OPEN_BUTTON).count() == 0
    assert page.locator("[data-facet-dialog]").count() == 0
    assert page.evaluate("window.Facet.open()") is False  # the store's own "Try on" links open nothing

    page.locator(STORE_ADD).click()
    page.wait_for_url("**/demo/cart**")
    assert page.locator("[data-cart-lines] li").count() == 1
    [added] = wait_stored(live_server, sid, "store_add_to_cart")
    assert tags(added) == ("holdout", experiment.id) and added.product_id == pid
    # The cart page is another page view of the same session, in the same group.
    views = wait_stored(live_server, sid, "storefront_view")
    assert {tags(v) for v in views} == {("holdout", experiment.id)}
    with live_server.app.app_context():
        lift = lift_summary(demo_merchant())
    assert lift.experiment_id == experiment.id
    assert (lift.holdout.sessions, lift.holdout.sessions_with_add_to_cart) == (1, 1)
    assert lift.exposed.sessions == 0
    assert errors == []


def test_an_exposed_session_sees_facet_and_only_the_stores_own_add_to_cart_is_a_store_add(
    live_server, page_factory, inputs, experiment
):
    sid = session_in("exposed", experiment, "shown")
    pid, url = product_page(live_server)
    page, errors = tab_with_session(page_factory, sid)
    # Facet's own in-place Add to cart posts to the demo cart in the background, a URL the store's
    # `data-cart-urls` watches: it must count as Facet's add (add_to_cart_clicked), not the store's.
    result = fixtures.fixture_result()
    for rec in result["recommendations"]:
        if rec["add_to_cart"]["method"] == "POST":
            rec["add_to_cart"]["ajax_url"] = rec["add_to_cart"]["url"]
    route_fixture_api(page, result)
    page.goto(url)
    page.locator("[data-facet-tryon] button").wait_for()
    [view] = wait_stored(live_server, sid, "storefront_view")
    assert tags(view) == ("exposed", experiment.id)

    page.locator("[data-facet-tryon] button").click()
    page.locator('[data-facet-dialog] [role="dialog"]').wait_for()
    upload(page, inputs["face_png"])
    rec = page.locator('[data-fc="rec"]').first
    rec.locator('[data-fc="add-to-cart"]').click()
    rec.locator('[data-fc="add-to-cart"][data-added="true"]').wait_for()
    [clicked] = wait_stored(live_server, sid, "add_to_cart_clicked")
    assert tags(clicked) == ("exposed", experiment.id) and clicked.properties["action"] == "add"
    page.wait_for_timeout(1000)
    assert stored(live_server, sid, "store_add_to_cart") == []

    page.keyboard.press("Escape")
    page.locator('[data-facet-dialog] [role="dialog"]').wait_for(state="hidden")
    page.locator(STORE_ADD).click()
    page.wait_for_url("**/demo/cart**")
    [added] = wait_stored(live_server, sid, "store_add_to_cart")
    assert tags(added) == ("exposed", experiment.id) and added.product_id == pid
    with live_server.app.app_context():
        lift = lift_summary(demo_merchant())
    assert (lift.exposed.sessions, lift.exposed.sessions_with_add_to_cart) == (1, 1)
    assert lift.exposed.sessions_with_facet_add_to_cart == 1
    assert lift.holdout.sessions == 0
    assert errors == []
