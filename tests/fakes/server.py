"""A tiny threaded HTTP server base for the fake platforms, with programmable faults.

Built on `http.server` rather than a WSGI app so a fault can really drop the TCP connection mid-request,
exactly what a flaky store host does.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    """What a fake route sees."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    url: str  # absolute URL as the client addressed it

    @property
    def args(self) -> dict[str, str]:
        """Query params (last occurrence wins, like PHP's $_GET)."""
        return dict(parse_qsl(self.query, keep_blank_values=True))

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        hdrs = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        return cls(status, json.dumps(data, separators=(",", ":")).encode(), hdrs)


@dataclass
class Fault:
    """Misbehave on matching requests: `kind` is `429`, `500`, `drop`, or a platform-specific name."""

    kind: str
    path_re: str
    after: int = 0  # let this many matching requests through first
    times: int = 1
    retry_after: float = 1.0
    action: Callable[[Request], None] | None = None  # kind `call`: run this, then answer normally
    seen: int = 0
    fired: int = 0


class DropConnection(Exception):
    """Raised by a route (or a fault) to close the socket without answering."""


Route = Callable[[Request, re.Match[str]], Response]


class FakeServer:
    """Runs on 127.0.0.1:<free port> in a daemon thread; subclasses add routes with `self.route(...)`.

    `tls=True` serves HTTPS with the throwaway certificate of `tests.fakes.tls` (clients trust it through
    `REQUESTS_CA_BUNDLE`).
    """

    def __init__(self, *, tls: bool = False) -> None:
        self.tls = tls
        self.routes: list[tuple[str, re.Pattern[str], Route]] = []
        self.faults: list[Fault] = []
        self.lock = threading.RLock()
        self.request_count = 0
        self.request_log: list[tuple[str, str]] = []
        self._httpd: ThreadingHTTPServer | None = None

    # -- lifecycle --------------------------------------------------------------------------------------
    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in separate writes

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                host = self.headers.get("Host") or f"127.0.0.1:{fake.port}"
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parts.query,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    url=f"{fake.scheme}://{host}{parts.path}",
                )
                try:
                    response = fake.dispatch(request)
                except DropConnection:
                    self.close_connection = True
                    return
                self.send_response(response.status)
                for key, value in response.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                self.wfile.write(response.body)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        if self.tls:
            from tests.fakes.tls import server_context

            self._httpd.socket = server_context().wrap_socket(self._httpd.socket, server_side=True)
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return self._httpd.server_address[1]

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    # -- routing and faults -----------------------------------------------------------------------------
    def route(self, method: str, pattern: str, fn: Route) -> None:
        self.routes.append((method, re.compile(pattern + "$"), fn))

    def inject(
        self,
        kind: str,
        path_re: str = ".*",
        *,
        after: int = 0,
        times: int = 1,
        retry_after: float = 1.0,
        action: Callable[[Request], None] | None = None,
    ) -> Fault:
        """Arm a fault for the next matching requests."""
        fault = Fault(kind, path_re, after=after, times=times, retry_after=retry_after, action=action)
        with self.lock:
            self.faults.append(fault)
        return fault

    def _fault_for(self, request: Request) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.fired >= fault.times or not re.search(fault.path_re, request.path):
                    continue
                fault.seen += 1
                if fault.seen > fault.after:
                    fault.fired += 1
                    return fault
        return None

    def fault_response(self, fault: Fault, request: Request) -> Response | None:
        """Generic faults; platforms override for their own (e.g. GraphQL THROTTLED)."""
        if fault.kind == "drop":
            raise DropConnection()
        if fault.kind == "call" and fault.action is not None:
            fault.action(request)
            return None
        if fault.kind == "429":
            return Response.json(
                {"errors": "Too many requests"}, 429, {"Retry-After": f"{fault.retry_after:g}"}
            )
        if fault.kind == "500":
            return Response.json({"errors": "Internal error"}, 500)
        if fault.kind == "403":  # a firewall (Cloudflare, Wordfence) or a suspended host, not the platform
            return Response(
                403, b"<html><body><h1>Access denied</h1></body></html>", {"Content-Type": "text/html"}
            )
        if fault.kind == "404":  # a web server in front refusing the path (e.g. an encoded `/` under Apache)
            return Response(
                404, b"<html><body><h1>Not Found</h1></body></html>", {"Content-Type": "text/html"}
            )
        return None

    def dispatch(self, request: Request) -> Response:
        with self.lock:
            self.request_count += 1
            self.request_log.append((request.method, request.path))
        fault = self._fault_for(request)
        if fault is not None:
            answer = self.fault_response(fault, request)
            if answer is not None:
                return answer
        for method, pattern, fn in self.routes:
            match = pattern.match(request.path)
            if match and method == request.method:
                return fn(request, match)
        return Response.json({"errors": "Not Found"}, 404)
