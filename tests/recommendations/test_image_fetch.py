"""Product images are fetched from the store's CDN only: no private addresses, bounded redirects and time."""

from __future__ import annotations

import time

import numpy as np
import pytest
from sqlalchemy import select

from plugin_api.demo.catalog import draw_top
from plugin_api.extensions import db
from plugin_api.jobs.features import compute_product_features
from plugin_api.jobs.image_fetch import FetchOptions, ImageFetchError, check_public, fetch_image_bytes
from plugin_api.models import Product
from plugin_api.storage import current_storage
from tests.recommendations.conftest import png

REFUSED = "image URL refused: it points at a private network address, not a CDN"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/x.png",
        "http://localhost/x.png",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://10.1.2.3/x.png",
        "http://192.168.0.10/x.png",
        "http://[::1]/x.png",
    ],
)
def test_urls_into_a_private_network_are_refused(url: str) -> None:
    with pytest.raises(ImageFetchError) as refused:
        check_public(url)
    assert refused.value.reason == REFUSED


def test_a_store_written_url_to_facets_own_network_is_never_requested(app_factory, merchant_factory, cdn):
    app = app_factory(FACET_IMAGE_ALLOW_PRIVATE="0")  # as in production
    merchant = merchant_factory(app)
    with app.app_context():
        cdn.files["/top.png"] = png(draw_top(np.array([31, 42, 74])))
        db.session.add(
            Product(
                merchant_id=merchant.id,
                platform_product_id="p",
                title="Tee",
                image_urls=[cdn.url("/top.png")],
            )
        )
        db.session.commit()
        assert compute_product_features(merchant.id)["failed"] == 1
        product = db.session.scalars(select(Product)).one()
        assert product.features_error == REFUSED
    assert cdn.requests == []


def test_redirects_are_followed_a_few_times_only(app, cdn) -> None:
    body = png(draw_top(np.array([200, 30, 40])))
    cdn.files["/new.png"] = body
    cdn.redirects["/old.png"] = "/new.png"
    for hop in range(5):
        cdn.redirects[f"/loop{hop}.png"] = f"/loop{hop + 1}.png"
    options = FetchOptions(allow_private=True)
    with app.app_context():
        storage = current_storage()
        assert fetch_image_bytes(cdn.url("/old.png"), storage=storage, public_id="m", options=options) == body
        with pytest.raises(ImageFetchError) as looped:
            fetch_image_bytes(cdn.url("/loop0.png"), storage=storage, public_id="m", options=options)
    assert looped.value.reason == "image download failed: more than 3 redirects"


def test_a_download_that_trickles_is_cut_at_its_total_time(app, cdn) -> None:
    options = FetchOptions(timeout=(1.0, 1.0), total_seconds=1.0, allow_private=True)
    started = time.monotonic()
    with app.app_context(), pytest.raises(ImageFetchError) as slow:
        fetch_image_bytes(cdn.url("/trickle.png"), storage=current_storage(), public_id="m", options=options)
    assert slow.value.reason == "image download timed out"
    assert time.monotonic() - started < 5  # the server would go on for 12 s


def test_a_host_that_does_not_answer_is_named_in_the_reason(app) -> None:
    # The merchant's catalog status quotes this reason: it names the host, not an exception class.
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = FetchOptions(timeout=(2.0, 2.0), allow_private=True)
    with app.app_context(), pytest.raises(ImageFetchError) as refused:
        fetch_image_bytes(
            f"http://127.0.0.1:{port}/x.png", storage=current_storage(), public_id="m", options=options
        )
    assert refused.value.reason == "image download failed: could not connect to 127.0.0.1"
