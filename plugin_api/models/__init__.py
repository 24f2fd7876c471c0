"""Facet's data model. Import models from here: `from plugin_api.models import Merchant, Product, ...`."""

from __future__ import annotations

from plugin_api.models.analysis import Analysis, AnalysisStatus, ShownRecommendation
from plugin_api.models.base import Base, TenantMixin, TimestampMixin, random_token, utcnow
from plugin_api.models.event import Event, WebhookReceipt
from plugin_api.models.experiment_session import ExperimentSession
from plugin_api.models.installs import PendingInstall
from plugin_api.models.merchant import Merchant, MerchantStatus, Plan, Platform, new_publishable_key
from plugin_api.models.product import FeaturesStatus, Product
from plugin_api.models.sign_in_link import UsedSignInLink

__all__ = [
    "Analysis",
    "AnalysisStatus",
    "Base",
    "Event",
    "ExperimentSession",
    "FeaturesStatus",
    "Merchant",
    "MerchantStatus",
    "PendingInstall",
    "Plan",
    "Platform",
    "Product",
    "ShownRecommendation",
    "TenantMixin",
    "TimestampMixin",
    "UsedSignInLink",
    "WebhookReceipt",
    "new_publishable_key",
    "random_token",
    "utcnow",
]
