"""A fake image CDN on 127.0.0.1 (ETag/304, a slow path, an oversized path) and product helpers."""

from __future__ import annotations

import hashlib
import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest
from PIL import Image


def png(image: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(image).save(out, "PNG")
    return out.getvalue()


class FakeCDN:
    """Serves `files[path]` with strong ETags; records every request (path, If-None-Match)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.redirects: dict[str, str] = {}  # path -> Location
        self.requests: list[tuple[str, str | None]] = []
        cdn = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                cdn.requests.append((self.path, self.headers.get("If-None-Match")))
                if self.path.startswith("/slow"):
                    time.sleep(2.0)
                if self.path in cdn.redirects:
                    self.send_response(302)
                    self.send_header("Location", cdn.redirects[self.path])
                    self.end_headers()
                    return
                if self.path.startswith("/trickle"):
                    # Each read arrives within any read timeout; the whole never ends in good time.
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.end_headers()
                    try:
                        for _ in range(60):
                            self.wfile.write(b"\0" * 1024)
                            self.wfile.flush()
                            time.sleep(0.2)
                    except (ConnectionResetError, BrokenPipeError):
                        pass
                    return
                if self.path.startswith("/huge"):
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.end_headers()
                    try:
                        for _ in range(64):
                            self.wfile.write(b"\0" * 65536)
                    except (ConnectionResetError, BrokenPipeError):
                        pass  # the client stopped reading at its size limit, as it should
                    return
                body = cdn.files.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                etag = '"' + hashlib.md5(body).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def cdn() -> Iterator[FakeCDN]:
    server = FakeCDN()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
