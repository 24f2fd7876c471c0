"""Finding a store by its storefront Origin reads only the stores that list that origin.

`Origin` is whatever the caller writes: `%` and `_` in it are no SQL wildcards, and a partial origin matches
nothing, so one request cannot make Facet read every store's row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.helpers import assert_error

CONFIG_URL = "/api/v1/widget/config"
STORES = 6


@pytest.fixture
def merchant_rows_read() -> Iterator[Callable[[], list[int]]]:
    """The number of rows each query of the `merchants` table returned, for the ORM queries made meanwhile."""
    counts: list[int] = []

    def count(state):
        if not state.is_select or "merchants" not in str(state.statement):
            return None
        frozen = state.invoke_statement().freeze()
        counts.append(len(frozen().all()))
        return frozen()

    event.listen(Session, "do_orm_execute", count)
    yield lambda: counts
    event.remove(Session, "do_orm_execute", count)


@pytest.fixture
def stores(merchant_factory):
    return [merchant_factory(allowed_origins=[f"https://shop{i}.example"]) for i in range(STORES)]


@pytest.mark.parametrize(
    "origin", ["https://%", "https://shop_.example", "https://%.example", "https:/", "https://shop"]
)
def test_a_wildcard_or_partial_origin_reads_no_store(client, stores, merchant_rows_read, origin):
    response = client.get(CONFIG_URL, headers={"Origin": origin})
    assert_error(response, 401, "invalid_key")
    assert merchant_rows_read() and sum(merchant_rows_read()) == 0, merchant_rows_read()

    preflight = client.options(CONFIG_URL, headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
    assert_error(preflight, 403, "origin_not_allowed")
    assert sum(merchant_rows_read()) == 0, merchant_rows_read()


def test_a_storefront_origin_reads_its_own_store_only(client, stores, merchant_rows_read):
    # Written differently from the stored origin (case, trailing slash): still that store.
    response = client.get(CONFIG_URL, headers={"Origin": "https://SHOP3.example/"})
    assert response.status_code == 200, response.json
    assert response.json["merchant"]["name"] == stores[3].name
    assert merchant_rows_read()[0] == 1

    preflight = client.options(
        CONFIG_URL, headers={"Origin": "https://shop3.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 204
    assert merchant_rows_read()[-1] == 1


def test_a_stored_origin_with_a_trailing_slash_still_names_its_store(client, merchant_factory):
    merchant = merchant_factory(allowed_origins=["https://Slash.Example/"])
    response = client.get(CONFIG_URL, headers={"Origin": "https://slash.example"})
    assert response.status_code == 200, response.json
    assert response.json["merchant"]["name"] == merchant.name
