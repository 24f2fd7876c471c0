from __future__ import annotations

import pytest

from connectors import ConnectorSettings, InstallContext
from connectors.http import RetryPolicy
from tests.fakes.magento import FakeMagento
from tests.fakes.memory import MemoryPending
from tests.fakes.shopify import FakeShopify
from tests.fakes.woocommerce import FakeWooCommerce

FAST_RETRY = RetryPolicy(attempts=4, backoff=0.05, max_backoff=0.2, max_wait=2.0, timeout=(2.0, 5.0))


@pytest.fixture
def shopify_fake():
    # A Plus-sized bucket keeps the suite fast; the throttle paths are exercised by injected faults.
    fake = FakeShopify(products=2000, bucket_max=20000, restore_rate=20000).start()
    yield fake
    fake.stop()


@pytest.fixture
def woo_fake():
    fake = FakeWooCommerce(products=2000, variable_every=50).start()
    yield fake
    fake.stop()


@pytest.fixture
def magento_fake():
    fake = FakeMagento(products=2000).start()
    yield fake
    fake.stop()


@pytest.fixture
def pending():
    return MemoryPending()


@pytest.fixture
def ctx(pending):
    return InstallContext(public_url="https://facet.test", pending=pending)


@pytest.fixture
def settings(shopify_fake):
    return ConnectorSettings(
        public_url="https://facet.test",
        shopify_api_key=shopify_fake.api_key,
        shopify_api_secret=shopify_fake.api_secret,
        shopify_api_base_url=shopify_fake.url,
        retry=FAST_RETRY,
        allow_private_hosts=True,  # the fakes listen on 127.0.0.1
    )
