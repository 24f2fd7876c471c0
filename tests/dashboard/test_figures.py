"""The dashboard's figures equal what the widget sent and the analyses stored, for this store only."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from plugin_api.demo.catalog import demo_shades
from plugin_api.extensions import db
from plugin_api.models import Analysis, Event, Merchant, Product, utcnow
from plugin_api.services.dashboard_funnel import REFUSAL_MEANINGS
from tests.dashboard.helpers import (
    Reading,
    add_products,
    event,
    lipstick_features,
    send_events,
    shade_features,
    sign_in,
)
from tests.helpers import assert_error

SUMMARY = "/api/v1/admin/summary"
SHADES = {s["code"]: s for s in demo_shades() if s["code"] in ("40N", "50N", "60N")}
FOUNDATION = "shade-50n"  # clicked twice, added to cart once
LIP_CLICKED, LIP_CARTED, RETIRED = "lip-coral", "lip-berry", "lip-retired"


def _catalog(app, merchant: Merchant, title_prefix: str = "") -> None:
    products = {
        f"shade-{code.lower()}": (f"{title_prefix}Foundation {s['name']}", shade_features(s["lab"], code))
        for code, s in SHADES.items()
    }
    products |= {
        LIP_CLICKED: (f"{title_prefix}Coral Lipstick", lipstick_features("#f0745e")),
        LIP_CARTED: (f"{title_prefix}Berry Lipstick", lipstick_features("#8a2846")),
        RETIRED: (f"{title_prefix}Retired Lip Gloss", lipstick_features("#c8307c")),
    }
    add_products(app, merchant, products)


def _retire(app, merchant: Merchant, pid: str) -> None:
    with app.app_context():
        product = db.session.scalars(
            select(Product).where(Product.merchant_id == merchant.id, Product.platform_product_id == pid)
        ).one()
        product.deleted, product.deleted_at = True, utcnow()
        db.session.commit()


READINGS = [
    Reading(monk=5, undertone="warm", face_shape="oval"),
    Reading(monk=5, undertone="neutral", face_shape="round"),
    Reading(monk=6, undertone="warm", face_shape="oval"),
    Reading(monk=3, undertone="cool", face_shape="heart", reliable=False),  # shade withheld: not a tone
    Reading(failure="no_face"),
    Reading(failure="no_face"),
    Reading(failure="image_unreadable"),
]
EVENTS = [
    *(event("opened", s) for s in ("session-0001", "session-0001", "session-0002", "session-0003")),
    *(event("photo_submitted", "session-0001") for _ in range(7)),
    # Five results shown, four of them distinct (one was shown again when its shopper came back to it).
    *(event("analysis_shown", "session-0001", analysis_id=a) for a in ("r-1", "r-2", "r-3", "r-4", "r-1")),
    *(event("tryon_switched", "session-0002", analysis_id="r-2") for _ in range(2)),
    event("recommendation_clicked", "session-0001", FOUNDATION, "r-1", rank=1),
    event("recommendation_clicked", "session-0002", FOUNDATION, "r-2", rank=2),
    event("recommendation_clicked", "session-0002", LIP_CLICKED, "r-2", rank=4),
    event("add_to_cart_clicked", "session-0001", RETIRED, where="grid"),
    # Acting on a result shown before the period (or never reported shown) does not count as acting on one.
    event("add_to_cart_clicked", "session-0003", RETIRED, "r-earlier", where="grid"),
    event("add_to_cart_clicked", "session-0001", FOUNDATION, "r-1", where="match"),
    event("add_to_cart_clicked", "session-0002", LIP_CARTED, "r-2", where="grid"),
    event("widget_error", "session-0003", where="loader", message="boom"),
    *(event("photo_refused", "session-0002", code="rate_limited", status=429) for _ in range(2)),
    event("photo_refused", "session-0003", code="file_too_large", status=413),
    # Anyone with the public key can send a beacon: a made-up code is counted, never shown as a reason.
    event("photo_refused", "session-0003", code="Facet suspended, call +1 555 0100", status=400),
]


@pytest.fixture
def store_a(app, client, merchant_factory, shoppers):
    """Store A's catalog, shoppers and events, and store B busy next to it (same ids, other titles)."""
    a, b = merchant_factory(name="Store A"), merchant_factory(name="Store B")
    _catalog(app, a)
    _catalog(app, b, title_prefix="Secret B ")
    _retire(app, a, RETIRED)  # before the shoppers came: no analysis offers it
    answers = shoppers(client, a, READINGS)
    shoppers(
        client,
        b,
        [Reading(monk=9, face_shape="diamond", undertone="cool")] * 3 + [Reading(failure="timed_x")],
    )
    send_events(client, a, EVENTS)
    send_events(
        client,
        b,
        [event("opened", f"b-session-{i:04d}") for i in range(9)]
        + [event("add_to_cart_clicked", "b-session-0001", "b-only-product")] * 6
        + [event("recommendation_clicked", "b-session-0001", LIP_CLICKED)] * 5
        # Store B's shopper acted on a result of the same id as one of A's: never counted for A.
        + [event("analysis_shown", "b-session-0001", analysis_id="r-3")]
        + [event("tryon_switched", "b-session-0001", analysis_id="r-3")],
    )
    return a, answers


def test_funnel_equals_what_the_widget_sent(app, store_a):
    merchant, _ = store_a
    client = sign_in(app, merchant)
    funnel = client.get(SUMMARY).json["funnel"]
    assert {k: v for k, v in funnel.items() if k not in ("top_failures", "top_refusals")} == {
        "sessions_opened": 3,
        "photos_submitted": 7,
        "photos_refused": 4,
        "analyses_done": 4,
        "analyses_failed": 3,
        "results_shown": 5,
        "tryon_switches": 2,
        "recommendation_clicks": 3,
        "add_to_cart_clicks": 4,
        "widget_errors": 1,
        "distinct_results_shown": 4,
        "results_clicked": 2,
        "results_added_to_cart": 2,
        "results_acted_on": 2,
        "analysis_success_rate": round(4 / 7, 4),
        # Shares of the 4 distinct results: r-1 and r-2 had clicks and adds; an add on a result never
        # reported shown, or naming none, does not count.
        "click_through_rate": 0.5,
        "add_to_cart_rate": 0.5,
        "acted_on_rate": 0.5,
        "empty": False,
    }
    assert funnel["top_failures"] == [
        {"code": "no_face", "count": 2, "meaning": "no face was found in the photo"},
        {"code": "image_unreadable", "count": 1, "meaning": "the photo file could not be read"},
    ]
    # Photos turned away at upload never become analyses: only the widget's report counts them.
    assert funnel["top_refusals"] == [
        {"code": "rate_limited", "count": 2, "meaning": REFUSAL_MEANINGS["rate_limited"]},
        {"code": "file_too_large", "count": 1, "meaning": "the photo file was too large"},
        {"code": "other", "count": 1, "meaning": "another reason"},
    ]
    page = client.get("/admin").get_data(as_text=True)
    shown = dict(re.findall(r'data-funnel="(\w+)">([\d,]+)<', page))
    assert shown == {
        "sessions_opened": "3",
        "photos_submitted": "7",
        "photos_refused": "4",
        "analyses_done": "4",
        "analyses_failed": "3",
        "results_shown": "5",
        "tryon_switches": "2",
        "recommendation_clicks": "3",
        "add_to_cart_clicks": "4",
    }
    assert '<dd data-rate="analysis_success">57 %' in page and '<dd data-rate="click_through">50 %' in page
    assert '<dd data-rate="add_to_cart">50 % of results shown had Add to cart pressed' in page
    assert '<dd data-rate="acted_on">50 % of results shown led to a try-on, a click or an add-to-cart' in page
    assert "4 distinct results shown in the period" in page
    assert "<strong>2</strong> × <code>no_face</code>: no face was found in the photo" in page
    assert "<strong>2</strong> × <code>rate_limited</code>: one shopper address sent more photos" in page
    assert "555 0100" not in page


def test_funnel_rates_count_each_result_once_and_each_action_apart(app, client, merchant_factory):
    """Four results: one clicked and added twice, one only opened "View options" (the product page), one
    only tried on, one only clicked. Each rate counts results, never beacons, and only its own actions."""
    merchant = merchant_factory()
    send_events(
        client,
        merchant,
        [
            *(event("analysis_shown", analysis_id=r) for r in ("r-1", "r-2", "r-3", "r-4")),
            event("recommendation_clicked", product_id="p1", analysis_id="r-1"),
            *(event("add_to_cart_clicked", product_id="p1", analysis_id="r-1", action="add") for _ in (1, 2)),
            event("add_to_cart_clicked", product_id="p2", analysis_id="r-2", action="product_page"),
            event("tryon_switched", product_id="p3", analysis_id="r-3"),
            *(event("recommendation_clicked", product_id=p, analysis_id="r-4") for p in ("p1", "p4")),
        ],
    )
    funnel = sign_in(app, merchant).get(SUMMARY).json["funnel"]
    assert (funnel["distinct_results_shown"], funnel["add_to_cart_clicks"]) == (4, 3)
    results = ("results_clicked", "results_added_to_cart", "results_acted_on")
    assert [funnel[k] for k in results] == [2, 1, 4]
    rates = ("click_through_rate", "add_to_cart_rate", "acted_on_rate")
    assert [funnel[k] for k in rates] == [0.5, 0.25, 1.0]


def test_one_result_shown_is_said_in_the_singular(app, client, merchant_factory):
    merchant = merchant_factory()
    send_events(client, merchant, [event("analysis_shown", analysis_id="r-1")])
    page = sign_in(app, merchant).get("/admin").get_data(as_text=True)
    assert "however often its shopper clicked or added: 1 distinct result shown in the period." in page


def test_categories_and_top_products(app, store_a):
    merchant, answers = store_a
    recommended = [r for a in answers if a["result"] for r in a["result"]["recommendations"]]
    offered = Counter(r["category"] for r in recommended)
    assert offered["foundation"] and offered["lipstick"]  # the ranking offered both: the test means something
    assert RETIRED not in {r["product_id"] for r in recommended}
    client = sign_in(app, merchant)
    summary = client.get(SUMMARY).json
    by_category = {row["category"]: row for row in summary["categories"]}
    assert by_category == {
        "foundation": {
            "category": "foundation",
            "shown": offered["foundation"],
            "clicks": 2,
            "add_to_carts": 1,
            "click_through_rate": round(2 / offered["foundation"], 4),
        },
        "lipstick": {
            "category": "lipstick",
            "shown": offered["lipstick"],
            "clicks": 1,
            # The retired gloss is still a lipstick (its row says so) though no analysis offers it any more.
            "add_to_carts": 3,
            "click_through_rate": round(1 / offered["lipstick"], 4),
        },
    }
    assert summary["top_products"] == [
        {
            "product_id": RETIRED,
            "title": "Retired Lip Gloss",
            "removed": True,
            "clicks": 0,
            "add_to_carts": 2,
        },
        {
            "product_id": FOUNDATION,
            "title": "Foundation 50N Neutral Beige",
            "removed": False,
            "clicks": 2,
            "add_to_carts": 1,
        },
        {
            "product_id": LIP_CARTED,
            "title": "Berry Lipstick",
            "removed": False,
            "clicks": 0,
            "add_to_carts": 1,
        },
        {
            "product_id": LIP_CLICKED,
            "title": "Coral Lipstick",
            "removed": False,
            "clicks": 1,
            "add_to_carts": 0,
        },
    ]
    page = client.get("/admin").get_data(as_text=True)
    titles = re.findall(r'<tr data-product="[^"]+"><td>([^<]+)', page)
    assert titles == [
        "Retired Lip Gloss ",
        "Foundation 50N Neutral Beige",
        "Berry Lipstick",
        "Coral Lipstick",
    ]
    assert 'Retired Lip Gloss <span class="muted">(removed)</span>' in page
    assert '<tr data-category="lipstick"><td>Lipstick</td>' in page


def test_shoppers_are_counted_from_readings_that_were_shown(app, store_a):
    merchant, _ = store_a
    client = sign_in(app, merchant)
    shoppers = client.get(SUMMARY).json["shoppers"]
    assert shoppers["skin_readings"] == 3
    assert {row["label"]: row["count"] for row in shoppers["monk"]} == {
        **{str(tone): 0 for tone in range(1, 11)},
        "5": 2,
        "6": 1,
    }
    # Every undertone and face shape is listed (those read first, largest first), so that a row withheld
    # for having few readings cannot be told from one that had none.
    assert shoppers["undertones"] == [
        {"label": "warm", "count": 2, "share": round(2 / 3, 4), "fewer_than": None},
        {"label": "neutral", "count": 1, "share": round(1 / 3, 4), "fewer_than": None},
        {"label": "cool", "count": 0, "share": 0.0, "fewer_than": None},
    ]
    # The face shape was shown whether or not the light let the skin be read.
    assert shoppers["face_shape_readings"] == 4
    assert [(r["label"], r["count"]) for r in shoppers["face_shapes"]] == [
        ("oval", 2),
        ("round", 1),
        ("heart", 1),
        ("square", 0),
        ("oblong", 0),
        ("diamond", 0),
        ("triangle", 0),
    ]
    page = client.get("/admin").get_data(as_text=True)
    assert re.search(r'data-monk="5">.*?MST 5</td><td class="n">2</td>', page)
    assert '<li data-undertone="warm">Warm: 2 (67 %)</li>' in page


def test_breakdowns_of_a_few_shoppers_are_withheld_so_none_points_at_one_shopper(app, store_a):
    """With one shopper in a week, a store could tie a skin tone to a customer in its own order list."""
    merchant, _ = store_a
    client = sign_in(app, merchant)
    app.config["FACET_DASHBOARD_MIN_READINGS"] = 4  # store A: 3 skin readings, 4 face shapes
    shoppers = client.get(SUMMARY).json["shoppers"]
    assert (shoppers["skin_readings"], shoppers["monk"], shoppers["undertones"]) == (3, [], [])
    # Four face shapes: the breakdown is shown, but no shape has four, so each only says "fewer than 4".
    assert shoppers["face_shape_readings"] == 4 and len(shoppers["face_shapes"]) == 7
    assert {(r["count"], r["share"], r["fewer_than"]) for r in shoppers["face_shapes"]} == {(None, None, 4)}
    assert shoppers["min_readings"] == 4
    page = client.get("/admin").get_data(as_text=True)
    assert 'data-withheld="monk"' in page and "data-monk=" not in page and "data-undertone=" not in page
    assert "Shown from 4 readings in the period on" in page
    assert (
        '<li data-face-shape="oval">Oval: <span class="muted" data-withheld-row>fewer than 4</span></li>'
        in page
    )
    app.config["FACET_DASHBOARD_MIN_READINGS"] = 5
    assert client.get(SUMMARY).json["shoppers"]["face_shapes"] == []
    assert 'data-withheld="face_shapes"' in client.get("/admin").get_data(as_text=True)


def test_the_production_threshold_is_five_readings():
    from cryptography.fernet import Fernet

    from plugin_api.config import load_config

    secrets = {"FACET_SECRET_KEY": "k", "FACET_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    config = load_config({"FACET_ENV": "production", **secrets}, instance_path="/tmp/x")
    assert config["FACET_DASHBOARD_MIN_READINGS"] == 5


def test_another_stores_data_never_shows(app, store_a):
    merchant, _ = store_a
    client = sign_in(app, merchant)
    raw = client.get(SUMMARY).get_data(as_text=True)
    page = client.get("/admin").get_data(as_text=True)
    for text in (raw, page):
        assert "Secret B" not in text and "b-only-product" not in text
        assert "timed_x" not in text and "Store B" not in text
    summary = client.get(SUMMARY).json
    assert summary["store_name"] == "Store A"
    funnel = summary["funnel"]  # B opened 9 sessions, added 6 to cart, clicked 5 and had 4 analyses
    assert (funnel["sessions_opened"], funnel["add_to_cart_clicks"], funnel["recommendation_clicks"]) == (
        3,
        4,
        3,
    )
    assert (funnel["analyses_done"], funnel["analyses_failed"]) == (4, 3)
    assert summary["shoppers"]["monk"][8] == {"label": "9", "count": 0, "share": 0.0, "fewer_than": None}
    # B's three diamond faces are not A's.
    diamond = next(r for r in summary["shoppers"]["face_shapes"] if r["label"] == "diamond")
    assert diamond == {"label": "diamond", "count": 0, "share": 0.0, "fewer_than": None}
    assert '<li data-face-shape="diamond">Diamond: 0 (0 %)</li>' in page
    assert [row["product_id"] for row in summary["top_products"]] == [
        RETIRED,
        FOUNDATION,
        LIP_CARTED,
        LIP_CLICKED,
    ]


def test_period_filters_and_retention_note(app, client, merchant_factory):
    merchant = merchant_factory()
    send_events(client, merchant, [event("opened", "fresh-session")])
    with app.app_context():
        old = utcnow() - timedelta(days=10)
        db.session.add(
            Event(merchant_id=merchant.id, session_id="old-session", type="opened", occurred_at=old)
        )
        db.session.add(
            Analysis(
                merchant_id=merchant.id,
                status="failed",
                error_code="timed_out",
                queued_at=old,
                finished_at=old,
            )
        )
        db.session.commit()
    admin = sign_in(app, merchant)
    week = admin.get(SUMMARY, query_string={"days": 7}).json
    assert week["period"]["days"] == 7 and week["funnel"]["sessions_opened"] == 1
    assert week["funnel"]["analyses_failed"] == 0 and week["funnel"]["analysis_success_rate"] is None
    month = admin.get(SUMMARY).json
    assert month["period"]["days"] == 30 and month["funnel"]["sessions_opened"] == 2
    assert month["funnel"]["top_failures"] == [
        {"code": "timed_out", "count": 1, "meaning": "the analysis took too long (Facet was busy)"}
    ]
    assert month["period"]["analyses_cover_days"] == 30
    assert admin.get(SUMMARY, query_string={"days": 90}).json["period"]["analyses_cover_days"] == 30
    assert "Analyses are kept for 30 days" in admin.get("/admin?days=90").get_data(as_text=True)
    assert "Analyses are kept for" not in admin.get("/admin?days=30").get_data(as_text=True)
    assert '<strong aria-current="page">Last 7 days</strong>' in admin.get("/admin?days=7").get_data(
        as_text=True
    )


# "²" and "３０" pass str.isdigit(); int() refuses the first (that was a 500) and reads the second as 30.
@pytest.mark.parametrize("days", ["14", "0", "-7", "abc", "30.0", "9" * 30, "²", "３０", "30\n"])
def test_invalid_period_is_refused(app, merchant_factory, days):
    admin = sign_in(app, merchant_factory())
    error = assert_error(admin.get(SUMMARY, query_string={"days": days}), 422, "invalid_period")
    assert (
        error["details"]["allowed"] == [7, 30, 90]
        and error["message"] == "The period must be 7, 30 or 90 days."
    )
    page = admin.get("/admin", query_string={"days": days})
    assert page.status_code == 422 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "The period must be 7, 30 or 90 days." in text and 'href="/admin?days=90"' in text


def test_a_new_store_reads_no_data_yet(app, merchant_factory):
    admin = sign_in(app, merchant_factory())
    summary = admin.get(SUMMARY).json
    assert summary["funnel"]["empty"] is True
    rates = ("analysis_success_rate", "click_through_rate", "add_to_cart_rate", "acted_on_rate")
    assert [summary["funnel"][k] for k in rates] == [None, None, None, None]
    assert summary["categories"] == [] and summary["top_products"] == []
    assert summary["shade_coverage"]["overall"]["shoppers"] == 0 and summary["shade_coverage"]["gaps"] == []
    page = admin.get("/admin").get_data(as_text=True)
    assert "No data yet: once shoppers open the Facet button" in page
    assert 'data-funnel="' not in page
