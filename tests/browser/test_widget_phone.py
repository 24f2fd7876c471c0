"""The widget on phones, in real Chromium with a phone's viewport and touch: what a shopper reaches without
hunting for it on a small screen."""

from __future__ import annotations

import time

from tests.browser import fixtures
from tests.browser.conftest import screenshot
from tests.browser.test_widget_ui import OPEN_BUTTON, open_widget, route_fixture_api, upload, wait_drawn

# Phone viewports (CSS px) the way Chromium's device list gives them: iPhone SE, iPhone 13 mini, iPhone 13.
PHONES = {"se": (320, 568), "mini": (375, 629), "13": (390, 664)}

SHADOW = "document.querySelector('[data-facet-dialog]').shadowRoot"


def phone(page_factory, name: str):
    width, height = PHONES[name]
    return page_factory(width, height, is_mobile=True, has_touch=True, device_scale_factor=2)


def rect(page, selector: str) -> dict[str, float]:
    return page.evaluate(
        f"s => {{ const r = {SHADOW}.querySelector(s).getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom}; }",
        selector,
    )


def test_the_first_screens_buttons_are_in_view_without_scrolling(live_server, page_factory):
    for name in PHONES:
        page, errors = phone(page_factory, name)
        open_widget(page, live_server.url)
        body = rect(page, ".body")
        for button in ('[data-fc="camera"]', '[data-fc="upload"]'):
            # Nothing scrolled: the privacy box above them used to push them under the footer.
            box = rect(page, button)
            assert box["bottom"] <= body["bottom"], f"{button} below the fold on {name}: {box} vs {body}"
            assert box["top"] >= body["top"]
        screenshot(page, f"phone-intro-{name}")
        assert errors == []


def test_the_camera_shows_the_whole_face_guide_above_the_shutter(live_server, page_factory):
    page, errors = phone(page_factory, "se")
    open_widget(page, live_server.url)
    page.locator('[data-fc="camera"]').click()
    page.locator('[data-fc="capture"]:not([disabled])').wait_for()
    shutter, guide, body = (
        rect(page, '[data-fc="capture"]'),
        rect(page, ".cam svg.guide > ellipse"),
        rect(page, ".body"),
    )
    screenshot(page, "phone-camera-se")
    assert shutter["bottom"] <= body["bottom"], (shutter, body)
    assert guide["bottom"] <= rect(page, ".screen > .actions")["top"], "the face guide runs under the buttons"
    assert errors == []


def test_the_back_button_closes_the_widget_and_keeps_the_shopper_on_the_page(
    live_server, page_factory, inputs
):
    page, errors = phone(page_factory, "13")
    route_fixture_api(page)
    page.goto(live_server.url + "/healthz")  # where the shopper came from
    open_widget(page, live_server.url)
    page.evaluate("window.stillHere = true")
    upload(page, inputs["face_png"])
    page.locator('[data-fc="results"]').wait_for()
    page.go_back()
    page.locator("[data-facet-dialog]").wait_for(state="detached")
    assert page.url == live_server.url + "/demo"
    assert page.evaluate("window.stillHere") is True, "back left the store's page"
    # Reopened, the results are there again; closed with its own button, back leaves the page as usual.
    page.locator(OPEN_BUTTON).first.click()
    page.locator('[data-fc="results"]').wait_for()
    page.locator('[data-fc="close"]').click()
    page.wait_for_function("() => !(history.state && history.state.facetDialog)")
    page.go_back()
    page.wait_for_url(live_server.url + "/healthz")
    assert errors == []


OUTSIDE_THE_BODY = """() => {
  const root = document.querySelector('[data-facet-dialog]').shadowRoot, body = root.querySelector('.body');
  const edge = body.getBoundingClientRect();
  const out = [...root.querySelectorAll('.body *')].filter(el => {
    const r = el.getBoundingClientRect();
    // The frames strip scrolls sideways by design; what is inside it may lie beyond the edge.
    return r.width && !el.closest('.strip') && (r.right > edge.right + 0.5 || r.left < edge.left - 0.5);
  }).map(el => el.tagName + '.' + (el.getAttribute('class') || '') + ' ' + el.textContent.slice(0, 30));
  return {scroll: body.scrollWidth - body.clientWidth, out: out.slice(0, 10)};
}"""


def test_text_zoomed_to_200_percent_needs_no_sideways_scrolling(live_server, page_factory, inputs):
    # A 412 px wide phone at 200 % zoom lays out 206 CSS px wide.
    page, errors = page_factory(206, 457, is_mobile=True, has_touch=True, device_scale_factor=5)
    route_fixture_api(page)
    open_widget(page, live_server.url)
    assert page.evaluate(OUTSIDE_THE_BODY) == {"scroll": 0, "out": []}
    upload(page, inputs["face_png"])
    page.locator('[data-fc="results"]').wait_for()
    page.locator('[data-fc="recs"]').wait_for()
    screenshot(page, "phone-results-zoom200")
    assert page.evaluate(OUTSIDE_THE_BODY) == {"scroll": 0, "out": []}
    assert errors == []


def test_offline_while_the_analysis_runs_waits_for_the_connection(live_server, page_factory, inputs):
    page, errors = phone(page_factory, "13")
    net = {"offline": False, "uploads": 0, "polls": 0}
    done = fixtures.fixture_result()

    def analyses(route, request):
        if request.method == "POST":
            net["uploads"] += 1
            route.fulfill(
                status=202,
                json={"id": "fx-1", "status": "queued", "poll_url": "/api/v1/widget/analyses/fx-1"},
            )
        elif net["offline"]:
            route.abort("internetdisconnected")
        else:
            net["polls"] += 1
            status = "running" if net["polls"] < 2 else "done"
            route.fulfill(json={"id": "fx-1", "status": status, "result": done if status == "done" else None})

    assets = fixtures.frame_assets()
    page.route("**/api/v1/widget/analyses**", analyses)
    page.route(
        "**/fixture-assets/*.png",
        lambda route: route.fulfill(
            body=assets[route.request.url.rsplit("/", 1)[1][:-4]][0], content_type="image/png"
        ),
    )
    open_widget(page, live_server.url)
    # The phone loses its connection as soon as the upload is answered (a tunnel).
    with page.expect_response(lambda r: r.request.method == "POST" and "/analyses" in r.url):
        upload(page, inputs["face_png"])
    net["offline"] = True
    page.context.set_offline(True)
    # Five failed checks in a row used to end it within about 5 s with "Try again", which uploaded again. The
    # widget says it is offline in the same step as it starts waiting for the browser's `online` event, its
    # only way on from there (no check, no timer runs meanwhile): once this shows, it cannot give up.
    offline = "You’re offline. Your photo is being analysed: the results come as soon as you’re back online."
    page.locator(".statusline", has_text=offline).wait_for(timeout=15_000)
    assert page.locator(".statusline").text_content() == offline
    assert page.locator('[data-fc="error-title"]').count() == 0
    assert page.locator(".dlg").get_attribute("data-state") == "working"
    screenshot(page, "phone-offline-waiting")
    net["offline"] = False
    page.context.set_offline(False)
    page.locator('[data-fc="results"]').wait_for()
    assert net["uploads"] == 1
    assert errors == []


SMALL_BUTTONS = """() => {
  const root = document.querySelector('[data-facet-dialog]').shadowRoot;
  return [...root.querySelectorAll('button')].map(b => [b, b.getBoundingClientRect()])
    .filter(([b, r]) => r.width && (r.width < 44 || r.height < 44))
    .map(([b, r]) => `${b.getAttribute('data-fc') || b.textContent} ${r.width | 0}×${r.height | 0}`);
}"""


def test_every_button_is_big_enough_for_a_finger(live_server, page_factory, inputs):
    page, errors = page_factory(412, 839, is_mobile=True, has_touch=True, device_scale_factor=2)
    route_fixture_api(page)
    open_widget(page, live_server.url)
    assert page.evaluate(SMALL_BUTTONS) == []
    upload(page, inputs["face_png"])
    page.locator('[data-fc="results"]').wait_for()
    page.locator('[data-fc="recs"]').wait_for()
    assert page.evaluate(SMALL_BUTTONS) == []
    assert errors == []


def test_a_phone_turned_sideways_gets_the_whole_screen_and_its_buttons(live_server, page_factory):
    page, errors = page_factory(740, 360, is_mobile=True, has_touch=True, device_scale_factor=2)
    open_widget(page, live_server.url)
    dialog = rect(page, ".dlg")
    assert (dialog["top"], dialog["bottom"]) == (0, 360), "a card with margins, header and footer left 210 px"
    body = rect(page, ".body")
    assert rect(page, '[data-fc="upload"]')["bottom"] <= body["bottom"]
    page.locator('[data-fc="camera"]').click()
    page.locator('[data-fc="capture"]:not([disabled])').wait_for()
    guide, actions = rect(page, ".cam svg.guide > ellipse"), rect(page, ".screen > .actions")
    screenshot(page, "phone-camera-landscape")
    assert rect(page, ".cam")["top"] >= body["top"]
    assert guide["bottom"] <= actions["top"] and actions["bottom"] <= body["bottom"] + 16
    assert errors == []


# Every value the working screen's progress bar takes, in order, as the page sets it (each working screen's
# bar lives in the dialog's shadow root).
NOTE_PROGRESS = """() => {
  const seen = (window.__facetProgress = []);
  const note = (v) => { if (v !== null && seen[seen.length - 1] !== v) seen.push(v); };
  new MutationObserver((records) => {
    records.forEach((r) => note(r.oldValue));
    records.forEach((r) => note(r.target.getAttribute('aria-valuenow')));
  }).observe(document.querySelector('[data-facet-dialog]').shadowRoot, {
    subtree: true, attributes: true, attributeFilter: ['aria-valuenow'], attributeOldValue: true,
  });
}"""


def test_a_slow_upload_moves_the_progress_bar_as_the_photo_is_sent(live_server, page_factory, inputs):
    page, errors = phone(page_factory, "13")
    open_widget(page, live_server.url)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    # About 30 KB/s up: the ~90 KB photo takes a few seconds to send, as on a weak mobile signal.
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 100, "downloadThroughput": 200_000, "uploadThroughput": 30_000},
    )
    page.evaluate(NOTE_PROGRESS)
    upload(page, inputs["selfie_jpg"])
    page.locator('[data-fc="results"], [data-fc="quality-gate"]').first.wait_for(timeout=180_000)
    seen = page.evaluate("window.__facetProgress")
    # Before: 12 for the whole upload, then 30 once the server had it.
    assert any(12 < int(v) < 30 for v in seen if v), seen
    assert errors == []


NOTE_TOUCH_ENDS = """() => {
  const stage = document.querySelector('[data-facet-dialog]').shadowRoot.querySelector('.stage');
  const ends = (window.__facetTouchEnds = []);
  stage.addEventListener('pointerup', (e) => ends.push(e.type));
  stage.addEventListener('pointercancel', (e) => ends.push(e.type));
}"""


def pressed_frame(page) -> str | None:
    """The product id of the frame the strip shows as tried on (the widget sets it as it picks a frame)."""
    return page.locator('[data-fc="frames"] [aria-pressed="true"]').get_attribute("data-product-id")


def test_a_sideways_swipe_on_the_photo_tries_on_the_next_frame(live_server, page_factory, inputs):
    page, errors = phone(page_factory, "13")
    route_fixture_api(page)
    open_widget(page, live_server.url)
    upload(page, inputs["face_png"])
    wait_drawn(page, "fx-round")
    cdp = page.context.new_cdp_session(page)

    def swipe(dx: float, dy: float = 0) -> None:
        # Centred on the photo where it is now: a swipe up or down scrolls the dialog, the photo with it.
        stage = page.locator(".stage").bounding_box()
        x, y = stage["x"] + stage["width"] / 2 - dx / 2, stage["y"] + stage["height"] / 2 - dy / 2
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        for i in range(1, 9):
            point = {"x": x + dx * i / 8, "y": y + dy * i / 8}
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    swipe(-160)  # right to left: the next frame
    wait_drawn(page, "fx-wayfarer")
    assert pressed_frame(page) == "fx-wayfarer"
    swipe(160)  # and back
    wait_drawn(page, "fx-round")
    # The photo's own listener, added after the widget's, sees each touch end (a pointerup, or a pointercancel
    # where the page took the gesture for a scroll) just after the widget has acted on it.
    page.evaluate(NOTE_TOUCH_ENDS)
    swipe(20, -200)  # mostly up and down: the page scrolls, the frame stays
    page.wait_for_function("window.__facetTouchEnds.length === 1")
    assert pressed_frame(page) == "fx-round"
    swipe(160)  # before the first frame there is none
    page.wait_for_function("window.__facetTouchEnds.length === 2")
    assert page.evaluate("window.__facetTouchEnds") == ["pointercancel", "pointerup"]
    assert pressed_frame(page) == "fx-round"
    assert page.locator('[data-fc="tryon-canvas"]').get_attribute("data-product-id") == "fx-round"
    assert errors == []


def test_on_a_page_drawn_under_the_notch_the_widget_keeps_clear_of_it(live_server, page_factory):
    page, errors = phone(page_factory, "13")
    cdp = page.context.new_cdp_session(page)
    # An iPhone 13 held upright: the notch's 47 px at the top, the home indicator's 34 px at the bottom.
    cdp.send(
        "Emulation.setSafeAreaInsetsOverride", {"insets": {"top": 47, "bottom": 34, "left": 0, "right": 0}}
    )
    page.goto(live_server.url + "/demo")
    page.evaluate(
        "document.querySelector('meta[name=viewport]').content ="
        " 'width=device-width, initial-scale=1, viewport-fit=cover'"
    )
    floating = page.locator("[data-facet-floating]").bounding_box()
    assert floating["y"] + floating["height"] <= 664 - 34 - 20
    page.locator(OPEN_BUTTON).first.click()
    page.locator('[data-facet-dialog] [role="dialog"]').wait_for()
    assert rect(page, '[data-fc="close"]')["top"] >= 47
    assert rect(page, ".screen > .actions")["bottom"] <= 664 - 34
    footer_content_bottom = page.evaluate(
        f"() => {{ const f = {SHADOW}.querySelector('.ft');"
        " return f.getBoundingClientRect().bottom - parseFloat(getComputedStyle(f).paddingBottom); }"
    )
    assert footer_content_bottom <= 664 - 34, "the footer's text sits on the home indicator"
    screenshot(page, "phone-notch")
    assert errors == []


def test_a_tap_before_the_widget_has_loaded_shows_it_is_working(live_server, page_factory):
    page, errors = phone(page_factory, "13")

    def slow_app(route):
        time.sleep(1.5)  # the app bundle over a slow phone connection
        route.continue_()

    page.route("**/facet-app.js*", slow_app)
    page.goto(live_server.url + "/demo")
    button = page.locator(OPEN_BUTTON).first
    button.tap()
    assert button.get_attribute("aria-busy") == "true", "nothing said the tap was heard"
    page.locator('[data-facet-dialog] [role="dialog"]').wait_for()
    assert button.get_attribute("aria-busy") is None
    assert errors == []
