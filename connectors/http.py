"""Outbound HTTP shared by every connector: timeouts always, retries on 429/5xx/dropped connections, and
only to public addresses (`connectors.address_guard`), without following redirects.

Platform SDKs that make their own `requests` calls (the `woocommerce` package) are wrapped with
`HttpClient.send(fn, url=...)`, so the same address check, retry policy and request accounting apply to
them too; they are asked not to follow redirects (`NO_REDIRECTS`).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests

from connectors.address_guard import check_public
from connectors.errors import AuthError, ConnectorError, NotFound, ProtocolError, RateLimited, Redirected

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Keyword arguments for a `requests` call: a redirect would lead to an address nobody checked.
NO_REDIRECTS = {"allow_redirects": False}


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
    # See `connectors.address_guard`; the connectors pass `ConnectorSettings.allow_private_hosts`.
    allow_private: bool = False

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send one request (with retries); raise from the connector error tree on failure."""
        kwargs.setdefault("timeout", self.policy.timeout)
        return self.send(lambda: self.session.request(method, url, **NO_REDIRECTS, **kwargs), url=url)

    def send(self, fn: Callable[[], requests.Response], *, url: str) -> requests.Response:
        """Call `fn` (a request to `url`, made without following redirects) until it gives a non-retryable
        answer, honouring Retry-After between attempts; `url` is checked before each attempt."""
        last_error: str = ""
        for attempt in range(1, self.policy.attempts + 1):
            check_public(url, allow_private=self.allow_private)
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
    """Map a final 3xx/4xx/5xx answer onto the connector error tree."""
    status = response.status_code
    if 300 <= status < 400:
        # Not followed (see the module docstring): the merchant can connect with the address it names. Only
        # its scheme and host are said: a store on query-string keys gets them back in the redirect's query.
        location = response.headers.get("Location")
        target = urlsplit(urljoin(response.url or "", str(location or "")))
        named = bool(location and target.scheme and target.netloc)
        where = f"{target.scheme}://{target.netloc}" if named else "another address"
        raise Redirected(
            f"HTTP {status}: the store redirects to {where}",
            status=status,
            requested=_without_query(response.url or ""),
            location=_without_query(target.geturl()) if named else None,
        )
    if status < 400:
        return
    detail = _platform_detail(response)
    if status in (401, 403):
        raise AuthError(f"HTTP {status}: {detail}", status=status)
    if status in (404, 410):
        raise NotFound(f"HTTP {status}: {detail}", status=status)
    if status == 429:
        raise RateLimited("HTTP 429", retry_after=parse_retry_after(response.headers.get("Retry-After"), 1.0))
    if status >= 500:
        raise ProtocolError(f"HTTP {status}: {detail}", status=status)
    raise ConnectorError(f"HTTP {status}: {detail}", status=status)


def _without_query(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(query="", fragment=""))


def moved_address(store: str, redirect: Redirected) -> str | None:
    """The store's new base address when `redirect` sends a request under `store` (its `https://…/` base) to
    the same path under another scheme or host (`http://shop.com/wp-json/x` → `https://www.shop.com/wp-json/x`
    gives `https://www.shop.com/`); None for any other redirect (a login page, a maintenance page)."""
    requested, target = redirect.requested, redirect.location
    if not target or not requested.startswith(store):
        return None
    rest = requested[len(store) :]
    if not target.endswith(rest):
        return None
    address = target[: len(target) - len(rest)]
    old, new = urlsplit(store), urlsplit(address)
    if new.scheme not in ("http", "https") or not new.hostname or new.path != old.path:
        return None
    same_origin = (new.scheme, new.netloc.lower()) == (old.scheme, old.netloc.lower())
    return None if same_origin else address


def _platform_detail(response: requests.Response) -> str:
    """The platform's own error words (`{"code", "message"}`, as WooCommerce, Magento and Shopify answer),
    for the merchant's catalog status. Any other body is not repeated: it could be anything's."""
    try:
        body = response.json()
    except ValueError:
        return "no error details"
    if not isinstance(body, dict):
        return "no error details"
    parts = [str(body[k])[:120] for k in ("code", "message") if isinstance(body.get(k), str | int)]
    return ": ".join(parts) or "no error details"


def json_body(response: requests.Response) -> Any:
    """Decode a JSON answer or raise ProtocolError (a proxy's HTML error page is not a catalog)."""
    try:
        return response.json()
    except ValueError as exc:
        raise ProtocolError(f"expected JSON, got {response.headers.get('Content-Type')!r}") from exc
