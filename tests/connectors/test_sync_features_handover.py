"""After a sync, new/changed products are handed to the catalog features job (`after_sync`)."""

from __future__ import annotations

from sqlalchemy import select

from plugin_api.extensions import db
from plugin_api.models import Product
from tests.connectors import e2e
from tests.fakes.woocommerce import FakeWooCommerce


def test_sync_enqueues_features_for_new_and_changed_products(app_factory):
    fake = FakeWooCommerce(products=12).start()
    try:
        app = app_factory(**e2e.app_config(FACET_SYNC_FEATURES="1", FACET_IMAGE_FETCH_TIMEOUT="2"))
        browser = e2e.Browser(app)
        start = browser.post("/woocommerce/connect", data={"store_url": fake.url})
        delivery, _ = fake.approve(start.headers["Location"])
        assert browser.deliver(delivery).status_code == 200
        with app.app_context():
            rows = db.session.scalars(select(Product)).all()
            # The fake store serves no image files, so the features job ran and recorded why it failed.
            assert len(rows) == 12 and all(r.features_status != "pending" for r in rows)
            db.session.execute(Product.__table__.update().values(features_status="pending"))
            db.session.commit()
        fake.update_product(1005, title="Changed")
        [update] = fake.deliveries("product.updated", fake.rest_product(1005))
        assert browser.deliver(update).status_code == 200
        with app.app_context():
            pending = {
                r.platform_product_id
                for r in db.session.scalars(select(Product))
                if r.features_status == "pending"
            }
            assert "1005" not in pending and len(pending) == 11  # only the changed product was re-processed
    finally:
        fake.stop()
