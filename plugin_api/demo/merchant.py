"""The demo merchant that `make demo` serves (publishable key `pk_demo`)."""

from __future__ import annotations

from sqlalchemy import select

from plugin_api.extensions import db
from plugin_api.models import Merchant, MerchantStatus, Plan, Platform, utcnow

DEMO_KEY = "pk_demo"
DEMO_ORIGIN = "http://127.0.0.1:8000"
DEFAULT_DEMO_ORIGINS = (DEMO_ORIGIN, "http://localhost:8000")
DEMO_DOMAIN = "demo"


def seed_demo_merchant(origins: list[str] | None = None) -> Merchant:
    """Create or refresh the demo merchant (idempotent; origins are added to what it already allows)."""
    origins = origins or list(DEFAULT_DEMO_ORIGINS)
    merchant = db.session.scalars(
        select(Merchant).where(Merchant.platform == Platform.DEMO.value, Merchant.shop_domain == DEMO_DOMAIN)
    ).one_or_none()
    if merchant is None:
        merchant = Merchant(platform=Platform.DEMO.value, shop_domain=DEMO_DOMAIN, public_id="demo")
        db.session.add(merchant)
    merchant.name = "Facet Demo Store"
    merchant.publishable_key = DEMO_KEY
    merchant.status = MerchantStatus.INSTALLED.value
    merchant.plan = Plan.STANDARD.value
    merchant.allowed_origins = sorted(set(merchant.allowed_origins or []) | set(origins))
    merchant.installed_at = merchant.installed_at or utcnow()
    merchant.uninstalled_at = None
    db.session.commit()
    return merchant
