"""Fixtures for the merchant dashboard tests (helpers in `tests.dashboard.helpers`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from plugin_api.models import Merchant
from tests.dashboard.helpers import FakeEngine, Reading
from tests.helpers import upload
from tests.images import make_jpeg


@pytest.fixture
def app(app_factory: Callable[..., Flask], engine: FakeEngine) -> Flask:
    """The app with jobs in-process, analysing photos with the fake `engine` (readings the test queues)."""
    return app_factory(ANALYSIS_ENGINE=engine)


@pytest.fixture
def shoppers(engine: FakeEngine, widget_headers: Callable[..., dict[str, str]]):
    """`shoppers(client, merchant, readings)` uploads one photo per reading; returns the API's answers."""

    def run(client: FlaskClient, merchant: Merchant, readings: list[Reading]) -> list[dict[str, Any]]:
        engine.readings.extend(readings)
        answers = []
        for _ in readings:
            response = upload(client, widget_headers(merchant), make_jpeg())
            assert response.status_code == 200, response.json
            answers.append(response.json)
        assert not engine.readings
        return answers

    return run
