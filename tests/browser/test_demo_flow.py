"""End to end in real Chromium: the demo store, the real analysis, try-on and recommendation engines.

A shopper opens the widget on the demo store, uploads (or takes with Chromium's fake camera) a photo of
scikit-image's public-domain astronaut, and gets a drawn try-on, a Monk shade and recommendations; bad photos
and files get clear messages; the store keeps working when Facet is unreachable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from sqlalchemy import select

from inference import colour
from plugin_api.extensions import db
from plugin_api.models import Analysis, Event, Merchant, Product
from tests.browser.conftest import launch, screenshot

ANALYSIS_TIMEOUT = 180_000  # a cold model load on a busy 2-core CI machine
OPEN_BUTTON = "[data-facet-floating] button, [data-facet-tryon] button"


def tryable_product(live_server) -> str:
    with live_server.app.app_context():
        pid = db.session.scalars(
            select(Product.platform_product_id)
            .where(Product.tryon_asset_key.is_not(None), Product.deleted.is_(False))
            .order_by(Product.platform_product_id)
        ).first()
    assert pid, "the demo catalog has no try-on-able frames"
    return pid


def count_uploads(page) -> list[str]:
    seen: list[str] = []
    page.on(
        "request",
        lambda r: seen.append(r.url) if r.method == "POST" and "/widget/analyses" in r.url else None,
    )
    return seen


def open_widget(page, url: str) -> None:
    page.goto(url)
    page.locator(OPEN_BUTTON).first.click()
    page.locator('[data-facet-dialog] [role="dialog"]').wait_for()


def upload(page, path) -> None:
    with page.expect_file_chooser() as chooser:
        page.locator('[data-fc="upload"]').first.click()
    chooser.value.set_files(str(path))


def canvas_png(page) -> str:
    return page.locator('[data-fc="tryon-canvas"]').evaluate("c => c.toDataURL()")


def assert_full_results(page, min_recs: int = 3) -> None:
    page.locator('[data-fc="results"]').wait_for(timeout=ANALYSIS_TIMEOUT)
    page.locator('[data-fc="tryon-canvas"][data-drawn="frame"]').wait_for()
    monk = int(page.locator('[data-fc="monk"]').get_attribute("data-monk"))
    assert 1 <= monk <= 10
    assert page.locator('[data-fc="monk"]').inner_text() == f"Monk {monk} of 10"
    assert page.locator('[data-fc="rec"]').count() >= min_recs
    assert page.locator('[data-fc="face-shape"]').inner_text()


def test_selfie_upload_on_a_product_page_gives_tryon_shade_and_recommendations(
    live_server, page_factory, inputs
):
    pid = tryable_product(live_server)
    page, errors = page_factory(1280, 900)
    uploads = count_uploads(page)
    open_widget(page, f"{live_server.url}/demo/products/{pid}")
    upload(page, inputs["selfie_jpg"])
    assert_full_results(page)
    canvas = page.locator('[data-fc="tryon-canvas"]')
    assert canvas.get_attribute("data-product-id") == pid  # the page's own frame comes first
    # ... and can be bought from the try-on view, though it is not recommended to itself.
    own_cart = page.locator(f'[data-fc="current-frame"] [data-fc="add-to-cart"][data-product-id="{pid}"]')
    assert own_cart.count() == 1
    screenshot(page, "demo-results-1280")

    # Every other frame re-draws on the client from the returned placement: no new upload.
    frames = page.locator('[data-fc="frames"] button')
    assert frames.count() >= 3
    seen = {canvas_png(page)}
    for i in (1, 2):
        other = frames.nth(i).get_attribute("data-product-id")
        frames.nth(i).click()
        page.locator(f'[data-fc="tryon-canvas"][data-product-id="{other}"][data-drawn="frame"]').wait_for()
        seen.add(canvas_png(page))
    assert len(seen) == 3
    page.locator('[data-fc="before"]').click()
    page.locator('[data-fc="tryon-canvas"][data-drawn="bare"]').wait_for()
    assert canvas_png(page) not in seen
    assert len(uploads) == 1, uploads

    # Add to cart the platform's way (the demo platform mimics Shopify's POST /cart/add), in place: the
    # results stay on screen so the shopper can add more, and "View cart" shows what was added.
    first_rec = page.locator('[data-fc="rec"]').first
    rec_id = first_rec.get_attribute("data-product-id")
    first_rec.locator('[data-fc="add-to-cart"]').click()
    first_rec.locator('[data-fc="add-to-cart"][data-added="true"]').wait_for()
    assert "Added to cart" in first_rec.locator('[data-fc="add-to-cart"]').inner_text()
    assert page.locator('[data-fc="results"]').is_visible()
    added = first_rec.locator('[data-fc="add-to-cart"]')
    assert added.get_attribute("aria-label").startswith("Added to cart: ")
    # Pressed again it adds one more, and says so.
    added.click()
    first_rec.locator('[data-fc="add-to-cart"][data-added-count="2"]').wait_for()
    assert "Added to cart (2)" in added.inner_text()
    # Keyboard focus stays in the dialog (a disabled button dropped it, and Escape stopped closing).
    assert page.evaluate("document.activeElement && document.activeElement.tagName") != "BODY"
    second_rec = page.locator('[data-fc="rec"]').nth(1)
    second_rec.locator('[data-fc="add-to-cart"]').click()
    second_rec.locator('[data-fc="add-to-cart"][data-added="true"]').wait_for()
    assert page.locator("[data-cart-count]").inner_text() == "3"  # the store's header follows the event
    # Closed and reopened, the results come back where the shopper left them: the frame last chosen, and
    # what was added from each button.
    chosen = frames.nth(2).get_attribute("data-product-id")
    page.keyboard.press("Escape")
    page.locator("[data-facet-dialog]").wait_for(state="detached")
    page.locator(OPEN_BUTTON).first.click()
    page.locator(f'[data-fc="tryon-canvas"][data-product-id="{chosen}"][data-drawn="frame"]').wait_for()
    first_rec = page.locator('[data-fc="rec"]').first
    assert first_rec.locator('[data-fc="add-to-cart"][data-added-count="2"]').count() == 1
    assert "Added to cart (2)" in first_rec.locator('[data-fc="add-to-cart"]').inner_text()
    assert (
        page.locator('[data-fc="rec"]').nth(1).locator('[data-fc="add-to-cart"][data-added="true"]').count()
        == 1
    )
    assert len(uploads) == 1, uploads
    first_rec.locator('[data-fc="view-cart"]').click()
    page.wait_for_url("**/demo/cart**")
    assert page.locator("[data-cart-lines] li").count() == 2
    assert page.locator("[data-cart-count]").inner_text() == "3"
    # Both lines were added with Facet's button, which marked them (Shopify's hidden `_facet` property);
    # the order brings the mark back, and "Sold with Facet" counts them.
    assert page.locator("[data-cart-lines] [data-with-facet]").count() == 2
    page.locator("[data-place-order]").click()
    page.locator("[data-ordered]").wait_for()
    assert errors == []
    with live_server.app.app_context():
        kinds = set(db.session.scalars(select(Event.type)))
    assert {
        "opened",
        "photo_submitted",
        "analysis_shown",
        "tryon_switched",
        "add_to_cart_clicked",
    } <= kinds, kinds
    with live_server.app.app_context():
        assert rec_id in set(
            db.session.scalars(select(Event.product_id).where(Event.type == "add_to_cart_clicked"))
        )
        assert len(db.session.scalars(select(Event).where(Event.type == "order_created")).all()) == 1
        [sale] = db.session.scalars(select(Event.properties).where(Event.type == "facet_sale")).all()
    assert {(item["product_id"], item["quantity"]) for item in sale["items"]} >= {(rec_id, 2)}
    assert sum(item["quantity"] for item in sale["items"]) == 3


def test_phone_width_end_to_end(live_server, page_factory, inputs):
    page, errors = page_factory(360, 760, is_mobile=True, has_touch=True, device_scale_factor=2)
    uploads = count_uploads(page)
    page.goto(live_server.url + "/demo")
    screenshot(page, "demo-store-360")
    open_widget(page, live_server.url + "/demo")
    upload(page, inputs["selfie_jpg"])
    assert_full_results(page)
    screenshot(page, "demo-results-360")
    page.locator('[data-fc="cards"]').scroll_into_view_if_needed()
    screenshot(page, "demo-analysis-360")
    # Closing the dialog (Escape, the backdrop, "Done") keeps the results: reopening shows them again and
    # uploads nothing.
    page.keyboard.press("Escape")
    page.locator("[data-facet-dialog]").wait_for(state="detached")
    page.locator(OPEN_BUTTON).first.click()
    assert_full_results(page)
    assert len(uploads) == 1, uploads
    # "Done" forgets them: the next person to open it on this device starts afresh.
    page.locator('[data-fc="done"]').click()
    page.locator("[data-facet-dialog]").wait_for(state="detached")
    page.locator(OPEN_BUTTON).first.click()
    page.locator('[data-fc="upload"]').first.wait_for()
    assert page.locator('[data-fc="results"]').count() == 0
    assert errors == []


def test_product_page_button_promises_what_the_widget_does_there(live_server, page_factory, inputs):
    # A frame can be tried on; a lipstick cannot, so its button offers the analysis and matches instead.
    with live_server.app.app_context():
        lipstick = db.session.scalars(
            select(Product.platform_product_id)
            .where(Product.tryon_asset_key.is_(None), Product.product_type == "Lipstick")
            .order_by(Product.platform_product_id)
        ).first()
    page, errors = page_factory()
    for pid, label in ((tryable_product(live_server), "Try on"), (lipstick, "Find my match")):
        page.goto(f"{live_server.url}/demo/products/{pid}")
        button = page.locator("[data-facet-tryon] button")
        button.wait_for()
        assert button.inner_text().strip() == label
    # ... and the lipstick page's results answer "is this one right for me?" first, then the matches, before
    # any try-on (the promise says so: no frames to try on here).
    button.click()
    page.locator('[data-facet-dialog] [role="dialog"]').wait_for()
    assert "whether this product suits you" in page.locator("[data-facet-dialog] .lead").inner_text()
    upload(page, inputs["selfie_jpg"])
    page.locator('[data-fc="results"]').wait_for(timeout=ANALYSIS_TIMEOUT)
    order = page.locator('[data-fc="results"]').evaluate(
        "n => [...n.children].map(c => c.getAttribute('data-fc') || c.className)"
    )
    assert order.index("recs") < order.index("results"), order
    verdict = page.locator('[data-fc="this-product"]')
    assert verdict.get_attribute("data-product-id") == lipstick
    assert verdict.inner_text().startswith("This product for you") and "palette" in verdict.inner_text()
    assert page.locator('[data-fc="your-match"]').count() == 0  # a foundation is no answer on a lipstick page
    # A foundation page says what its own shade is to the shopper, then which shade is theirs.
    shade = _first_shade_page(live_server)
    page.goto(f"{live_server.url}/demo/products/{shade}")
    page.locator("[data-facet-tryon] button").click()
    page.locator('[data-facet-dialog] [role="dialog"]').wait_for()
    upload(page, inputs["selfie_jpg"])
    assert page.locator("#fc-title").inner_text().strip() == "Find your match"
    match = page.locator('[data-fc="your-match"]')
    match.wait_for(timeout=ANALYSIS_TIMEOUT)
    assert "Your closest shade" in match.inner_text() and "Closest shade: ΔE" in match.inner_text()
    # The first shade by id is the deepest, far from this selfie: said plainly, not as "Shade: ΔE 60".
    own = page.locator('[data-fc="this-product"]')
    assert own.get_attribute("data-product-id") == shade
    assert own.inner_text().startswith("About this product") and "plain" in own.get_attribute("class")
    assert "Far from your skin tone: ΔE" in own.inner_text() and "see your closest shade" in own.inner_text()
    assert errors == []


def _first_shade_page(live_server) -> str:
    with live_server.app.app_context():
        return db.session.scalars(
            select(Product.platform_product_id)
            .where(Product.product_type == "Foundation")
            .order_by(Product.platform_product_id)
        ).first()


def test_photo_without_a_face_gets_a_clear_message_and_retake(live_server, page_factory, inputs):
    page, errors = page_factory()
    open_widget(page, live_server.url + "/demo")
    upload(page, inputs["noface_jpg"])
    page.locator('[data-error-code="no_face"]').wait_for(timeout=ANALYSIS_TIMEOUT)
    assert page.locator('[data-fc="error-title"]').inner_text() == "We couldn’t find a face"
    # Tips for an uploaded photo are about choosing another one, not about holding the camera.
    tips = page.locator('[data-error-code="no_face"] .tips li').all_inner_texts()
    assert tips and all(tip.startswith("Choose a") for tip in tips), tips
    assert page.locator('[data-fc="tryon-canvas"]').count() == 0
    assert page.locator('[data-fc="monk"]').count() == 0
    screenshot(page, "demo-no-face-1280")
    # The photo was uploaded: "again" means another file, not the camera; the stale progress line is gone.
    assert page.locator('[data-fc="upload"]').inner_text().strip() == "Choose another photo"
    assert page.locator('[role="status"].vh').inner_text() == ""
    page.locator('[data-fc="retake"]').click()
    page.locator('[data-fc="upload"]').first.wait_for()  # back to taking/choosing a photo
    assert errors == []


def test_files_that_are_not_photos_get_clear_messages(live_server, page_factory, inputs):
    page, errors = page_factory()
    uploads = count_uploads(page)
    open_widget(page, live_server.url + "/demo")
    upload(page, inputs["text"])  # not even claiming to be an image: refused on the device
    page.locator('[data-error-code="not_image"]').wait_for()
    assert page.locator('[data-fc="error-title"]').inner_text() == "That file isn’t a photo"
    assert uploads == []
    # Named .jpg but not one: every browser decodes JPEG, so this one is not a photo either; nothing is sent
    # (the server's answer, "file type isn't supported", read as if JPEG were unsupported).
    page.locator('[data-fc="upload"]').first.wait_for()
    upload(page, inputs["fake_jpg"])
    page.locator('[data-error-code="not_image"]').wait_for()
    assert page.locator('[data-fc="error-title"]').inner_text() == "That file isn’t a photo"
    assert uploads == []
    assert errors == []
    # Nothing reached the server as a photo, but the merchant's dashboard still learns of both refusals.
    assert refusal_codes(live_server, until=2) == ["not_image", "not_image"]


def refusal_codes(live_server, *, until: int, device: bool = True) -> list[str]:
    """The codes of the stored `photo_refused` beacons, once there are `until` of them (5 s at most); only
    those refused on the device as not photos (`not_image`) or only the server's (neither that nor the
    device's `image_cut_short`, which another test's photos leave on the same server)."""
    refused = Event.properties["code"].as_string()
    wanted = refused == "not_image" if device else ~refused.in_(("not_image", "image_cut_short"))
    with live_server.app.app_context():
        for _ in range(50):
            codes = db.session.scalars(select(refused).where(Event.type == "photo_refused", wanted)).all()
            if len(codes) >= until:
                break
            db.session.rollback()
            time.sleep(0.1)
    return list(codes)


def test_big_photo_is_downscaled_on_the_device(live_server, page_factory, inputs):
    page, errors = page_factory()
    bodies: list[int] = []
    page.on(
        "request",
        lambda r: (
            bodies.append(len(r.post_data_buffer or b""))
            if r.method == "POST" and "/widget/analyses" in r.url
            else None
        ),
    )
    open_widget(page, live_server.url + "/demo")
    upload(page, inputs["big_jpg"])  # 2048 × 2048
    page.locator('[data-fc="results"], [data-fc="quality-gate"]').first.wait_for(timeout=ANALYSIS_TIMEOUT)
    canvas = page.locator('[data-fc="tryon-canvas"]')
    size = canvas.get_attribute("data-photo-size") if canvas.count() else None
    assert bodies and bodies[0] < inputs["big_jpg"].stat().st_size
    if size:
        assert size == "1024x1024"  # the photo the widget kept and sent: 2048 px scaled to 1024
    assert errors == []


def test_a_see_through_png_reads_like_the_opaque_photo(live_server, page_factory, inputs):
    # A half-transparent selfie composited onto black read "too dark"; onto white, lighter shades. Its pixels
    # keep their own colour instead, so it reads like the same photo without transparency.
    def analyse(path) -> dict:
        page, errors = page_factory()
        open_widget(page, live_server.url + "/demo")
        upload(page, path)
        page.locator('[data-fc="results"], [data-fc="quality-gate"]').first.wait_for(timeout=ANALYSIS_TIMEOUT)
        assert errors == []
        with live_server.app.app_context():
            latest = db.session.scalars(select(Analysis).order_by(Analysis.queued_at.desc()).limit(1)).one()
            return latest.result

    see_through, opaque = analyse(inputs["see_through_png"]), analyse(inputs["selfie_jpg"])
    assert "too_dark" not in {issue["code"] for issue in see_through["quality"]["issues"]}
    assert abs(see_through["quality"]["brightness"] - opaque["quality"]["brightness"]) < 0.03
    assert colour.delta_e_2000(np.array(see_through["skin"]["lab"]), np.array(opaque["skin"]["lab"])) < 1.5


def test_camera_path_with_a_fake_camera(live_server, filming, page_factory, inputs):
    from PIL import Image

    selfie = np.asarray(Image.open(inputs["selfie_jpg"]).convert("RGB"))
    page, errors = page_factory(on=filming(selfie))
    open_widget(page, live_server.url + "/demo")
    page.locator('[data-fc="camera"]').click()
    page.locator("[data-facet-dialog] video").wait_for()
    shoot = page.locator('[data-fc="capture"]:not([disabled])')
    shoot.wait_for()
    screenshot(page, "demo-camera-1280")
    shoot.click()
    assert_full_results(page)
    assert errors == []


def test_camera_permission_denied_offers_upload(live_server, playwright_instance, page_factory, inputs):
    denying = launch(playwright_instance, "--use-fake-device-for-media-stream", "--deny-permission-prompts")
    try:
        page, errors = page_factory(on=denying)
        open_widget(page, live_server.url + "/demo")
        page.locator('[data-fc="camera"]').click()
        page.locator('[data-camera-problem="denied"]').wait_for()
        assert "upload a photo" in page.locator("[data-facet-dialog] .dlg").inner_text()
        upload(page, inputs["selfie_jpg"])
        page.locator('[data-fc="results"]').wait_for(timeout=ANALYSIS_TIMEOUT)
        assert errors == []
    finally:
        denying.close()


def test_store_keeps_working_when_facet_is_unreachable(live_server, page_factory):
    pid = tryable_product(live_server)
    for broken in ("**/api/v1/widget/config**", "**/widget/v1/facet.js", "**/api/v1/widget/**"):
        page, errors = page_factory()
        page.route(broken, lambda route: route.abort("connectionrefused"))
        page.goto(f"{live_server.url}/demo/products/{pid}")
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-facet-floating]").count() == 0
        assert page.locator("[data-facet-tryon] button").count() == 0  # no shadow button rendered
        page.locator("button.add").click()  # the store's own add to cart still works
        page.wait_for_url("**/demo/cart**")
        assert page.locator("[data-cart-lines] li").count() >= 1
        assert errors == [], (broken, errors)
    # A server error answer is handled the same way.
    page, errors = page_factory()
    page.route("**/api/v1/widget/config**", lambda route: route.fulfill(status=503, body="down"))
    page.goto(f"{live_server.url}/demo")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-facet-floating]").count() == 0
    assert page.evaluate("() => window.Facet.errors.length") >= 1
    assert errors == []


def store_page(product_id: str, base: str) -> bytes:
    return (
        "<!doctype html><html><head><title>Another store</title>"
        "<style>button{background:red!important;font-size:40px!important}"
        "*{font-family:serif!important}</style>"
        f'<script src="{base}/widget/v1/facet.js" data-key="pk_demo" async></script></head>'
        f'<body><h1>Frames</h1><div data-facet-tryon data-product-id="{product_id}"></div></body></html>'
    ).encode()


@contextmanager
def other_storefront(html: bytes) -> Iterator[int]:
    """A real second web server (another origin) serving one theme page, as a merchant's storefront."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()


def test_cross_origin_storefront(live_server, page_factory, inputs):
    """Embedded on another origin, with hostile theme CSS: CORS works and the Shadow DOM keeps its look."""
    pid = tryable_product(live_server)
    with other_storefront(store_page(pid, live_server.url)) as port:
        allowed, unlisted = f"http://127.0.0.1:{port}", f"http://localhost:{port}"
        with live_server.app.app_context():
            merchant = db.session.scalars(select(Merchant).where(Merchant.publishable_key == "pk_demo")).one()
            merchant.allowed_origins = [*merchant.allowed_origins, allowed]
            db.session.commit()
        page, errors = page_factory()
        page.goto(allowed + "/products/frame")
        button = page.locator("[data-facet-tryon] button")
        button.wait_for()
        assert (
            button.evaluate("b => getComputedStyle(b).fontSize") == "15px"
        )  # the theme's !important can't reach
        button.click()
        upload(page, inputs["selfie_jpg"])
        assert_full_results(page)
        assert errors == []

        # A site that is not one of the store's origins never gets a button.
        page2, errors2 = page_factory()
        page2.goto(unlisted + "/products/frame")
        page2.wait_for_load_state("networkidle")
        assert page2.locator("[data-facet-tryon] button").count() == 0
        assert page2.evaluate("() => window.Facet.errors[0].where") == "config"
        assert errors2 == []


def test_a_french_widget_gets_its_reasons_in_french(live_server, page_factory, inputs):
    page, errors = page_factory(390, 844, is_mobile=True, has_touch=True)  # French labels are the longest

    def french_store(route):  # the merchant chose French in the widget settings
        route.fulfill(json={**route.fetch().json(), "language": "fr"})

    page.route("**/api/v1/widget/config**", french_store)
    page.goto(live_server.url + "/demo")
    page.locator(OPEN_BUTTON).first.click()
    page.locator('[data-facet-dialog] [role="dialog"]').wait_for()
    upload(page, inputs["selfie_jpg"])
    page.locator('[data-fc="results"]').wait_for(timeout=ANALYSIS_TIMEOUT)
    with live_server.app.app_context():
        latest = db.session.scalars(select(Analysis).order_by(Analysis.queued_at.desc())).first()
        assert latest.language == "fr"
    reasons = page.locator('[data-fc="rec"] li').all_inner_texts()
    assert reasons and all(" your " not in r.lower() and " frames " not in r for r in reasons)
    assert any(word in " ".join(reasons) for word in ("Teinte", "montures", "palette"))
    season = page.locator('[data-fc="season"]').inner_text()
    assert season.split()[0] in ("Printemps", "Été", "Automne", "Hiver"), season
    shape = page.locator('[data-fc="face-shape"]').inner_text()
    assert shape in ("Ovale", "Rond", "Carré", "En cœur", "Allongé", "En losange", "Triangulaire"), shape
    # Every add-to-cart label fits its card at phone width ("Ajouter au panier" was cut off).
    fits = """el => {
        const card = el.closest('[data-fc="rec"]').getBoundingClientRect(), box = el.getBoundingClientRect();
        return el.scrollWidth <= el.clientWidth && box.left >= card.left && box.right <= card.right;
    }"""
    buttons = page.locator('[data-fc="rec"] [data-fc="add-to-cart"]')
    assert buttons.count() and all(b.evaluate(fits) for b in buttons.all())
    assert errors == []


def test_a_shopper_past_the_photo_allowance_is_told_when_to_come_back(live_server, page_factory, inputs):
    from plugin_api.rate_limits import Limit

    limiter = live_server.app.extensions["facet.rate_limiter"]
    unlimited = limiter.limits["uploads"]
    limiter.limits["uploads"] = Limit("uploads", per_period=30, period=3600, burst=1)
    try:
        # This address already sent its one photo: the next may come in two minutes.
        assert limiter.wait_seconds("uploads", live_server.seed["merchant_id"], "127.0.0.1") == 0
        page, errors = page_factory()
        uploads = count_uploads(page)
        open_widget(page, live_server.url + "/demo")
        upload(page, inputs["selfie_jpg"])
        page.locator('[data-error-code="rate_limited"]').wait_for()
    finally:
        limiter.limits["uploads"] = unlimited
    assert len(uploads) == 1
    assert page.locator('[data-fc="error-title"]').inner_text() == "Time for a short break"
    assert page.locator('[data-fc="error-text"]').inner_text() == (
        "You’ve sent several photos in a few minutes. You can send another in about 2 min."
    )
    # Trying again at once would be refused again, so the one button goes back to the start.
    assert page.locator('[data-fc="retake"]').count() == 0
    screenshot(page, "demo-rate-limited")
    page.locator('[data-fc="back"]').click()
    page.locator('[data-fc="upload"]').first.wait_for()
    assert errors == []
    # The merchant's dashboard learns why the photo was turned away (it never became an analysis).
    assert refusal_codes(live_server, until=1, device=False) == ["rate_limited"]
