"""The widget's UI against the documented result contract, in real Chromium.

The analyses API is answered from `fixtures.fixture_result()` (same shape as docs/architecture.md) so each
field's rendering is pinned down independently of the engines' numbers; the real end-to-end flow is in
test_demo_flow.py. Also: the client-side warp against OpenCV, keyboard/focus handling, settings, axe.
"""

from __future__ import annotations

import base64
import io
import json
import time
from typing import Any

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from plugin_api.extensions import db
from plugin_api.models import Event, Product
from tests.browser import fixtures
from tests.browser.conftest import screenshot

OPEN_BUTTON = "[data-facet-floating] button, [data-facet-tryon] button"


def route_fixture_api(page, result: dict[str, Any] | None = None, *, failed: dict | None = None) -> list[str]:
    """Answer the analyses API from the fixture; returns the list of upload (POST) URLs seen."""
    result = result if result is not None else fixtures.fixture_result()
    uploads: list[str] = []
    polls = {"n": 0}

    def analyses(route, request):
        if request.method == "POST":
            uploads.append(request.url)
            route.fulfill(
                status=202,
                json={"id": "fx-1", "status": "queued", "poll_url": "/api/v1/widget/analyses/fx-1"},
            )
            return
        polls["n"] += 1
        if polls["n"] < 4:  # a few "running" answers, as a real queue would give
            route.fulfill(json={"id": "fx-1", "status": "running", "result": None})
        elif failed:
            route.fulfill(json={"id": "fx-1", "status": "failed", "result": None, **failed})
        else:
            route.fulfill(json={"id": "fx-1", "status": "done", "result": result})

    assets = fixtures.frame_assets()
    page.route("**/api/v1/widget/analyses**", analyses)
    page.route(
        "**/fixture-assets/*.png",
        lambda route: route.fulfill(
            body=assets[route.request.url.rsplit("/", 1)[1][:-4]][0], content_type="image/png"
        ),
    )
    return uploads


def open_widget(page, base_url: str, path: str = "/demo"):
    page.goto(base_url + path)
    page.locator(OPEN_BUTTON).first.click()
    page.locator('[data-facet-dialog] [role="dialog"]').wait_for()


def upload(page, path) -> None:
    with page.expect_file_chooser() as chooser:
        page.locator('[data-fc="upload"]').first.click()
    chooser.value.set_files(str(path))


# The widget reads every answer of the API with `Response.text()` (`readJson`, polls included): noting each
# one read lets a test wait until the widget has taken an answer in, closed or not, instead of sleeping.
_ANSWERS_READ = """
(() => {
  const text = Response.prototype.text;
  window.__facetAnswersRead = [];
  Response.prototype.text = function () {
    const url = this.url;
    return text.call(this).then((body) => {
      window.__facetAnswersRead.push({ url: url, body: body });
      return body;
    });
  };
})();
"""


def note_answers_read(page) -> None:
    """Record, in the page, every answer the widget reads (before the page is opened)."""
    page.add_init_script(_ANSWERS_READ)


def wait_answer_read(page, url_part: str, body_part: str) -> None:
    """Wait until the widget has read an answer from a URL containing `url_part` whose body contains
    `body_part`; what the widget does with it follows at once (promise callbacks, before any other task)."""
    page.wait_for_function(
        "([u, b]) => window.__facetAnswersRead.some((a) => a.url.includes(u) && a.body.includes(b))",
        arg=[url_part, body_part],
    )


def is_poll(request) -> bool:
    return request.method == "GET" and "/api/v1/widget/analyses/" in request.url


def is_beacon(request, event_type: str) -> bool:
    """Whether `request` is the widget's beacon of `event_type`."""
    try:
        return json.loads(request.post_data or "{}").get("type") == event_type
    except ValueError:
        return False


def canvas_png(page) -> str:
    return page.locator('[data-fc="tryon-canvas"]').evaluate("c => c.toDataURL()")


def wait_drawn(page, product_id: str) -> None:
    page.locator(f'[data-fc="tryon-canvas"][data-product-id="{product_id}"][data-drawn="frame"]').wait_for()


def test_results_render_every_card_and_switching_frames_needs_no_upload(live_server, page_factory, inputs):
    page, errors = page_factory(1280, 900)
    uploads = route_fixture_api(page)
    open_widget(page, live_server.url)
    screenshot(page, "ui-intro-1280")
    upload(page, inputs["face_png"])
    page.locator('.dlg[data-state="working"] [role="progressbar"]').wait_for()
    screenshot(page, "ui-working-1280")
    page.locator('[data-fc="results"]').wait_for()
    wait_drawn(page, "fx-round")
    dialog = page.locator("[data-facet-dialog] .dlg")
    assert page.locator('[data-fc="monk"]').inner_text() == "Monk 3 of 10"
    assert page.locator('[data-fc="monk"]').get_attribute("data-monk") == "3"
    assert page.locator(".monk i.on").count() == 1
    assert page.locator('[data-fc="undertone"]').inner_text() == "Warm"
    # Near the band's edge the card says so; a clear face shape says nothing more.
    assert (
        page.locator('[data-fc="undertone-near"]').inner_text()
        == "On the edge of neutral: another photo may read as neutral."
    )
    assert page.locator('[data-fc="shape-near"]').count() == 0
    assert page.locator('[data-fc="season"]').inner_text() == "Light spring"
    assert page.locator(".sw i").count() == 12
    # The store sells frames: the colours its frames are judged by, named.
    assert page.locator(".sw.frames i").evaluate_all("l => l.map(i => i.getAttribute('aria-label'))") == [
        "gold",
        "beige",
        "deep camel",
    ]
    # Swatches are named for screen readers; without names (an older result) the hex is read instead.
    assert page.locator(".sw i").first.get_attribute("aria-label") == "peach"
    assert page.locator(".sw.avoid i").first.get_attribute("aria-label") == "#1b1b1b"
    assert page.locator('[data-fc="face-shape"]').inner_text() == "Oval"
    assert "62.5 mm" in page.locator('[data-fc="pd"]').inner_text()
    assert page.locator('[role="meter"]').count() == 5
    assert "Not a medical assessment" in dialog.inner_text()
    assert (
        "Choose a brighter photo" in page.locator('[data-fc="quality"]').inner_text()
    )  # uploaded: which photo
    assert page.locator('[data-fc="rec"]').count() == 5
    # Each action names its product for screen readers; the page has one "Your analysis" heading.
    first_rec = page.locator('[data-fc="rec"]').first
    title = first_rec.locator("h4").inner_text()
    assert first_rec.locator("h4").get_attribute("lang") is None  # an English widget on an English page
    assert first_rec.locator('[data-fc="add-to-cart"]').get_attribute("aria-label").endswith(": " + title)
    assert page.get_by_role("heading", name="Your analysis").count() == 1
    assert "Closest shade: ΔE 1.8" in dialog.inner_text()
    assert page.locator('[data-fc="frames"] button').count() == 4
    assert page.locator('[data-fc="fit"]').inner_text() == "Good fit for your face"
    screenshot(page, "ui-results-1280")

    first = canvas_png(page)
    switched_before = switches_recorded(live_server, settle=0.5)  # the server may hold other tests' beacons
    page.locator('[data-fc="frames"] button[data-product-id="fx-aviator"]').click()
    wait_drawn(page, "fx-aviator")
    # The switch is said once, name and fit, not the whole block with its buttons at every switch.
    current = page.locator('[data-fc="current-frame"]')
    assert current.get_attribute("aria-live") is None
    said = page.locator('[data-facet-dialog] .vh[role="status"]').first.inner_text()
    assert said.startswith(current.locator("strong").inner_text()) and "Add to cart" not in said
    second = canvas_png(page)
    assert second != first
    page.locator('[data-fc="try-rec"]').nth(1).click()  # "Try on" on a recommendation switches too
    wait_drawn(page, "fx-wayfarer")
    # Focus follows to the photo it changed, far above the button (a screen reader reads "wearing …").
    focused = "() => document.querySelector('[data-facet-dialog]').shadowRoot.activeElement.dataset.fc"
    assert page.evaluate(focused) == "tryon-canvas"
    assert page.locator('[data-fc="fit"]').inner_text() == "May feel narrow on your face"
    page.locator('[data-fc="before"]').click()
    page.locator('[data-fc="tryon-canvas"][data-drawn="bare"]').wait_for()
    bare = canvas_png(page)
    page.locator('[data-fc="after"]').click()
    wait_drawn(page, "fx-wayfarer")
    assert len({first, second, bare, canvas_png(page)}) == 4
    # "Try on" for the frame already on the face changes nothing, and is not counted as a switch.
    page.locator('[data-fc="try-rec"]').nth(1).click()
    wait_drawn(page, "fx-wayfarer")
    # Two switches: to the aviator, then to the wayfarer.
    assert switches_recorded(live_server, settle=1.0) - switched_before == 2
    assert len(uploads) == 1, uploads
    assert errors == []


def switches_recorded(live_server, *, settle: float) -> int:
    """The `tryon_switched` beacons the server has stored, once no more arrive for `settle` seconds."""
    import time

    from sqlalchemy import func, select

    from plugin_api.extensions import db
    from plugin_api.models import Event

    last, stable_since = -1, time.monotonic()
    while time.monotonic() - stable_since < settle:
        with live_server.app.app_context():
            count = db.session.scalar(select(func.count()).where(Event.type == "tryon_switched"))
        if count != last:
            last, stable_since = count, time.monotonic()
        time.sleep(0.1)
    return last


def test_a_frame_still_loading_or_that_cannot_load_says_so_on_the_photo(live_server, page_factory, inputs):
    # On a slow phone the bare face sat under "After" with the frame's name for 16 s; a frame whose image
    # failed stayed that way for good.
    page, errors = page_factory()
    route_fixture_api(page)
    held: list = []
    page.route("**/fixture-assets/round.png", lambda route: held.append(route))
    page.route("**/fixture-assets/wayfarer.png", lambda route: route.abort())
    open_widget(page, live_server.url)
    upload(page, inputs["face_png"])
    page.locator('[data-fc="results"]').wait_for()
    note = page.locator('[data-fc="frame-note"]')
    note.get_by_text("Loading frame…").wait_for()
    # The strip's pictures (the try-on images themselves) wait for the frame on the face.
    assert page.locator('[data-fc="frames"] img[src]').count() == 0
    assert held, "the face's frame was requested first"
    held[0].fallback()
    wait_drawn(page, "fx-round")
    assert note.is_hidden()
    page.locator('[data-fc="frames"] img[src]').first.wait_for(state="attached")
    page.locator('[data-fc="frames"] [data-product-id="fx-wayfarer"]').click()
    note.get_by_text("This frame couldn’t be drawn.").wait_for()
    assert page.locator('[data-fc="tryon-canvas"]').get_attribute("data-drawn") == "failed"
    assert errors == []


def test_client_warp_matches_opencv(live_server, page_factory):
    """The canvas warp puts every asset pixel where the server's homography says (vs cv2.warpPerspective)."""
    import cv2

    from inference.tryon import TryOnAsset, apply_homography

    page, errors = page_factory()
    route_fixture_api(page)
    open_widget(page, live_server.url)  # loads the app bundle
    png, geo = fixtures.frame_assets()["cat_eye"]
    H = fixtures.homography_onto_eyes(geo, yaw_squeeze=0.15)
    W = Hh = 512
    js = """async ([url, H, W, Hh, mesh]) => {
      const app = window.Facet._app;
      let asset = await app.loadAsset(url);
      if (mesh) asset = Object.assign({}, asset, {pixels: null});
      const layer = app.warpLayer(asset, H, W, Hh);
      const full = document.createElement('canvas'); full.width = W; full.height = Hh;
      full.getContext('2d').drawImage(layer.canvas, layer.x, layer.y);
      const px = full.getContext('2d').getImageData(0, 0, W, Hh).data;
      let alpha = '';  // only the alpha plane, base64: a million-number JSON array is slow to ship
      for (let i = 3; i < px.length; i += 4) alpha += String.fromCharCode(px[i]);
      return btoa(alpha);
    }"""
    # The server's own sampling (inference.tryon.render): the area-shrunk octave nearest the on-screen scale.
    asset = TryOnAsset.from_files(png, geo)
    Hm = np.array(H)
    w, h = asset.size
    p = apply_homography(Hm, [[w / 2, h / 2], [w / 2 + 1, h / 2], [w / 2, h / 2 + 1]])
    (ax, ay), (bx, by) = p[1] - p[0], p[2] - p[0]
    arr, s = asset.premultiplied(float(np.sqrt(abs(ax * by - ay * bx))))
    assert s < 1, "the fixture should exercise a shrunk octave"
    ref = cv2.warpPerspective(
        arr,
        Hm @ np.diag([1 / s, 1 / s, 1.0]),
        (W, Hh),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    ref_alpha = ref[..., 3] * 255
    for mesh, mean_tol, p99_tol in ((False, 0.6, 4.0), (True, 3.0, None)):
        url = live_server.url + "/fixture-assets/cat_eye.png"
        alpha = base64.b64decode(page.evaluate(js, [url, H, W, Hh, mesh]))
        got_alpha = np.frombuffer(alpha, dtype=np.uint8).astype(np.float32).reshape(Hh, W)
        diff = np.abs(got_alpha - ref_alpha)
        assert diff.mean() < mean_tol, (mesh, diff.mean())
        if p99_tol is not None:  # the mesh fallback resamples thin rims differently; only its mean is bounded
            assert np.percentile(diff[ref_alpha + got_alpha > 0], 99) < p99_tol
        # Where the frame lands: alpha-weighted centroids agree to a small fraction of a pixel.
        ys, xs = np.mgrid[0:Hh, 0:W]
        c_got = [(got_alpha * xs).sum() / got_alpha.sum(), (got_alpha * ys).sum() / got_alpha.sum()]
        c_ref = [(ref_alpha * xs).sum() / ref_alpha.sum(), (ref_alpha * ys).sum() / ref_alpha.sum()]
        assert np.hypot(c_got[0] - c_ref[0], c_got[1] - c_ref[1]) < (0.1 if not mesh else 0.5)
    # Without the yaw squeeze the fixture's homography puts the lens centres exactly on the astronaut's eyes.
    H0 = np.array(fixtures.homography_onto_eyes(geo, yaw_squeeze=0.0))
    for (x, y), eye in zip(geo["lens_centres"], fixtures.ASTRONAUT_EYES, strict=True):
        p = H0 @ [x, y, 1]
        assert np.hypot(p[0] / p[2] - eye[0], p[1] / p[2] - eye[1]) < 1e-3
    assert errors == []


def quality_gate_for(live_server, page_factory, inputs, result: dict[str, Any]):
    """Upload a photo whose (fixture) analysis has quality issues: the page, its errors and the gate."""
    page, errors = page_factory()
    route_fixture_api(page, result)
    open_widget(page, live_server.url)
    upload(page, inputs["face_png"])
    gate = page.locator('[data-fc="quality-gate"]')
    gate.wait_for()
    return page, errors, gate


def test_bad_photo_gets_guidance_before_anything_misleading(live_server, page_factory, inputs):
    result = fixtures.fixture_result()
    result["quality"] = {
        "ok": False,
        "issues": [
            {"code": "face_too_small", "message": "Move closer"},
            {"code": "pose", "message": "Face the camera"},
            {"code": "strange_new_code", "message": "Remove your hat"},
        ],
    }
    result["skin"]["reliable"] = False  # what the analysis says for a face too small to read skin from
    page, errors, gate = quality_gate_for(live_server, page_factory, inputs, result)
    text = gate.inner_text()
    # An uploaded photo cannot be fixed by moving: the instruction says which photo to choose instead.
    assert "Choose a photo where your face is larger" in text and "Move closer" not in text
    assert "Choose a photo where you face the camera" in text and "Remove your hat" in text
    assert page.locator('[data-fc="monk"]').count() == 0
    page.get_by_role("button", name="See try-on anyway").click()
    page.locator('[data-fc="results"]').wait_for()
    assert page.locator('[data-fc="monk"]').count() == 0  # no shade measured from a bad photo
    assert page.locator('[data-fc="monk-withheld"]').count() == 1
    assert page.locator('[role="meter"]').count() == 0
    page.locator('[data-fc="retake"]').first.click()
    page.locator('[data-fc="upload"]').first.wait_for()
    assert errors == []


def test_a_tilted_head_still_shows_the_shade_after_see_anyway(live_server, page_factory, inputs):
    # Pose issues do not falsify skin colour (skin.reliable stays true): the gate asks for a level head, and
    # "See try-on anyway" then shows the shade with the instruction in the banner.
    result = fixtures.fixture_result()
    result["quality"] = {"ok": False, "issues": [{"code": "head_tilted", "message": "Hold your head level"}]}
    page, errors, _ = quality_gate_for(live_server, page_factory, inputs, result)
    page.get_by_role("button", name="See try-on anyway").click()
    page.locator('[data-fc="results"]').wait_for()
    assert page.locator('[data-fc="monk"]').get_attribute("data-monk") == "3"
    assert page.locator('[data-fc="monk-withheld"]').count() == 0
    assert "Choose a photo where your head is level" in page.locator('[data-fc="quality"]').inner_text()
    assert errors == []


def test_glasses_worn_ask_to_be_taken_off_only_where_there_is_a_try_on(live_server, page_factory, inputs):
    # The try-on would draw its frames over the shopper's own: the gate asks for a photo without them. A store
    # with nothing to try on has no reason to ask, and the shopper goes straight to the results.
    result = fixtures.fixture_result()
    result["quality"] = {"ok": False, "issues": [{"code": "glasses_on", "message": "Take off your glasses"}]}
    page, errors, gate = quality_gate_for(live_server, page_factory, inputs, result)
    assert "Choose a photo without glasses" in gate.inner_text()
    assert errors == []

    result["tryon"]["items"] = []
    page, errors = page_factory()
    route_fixture_api(page, result)
    open_widget(page, live_server.url)
    upload(page, inputs["face_png"])
    page.locator('[data-fc="results"]').wait_for()
    assert page.locator('[data-fc="quality-gate"]').count() == 0
    assert "glasses" not in page.locator('[data-facet-dialog] [role="dialog"]').inner_text()
    assert errors == []


def test_a_photo_cut_short_is_refused_before_upload(live_server, page_factory, inputs, tmp_path):
    # An interrupted transfer still decodes in the browser (the missing rows come out grey); re-encoded, the
    # server would never see the damage and a third of a face would get a face shape and concerns.
    whole = inputs["big_jpg"].read_bytes()
    cut = tmp_path / "cut-short.jpg"
    cut.write_bytes(whole[: len(whole) // 3])
    # A phone photo carries a complete preview JPEG (EXIF thumbnail) near its start, end marker and all: cut
    # short, its preview's end marker is still there (a walkthrough's 60 KB cut of a real photo went through).
    preview = io.BytesIO()
    Image.new("RGB", (160, 120), (180, 140, 120)).save(preview, format="JPEG")
    app1 = b"Exif\0\0" + preview.getvalue()
    with_preview = whole[:2] + b"\xff\xe1" + (len(app1) + 2).to_bytes(2, "big") + app1 + whole[2:]
    cut_preview = tmp_path / "cut-short-with-preview.jpg"
    cut_preview.write_bytes(with_preview[:50_000])
    page, errors = page_factory()
    uploads = route_fixture_api(page)
    open_widget(page, live_server.url)
    dialog = page.locator('[data-facet-dialog] [role="dialog"]')
    for damaged in (cut, cut_preview):
        upload(page, damaged)
        dialog.get_by_text("We couldn’t read that photo").wait_for()
        assert uploads == [], damaged.name
        dialog.get_by_role("button", name="Choose another photo").wait_for()
        if damaged is cut:
            dialog.get_by_role("button", name="Back").click()
    # The whole photo goes through.
    dialog.get_by_role("button", name="Choose another photo").click()
    upload(page, inputs["big_jpg"])
    page.locator('[data-fc="results"]').wait_for()
    assert len(uploads) == 1 and errors == []
    # The merchant's dashboard learns why (nothing reached the server as a photo).
    refused = Event.properties["code"].as_string()
    with live_server.app.app_context():
        for _ in range(50):
            query = select(Event.id).where(Event.type == "photo_refused", refused == "image_cut_short")
            if db.session.scalars(query).first():
                break
            db.session.rollback()
            time.sleep(0.1)
        else:
            raise AssertionError("no photo_refused beacon with code image_cut_short")


def answering(status: int, body: dict | None):
    return lambda route: route.fulfill(status=status, json=body)


def test_a_fault_on_facets_side_is_not_blamed_on_the_photo(live_server, page_factory, inputs):
    for status, body in ((503, {"error": {"code": "unavailable", "message": "down"}}), (500, None)):
        page, errors = page_factory()
        page.route("**/api/v1/widget/analyses**", answering(status, body))
        open_widget(page, live_server.url)
        upload(page, inputs["face_png"])
        dialog = page.locator('[data-facet-dialog] [role="dialog"]')
        dialog.get_by_text("Our service is having trouble").wait_for()
        text = dialog.inner_text()
        assert "not your photo" in text and "another photo" not in text and "Choose a brighter" not in text
    page, _ = page_factory()
    route_fixture_api(page, failed={"error": {"code": "timed_out", "message": "The analysis took too long"}})
    open_widget(page, live_server.url)
    upload(page, inputs["face_png"])
    dialog = page.locator('[data-facet-dialog] [role="dialog"]')
    dialog.get_by_text("Our service is having trouble").wait_for()
    assert "Choose a photo where your face is larger" not in dialog.inner_text()


def test_try_again_after_a_fault_sends_the_same_photo_again(live_server, page_factory, inputs):
    # The photo was fine: the shopper should not have to find or take it again.
    page, errors = page_factory()
    uploads = route_fixture_api(page)
    first = {"done": False}

    def fail_once(route):
        if route.request.method == "POST" and not first["done"]:
            first["done"] = True
            route.fulfill(status=503, json={"error": {"code": "unavailable", "message": "down"}})
        else:
            route.fallback()

    page.route("**/api/v1/widget/analyses**", fail_once)
    open_widget(page, live_server.url)
    upload(page, inputs["face_png"])
    dialog = page.locator('[data-facet-dialog] [role="dialog"]')
    dialog.get_by_text("Our service is having trouble").wait_for()
    dialog.get_by_role("button", name="Try again").click()  # no file chooser: it would time out here
    page.locator('[data-fc="results"]').wait_for()
    assert len(uploads) == 1 and errors == []  # the fixture API saw the second sending of the photo


def test_a_failing_status_check_is_said_within_seconds(live_server, page_factory, inputs):
    page, errors = page_factory()
    uploads = route_fixture_api(page)

    def status_fails(route):
        if route.request.method == "GET":
            route.fulfill(status=500, json={"error": {"code": "internal_error", "message": "boom"}})
        else:
            route.fallback()

    page.route("**/api/v1/widget/analyses/**", status_fails)
    open_widget(page, live_server.url)
    upload(page, inputs["face_png"])
    dialog = page.locator('[data-facet-dialog] [role="dialog"]')
    dialog.get_by_text("Our service is having trouble").wait_for(timeout=15_000)  # not after the 120 s limit
    assert len(uploads) == 1 and errors == []


def test_closing_the_widget_mid_analysis_keeps_the_analysis(live_server, page_factory, inputs):
    # The server goes on with the photo: reopening shows it still working, then its result, without sending
    # the photo again (a walkthrough found the intro again and the photo gone).
    page, errors = page_factory()
    uploads = route_fixture_api(page)
    gate = {"open": False}

    def held_until_open(route):
        if route.request.method == "GET":
            if not gate["open"]:
                route.fulfill(json={"id": "fx-1", "status": "running", "result": None})
                return
        route.fallback()

    page.route("**/api/v1/widget/analyses/**", held_until_open)
    open_widget(page, live_server.url)
    upload(page, inputs["face_png"])
    page.locator('.dlg[data-state="working"]').wait_for()
    page.keyboard.press("Escape")
    page.locator("[data-facet-dialog]").wait_for(state="detached")
    page.wait_for_event("request", is_poll, timeout=5000)  # still asked after while closed
    assert page.locator("[data-facet-dialog]").count() == 0
    page.locator(OPEN_BUTTON).first.click()
    page.locator('.dlg[data-state="working"]').wait_for()
    gate["open"] = True
    page.locator('[data-fc="results"]').wait_for()
    assert len(uploads) == 1

    assert errors == []

    # Closed, and the result arrives while closed: reopening goes straight to it.
    page, errors = page_factory()
    note_answers_read(page)
    uploads = route_fixture_api(page)
    gate["open"] = False
    page.route("**/api/v1/widget/analyses/**", held_until_open)
    open_widget(page, live_server.url)
    upload(page, inputs["face_png"])
    page.locator('.dlg[data-state="working"]').wait_for()
    page.keyboard.press("Escape")
    page.locator("[data-facet-dialog]").wait_for(state="detached")
    gate["open"] = True
    wait_answer_read(page, "/api/v1/widget/analyses/fx-1", '"done"')  # the fixture's fourth answer
    assert page.locator("[data-facet-dialog]").count() == 0  # it arrived while closed
    page.locator(OPEN_BUTTON).first.click()
    # Straight to the results: the reopened dialog never shows the working screen.
    assert page.locator("[data-facet-dialog] .dlg").get_attribute("data-state") == "results"
    page.locator('[data-fc="results"]').wait_for()
    assert len(uploads) == 1 and errors == []


def test_what_happened_while_the_widget_was_closed_is_there_when_it_reopens(
    live_server, page_factory, inputs
):
    # A failure: said at the reopening, with "Try again" sending the same photo.
    page, errors = page_factory()
    uploads = route_fixture_api(page)
    held: list = []
    page.route(
        "**/api/v1/widget/analyses**",
        lambda route: held.append(route) if route.request.method == "POST" and not held else route.fallback(),
    )
    open_widget(page, live_server.url)
    with page.expect_request(lambda r: r.method == "POST" and "/api/v1/widget/analyses" in r.url):
        upload(page, inputs["face_png"])
    page.locator('.dlg[data-state="working"]').wait_for()  # a round trip: the route handler has run
    assert held, "the upload was held"
    page.keyboard.press("Escape")
    page.locator("[data-facet-dialog]").wait_for(state="detached")
    # The widget tells the dashboard the photo was refused once it has read the answer: closed, it keeps that.
    with page.expect_request(lambda r: "/api/v1/widget/events" in r.url and is_beacon(r, "photo_refused")):
        held[0].fulfill(status=503, json={"error": {"code": "unavailable", "message": "down"}})
    assert page.locator("[data-facet-dialog]").count() == 0
    page.locator(OPEN_BUTTON).first.click()
    dialog = page.locator('[data-facet-dialog] [role="dialog"]')
    dialog.get_by_text("Our service is having trouble").wait_for()
    dialog.get_by_role("button", name="Try again").click()
    page.locator('[data-fc="results"]').wait_for()
    assert len(uploads) == 1 and errors == []

    # The "better photo" screen: closed there, reopened there (it used to come back to an empty intro).
    result = fixtures.fixture_result()
    result["quality"] = {"ok": False, "issues": [{"code": "head_tilted", "message": "Hold your head level"}]}
    page, errors, gate = quality_gate_for(live_server, page_factory, inputs, result)
    page.keyboard.press("Escape")
    page.locator(OPEN_BUTTON).first.click()
    page.locator('[data-fc="quality-gate"]').wait_for()
    page.get_by_role("button", name="See try-on anyway").click()
    page.locator('[data-fc="results"]').wait_for()
    page.keyboard.press("Escape")
    page.locator(OPEN_BUTTON).first.click()
    page.locator('[data-fc="results"]').wait_for()  # past the gate, the results come back
    assert errors == []


def test_a_photo_still_being_prepared_when_the_widget_closes_reaches_the_reopened_one(
    live_server, page_factory, inputs
):
    from pathlib import Path

    heic = Path(__file__).resolve().parents[1] / "assets" / "astronaut-256.heic"
    page, errors = page_factory()
    uploads = route_fixture_api(page)
    held: list = []
    page.route("**/api/v1/widget/photo-conversions**", lambda route: held.append(route))
    open_widget(page, live_server.url)
    with page.expect_request("**/api/v1/widget/photo-conversions**"):
        upload(page, heic)
    page.locator('.dlg[data-state="working"]').wait_for()  # a round trip: the route handler has run
    assert held, "the conversion was held"
    page.keyboard.press("Escape")
    page.locator(OPEN_BUTTON).first.click()
    page.locator('[data-facet-dialog] [role="dialog"]').wait_for()
    held[0].fallback()  # the conversion answers while the new dialog shows its intro
    page.locator('[data-fc="results"]').wait_for()
    assert len(uploads) == 1 and errors == []


def test_an_iphone_heic_photo_is_converted_and_goes_the_usual_way(live_server, page_factory, inputs):
    # Chromium cannot decode HEIC: Facet converts it (nothing kept), and the JPEG is shown and uploaded.
    from pathlib import Path

    heic = Path(__file__).resolve().parents[1] / "assets" / "astronaut-256.heic"
    page, errors = page_factory()
    uploads = route_fixture_api(page)
    with page.expect_response("**/api/v1/widget/photo-conversions**") as converted:
        open_widget(page, live_server.url)
        upload(page, heic)
    assert converted.value.status == 200 and converted.value.headers["content-type"] == "image/jpeg"
    page.locator('[data-fc="results"]').wait_for()
    assert len(uploads) == 1 and errors == []
    assert page.locator('[data-fc="tryon-canvas"]').get_attribute("data-photo-size") == "256x256"


def test_skin_too_harshly_lit_keeps_its_tip_after_see_anyway(live_server, page_factory, inputs):
    # The analysis withheld the shade for its own low confidence and named the light (quality.too_bright):
    # the gate and, after "See try-on anyway", the banner both say which photo to choose instead.
    result = fixtures.fixture_result()
    result["quality"] = {
        "ok": False,
        "issues": [{"code": "too_bright", "message": "Move out of direct light"}],
    }
    result["skin"]["reliable"] = False
    page, errors, gate = quality_gate_for(live_server, page_factory, inputs, result)
    assert "Choose a photo without harsh direct light" in gate.inner_text()
    page.get_by_role("button", name="See try-on anyway").click()
    page.locator('[data-fc="results"]').wait_for()
    banner = page.locator('[data-fc="quality"]').inner_text()
    assert "no shade is shown" in banner and "Choose a photo without harsh direct light" in banner
    assert page.locator('[data-fc="monk-withheld"]').count() == 1
    assert errors == []


def test_failed_analysis_shows_the_message_and_retake(live_server, page_factory, inputs):
    page, errors = page_factory()
    route_fixture_api(
        page, failed={"error_code": "no_face", "error_message": "No face was found in the photo."}
    )
    open_widget(page, live_server.url)
    upload(page, inputs["face_png"])
    page.locator('[data-error-code="no_face"]').wait_for()
    assert page.locator('[data-fc="error-title"]').inner_text() == "We couldn’t find a face"
    assert page.locator('[data-fc="retake"]').is_visible()
    assert errors == []


def test_a_match_page_answers_about_its_own_product_only_when_the_analysis_judged_it(
    live_server, page_factory, inputs
):
    """On a lipstick's page: without a verdict on the lipstick (`this_product` null: no longer offered) the
    results do not put a foundation forward as "your closest shade"; with one and an empty list, the verdict
    still shows."""
    with live_server.app.app_context():
        lipstick = db.session.scalars(
            select(Product.platform_product_id)
            .where(Product.product_type == "Lipstick")
            .order_by(Product.platform_product_id)
        ).first()
    unjudged = fixtures.fixture_result()
    unjudged["recommendations"][-1]["closest_shade"] = True  # the foundation, last in the list
    unjudged["this_product"] = None
    judged = fixtures.fixture_result()
    judged["recommendations"] = []
    judged["this_product"] = {
        "product_id": lipstick,
        "title": "Satin Lipstick — Nude Beige",
        "category": "lipstick",
        "closest_shade": False,
        "reasons": ["nude beige is close to a colour your light spring palette avoids"],
        "suits": False,
        "add_to_cart": {"method": "POST", "url": "/demo/cart/add", "fields": {"id": lipstick}},
    }
    suiting = fixtures.fixture_result()
    suiting["this_product"] = {
        **judged["this_product"],
        "reasons": ["nude beige suits your light spring palette"],
        "suits": True,
    }
    for result in (unjudged, judged, suiting):
        page, errors = page_factory()
        route_fixture_api(page, result)
        open_widget(page, live_server.url, f"/demo/products/{lipstick}")
        upload(page, inputs["face_png"])
        page.locator('[data-fc="recs"]').wait_for()
        assert page.locator('[data-fc="your-match"]').count() == 0
        verdict = page.locator('[data-fc="this-product"]')
        if result is unjudged:
            assert verdict.count() == 0 and page.locator('[data-fc="rec"]').count() == 5
        elif result is judged:
            # A verdict against the product is no endorsement: a plain card, "About this product".
            assert verdict.inner_text().startswith("About this product\nSatin Lipstick — Nude Beige")
            assert "plain" in verdict.get_attribute("class")
            assert "Nude beige is close to a colour your light spring palette avoids" in verdict.inner_text()
            assert verdict.locator('[data-fc="add-to-cart"]').count() == 1
            assert page.locator('[data-fc="rec"]').count() == 0
        else:
            assert verdict.inner_text().startswith("This product for you\nSatin Lipstick — Nude Beige")
            assert "plain" not in verdict.get_attribute("class")
        assert errors == []


def test_keyboard_focus_trap_escape_and_focus_return(live_server, page_factory):
    page, errors = page_factory()
    page.goto(live_server.url + "/demo")
    button = page.locator(OPEN_BUTTON).first
    button.wait_for()
    button.focus()
    page.keyboard.press("Enter")
    page.locator('[data-facet-dialog] [role="dialog"]').wait_for()
    inside = (
        "() => { const h = document.querySelector('[data-facet-dialog]'); "
        "return !!h && h.shadowRoot.activeElement !== null; }"
    )
    assert page.evaluate(inside)
    for _ in range(12):
        page.keyboard.press("Tab")
        assert page.evaluate(inside), "focus escaped the dialog"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(inside)
    page.keyboard.press("Escape")
    page.locator("[data-facet-dialog]").wait_for(state="detached")
    assert page.evaluate("() => document.activeElement.matches('[data-facet-floating], [data-facet-tryon]')")
    assert errors == []


def test_merchant_settings_language_colour_position(live_server, page_factory, inputs):
    page, errors = page_factory()

    def patched_config(route):
        body = route.fetch().json()
        body.update(
            language="fr",
            theme={"color": "#d1b000"},
            button={"position": "bottom-left", "label": None, "floating": False},
        )
        body["features"]["camera"] = False
        route.fulfill(json=body)

    page.route("**/api/v1/widget/config**", patched_config)
    page.goto(live_server.url + "/demo")
    host = page.locator("[data-facet-floating]")
    button = host.locator("button")
    button.wait_for()
    assert button.inner_text().strip() == "Essayer"
    assert host.evaluate("h => getComputedStyle(h).left") == "20px"
    # A light brand colour gets dark text on it (AA contrast), not white.
    assert button.evaluate("b => getComputedStyle(b).color") == "rgb(20, 23, 26)"
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(209, 176, 0)"
    # Its French words are marked French on this English page (a screen reader says them in French).
    assert button.get_attribute("lang") == "fr"
    # Focused from the keyboard, its ring is dark with a white edge, not the light brand colour (read with
    # transitions off, so the shadow is not caught mid-way).
    page.emulate_media(reduced_motion="reduce")
    page.keyboard.press("Tab")
    while not button.evaluate("b => b.matches(':focus-visible')"):
        page.keyboard.press("Tab")
    ring = button.evaluate("b => [getComputedStyle(b).outlineColor, getComputedStyle(b).boxShadow]")
    assert ring[0] == "rgb(20, 23, 26)" and "rgb(255, 255, 255) 0px 0px 0px 2px" in ring[1]
    button.click()
    dialog = page.locator("[data-facet-dialog] .dlg")
    dialog.wait_for()
    assert "Essayage virtuel" in dialog.inner_text()
    # No camera offered, so none promised: "Importez une photo…", not "Prenez un selfie ou importez…".
    assert "Importez une photo de votre visage" in dialog.inner_text() and "selfie" not in dialog.inner_text()
    assert page.locator('[data-fc="camera"]').count() == 0  # camera feature off: upload only
    assert page.locator('[data-fc="upload"]').inner_text().strip() == "Importer une photo"
    # The store's own product titles, inside the French widget, keep the page's language (English).
    route_fixture_api(page)
    upload(page, inputs["face_png"])
    page.locator('[data-fc="results"]').wait_for()
    titles = page.locator('[data-fc="rec"] h4, [data-fc="frames"] span.t')
    assert titles.count() > 5
    assert {titles.nth(i).get_attribute("lang") for i in range(titles.count())} == {"en"}
    assert errors == []


def test_a_page_in_a_language_facet_lacks_follows_the_shoppers_browser(live_server, page_factory):
    # A German page (no German strings) and a French browser: French, not English.
    for locale, expected in (("fr-FR", "Essayer"), ("pt-BR", "Try on")):
        page, errors = page_factory(locale=locale)
        page.route(
            "**/demo",
            lambda route: route.fulfill(
                response=route.fetch(),
                body=route.fetch().text().replace('<html lang="en"', '<html lang="de"', 1),
            ),
        )
        page.goto(live_server.url + "/demo")
        assert page.evaluate("document.documentElement.lang") == "de"
        button = page.locator("[data-facet-floating] button")
        button.wait_for()
        assert button.inner_text().strip() == expected, locale
        assert errors == []


def test_phone_width_layout(live_server, page_factory, inputs):
    page, errors = page_factory(360, 740, is_mobile=True, has_touch=True, device_scale_factor=2)
    route_fixture_api(page)
    open_widget(page, live_server.url)
    screenshot(page, "ui-intro-360")
    upload(page, inputs["face_png"])
    page.locator('[data-fc="results"]').wait_for()
    wait_drawn(page, "fx-round")
    screenshot(page, "ui-results-360")
    width = page.evaluate(
        "() => document.querySelector('[data-facet-dialog]').shadowRoot"
        ".querySelector('.dlg').getBoundingClientRect().width"
    )
    assert width == 360
    overflow = page.evaluate(
        "() => { const b = document.querySelector('[data-facet-dialog]').shadowRoot"
        ".querySelector('.body'); return b.scrollWidth - b.clientWidth; }"
    )
    assert overflow <= 0, "horizontal scrolling inside the dialog at 360 px"
    page.locator('[data-fc="recs"]').scroll_into_view_if_needed()
    screenshot(page, "ui-recs-360")
    assert errors == []


def test_the_placed_button_keeps_the_space_the_theme_gives_its_slot(live_server, page_factory):
    # The demo theme gives the slot 12 px above it; the button sat flush against "Add to cart" because the
    # host's `all:initial` made it inline, which drops vertical margins.
    page, errors = page_factory(390, 844, is_mobile=True, has_touch=True)
    with live_server.app.app_context():
        from sqlalchemy import select

        from plugin_api.extensions import db
        from plugin_api.models import Product

        pid = db.session.scalars(
            select(Product.platform_product_id).where(Product.deleted.is_(False)).order_by(Product.id)
        ).first()
    page.goto(f"{live_server.url}/demo/products/{pid}")
    page.locator("[data-facet-tryon] button").wait_for()
    gap = page.evaluate(
        "() => document.querySelector('[data-facet-tryon]').shadowRoot.querySelector('button')"
        ".getBoundingClientRect().top"
        " - document.querySelector('[data-store-add-to-cart]').getBoundingClientRect().bottom"
    )
    assert gap >= 11.5, gap
    assert errors == []


def test_axe_finds_no_serious_violations(live_server, page_factory, inputs):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    page, _errors = page_factory()
    route_fixture_api(page)
    open_widget(page, live_server.url)
    axe = axe_module.Axe()
    problems = {}
    for state in ("intro", "results"):
        if state == "results":
            upload(page, inputs["face_png"])
            page.locator('[data-fc="results"]').wait_for()
            wait_drawn(page, "fx-round")
        results = axe.run(page, context={"include": [["[data-facet-dialog]"]]})
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        problems[state] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in bad]
    assert problems == {"intro": [], "results": []}, json.dumps(problems, indent=1)


def test_one_global_and_reduced_motion(live_server, page_factory, inputs):
    page, errors = page_factory()
    page.add_init_script("window.__before = Object.getOwnPropertyNames(window);")
    page.emulate_media(reduced_motion="reduce")
    route_fixture_api(page)
    open_widget(page, live_server.url)
    upload(page, inputs["face_png"])
    page.locator('[data-fc="results"]').wait_for()
    added = page.evaluate(
        "() => Object.getOwnPropertyNames(window)"
        ".filter(k => !window.__before.includes(k) && k !== '__before')"
    )
    assert sorted(added) == ["Facet"], added
    animation = page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-facet-dialog]')"
        ".shadowRoot.querySelector('.dlg')).animationName"
    )
    assert animation == "none"
    assert errors == []


def test_disabled_store_shows_nothing_and_open_api_works(live_server, page_factory):
    page, errors = page_factory()
    page.route(
        "**/api/v1/widget/config**",
        lambda route: route.fulfill(json={**route.fetch().json(), "enabled": False}),
    )
    page.goto(live_server.url + "/demo")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-facet-floating]").count() == 0
    assert page.evaluate("() => Facet.open()") is False  # nothing opens while disabled
    assert page.locator("[data-facet-dialog]").count() == 0

    page2, errors2 = page_factory()
    page2.goto(live_server.url + "/demo")
    page2.locator("[data-facet-floating] button").wait_for()
    assert (
        page2.evaluate("() => Facet.open('some-product')") is True
    )  # merchants may open it from their own UI
    page2.locator('[data-facet-dialog] [role="dialog"]').wait_for()
    assert errors == [] and errors2 == []
