"""`/readyz` answers within a probe's time even when a dependency hangs (a server that accepts connections
and never answers: a frozen Redis, a PostgreSQL behind a dropped route). Load balancers give a probe a second
or two; one that hangs holds a web thread each time and marks the instance unknown instead of not ready."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.helpers import assert_error

PROBE_BUDGET_SECONDS = 4.0


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port on 127.0.0.1 that accepts connections and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.parametrize("hanging", ["redis", "database"])
def test_readyz_answers_503_quickly_when_a_dependency_hangs(app_factory, silent_port, hanging):
    if hanging == "redis":
        app = app_factory(REDIS_URL=f"redis://127.0.0.1:{silent_port}/0")
    else:
        app = app_factory(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://nobody@127.0.0.1:{silent_port}/none")
    client = app.test_client()
    result: dict[str, object] = {}

    def probe() -> None:
        started = time.monotonic()
        result["response"] = client.get("/readyz")
        result["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "/readyz hung for 30 s"
    assert result["seconds"] < PROBE_BUDGET_SECONDS, result["seconds"]
    error = assert_error(result["response"], 503, "not_ready")
    assert error["details"]["checks"][hanging].startswith("error")


def test_readyz_is_ok_with_a_live_redis_and_database(app_factory, redis_url):
    ready = app_factory(REDIS_URL=redis_url).test_client().get("/readyz")
    assert ready.status_code == 200
    assert ready.json["checks"] == {"database": "ok", "redis": "ok"}
