"""Per-shopper rate limits on the widget's public endpoints (photo uploads, analytics beacons).

Why: those endpoints are authenticated only by the store's publishable key, which is public by design. The
per-store in-flight cap (`JobRunner.reserve_slot`) protects the workers, but one script hammering uploads
would fill that cap and turn away every other shopper of the store; forged beacons could flood the events
table and steer a holdout test. So each client address gets its own allowance per store.

The algorithm is GCRA (a leaky bucket kept as one timestamp per client): a client may send `burst` requests
at once, then one every `period / per_period` seconds. The state lives in Redis when there is one (shared by
every web process, on Redis' clock), else in this process. Only photos the store accepted count: one it
turned away because it was busy is given back (`refund`).

The client is `request.remote_addr`: behind a reverse proxy set `FACET_TRUSTED_PROXIES` to the number of
proxies in front of Facet, so that the address comes from `X-Forwarded-For` (never trusted otherwise: a
client could name any address). IPv6 clients are counted per /56, a household's usual delegation.
Addresses are stored only as keyed hashes, and only as long as their allowance is in use. This stops one
connection, not many: a botnet, or a provider's whole IPv6 /48, still gets many allowances.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, request
from redis import Redis
from redis.commands.core import Script
from redis.exceptions import RedisError
from werkzeug.middleware.proxy_fix import ProxyFix

from plugin_api.config import ConfigError
from plugin_api.errors import ApiError

log = logging.getLogger(__name__)

# `now`: the caller's time (tests) when it passes one, else Redis' own.
_NOW_LUA = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
"""
# Atomically: the client's theoretical arrival time (TAT) moves on by cost × interval if that keeps it within
# the burst allowance; returns the wait in milliseconds (0 = admitted). The time is Redis' own unless the
# caller passes one (tests): every web server then reads the same clock, however far apart theirs are.
_GCRA_LUA = (
    _NOW_LUA
    + """
local interval = tonumber(ARGV[2])
local allowance = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + cost * interval
local wait = new_tat - now - allowance
if wait > 0 then return math.ceil(wait * 1000) end
redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil((new_tat - now) * 1000) + 1000)
return 0
"""
)
# Give back what an admitted request was charged (the store could not take it after all).
_REFUND_LUA = (
    _NOW_LUA
    + """
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local new_tat = tat - tonumber(ARGV[2])
if new_tat <= now then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil((new_tat - now) * 1000) + 1000)
end
return 0
"""
)
# The limiter's own Redis connection: a beacon must never wait long on it (the job queue's allows 10 s).
REDIS_TIMEOUT_SECONDS = 0.25
# After Redis fails, requests go unlimited this long before it is tried again, instead of each one waiting.
REDIS_RETRY_SECONDS = 30.0

IPV6_PREFIX = 56
# In-process store: forget clients whose allowance is full again once this many are tracked.
_LOCAL_PRUNE_AT = 10_000


@dataclass(frozen=True)
class Limit:
    """`per_period` requests per `period` seconds, `burst` of them at once; `per_period` 0 = no limit."""

    name: str
    per_period: int
    period: float
    burst: int

    @property
    def enabled(self) -> bool:
        return self.per_period > 0

    @property
    def interval(self) -> float:
        """Seconds one request costs."""
        return self.period / self.per_period

    @property
    def allowance(self) -> float:
        """How far ahead of now a client's TAT may run, the request being counted included."""
        return self.burst * self.interval


# Each limit: its rate setting and period, its burst setting, and the smallest burst that can admit a request
# (a beacon batch counts each of its up to `MAX_EVENTS_PER_REQUEST` events).
_SETTINGS = {
    "uploads": ("FACET_CLIENT_UPLOADS_PER_HOUR", 3600.0, "FACET_CLIENT_UPLOAD_BURST"),
    "events": ("FACET_CLIENT_EVENTS_PER_MINUTE", 60.0, "FACET_CLIENT_EVENT_BURST"),
    "conversions": ("FACET_CLIENT_CONVERSIONS_PER_HOUR", 3600.0, "FACET_CLIENT_CONVERSION_BURST"),
}


def configured_limits(config: dict) -> dict[str, Limit]:
    """The limits this deployment runs with; `ConfigError` when a burst could never admit a request the
    widget sends."""
    from plugin_api.api.widget_events import MAX_EVENTS_PER_REQUEST

    smallest = {"uploads": 1, "events": MAX_EVENTS_PER_REQUEST, "conversions": 1}
    limits = {}
    for name, (rate_key, period, burst_key) in _SETTINGS.items():
        limit = Limit(name, int(config[rate_key]), period, int(config[burst_key]))
        if limit.enabled and limit.burst < smallest[name]:
            raise ConfigError(f"{burst_key} must be at least {smallest[name]}, not {limit.burst}")
        limits[name] = limit
    return limits


def client_block(address: str | None) -> str:
    """The unit a client is counted by: its IPv4 address, or its IPv6 /56 (a household's or small office's
    usual delegation, so one connection's many /64s do not each get an allowance)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False))
    return str(ip)


class RateLimiter:
    """Admit or refuse one client's requests under a `Limit`, in Redis or in this process.

    `clock`: None (production) reads Redis' time, or this process' for the in-process store; tests pass one
    they move, used by both stores.
    """

    def __init__(
        self,
        limits: dict[str, Limit],
        secret: str,
        redis: Redis | None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.limits = limits
        self.clock = clock
        self._secret = secret.encode()
        self._redis = redis
        self._charge = redis.register_script(_GCRA_LUA) if redis is not None else None
        self._refund = redis.register_script(_REFUND_LUA) if redis is not None else None
        self._redis_down_until = 0.0
        self._local: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, name: str, store_id: int, client: str, cost: int = 1) -> float:
        """0 when the request is admitted (and counted), else how long the client must wait."""
        limit = self.limits[name]
        if not limit.enabled or cost <= 0:
            return 0.0
        key = self._key(name, store_id, client)
        if self._charge is not None:
            waited_ms = self._in_redis(self._charge, key, [limit.interval, limit.allowance, cost])
            return 0.0 if waited_ms is None else int(waited_ms) / 1000
        now = self._now()
        with self._lock:
            tat = max(self._local.get(key, now), now)
            new_tat = tat + cost * limit.interval
            wait = new_tat - now - limit.allowance
            if wait > 0:
                return wait
            self._local[key] = new_tat
            if len(self._local) > _LOCAL_PRUNE_AT:
                self._local = {k: t for k, t in self._local.items() if t > now}
            return 0.0

    def refund(self, name: str, store_id: int, client: str, cost: int = 1) -> None:
        """Give back `cost` requests of an admitted charge (the request was not taken after all)."""
        limit = self.limits[name]
        if not limit.enabled or cost <= 0:
            return
        key = self._key(name, store_id, client)
        if self._refund is not None:
            self._in_redis(self._refund, key, [cost * limit.interval])
            return
        now = self._now()
        with self._lock:
            tat = self._local.get(key, now) - cost * limit.interval
            if tat <= now:
                self._local.pop(key, None)
            else:
                self._local[key] = tat

    def _in_redis(self, script: Script, key: str, args: list[float]) -> int | None:
        """Run a script with the caller's clock (or Redis' own); None when Redis is failing."""
        if time.monotonic() < self._redis_down_until:
            return None
        try:
            return script(keys=[key], args=[self.clock() if self.clock else "", *args])
        except RedisError:
            # Refusing every shopper because Redis blinked would be worse than a moment without limits.
            self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
            log.warning(
                "rate limits not checked for %.0f s: Redis unavailable", REDIS_RETRY_SECONDS, exc_info=True
            )
            return None

    def _now(self) -> float:
        return self.clock() if self.clock else time.time()

    def _key(self, name: str, store_id: int, client: str) -> str:
        digest = hmac.new(self._secret, f"{store_id}|{client}".encode(), hashlib.sha256).hexdigest()[:32]
        return f"facet:rate:{name}:{digest}"


def init_app(app: Flask) -> None:
    """Bind `app.extensions["facet.rate_limiter"]`, with its own short-timeout connection to `REDIS_URL` (or
    none: in-process), and trust `FACET_TRUSTED_PROXIES` reverse proxies for the client's address and
    scheme."""
    url = app.config.get("REDIS_URL")
    redis = (
        Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        if url
        else None
    )
    app.extensions["facet.rate_limiter"] = RateLimiter(
        configured_limits(app.config), app.config["FACET_SECRET_KEY"], redis
    )
    proxies = int(app.config["FACET_TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def current_client() -> str:
    """The requesting client's counting unit (`client_block` of its address)."""
    return client_block(request.remote_addr)


def enforce(name: str, store_id: int, *, cost: int = 1) -> None:
    """Count this request against the client's `name` allowance at `store_id`; over it, 429 `rate_limited`
    with `Retry-After` (whole seconds, rounded up) and the same in `details.retry_after`."""
    limiter: RateLimiter = current_app.extensions["facet.rate_limiter"]
    wait = limiter.wait_seconds(name, store_id, current_client(), cost)
    if wait <= 0:
        return
    retry_after = max(1, math.ceil(wait))
    minutes = max(1, math.ceil(retry_after / 60))
    raise ApiError(
        429,
        "rate_limited",
        _MESSAGES[name].format(minutes=minutes),
        details={"retry_after": retry_after, "wait_minutes": minutes, "limit": name},
        headers={"Retry-After": str(retry_after)},
    )


def refund(name: str, store_id: int, *, cost: int = 1) -> None:
    """Give back what `enforce` charged this request: the store turned it away for its own reasons (busy,
    unavailable), which must not use up the shopper's allowance."""
    limiter: RateLimiter = current_app.extensions["facet.rate_limiter"]
    limiter.refund(name, store_id, current_client(), cost)


_TOO_MANY_PHOTOS = "You have sent many photos in a short time; please wait about {minutes} min and try again."
_MESSAGES = {
    "uploads": _TOO_MANY_PHOTOS,
    "events": "Too many analytics events from this address; please slow down.",
    "conversions": _TOO_MANY_PHOTOS,
}
