"""Shade range coverage: how close the store's closest shade came to each shopper, and when to say so."""

from __future__ import annotations

import numpy as np
import pytest

from inference import colour
from plugin_api.demo.catalog import demo_shades
from tests.dashboard.helpers import Reading, add_products, shade_features, sign_in

SUMMARY = "/api/v1/admin/summary"
# A range that stops at medium skin (MST 1–6), plus one deep shade exactly at MST 8 and a light concealer.
LIGHT_TO_MEDIUM = {
    s["code"]: s["lab"] for s in demo_shades() if s["undertone"] == "neutral" and s["depth"] <= 6
}
DEEP_SHADE = colour.MONK_LAB[7]
CONCEALER = colour.MONK_LAB[2] + np.array([4.0, -0.5, 1.0])
FOUNDATIONS = {**LIGHT_TO_MEDIUM, "80X": DEEP_SHADE}
ALL_SHADES = np.stack([*FOUNDATIONS.values(), CONCEALER])


def _store(app, merchant_factory):
    merchant = merchant_factory()
    products = {
        f"shade-{code}": (f"Foundation {code}", shade_features(lab, code))
        for code, lab in FOUNDATIONS.items()
    }
    products["concealer-3"] = ("Concealer 3", shade_features(CONCEALER, "C3", category="concealer"))
    add_products(app, merchant, products)
    return merchant


def closest(reading: Reading, shades: np.ndarray = ALL_SHADES) -> float:
    """ΔE00 from the shopper's skin (as the engine rounds it) to the nearest shade, computed here."""
    return float(np.min(colour.delta_e_2000(shades, np.asarray(reading.skin_lab()))))


def band(delta: float) -> str:
    assert min(abs(delta - 2.0), abs(delta - 3.0)) > 0.05, delta  # well inside a band, whatever rounding does
    return "within_2" if delta <= 2.0 else "from_2_to_3" if delta <= 3.0 else "over_3"


MATCH = Reading(monk=5, lab=tuple(LIGHT_TO_MEDIUM["50N"]))
NEAR = Reading(monk=6, lab=tuple(LIGHT_TO_MEDIUM["60N"] - np.array([0.0, 0.0, 3.2])))
DEEP_MATCH = Reading(monk=8, lab=tuple(DEEP_SHADE))
DEEP_FAR = Reading(monk=10)


def test_closest_shade_is_recorded_and_banded(app, client, merchant_factory, shoppers):
    merchant = _store(app, merchant_factory)
    readings = [MATCH] * 3 + [NEAR] * 2 + [DEEP_FAR] * 2 + [Reading(monk=10, reliable=False)]
    assert [band(closest(r)) for r in (MATCH, NEAR, DEEP_FAR)] == ["within_2", "from_2_to_3", "over_3"]
    answers = shoppers(client, merchant, readings)

    for reading, answer in zip(readings, answers, strict=True):
        recorded = {c["category"]: c for c in answer["result"]["closest_shades"]}
        if not reading.reliable:
            assert recorded == {}  # a withheld reading matches no shade
            continue
        foundations = np.stack(list(FOUNDATIONS.values()))
        deltas = colour.delta_e_2000(foundations, np.asarray(reading.skin_lab()))
        assert recorded["foundation"]["product_id"] == f"shade-{list(FOUNDATIONS)[int(np.argmin(deltas))]}"
        assert recorded["foundation"]["delta_e"] == pytest.approx(float(deltas.min()), abs=0.006)
        assert recorded["concealer"]["product_id"] == "concealer-3"

    coverage = sign_in(app, merchant).get(SUMMARY).json["shade_coverage"]
    assert coverage["overall"] == {
        "shoppers": 7,
        "within_2": 3,
        "from_2_to_3": 2,
        "over_3": 2,
        "share_within_2": round(3 / 7, 4),
        "share_from_2_to_3": round(2 / 7, 4),
        "share_over_3": round(2 / 7, 4),
    }
    assert [
        (row["monk"], row["bands"]["shoppers"], row["bands"]["over_3"]) for row in coverage["by_tone"]
    ] == [
        (5, 3, 0),
        (6, 2, 0),
        (10, 2, 2),
    ]
    assert coverage["gaps"] == []  # two deep shoppers are too few to call the range short


@pytest.mark.parametrize(
    ("far", "matched", "called_out"),
    [(6, 4, True), (3, 7, True), (5, 0, True), (2, 8, False), (4, 0, False)],
    ids=["6-of-10", "3-of-10", "5-of-5", "2-of-10", "only-4-shoppers"],
)
def test_a_missing_deep_range_is_said_in_plain_words(
    app, client, merchant_factory, shoppers, far, matched, called_out
):
    merchant = _store(app, merchant_factory)
    assert band(closest(DEEP_FAR)) == "over_3" and band(closest(DEEP_MATCH)) == "within_2"
    shoppers(client, merchant, [DEEP_FAR] * far + [DEEP_MATCH] * matched + [MATCH] * 5)
    admin = sign_in(app, merchant)
    gaps = admin.get(SUMMARY).json["shade_coverage"]["gaps"]
    page = admin.get("/admin").get_data(as_text=True)
    sentence = (
        f"Photos of deep skin (MST 8–10): {far} of {far + matched} had no shade within ΔE 3 — "
        "your range may be missing deep shades."
    )
    if called_out:
        assert gaps == [
            {
                "band": "deep",
                "tones": "8–10",
                "shoppers": far + matched,
                "without_match": far,
                "message": sentence,
            }
        ]
        assert f'<p class="warn" data-shade-gap="deep">{sentence}</p>' in page
    else:
        assert gaps == []
        assert "may be missing" not in page and 'class="warn"' not in page
    assert "Shade range coverage" in page and '<tr data-coverage="all">' in page


def test_a_close_concealer_does_not_hide_a_missing_foundation_shade(app, client, merchant_factory, shoppers):
    merchant = _store(app, merchant_factory)
    at_the_concealer = Reading(monk=3, lab=tuple(CONCEALER))
    assert closest(at_the_concealer) < 2 < 3 < closest(at_the_concealer, np.stack(list(FOUNDATIONS.values())))
    shoppers(client, merchant, [at_the_concealer] * 2)
    overall = sign_in(app, merchant).get(SUMMARY).json["shade_coverage"]["overall"]
    assert (overall["shoppers"], overall["within_2"], overall["over_3"]) == (2, 0, 2)


def test_a_skin_tone_with_fewer_photos_than_the_threshold_is_not_listed():
    from plugin_api.services.shade_coverage import shade_coverage

    coverage = shade_coverage([(5, 1.0), (5, 2.5), (8, 4.0)], min_readings=2)
    assert [row.monk for row in coverage.by_tone] == [5]
    assert coverage.overall.shoppers == 3  # the whole store's figure still counts every photo
