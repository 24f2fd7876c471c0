"""The merchant dashboard's numbers: one `DashboardSummary` per merchant and period, for the page and the API.

Sources, every query filtered by the merchant (`tenancy.scoped`): the widget's anonymous `Event` beacons
(`plugin_api.api.widget_events`), the `Analysis` rows (status, error code, and the facts the job kept of
each result: the shown Monk tone and undertone, face shape, closest shade's ΔE00, see `analysis_facts` and
`shade_coverage`), their `ShownRecommendation` rows and the `Product` rows for titles. Only aggregates
leave this module: no photo, no per-shopper row. Analyses are purged after FACET_ANALYSIS_RETENTION_DAYS,
so their figures cover at most that many days while events cover the whole period.
Breakdowns by skin tone, undertone and face shape are shown from `min_readings` readings on, and in them
each row of fewer than `min_readings` (0 too) says only that (`fewer_than`), never its count or share; where
that would leave one row to be worked out from the total, the next-smallest is withheld too
(`shade_coverage.withheld_cells`; shade coverage lists no tone the breakdown withholds). With one shopper
of a tone in a week, the merchant could tie a skin tone to a customer in their own order list, and skin
tone can stand in for ethnicity.
The holdout test's conversion lift (`lift`, `plugin_api.services.lift`) covers the current experiment since it
started, whatever the period. What shoppers bought after adding it with Facet's button (`sales`) comes from
the store's order webhooks (`plugin_api.services.dashboard_sales`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func

from inference.ranking.candidates import UNDERTONES
from inference.ranking.rules import FACE_SHAPES
from plugin_api.config import LONGEST_DASHBOARD_PERIOD_DAYS
from plugin_api.errors import ApiError
from plugin_api.extensions import db
from plugin_api.models import Analysis, AnalysisStatus, Event, Merchant, Product, ShownRecommendation, utcnow
from plugin_api.numbers import whole_number
from plugin_api.services.dashboard_funnel import CART, CLICK, Funnel, counts_of, funnel
from plugin_api.services.dashboard_sales import Sales, sales
from plugin_api.services.installs import catalog_status_text, product_understanding_lines
from plugin_api.services.lift import Lift, lift_summary
from plugin_api.services.shade_coverage import (
    MONK_BAND_TONES,
    MONK_TONES,
    ShadeCoverage,
    rate,
    shade_coverage,
    withheld_cells,
)
from plugin_api.services.widget_settings import SETTINGS_KEY as WIDGET_SETTINGS
from plugin_api.services.widget_settings import widget_settings
from plugin_api.tenancy import scoped

PERIODS = (7, 30, LONGEST_DASHBOARD_PERIOD_DAYS)
DEFAULT_PERIOD = 30
TOP_PRODUCTS = 10


def known_period(raw: str | None) -> int | None:
    """The period `raw` names (7, 30 or 90, in ASCII digits), else None."""
    period = whole_number(raw, max_digits=3)
    return period if period in PERIODS else None


def parse_period(raw: str | None) -> int:
    """The `?days=` period; 422 `invalid_period` for anything but 7, 30 or 90."""
    if raw is None or raw == "":
        return DEFAULT_PERIOD
    period = known_period(raw)
    if period is None:
        allowed = ", ".join(map(str, PERIODS[:-1])) + f" or {PERIODS[-1]}"
        raise ApiError(
            422,
            "invalid_period",
            f"The period must be {allowed} days.",
            details={"allowed": list(PERIODS), "given": raw[:20]},
        )
    return period


@dataclass(frozen=True)
class Period:
    days: int
    since: datetime
    until: datetime
    analysis_retention_days: int

    @property
    def analyses_cover_days(self) -> int:
        """How many of the period's days analysis figures can cover (older analyses are purged)."""
        return min(self.days, self.analysis_retention_days)


@dataclass(frozen=True)
class CategoryRow:
    category: str
    shown: int
    clicks: int
    add_to_carts: int
    click_through_rate: float | None


@dataclass(frozen=True)
class ProductRow:
    product_id: str
    title: str
    removed: bool
    clicks: int
    add_to_carts: int


@dataclass(frozen=True)
class Share:
    """One row of a shoppers' breakdown. Withheld (see the module docstring): `count` and `share` None, and
    `fewer_than` is `min_readings` when the row has fewer readings, None when it is withheld only so that
    such a row cannot be worked out from the total."""

    label: str
    count: int | None
    share: float | None  # also None when there is nothing to divide by
    fewer_than: int | None = None


@dataclass(frozen=True)
class Shoppers:
    skin_readings: int  # analyses whose skin reading was trusted and shown
    monk: list[Share]  # tones "1" to "10", all of them; empty below `min_readings`
    undertones: list[Share]  # every undertone, those shown first; empty below `min_readings`
    face_shape_readings: int
    face_shapes: list[Share]  # every face shape, those shown first; empty below `min_readings` face shapes
    min_readings: int  # the fewest readings a breakdown is shown from, and a row's count


@dataclass(frozen=True)
class CatalogInfo:
    status: str
    understanding: list[str]
    last_sync_at: str | None
    # The failed sync's machine-readable code (`store_moved`, `auth_error`, ...; `jobs.sync`), for merchant
    # tooling to act on; None unless the last sync failed. `status` says the same in words.
    sync_error_code: str | None


@dataclass(frozen=True)
class SettingsInfo:
    publishable_key: str
    allowed_origins: list[str]
    plan: str
    upload_retention_days: int
    analysis_retention_days: int
    widget: dict[str, Any]  # as the storefront widget reads them (`services.widget_settings`)


@dataclass(frozen=True)
class DashboardSummary:
    store_name: str
    shop_domain: str
    period: Period
    funnel: Funnel
    sales: Sales
    categories: list[CategoryRow]
    top_products: list[ProductRow]
    shoppers: Shoppers
    shade_coverage: ShadeCoverage
    catalog: CatalogInfo
    settings: SettingsInfo
    lift: Lift

    def to_json(self) -> dict[str, Any]:
        """The summary as JSON-ready data (timestamps in ISO 8601)."""
        data = asdict(self)
        data["period"].update(
            since=self.period.since.isoformat(),
            until=self.period.until.isoformat(),
            analyses_cover_days=self.period.analyses_cover_days,
        )
        data["funnel"]["empty"] = self.funnel.empty
        return data


@dataclass
class _Readings:
    """What the period's finished analyses say."""

    monk: Counter[int] = field(default_factory=Counter)
    undertones: Counter[str] = field(default_factory=Counter)
    face_shapes: Counter[str] = field(default_factory=Counter)
    shown_by_category: Counter[str] = field(default_factory=Counter)
    category_of: dict[str, str] = field(default_factory=dict)
    title_of: dict[str, str] = field(default_factory=dict)
    closest: list[tuple[int, float]] = field(default_factory=list)  # (Monk tone, closest shade ΔE00)


# Breakdowns of fewer readings than this are withheld (see the module docstring).
MIN_READINGS_SHOWN = 5


def dashboard_summary(
    merchant: Merchant,
    days: int,
    *,
    analysis_retention_days: int,
    min_readings: int = MIN_READINGS_SHOWN,
    now: datetime | None = None,
) -> DashboardSummary:
    """Everything the merchant dashboard shows for the last `days` days."""
    until = now or utcnow()
    period = Period(days, until - timedelta(days=days), until, analysis_retention_days)
    readings = _read_analyses(merchant, period.since)
    activity = _product_activity(merchant, period.since)
    products = _products(merchant, set(activity))
    for pid, (category, title) in _recommended_names(merchant, period.since, set(activity)).items():
        readings.category_of[pid], readings.title_of[pid] = category, title
    for pid, product in products.items():
        readings.category_of.setdefault(pid, (product.features or {}).get("category") or "other")
    shoppers = _shoppers(readings, min_readings)
    withheld_tones = {int(row.label) for row in shoppers.monk if row.count is None}
    return DashboardSummary(
        store_name=merchant.name or merchant.shop_domain,
        shop_domain=merchant.shop_domain,
        period=period,
        funnel=funnel(merchant, period.since),
        sales=sales(merchant, period.since),
        categories=_categories(readings, activity),
        top_products=_top_products(readings, activity, products),
        shoppers=shoppers,
        shade_coverage=shade_coverage(readings.closest, min_readings, withheld_tones),
        catalog=CatalogInfo(
            status=catalog_status_text(merchant),
            understanding=product_understanding_lines(merchant),
            last_sync_at=(merchant.sync_state or {}).get("last_sync_at"),
            sync_error_code=_sync_error_code(merchant),
        ),
        settings=SettingsInfo(
            publishable_key=merchant.publishable_key,
            allowed_origins=list(merchant.allowed_origins or []),
            plan=merchant.plan,
            upload_retention_days=merchant.keep_uploads_days,
            analysis_retention_days=analysis_retention_days,
            widget=widget_settings((merchant.settings or {}).get(WIDGET_SETTINGS)),
        ),
        lift=lift_summary(merchant),
    )


def _sync_error_code(merchant: Merchant) -> str | None:
    """The code of the error the last sync stopped with; None unless it failed (a run in progress or a
    reinstall waiting for its import may still carry an older run's error)."""
    state = merchant.sync_state or {}
    if state.get("status") != "failed":
        return None
    return (state.get("last_error") or {}).get("code")


def _read_analyses(merchant: Merchant, since: datetime) -> _Readings:
    """The period's finished analyses, counted from the facts the job kept (`analysis_facts`)."""
    readings = _Readings()
    done = scoped(Analysis, merchant=merchant).where(
        Analysis.queued_at >= since, Analysis.status == AnalysisStatus.DONE.value
    )
    shown = done.where(Analysis.shown_monk.is_not(None))
    readings.monk.update(
        counts_of(shown.with_only_columns(Analysis.shown_monk, func.count()).group_by(Analysis.shown_monk))
    )
    readings.undertones.update(
        counts_of(
            shown.where(Analysis.shown_undertone.is_not(None))
            .with_only_columns(Analysis.shown_undertone, func.count())
            .group_by(Analysis.shown_undertone)
        )
    )
    readings.face_shapes.update(
        counts_of(
            done.where(Analysis.face_shape.is_not(None))
            .with_only_columns(Analysis.face_shape, func.count())
            .group_by(Analysis.face_shape)
        )
    )
    readings.closest.extend(
        (monk, delta)
        for monk, delta in db.session.execute(
            shown.where(Analysis.closest_shade_delta_e.is_not(None)).with_only_columns(
                Analysis.shown_monk, Analysis.closest_shade_delta_e
            )
        )
    )
    recommended = scoped(ShownRecommendation, merchant=merchant).where(ShownRecommendation.queued_at >= since)
    readings.shown_by_category.update(
        counts_of(
            recommended.with_only_columns(ShownRecommendation.category, func.count()).group_by(
                ShownRecommendation.category
            )
        )
    )
    return readings


def _recommended_names(merchant: Merchant, since: datetime, ids: set[str]) -> dict[str, tuple[str, str]]:
    """(category, title) of each of `ids` as the period's recommendations named it (for products the catalog
    no longer has, and to file clicks under a category)."""
    if not ids:
        return {}
    rows = db.session.execute(
        scoped(ShownRecommendation, merchant=merchant)
        .with_only_columns(
            ShownRecommendation.product_id,
            func.min(ShownRecommendation.category),
            func.max(ShownRecommendation.title),
        )
        .where(ShownRecommendation.queued_at >= since, ShownRecommendation.product_id.in_(sorted(ids)))
        .group_by(ShownRecommendation.product_id)
    )
    return {pid: (category, title) for pid, category, title in rows}


def _product_activity(merchant: Merchant, since: datetime) -> dict[str, Counter[str]]:
    """Clicks and add-to-carts per product id."""
    rows = db.session.execute(
        scoped(Event, merchant=merchant)
        .with_only_columns(Event.product_id, Event.type, func.count())
        .where(Event.occurred_at >= since, Event.type.in_((CLICK, CART)), Event.product_id.is_not(None))
        .group_by(Event.product_id, Event.type)
    )
    activity: dict[str, Counter[str]] = defaultdict(Counter)
    for pid, kind, count in rows:
        activity[pid][kind] += count
    return activity


def _products(merchant: Merchant, ids: set[str]) -> dict[str, Product]:
    if not ids:
        return {}
    query = scoped(Product, merchant=merchant).where(Product.platform_product_id.in_(sorted(ids)))
    return {p.platform_product_id: p for p in db.session.scalars(query)}


def _categories(readings: _Readings, activity: dict[str, Counter[str]]) -> list[CategoryRow]:
    clicks: Counter[str] = Counter()
    carts: Counter[str] = Counter()
    for pid, counts in activity.items():
        category = readings.category_of.get(pid, "other")
        clicks[category] += counts[CLICK]
        carts[category] += counts[CART]
    names = set(readings.shown_by_category) | set(clicks) | set(carts)
    rows = [
        CategoryRow(
            c,
            readings.shown_by_category[c],
            clicks[c],
            carts[c],
            rate(clicks[c], readings.shown_by_category[c]),
        )
        for c in names
    ]
    return sorted(rows, key=lambda r: (-r.shown, -r.clicks, r.category))


def _top_products(
    readings: _Readings, activity: dict[str, Counter[str]], products: dict[str, Product]
) -> list[ProductRow]:
    ranked = sorted(activity.items(), key=lambda item: (-item[1][CART], -item[1][CLICK], item[0]))
    rows = []
    for pid, counts in ranked[:TOP_PRODUCTS]:
        product = products.get(pid)
        title = (product.title if product else readings.title_of.get(pid)) or pid
        removed = product is None or product.deleted
        rows.append(ProductRow(pid, title, removed, counts[CLICK], counts[CART]))
    return rows


def _shares(
    counts: Counter[Any],
    labels: tuple[Any, ...],
    min_readings: int,
    *,
    ranked: bool,
    groups: tuple[tuple[Any, ...], ...] = (),
) -> list[Share]:
    """A row for each of `labels` and any other label counted, withholding what `withheld_cells` says.
    `ranked`: the rows shown by count, largest first, then the withheld ones in `labels`' order (an order
    by count would tell those apart)."""
    keys = [*labels, *sorted(set(counts) - set(labels), key=str)]
    total = sum(counts.values())
    withheld = withheld_cells({k: counts[k] for k in keys}, min_readings, groups=groups)
    if ranked:
        order = {k: i for i, k in enumerate(keys)}
        keys.sort(key=lambda k: (k in withheld, 0 if k in withheld else -counts[k], order[k]))
    return [
        Share(str(k), None, None, min_readings if counts[k] < min_readings else None)
        if k in withheld
        else Share(str(k), counts[k], rate(counts[k], total))
        for k in keys
    ]


def _shoppers(readings: _Readings, min_readings: int) -> Shoppers:
    skin, shapes = sum(readings.monk.values()), sum(readings.face_shapes.values())
    monk = _shares(readings.monk, MONK_TONES, min_readings, ranked=False, groups=MONK_BAND_TONES)
    return Shoppers(
        skin_readings=skin,
        monk=monk if skin >= min_readings else [],
        undertones=_shares(readings.undertones, UNDERTONES, min_readings, ranked=True)
        if skin >= min_readings
        else [],
        face_shape_readings=shapes,
        face_shapes=_shares(readings.face_shapes, FACE_SHAPES, min_readings, ranked=True)
        if shapes >= min_readings
        else [],
        min_readings=min_readings,
    )
