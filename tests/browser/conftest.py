"""Real-Chromium tests of the shopper widget on the demo store.

Facet runs on a real port in a thread (werkzeug, threaded) against the test database; Chromium is the system
one (`/usr/bin/chromium`, installed by `.ci/run`), never a browser Playwright downloads; without it these
tests skip, saying so. Screenshots go to `artifacts/screenshots/` (git-ignored).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from plugin_api import create_app
from plugin_api.extensions import db
from plugin_api.models import Base
from tests.conftest import base_config

CHROMIUM = os.environ.get("FACET_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
CAMERA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]

if not Path(CHROMIUM).exists():
    pytest.skip(
        f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` (.ci/run does)",
        allow_module_level=True,
    )

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - requirements-dev has it
    pytest.skip("playwright is not installed (requirements-dev.txt)", allow_module_level=True)


class LiveServer:
    """Facet served on 127.0.0.1:<free port> from a background thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="facet-live", daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


def seed_demo_store(app: Flask, origin: str) -> dict[str, Any]:
    """Seed the demo merchant (allowed on the live server origin) and its generated catalog."""
    from plugin_api.demo import seed_demo_merchant
    from plugin_api.demo.seed import seed_demo_catalog

    with app.app_context():
        merchant = seed_demo_merchant(origins=[origin])
        counts = seed_demo_catalog(merchant, config=app.config)
        return {"merchant_id": merchant.id, "catalog": counts}


@pytest.fixture(scope="package")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Facet with the seeded demo store, jobs in-process, on a free port (one for all browser tests: seeding
    the generated catalog takes a while). The tables are emptied again after the last browser test."""
    app = create_app(base_config(database_url, tmp_path_factory.mktemp("live-storage"), FACET_ENV="test"))
    server = LiveServer(app)
    app.config["FACET_PUBLIC_URL"] = server.url
    server.seed = seed_demo_store(app, server.url)
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:  # leave the shared test database empty for the next module
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


def launch(playwright: Any, *extra: str) -> Browser:
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + list(extra)
    )


@pytest.fixture()
def filming(playwright_instance: Any, tmp_path: Path) -> Iterator[Callable[[Any], Browser]]:
    """Start a Chromium whose fake camera films one still frame (RGB) over and over; closed after the test."""
    from tests.browser.fixtures import write_y4m

    opened: list[Browser] = []

    def start(frame: Any) -> Browser:
        video = write_y4m(frame, tmp_path / f"camera-{len(opened)}.y4m")
        opened.append(launch(playwright_instance, *CAMERA_ARGS, f"--use-file-for-fake-video-capture={video}"))
        return opened[-1]

    yield start
    for b in opened:
        b.close()


@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Any]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright_instance: Any) -> Iterator[Browser]:
    b = launch(playwright_instance, *CAMERA_ARGS)
    yield b
    b.close()


@pytest.fixture(scope="package")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Photos and files the tests upload (generated or public-domain, never the shared photos)."""
    from tests.browser import fixtures

    return fixtures.write_inputs(tmp_path_factory.mktemp("inputs"))


class PageErrors(list):
    """Uncaught exceptions thrown in the page (store or widget code)."""


@pytest.fixture
def page_factory(browser: Browser) -> Iterator[Callable[..., tuple[Page, PageErrors]]]:
    """New isolated pages (fresh context each) that record uncaught page errors."""
    contexts = []

    def make(
        width: int = 1280, height: int = 900, *, on: Browser | None = None, **ctx: Any
    ) -> tuple[Page, PageErrors]:
        context = (on or browser).new_context(viewport={"width": width, "height": height}, **ctx)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        errors = PageErrors()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page, errors

    yield make
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a screenshot artifact and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False, animations="disabled")
    return path
