"""The `catalog` queue is shared by every store: a new store's first import is not kept waiting behind
another store's photo reading, and a big catalog's reading is cut into jobs other work can go between."""

from __future__ import annotations

import pytest
from rq import Queue

from connectors.base import InstallResult
from plugin_api.jobs.queueing import CATALOG_QUEUE
from plugin_api.jobs.sync import FEATURES_BATCH, FEATURES_JOB, after_sync
from plugin_api.services.installs import complete_install

pytestmark = pytest.mark.services


def test_a_big_catalogs_reading_is_enqueued_in_batches_and_a_new_store_goes_first(
    redis_app, merchant_factory
) -> None:
    busy = merchant_factory(redis_app)
    queue = Queue(CATALOG_QUEUE, connection=redis_app.extensions["facet.redis"])
    changed = list(range(1, 2 * FEATURES_BATCH + 51))
    with redis_app.app_context():
        after_sync(busy.id, [*changed, 7, 7])  # a product changed twice is read once
        batches = [job.args for job in queue.jobs]
        assert [job.func_name for job in queue.jobs] == [FEATURES_JOB] * 3
        assert [ids for _, ids in batches] == [
            changed[:FEATURES_BATCH],
            changed[FEATURES_BATCH:-50],
            changed[-50:],
        ]
        assert {merchant_id for merchant_id, _ in batches} == {busy.id}

        new = complete_install(
            "woocommerce", InstallResult(store="https://new-store.example", credentials={})
        )
    assert queue.job_ids[0] == f"install-{new.id}" and len(queue.job_ids) == 4
