"""Outbound HTTP shared by every connector: timeouts always, retries on 429/5xx/dropped connections.

Platform SDKs that make their own `requests` calls (the `woocommerce` package) are wrapped with
`HttpClient.send(fn)`, so the same retry policy and request accounting apply to them too.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from connectors.errors import AuthError, ConnectorError, NotFound, ProtocolError, RateLimited

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class RetryPolicy:
    """How hard to try. `max_wait` caps any single sleep so a hostile Retry-After cannot park a worker."""

    attempts: int = 5
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_wait: float = 60.0
    timeout: tuple[float, float] = (5.0, 30.0)  # (connect, read) seconds


def parse_retry_after(value: str | None, default: float) -> float:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return default


@dataclass
class HttpClient:
    """A `requests.Session` with Facet's retry policy and a count of every attempt made."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)
    requests_made: int = 0
    waited_seconds: float = 0.0

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send one request (with retries); raise from the connector error tree on failure."""
        kwargs.setdefault("timeout", self.policy.timeout)
        return self.send(lambda: self.session.request(method, url, **kwargs))

    def send(self, fn: Callable[[], requests.Response]) -> requests.Response:
        """Call `fn` until it gives a non-retryable answer, honouring Retry-After between attempts."""
        last_error: str = ""
        for attempt in range(1, self.policy.attempts + 1):
            self.requests_made += 1
            try:
                response = fn()
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_error = f"connection failed: {exc.__class__.__name__}"
                if attempt == self.policy.attempts:
                    raise ProtocolError(last_error) from exc
                self._wait(self._backoff(attempt), last_error)
                continue
            if response.status_code in RETRY_STATUSES:
                delay = parse_retry_after(response.headers.get("Retry-After"), self._backoff(attempt))
                last_error = f"HTTP {response.status_code}"
                if attempt == self.policy.attempts:
                    break
                self._wait(delay, last_error)
                continue
            raise_for_status(response)
            return response
        if last_error == "HTTP 429":
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self.policy.backoff)
            raise RateLimited("still throttled after retries", retry_after=retry_after)
        raise ProtocolError(f"giving up after {self.policy.attempts} attempts ({last_error})")

    def wait(self, seconds: float, reason: str) -> None:
        """Sleep for a platform-requested pause (e.g. GraphQL cost throttle), capped by the policy."""
        self._wait(seconds, reason)

    def _backoff(self, attempt: int) -> float:
        base = min(self.policy.max_backoff, self.policy.backoff * 2 ** (attempt - 1))
        return base * (0.5 + random.random() / 2)  # jitter: spread retries of concurrent workers

    def _wait(self, seconds: float, reason: str) -> None:
        seconds = min(seconds, self.policy.max_wait)
        log.info("waiting %.2fs before retry (%s)", seconds, reason)
        self.waited_seconds += seconds
        self.sleep(seconds)


def raise_for_status(response: requests.Response) -> None:
    """Map a final 4xx/5xx answer onto the connector error tree."""
    status = response.status_code
    if status < 400:
        return
    detail = response.text[:200]
    if status in (401, 403):
        raise AuthError(f"HTTP {status}: {detail}", status=status)
    if status in (404, 410):
        raise NotFound(f"HTTP {status}: {detail}", status=status)
    if status == 429:
        raise RateLimited("HTTP 429", retry_after=parse_retry_after(response.headers.get("Retry-After"), 1.0))
    if status >= 500:
        raise ProtocolError(f"HTTP {status}: {detail}", status=status)
    raise ConnectorError(f"HTTP {status}: {detail}", status=status)


def json_body(response: requests.Response) -> Any:
    """Decode a JSON answer or raise ProtocolError (a proxy's HTML error page is not a catalog)."""
    try:
        return response.json()
    except ValueError as exc:
        raise ProtocolError(f"expected JSON, got {response.headers.get('Content-Type')!r}") from exc
