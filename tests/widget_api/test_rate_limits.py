"""Per-shopper rate limits on uploads and beacons: one address cannot starve a store's other shoppers."""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from redis import Redis
from sqlalchemy import func, select

from plugin_api.config import ConfigError, load_config
from plugin_api.extensions import db
from plugin_api.models import Analysis, Event
from plugin_api.rate_limits import Limit, RateLimiter, client_block
from tests.helpers import ANALYSES_URL, assert_error, upload

SID = "a1b2c3d4e5f6a7b8c9d0e1f2"
SHOP_A, SHOP_B = 1, 2


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["in-process", "redis"])
def limiter_for(request):
    """Build a RateLimiter on either store with a clock the test moves."""
    redis = None
    if request.param == "redis":
        redis = Redis.from_url(request.getfixturevalue("redis_url"))

    def make(limit: Limit) -> tuple[RateLimiter, FakeClock]:
        clock = FakeClock()
        return RateLimiter({limit.name: limit}, "secret", redis, clock=clock), clock

    yield make
    if redis is not None:
        redis.close()


def test_a_burst_then_one_per_interval(limiter_for):
    limiter, clock = limiter_for(Limit("uploads", per_period=60, period=3600, burst=3))
    assert [limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") for _ in range(3)] == [0, 0, 0]
    assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == pytest.approx(60, abs=0.01)
    clock.now += 30
    assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == pytest.approx(30, abs=0.01)
    clock.now += 30
    assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == 0
    assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == pytest.approx(60, abs=0.01)
    clock.now += 3 * 60
    assert [limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") for _ in range(3)] == [0, 0, 0]


def test_refused_requests_do_not_push_the_wait_further(limiter_for):
    limiter, clock = limiter_for(Limit("uploads", per_period=60, period=3600, burst=1))
    assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == 0
    for _ in range(5):
        assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == pytest.approx(60, abs=0.01)
    clock.now += 60
    assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == 0


def test_each_address_and_each_store_has_its_own_allowance(limiter_for):
    limiter, _ = limiter_for(Limit("uploads", per_period=60, period=3600, burst=1))
    assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == 0
    assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") > 0
    assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.6") == 0
    assert limiter.wait_seconds("uploads", SHOP_B, "203.0.113.5") == 0


def test_a_batch_costs_one_per_event(limiter_for):
    limiter, _ = limiter_for(Limit("events", per_period=60, period=60, burst=20))
    assert limiter.wait_seconds("events", SHOP_A, "203.0.113.5", cost=15) == 0
    assert limiter.wait_seconds("events", SHOP_A, "203.0.113.5", cost=6) == pytest.approx(1, abs=0.01)
    assert limiter.wait_seconds("events", SHOP_A, "203.0.113.5", cost=5) == 0


def test_a_rate_of_zero_is_no_limit(limiter_for):
    limiter, _ = limiter_for(Limit("uploads", per_period=0, period=3600, burst=1))
    assert all(limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == 0 for _ in range(50))


def test_redis_keeps_no_address_and_forgets_a_refilled_allowance(redis_url):
    redis = Redis.from_url(redis_url)
    limiter = RateLimiter({"uploads": Limit("uploads", 3600, 3600, 5)}, "secret", redis)
    limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5")
    [key] = redis.keys("facet:rate:*")
    assert b"203.0.113" not in key
    # One request's worth (1 s) plus a second's margin: the key goes once the allowance is full again.
    assert 0 < redis.pttl(key) <= 2000


def test_on_redis_time_every_server_shares_one_clock(redis_url):
    """Without a clock of its own the limiter reads Redis' time, whatever the web server's says."""
    limiter = RateLimiter({"uploads": Limit("uploads", 60, 3600, 1)}, "secret", Redis.from_url(redis_url))
    assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == 0
    assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == pytest.approx(60, abs=1)


def test_a_refund_gives_back_one_photo(limiter_for):
    limiter, clock = limiter_for(Limit("uploads", per_period=60, period=3600, burst=2))
    assert [limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") for _ in range(2)] == [0, 0]
    limiter.refund("uploads", SHOP_A, "203.0.113.5")
    assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == 0
    assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == pytest.approx(60, abs=0.01)
    clock.now += 3600  # a refund on a full allowance does not bank extra photos
    limiter.refund("uploads", SHOP_A, "203.0.113.5")
    assert [limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") for _ in range(3)][2] > 0


class SilentServer:
    """A TCP server that accepts connections and never answers: a Redis that hangs."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.accepted.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        for conn in self.accepted:
            conn.close()
        self.sock.close()


def test_a_hung_redis_is_given_up_on_quickly_and_left_alone_for_a_while(caplog):
    hung = SilentServer()
    try:
        redis = Redis.from_url(
            f"redis://127.0.0.1:{hung.port}/0", socket_timeout=0.1, socket_connect_timeout=0.1
        )
        limiter = RateLimiter({"uploads": Limit("uploads", 60, 3600, 1)}, "secret", redis)
        with caplog.at_level(logging.WARNING, logger="plugin_api.rate_limits"):
            assert limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") == 0  # admitted: fails open
            tried = len(hung.accepted)
            assert tried >= 1
            assert [limiter.wait_seconds("uploads", SHOP_A, "203.0.113.5") for _ in range(5)] == [0] * 5
        assert len(hung.accepted) == tried  # not asked again while it is down
        assert "rate limits not checked for 30 s: Redis unavailable" in caplog.text
    finally:
        hung.close()


def test_the_app_gives_the_limiter_a_connection_that_never_waits_long(app_factory, redis_url):
    pool = app_factory(REDIS_URL=redis_url).extensions["facet.rate_limiter"]._redis.connection_pool
    assert (
        pool.connection_kwargs["socket_timeout"] == pool.connection_kwargs["socket_connect_timeout"] == 0.25
    )


@pytest.mark.parametrize(
    ("address", "block"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1::/56"),
        ("2001:db8:1:ff:bbbb::9", "2001:db8:1::/56"),  # another /64 of the same household
        ("2001:db8:1:100::1", "2001:db8:1:100::/56"),
        ("::ffff:203.0.113.5", "203.0.113.5"),
        (None, "unknown"),
    ],
)
def test_ipv6_clients_are_counted_per_56(address, block):
    assert client_block(address) == block


def test_production_defaults_limit_and_tests_opt_in():
    secrets = {"FACET_SECRET_KEY": "k", "FACET_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    prod = load_config({"FACET_ENV": "production", **secrets}, instance_path="/tmp/x")
    assert (prod["FACET_CLIENT_UPLOADS_PER_HOUR"], prod["FACET_CLIENT_UPLOAD_BURST"]) == (30, 10)
    assert (prod["FACET_CLIENT_EVENTS_PER_MINUTE"], prod["FACET_CLIENT_EVENT_BURST"]) == (120, 240)
    assert (prod["FACET_CLIENT_CONVERSIONS_PER_HOUR"], prod["FACET_CLIENT_CONVERSION_BURST"]) == (30, 10)
    assert prod["FACET_TRUSTED_PROXIES"] == 0
    test = load_config({"FACET_ENV": "test"}, instance_path="/tmp/x")
    assert test["FACET_CLIENT_UPLOADS_PER_HOUR"] == test["FACET_CLIENT_EVENTS_PER_MINUTE"] == 0
    assert test["FACET_CLIENT_CONVERSIONS_PER_HOUR"] == 0
    chosen = load_config({"FACET_ENV": "test", "FACET_CLIENT_UPLOADS_PER_HOUR": "4"}, instance_path="/tmp/x")
    assert chosen["FACET_CLIENT_UPLOADS_PER_HOUR"] == 4


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("FACET_CLIENT_UPLOAD_BURST", 0, "FACET_CLIENT_UPLOAD_BURST must be at least 1, not 0"),
        ("FACET_CLIENT_EVENT_BURST", 19, "FACET_CLIENT_EVENT_BURST must be at least 20, not 19"),
    ],
)
def test_a_burst_that_could_never_admit_a_request_stops_start_up(app_factory, setting, value, message):
    limits = {"FACET_CLIENT_UPLOADS_PER_HOUR": 30, "FACET_CLIENT_EVENTS_PER_MINUTE": 120}
    with pytest.raises(ConfigError, match=message):
        app_factory(**limits, **{setting: value})


# --- through the API ---------------------------------------------------------------------------------------


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def limited_app(app_factory, redis_url):
    """Jobs on RQ (uploads are admitted without running a model); two uploads at once, then one a minute."""
    return app_factory(REDIS_URL=redis_url, FACET_CLIENT_UPLOADS_PER_HOUR=60, FACET_CLIENT_UPLOAD_BURST=2)


def test_the_third_quick_upload_is_refused_and_leaves_nothing_behind(
    limited_app, merchant_factory, widget_headers, make_jpeg
):
    merchant = merchant_factory(limited_app)
    client = limited_app.test_client()
    shopper = {"REMOTE_ADDR": "198.51.100.7"}
    photo = make_jpeg(width=320, height=240)
    client.environ_base.update(shopper)
    assert [upload(client, widget_headers(merchant), photo).status_code for _ in range(2)] == [202, 202]

    refused = upload(client, widget_headers(merchant), photo)
    error = assert_error(refused, 429, "rate_limited")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert error["details"] == {
        "retry_after": int(refused.headers["Retry-After"]),
        "wait_minutes": 1,
        "limit": "uploads",
    }
    assert "wait about 1 min" in error["message"]
    assert refused.headers["Access-Control-Expose-Headers"].count("Retry-After") == 1
    assert _count(limited_app, Analysis) == 2

    # The limit is checked before the form is read: its message follows the query's language.
    french = client.post(
        f"{ANALYSES_URL}?lang=fr",
        data={"image": (io.BytesIO(photo), "selfie.jpg")},
        headers=widget_headers(merchant),
        content_type="multipart/form-data",
    )
    assert "patientez environ 1 min" in assert_error(french, 429, "rate_limited")["message"]


def test_another_shopper_and_another_store_are_not_held_up(
    limited_app, merchant_factory, widget_headers, make_jpeg
):
    store, other_store = merchant_factory(limited_app), merchant_factory(limited_app)
    photo = make_jpeg(width=320, height=240)
    busy = limited_app.test_client()
    busy.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for _ in range(2):
        upload(busy, widget_headers(store), photo)
    assert_error(upload(busy, widget_headers(store), photo), 429, "rate_limited")

    neighbour = limited_app.test_client()
    neighbour.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    assert upload(neighbour, widget_headers(store), photo).status_code == 202
    assert upload(busy, widget_headers(other_store), photo).status_code == 202


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(
    app_factory, redis_url, merchant_factory, widget_headers, make_jpeg
):
    photo = make_jpeg(width=320, height=240)

    def uploads_from(app, forwarded: list[str]) -> list[int]:
        merchant = merchant_factory(app)
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "10.0.0.2"  # the proxy
        return [
            upload(client, {**widget_headers(merchant), "X-Forwarded-For": ip}, photo).status_code
            for ip in forwarded
        ]

    limits = {"FACET_CLIENT_UPLOADS_PER_HOUR": 60, "FACET_CLIENT_UPLOAD_BURST": 1}
    direct = app_factory(REDIS_URL=redis_url, **limits)
    # Without a trusted proxy a client cannot dodge its limit by naming another address.
    assert uploads_from(direct, ["198.51.100.1", "198.51.100.2"]) == [202, 429]
    proxied = app_factory(REDIS_URL=redis_url, FACET_TRUSTED_PROXIES=1, **limits)
    assert uploads_from(proxied, ["198.51.100.1", "198.51.100.2", "198.51.100.1"]) == [202, 202, 429]


def _beacon(client, merchant, events: list[dict]):
    return client.post(
        f"/api/v1/widget/events?key={merchant.publishable_key}",
        data=json.dumps({"events": events}),
        content_type="text/plain;charset=UTF-8",
        headers={"Origin": merchant.allowed_origins[0]},
    )


def test_beacons_past_the_allowance_are_refused_whole(app_factory, merchant_factory):
    app = app_factory(FACET_CLIENT_EVENTS_PER_MINUTE=60, FACET_CLIENT_EVENT_BURST=20)
    merchant = merchant_factory(app)
    client = app.test_client()
    opened = {"type": "opened", "session_id": SID}
    assert _beacon(client, merchant, [opened] * 20).status_code == 202
    refused = _beacon(client, merchant, [opened] * 2)
    error = assert_error(refused, 429, "rate_limited")
    assert error["details"]["limit"] == "events"
    assert int(refused.headers["Retry-After"]) in (1, 2)  # 2 s less the moments the test took
    assert _count(app, Event) == 20


def test_a_photo_converted_for_the_browser_counts_once(app_factory, merchant_factory, widget_headers):
    """An iPhone photo on Chrome is converted (HEIC → JPEG), then uploaded: one photo, one upload counted.
    Conversions have their own allowance, so a script cannot use them to decode without limit either."""
    app = app_factory(
        FACET_CLIENT_UPLOADS_PER_HOUR=60,
        FACET_CLIENT_UPLOAD_BURST=1,
        FACET_CLIENT_CONVERSIONS_PER_HOUR=60,
        FACET_CLIENT_CONVERSION_BURST=1,
    )
    merchant = merchant_factory(app)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    heic = (Path(__file__).resolve().parents[1] / "assets" / "astronaut-256.heic").read_bytes()

    def convert():
        return client.post(
            "/api/v1/widget/photo-conversions",
            data={"image": (io.BytesIO(heic), "IMG_0001.HEIC")},
            headers=widget_headers(merchant),
            content_type="multipart/form-data",
        )

    converted = convert()
    assert converted.status_code == 200
    assert upload(client, widget_headers(merchant), converted.data).status_code in (200, 202)
    refused = assert_error(convert(), 429, "rate_limited")
    assert refused["details"]["limit"] == "conversions" and "wait about 1 min" in refused["message"]
    french = client.post(
        "/api/v1/widget/photo-conversions?lang=fr",
        data={"image": (io.BytesIO(heic), "IMG_0001.HEIC")},
        headers=widget_headers(merchant),
        content_type="multipart/form-data",
    )
    assert "patientez environ 1 min" in assert_error(french, 429, "rate_limited")["message"]


def test_a_photo_the_busy_store_turned_away_does_not_use_up_the_allowance(
    app_factory, redis_url, merchant_factory, widget_headers, make_jpeg
):
    """No worker runs here, so the store's one in-flight slot stays taken: every retry is turned away for
    the store's sake (429 too_many_analyses) before its body is read (a file that is no photo gets the same
    answer), and none of them costs the shopper a photo."""
    app = app_factory(
        REDIS_URL=redis_url,
        FACET_MAX_INFLIGHT_PER_MERCHANT=1,
        FACET_CLIENT_UPLOADS_PER_HOUR=60,
        FACET_CLIENT_UPLOAD_BURST=3,
    )
    merchant = merchant_factory(app)
    client = app.test_client()
    photo = make_jpeg(width=320, height=240)
    answers = [upload(client, widget_headers(merchant), data) for data in [photo] * 3 + [b"not a photo"] * 3]
    assert [r.status_code for r in answers] == [202] + [429] * 5
    assert {r.get_json()["error"]["code"] for r in answers[1:]} == {"too_many_analyses"}
    # Once the store has room, a file the shopper got wrong does count: junk cannot be sent for free.
    app.extensions["facet.redis"].delete(f"facet:inflight:{merchant.id}")
    junk = [upload(client, widget_headers(merchant), b"not a photo") for _ in range(3)]
    assert [r.status_code for r in junk[:2]] == [415, 415]
    assert_error(junk[2], 429, "rate_limited")
    assert app.extensions["facet.jobs"].in_flight(merchant.id) == 0  # refused photos hold no slot


def test_a_body_too_large_to_read_frees_the_slot_it_was_given(app_factory, merchant_factory, widget_headers):
    app = app_factory(MAX_CONTENT_LENGTH=1024)
    merchant = merchant_factory(app)
    answer = upload(app.test_client(), widget_headers(merchant), b"x" * 4096)
    assert answer.status_code == 413
    assert app.extensions["facet.jobs"].in_flight(merchant.id) == 0
