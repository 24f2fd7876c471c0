"""Redis down while shoppers upload: a clear 503 `unavailable` with `Retry-After`, never a 500, and no row or
file left behind. Polling needs no Redis at all."""

from __future__ import annotations

from plugin_api.extensions import db
from plugin_api.models import Analysis
from tests.helpers import ANALYSES_URL, assert_error, upload

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_an_upload_while_redis_is_down_is_a_503_with_retry_after_and_leaves_nothing(
    app_factory, merchant_factory, widget_headers, make_jpeg, storage_dir
):
    app = app_factory(REDIS_URL=DOWN)
    merchant = merchant_factory(app)
    response = upload(app.test_client(), widget_headers(merchant), make_jpeg())
    error = assert_error(response, 503, "unavailable")
    assert response.headers["Retry-After"] == str(app.config["FACET_RETRY_AFTER_SECONDS"])
    assert error["details"] == {"retry_after": app.config["FACET_RETRY_AFTER_SECONDS"]}
    with app.app_context():
        assert db.session.query(Analysis).count() == 0
        assert app.extensions["facet.storage"].list() == []


def test_polling_and_deleting_an_analysis_work_while_redis_is_down(
    app_factory, merchant_factory, widget_headers
):
    app = app_factory(REDIS_URL=DOWN)
    merchant = merchant_factory(app)
    with app.app_context():
        queued = Analysis(merchant_id=merchant.id)
        db.session.add(queued)
        db.session.commit()
        url = f"{ANALYSES_URL}/{queued.id}"
    client = app.test_client()
    assert client.get(url, headers=widget_headers(merchant)).json["status"] == "queued"
    # Deleting an unfinished analysis frees its in-flight slot in Redis: that slot expires on its own.
    assert client.delete(url, headers=widget_headers(merchant)).status_code == 204
    assert client.get(url, headers=widget_headers(merchant)).status_code == 404
