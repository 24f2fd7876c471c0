"""The holdout test in real Chromium on the demo store: who sees Facet, and what the store's cart sends.

The demo store holds out 50% of sessions. The tab's anonymous session id (`facet_sid` in sessionStorage, as
the loader keeps it) is set before the loader runs, picked with the loader's own hash
(`plugin_api.services.experiment.assigned_group`) to land in each group. What is checked is what the server
stored from the page's beacons, and the figures the dashboard computes from them. Add-to-carts are seen one
way in both groups, by the loader's watchers on the store's cart (Facet's own in-place add included), and
whichever way a theme adds: a form, fetch (string, Request or URL), XHR, a DOM event or a jQuery event.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from plugin_api.demo.seed import demo_add_to_cart
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


# Notes, in the tab's sessionStorage (so a page the tab has left still counts), the type of every beacon the
# loader and widget send, as they send it: `navigator.sendBeacon`, or `fetch` where that refuses.
_NOTE_BEACONS = """
(() => {
  const KEY = '__facetBeaconsSent';
  const note = (url, body) => {
    if (!String(url).includes('/api/v1/widget/events')) return;
    const sent = JSON.parse(window.sessionStorage.getItem(KEY) || '[]');
    sent.push(JSON.parse(body).type);
    window.sessionStorage.setItem(KEY, JSON.stringify(sent));
  };
  const send = Navigator.prototype.sendBeacon;
  Navigator.prototype.sendBeacon = function (url, body) {
    const queued = send.apply(this, arguments);
    if (queued) note(url, body);
    return queued;
  };
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    if (init && typeof init.body === 'string') note(input, init.body);
    return fetch.apply(this, arguments);
  };
})();
"""


def tab_with_session(page_factory: Callable[..., Any], sid: str):
    page, errors = page_factory(1280, 900)
    # Before any script of the page runs: the loader finds this tab's session id already there.
    page.add_init_script(f"window.sessionStorage.setItem('facet_sid', {sid!r});")
    page.add_init_script(_NOTE_BEACONS)
    return page, errors


def beacons_sent(page) -> list[str]:
    """The types of the beacons the tab has sent so far (from every page it showed), in order."""
    return page.evaluate("JSON.parse(window.sessionStorage.getItem('__facetBeaconsSent') || '[]')")


def wait_sent(page, kind: str, count: int) -> None:
    """Wait until the tab has sent `count` beacons of `kind`."""
    page.wait_for_function(
        "([k, n]) => JSON.parse(window.sessionStorage.getItem('__facetBeaconsSent') || '[]')"
        ".filter((t) => t === k).length >= n",
        arg=[kind, count],
    )


def all_stored(live_server, page, sid: str, timeout: float = 15) -> list[str]:
    """Wait until the server has stored every beacon the tab has sent so far (each is stored before it is
    answered, but they travel on their own); returns the types sent."""
    sent = beacons_sent(page)
    deadline = time.monotonic() + timeout
    while True:
        with live_server.app.app_context():
            kept = list(db.session.scalars(select(Event.type).where(Event.session_id == sid)))
        if Counter(kept) == Counter(sent) or time.monotonic() > deadline:
            assert Counter(kept) == Counter(sent), f"sent {sent}, stored {kept}"
            return sent
        time.sleep(0.1)


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
    # The loader decided in the task that sent the view; for a held-out session that task is the loader's
    # last (no observer, no timer is left), so what the page's next task sees stays so.
    assert page.evaluate("[window.Facet.ready === true, window.Facet._ctx.group]") == [False, "holdout"]
    assert page.locator(OPEN_BUTTON).count() == 0
    assert page.locator("[data-facet-dialog]").count() == 0
    assert page.evaluate("window.Facet.open()") is False  # the store's own "Try on" links open nothing
    # The page's own promise of a try-on waits for the button (`data-facet-ready`), so it never shows here.
    assert not page.locator(".perks [data-needs-facet]").is_visible()

    page.locator(STORE_ADD).click()
    page.wait_for_url("**/demo/cart**")
    assert page.locator("[data-cart-lines] li").count() == 1
    [added] = wait_stored(live_server, sid, "store_add_to_cart")
    assert tags(added) == ("holdout", experiment.id) and added.product_id == pid
    # The cart page is another page view of the same session, in the same group.
    wait_sent(page, "storefront_view", 2)
    assert all_stored(live_server, page, sid) == ["storefront_view", "store_add_to_cart", "storefront_view"]
    views = stored(live_server, sid, "storefront_view")
    assert {tags(v) for v in views} == {("holdout", experiment.id)}
    assert page.locator(OPEN_BUTTON).count() == 0
    with live_server.app.app_context():
        lift = lift_summary(demo_merchant())
    assert lift.experiment_id == experiment.id
    assert (lift.holdout.sessions, lift.holdout.sessions_with_add_to_cart) == (1, 1)
    assert lift.exposed.sessions == 0
    assert errors == []


def open_results_with_demo_cart(page, url: str, face_png) -> None:
    """Open the product page, then Facet's results, whose Add to cart buttons carry the demo store's own
    add-to-cart action (`demo_add_to_cart`: POST /demo/cart/add in place, as the demo's catalog has it)."""
    result = fixtures.fixture_result()
    for rec in result["recommendations"]:
        rec["add_to_cart"] = demo_add_to_cart(rec["product_id"])
    route_fixture_api(page, result)
    page.goto(url)
    page.locator("[data-facet-tryon] button").click()
    page.locator('[data-facet-dialog] [role="dialog"]').wait_for()
    upload(page, face_png)


def test_an_exposed_session_sees_facet_and_its_add_through_facet_counts_like_any_store_add(
    live_server, page_factory, inputs, experiment
):
    # Both groups' add-to-carts are measured one way: Facet's in-place Add to cart posts to the demo cart's
    # URL, which the store's `data-cart-urls` watches, so it is a `store_add_to_cart` like any other add.
    sid = session_in("exposed", experiment, "shown")
    pid, url = product_page(live_server)
    page, errors = tab_with_session(page_factory, sid)
    open_results_with_demo_cart(page, url, inputs["face_png"])
    [view] = wait_stored(live_server, sid, "storefront_view")
    assert tags(view) == ("exposed", experiment.id)
    assert page.locator(".perks [data-needs-facet]").is_visible()  # the button is there: so is its promise

    rec = page.locator('[data-fc="rec"]').first
    rec.locator('[data-fc="add-to-cart"]').click()
    # The loader's cart-URL watcher reads the store's answer before the widget does: once the button says
    # added, every add the page would count has been sent.
    rec.locator('[data-fc="add-to-cart"][data-added="true"]').wait_for()
    assert all_stored(live_server, page, sid).count("store_add_to_cart") == 1
    [added] = stored(live_server, sid, "store_add_to_cart")
    assert tags(added) == ("exposed", experiment.id) and added.product_id == pid
    # The widget's own click beacon is still sent (the dashboard's funnel counts it), but the lift does not.
    [clicked] = stored(live_server, sid, "add_to_cart_clicked")
    assert tags(clicked) == ("exposed", experiment.id) and clicked.properties["action"] == "add"
    with live_server.app.app_context():
        lift = lift_summary(demo_merchant())
    assert (lift.exposed.sessions, lift.exposed.sessions_with_add_to_cart) == (1, 1)
    assert lift.holdout.sessions == 0
    assert errors == []


def test_an_add_through_facet_that_the_store_refuses_is_no_add_to_cart(
    live_server, page_factory, inputs, experiment
):
    sid = session_in("exposed", experiment, "refused")
    _pid, url = product_page(live_server)
    page, _errors = tab_with_session(page_factory, sid)
    # The store's cart refuses the add (in the background, and the page way the widget falls back to).
    page.route("**/demo/cart/add**", lambda route: route.fulfill(status=503, body="The cart is busy"))
    open_results_with_demo_cart(page, url, inputs["face_png"])
    wait_stored(live_server, sid, "storefront_view")

    page.locator('[data-fc="rec"] [data-fc="add-to-cart"]').first.click()
    # The fallback's refused page: the widget went there once the background add failed, after the loader's
    # watcher had read the same refusal, and that page has no loader to count anything.
    page.wait_for_url("**/demo/cart/add")
    # The click beacon left before the add ran; nothing says an item went into the cart.
    sent = all_stored(live_server, page, sid)
    assert "add_to_cart_clicked" in sent and "store_add_to_cart" not in sent
    [clicked] = stored(live_server, sid, "add_to_cart_clicked")
    assert clicked.properties["action"] == "add"
    assert stored(live_server, sid, "store_add_to_cart") == []
    with live_server.app.app_context():
        lift = lift_summary(demo_merchant())
    assert (lift.exposed.sessions, lift.exposed.sessions_with_add_to_cart) == (1, 0)


CART_EVENT = "demo:added-to-cart"
# A stand-in for jQuery: none is vendored in this repository and the demo store has none. It has only what
# the loader calls, `jQuery(document).on(names, handler)`, and runs those handlers as jQuery's `.trigger()`
# does: without any DOM event, so only the loader's jQuery binding can see it.
FAKE_JQUERY = """
window.__jq = { handlers: [], trigger: function (name) {
  window.__jq.handlers.forEach(function (h) { if (h[0] === name) h[1].call(document, { type: name }); });
} };
window.jQuery = function () {
  return { on: function (names, fn) {
    names.split(' ').forEach(function (n) { window.__jq.handlers.push([n, fn]); });
    return this;
  } };
};
"""
CART_FORM = "new URLSearchParams({ id: pid })"
CART_POST = f"{{ method: 'POST', body: {CART_FORM} }}"
# Function bodies (run with the page's product id as `pid`): each adds to cart once, one way.
STORE_ADDS = {
    "fetch-string": f"return fetch('/demo/cart/add', {CART_POST}).then(r => r.status);",
    "fetch-request": f"return fetch(new Request('/demo/cart/add', {CART_POST})).then(r => r.status);",
    "fetch-url": f"return fetch(new URL('/demo/cart/add', location.href), {CART_POST}).then(r => r.status);",
    "xhr": (
        "return new Promise(done => { const x = new XMLHttpRequest(); x.open('POST', '/demo/cart/add'); "
        f"x.onload = () => done(x.status); x.send({CART_FORM}); }});"
    ),
    "dom-event": f"document.dispatchEvent(new CustomEvent('{CART_EVENT}', {{ bubbles: true }}));",
    "dom-event-on-body": f"document.body.dispatchEvent(new CustomEvent('{CART_EVENT}'));",  # not bubbling
    "jquery": f"window.__jq.trigger('{CART_EVENT}');",
    # jQuery loaded after the config (as Magento's RequireJS does): the loader looks again on a backoff...
    "jquery-late": FAKE_JQUERY
    + "return new Promise(done => { const t = setInterval(() => { if (window.__jq.handlers.length) "
    f"{{ clearInterval(t); window.__jq.trigger('{CART_EVENT}'); done(); }} }}, 50); "
    "setTimeout(() => done('jQuery never bound'), 12000); });",
    # ...and at the shopper's click, which comes before an Ajax add's event (no timer can run in between).
    "jquery-late-click": FAKE_JQUERY + f"document.body.click(); window.__jq.trigger('{CART_EVENT}');",
}


def with_cart_events(page, url: str) -> None:
    """Serve the demo page as a theme that also announces its adds with an event (`data-cart-events`), as
    WooCommerce's and Magento's shells say theirs do; the demo's own tag names only its form and cart URL."""

    def handle(route) -> None:
        response = route.fetch()
        html = response.text()
        assert "data-cart-urls=" in html
        tagged = html.replace("data-cart-urls=", f'data-cart-events="{CART_EVENT}" data-cart-urls=', 1)
        route.fulfill(response=response, body=tagged)

    page.route(url, handle)


@pytest.mark.parametrize("how", sorted(STORE_ADDS))
def test_the_stores_add_to_cart_is_seen_whichever_way_the_theme_makes_it(
    live_server, page_factory, experiment, how
):
    sid = session_in("holdout", experiment, how.replace("-", ""))
    pid, url = product_page(live_server)
    page, errors = tab_with_session(page_factory, sid)
    if how == "jquery":
        page.add_init_script(FAKE_JQUERY)  # on the page from the start
    with_cart_events(page, url)
    page.goto(url)
    page.wait_for_load_state("load")
    wait_stored(live_server, sid, "storefront_view")  # sent once the watchers are in place
    assert page.locator("script[data-cart-events]").count() == 1

    # Nothing, or a cart request's answer (200 after the demo cart's redirect). The loader's watchers run in
    # the same dispatch (an event) or on the same answer (a request, read before the page's own reading), so
    # every add it counts has been sent by the time the page's next task runs.
    assert page.evaluate(f"pid => {{ {STORE_ADDS[how]} }}", pid) in (None, 200)
    assert all_stored(live_server, page, sid) == ["storefront_view", "store_add_to_cart"]  # counted once
    [added] = stored(live_server, sid, "store_add_to_cart")
    assert tags(added) == ("holdout", experiment.id) and added.product_id == pid
    assert errors == []
