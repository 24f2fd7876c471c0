"""Products without any photo are never recommended; the merchant's dashboard names them, so they add one."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select

from inference.tryon.generator import generate_eyewear_photo, named_specs
from plugin_api.extensions import db
from plugin_api.jobs.features import compute_product_features
from plugin_api.models import Merchant, Product, utcnow
from plugin_api.services.installs import product_understanding_lines
from plugin_api.services.recommendations import candidate_set
from tests.dashboard.helpers import SUMMARY, signed_in
from tests.recommendations.conftest import png

NO_PHOTO = ["Plain Tote", "Linen Scarf", "Wool Beanie", "Silk Tie"]
SAID = (
    "4 products have no photo: Facet does not recommend them until they have one "
    "(Plain Tote; Linen Scarf; Wool Beanie)."
)


def _product(merchant_id: int, pid: str, title: str, image_urls: list[str], **fields) -> Product:
    return Product(
        merchant_id=merchant_id,
        platform_product_id=pid,
        title=title,
        product_type="Accessories",
        image_urls=image_urls,
        in_stock=True,
        **fields,
    )


def test_products_without_a_photo_are_named_to_the_merchant(app, merchant_factory, cdn) -> None:
    merchant, other = merchant_factory(), merchant_factory()
    cdn.files["/frame.png"] = png(np.asarray(generate_eyewear_photo(named_specs()["round"])[0]))
    with app.app_context():
        db.session.add(_product(merchant.id, "frame", "Round Gold Glasses", [cdn.url("/frame.png")]))
        for n, title in enumerate(NO_PHOTO):
            db.session.add(_product(merchant.id, f"bare-{n}", title, []))
        # Neither a removed product nor another store's is this store's to fix.
        db.session.add(_product(merchant.id, "gone", "Removed Scarf", [], deleted=True, deleted_at=utcnow()))
        db.session.add(_product(other.id, "theirs", "Their Bare Bag", []))
        db.session.commit()
        assert compute_product_features(merchant.id)["failed"] == 0
        compute_product_features(other.id)
        row = db.session.get(Merchant, merchant.id)
        assert row.catalog_status["no_photo"] == {"products": 4, "examples": NO_PHOTO[:3]}
        said = product_understanding_lines(row)
        assert said[:2] == ["5 products understood.", SAID]
        # What the line says is what the recommendations do: only the photographed frame is a candidate.
        assert [c.product_id for c in candidate_set(row).candidates] == ["frame"]

    summary = signed_in(app, merchant).get(SUMMARY).json
    assert SAID in summary["catalog"]["understanding"]
    assert "Their Bare Bag" not in str(summary) and "Removed Scarf" not in str(summary)

    with app.app_context():
        for product in db.session.scalars(select(Product).where(Product.platform_product_id.like("bare-%"))):
            if product.title != "Silk Tie":
                product.image_urls = [cdn.url("/frame.png")]
        db.session.commit()
        compute_product_features(merchant.id)
        row = db.session.get(Merchant, merchant.id)
        assert product_understanding_lines(row)[1] == (
            "1 product has no photo: Facet does not recommend it until it has one (Silk Tie)."
        )
        tie = db.session.scalars(select(Product).where(Product.title == "Silk Tie")).one()
        tie.image_urls = [cdn.url("/frame.png")]
        db.session.commit()
        compute_product_features(merchant.id)
        row = db.session.get(Merchant, merchant.id)
        assert not any("no photo" in line for line in product_understanding_lines(row))
        assert len(candidate_set(row).candidates) == 5
