"""Cross-checks of Facet's Shopify signing against the ShopifyAPI package and the polling scheduler on RQ."""

from __future__ import annotations

import pytest
import shopify
from rq import Queue
from shopify.utils.shop_url import sanitize_shop_domain as sdk_sanitize

from connectors.shopify.signing import canonical_query, sanitize_shop_domain, sign_query
from tests.connectors.test_shopify import SDK_BAD, SDK_GOOD

# Beyond the SDK's vectors: case, whitespace, control characters the URL parser drops, look-alikes, ports.
TRICKY = [
    " Facet-Test.MyShopify.com ",
    "HTTPS://a1.myshopify.com",
    "fa\ncet",
    "a\tb.myshopify.com",
    "a\u212a.myshopify.com",
    "x.myshopify.com:443",
    "x.myshopify.com/admin",
    "user@x.myshopify.com",
    "ahttp://b.myshopify.com",
    "-x.myshopify.com",
    "x-.myshopify.com",
    "a.myshopify.com\n",
    "",
]


def test_canonical_query_matches_shopifyapi_for_plain_params():
    params = {"code": "abc123", "shop": "some-shop.myshopify.com", "state": "0.67", "timestamp": "1337178173"}
    shopify.Session.setup(api_key="k", secret="hush")
    assert sign_query(list(params.items()), "hush") == shopify.Session.calculate_hmac(params)
    assert canonical_query([("b", "2"), ("hmac", "x"), ("a", "1 2")]) == "a=1%202&b=2"


@pytest.mark.parametrize("shop", [*SDK_GOOD, *SDK_BAD, *TRICKY, None])
def test_inlined_sanitizer_matches_shopifyapi(shop):
    assert sanitize_shop_domain(shop) == sdk_sanitize(shop)


def test_inlined_sanitizer_raises_where_shopifyapi_does():
    with pytest.raises(ValueError):
        sdk_sanitize("a\uff03b.myshopify.com")
    with pytest.raises(ValueError):
        sanitize_shop_domain("a\uff03b.myshopify.com")


def test_cron_enqueues_schedule_polls_on_the_catalog_queue(redis_app):
    from plugin_api.jobs.sync_cli import build_cron

    redis = redis_app.extensions["facet.redis"]
    scheduler = build_cron(redis, interval=900)
    assert [job.func_name for job in scheduler.enqueue_jobs()] == ["plugin_api.jobs.sync.schedule_polls"]
    [job] = Queue("catalog", connection=redis).get_jobs()
    assert job.func_name == "plugin_api.jobs.sync.schedule_polls"
