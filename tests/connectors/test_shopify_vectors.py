"""Cross-checks of Facet's Shopify signing against the ShopifyAPI package and the polling scheduler on RQ."""

from __future__ import annotations

import shopify
from rq import Queue

from connectors.shopify.signing import canonical_query, sign_query


def test_canonical_query_matches_shopifyapi_for_plain_params():
    params = {"code": "abc123", "shop": "some-shop.myshopify.com", "state": "0.67", "timestamp": "1337178173"}
    shopify.Session.setup(api_key="k", secret="hush")
    assert sign_query(list(params.items()), "hush") == shopify.Session.calculate_hmac(params)
    assert canonical_query([("b", "2"), ("hmac", "x"), ("a", "1 2")]) == "a=1%202&b=2"


def test_cron_enqueues_schedule_polls_on_the_catalog_queue(redis_app):
    from plugin_api.jobs.sync_cli import build_cron

    redis = redis_app.extensions["facet.redis"]
    scheduler = build_cron(redis, interval=900)
    assert [job.func_name for job in scheduler.enqueue_jobs()] == ["plugin_api.jobs.sync.schedule_polls"]
    [job] = Queue("catalog", connection=redis).get_jobs()
    assert job.func_name == "plugin_api.jobs.sync.schedule_polls"
