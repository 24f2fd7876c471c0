"""Small-cell suppression in the shoppers' breakdowns: no row points at one shopper.

A breakdown shown (its total reached `min_readings`) still withholds each row under `min_readings` (0 too,
so "none" and "one shopper" look alike) and, where that leaves a single row to be worked out from the total
(of the whole breakdown, or of a Monk band a shade-gap message names), the next-smallest too. Shoppers go
through the real widget API and analysis job; the figures are read from the real endpoint and page."""

from __future__ import annotations

import re

from inference import colour
from tests.dashboard.helpers import SUMMARY, Reading, add_products, shade_features, sign_in

FEWER = {"count": None, "share": None, "fewer_than": 5}
NOT_SHOWN = {"count": None, "share": None, "fewer_than": None}


def _rows(rows: list[dict]) -> dict[str, dict]:
    return {row["label"]: {k: v for k, v in row.items() if k != "label"} for row in rows}


def _page_row(page: str, tone: int) -> str:
    return re.search(rf'<tr data-monk="{tone}">(.*?)</tr>', page).group(1)


def test_one_shopper_of_a_tone_in_a_week_is_fewer_than_five_and_leaks_nowhere(
    app, client, merchant_factory, shoppers
):
    app.config["FACET_DASHBOARD_MIN_READINGS"] = 5
    merchant = merchant_factory()
    # A foundation matching MST 5 only: the MST 10 shopper's photo is recorded in shade coverage too.
    add_products(app, merchant, {"shade-5": ("Foundation 5", shade_features(colour.MONK_LAB[4], "5"))})
    shoppers(
        client,
        merchant,
        [Reading(monk=5, undertone="warm", face_shape="oval")] * 6
        + [Reading(monk=10, undertone="cool", face_shape="triangle")],
    )
    signed = sign_in(app, merchant)
    summary = signed.get(SUMMARY).json
    people = summary["shoppers"]
    assert people["skin_readings"] == 7 and people["face_shape_readings"] == 7
    monk = _rows(people["monk"])
    assert monk.pop("5") == {"count": 6, "share": round(6 / 7, 4), "fewer_than": None}
    # MST 10's one shopper reads exactly like the tones nobody had: total minus MST 5 spreads over nine.
    assert monk == {str(tone): FEWER for tone in (1, 2, 3, 4, 6, 7, 8, 9, 10)}
    assert _rows(people["undertones"]) == {
        "warm": {"count": 6, "share": round(6 / 7, 4), "fewer_than": None},
        "neutral": FEWER,
        "cool": FEWER,
    }
    assert [row["label"] for row in people["undertones"]] == ["warm", "neutral", "cool"]  # not by size
    shapes = _rows(people["face_shapes"])
    assert shapes.pop("oval")["count"] == 6 and set(shapes) == {
        "round",
        "square",
        "heart",
        "oblong",
        "diamond",
        "triangle",
    }
    assert all(row == FEWER for row in shapes.values())
    # Shade coverage lists MST 5 only; its overall row is all photos, as the skin total is.
    coverage = summary["shade_coverage"]
    assert [row["monk"] for row in coverage["by_tone"]] == [5] and coverage["overall"]["shoppers"] == 7
    assert coverage["gaps"] == []
    assert round(1 / 7, 4) not in {
        row["share"] for key in ("monk", "undertones", "face_shapes") for row in people[key]
    }

    page = signed.get("/admin").get_data(as_text=True)
    section = page[page.index('<h2 id="shoppers">') : page.index('<h2 id="shades">')]
    assert "14 %" not in section and ">1<" not in section and ": 1 " not in section  # the one shopper
    assert '<td class="n">6</td>' in _page_row(page, 5) and "86 %" in _page_row(page, 5)
    for tone in (1, 9, 10):
        assert re.search(
            r'<td class="n muted" data-withheld-row>fewer than 5</td><td class="share"></td>$',
            _page_row(page, tone),
        )
    assert (
        '<li data-undertone="cool">Cool: <span class="muted" data-withheld-row>fewer than 5</span></li>'
        in page
    )
    assert (
        '<li data-face-shape="triangle">Triangle: <span class="muted" data-withheld-row>fewer than 5' in page
    )
    assert "data-withheld-note" in section
    assert 'data-coverage="10"' not in page and 'data-coverage="5"' in page


def test_a_single_withheld_row_takes_the_next_smallest_with_it(app, client, merchant_factory, shoppers):
    """warm 6, neutral 5, cool 1: with neutral shown, 12 − 6 − 5 would give cool's 1 away. In the deep band
    (MST 8: 6, 9: 5, 10: 1) a shade-gap message names the band's 12 photos: MST 9 is withheld with MST 10."""
    app.config["FACET_DASHBOARD_MIN_READINGS"] = 5
    merchant = merchant_factory()
    # Only a light shade: every deep photo misses it, so the deep band's gap message gives its total.
    add_products(app, merchant, {"shade-2": ("Foundation 2", shade_features(colour.MONK_LAB[1], "2"))})
    shoppers(
        client,
        merchant,
        [Reading(monk=8, undertone="warm")] * 6
        + [Reading(monk=9, undertone="neutral")] * 5
        + [Reading(monk=10, undertone="cool")],
    )
    signed = sign_in(app, merchant)
    summary = signed.get(SUMMARY).json
    people = summary["shoppers"]
    assert _rows(people["undertones"]) == {
        "warm": {"count": 6, "share": 0.5, "fewer_than": None},
        "neutral": NOT_SHOWN,
        "cool": FEWER,
    }
    monk = _rows(people["monk"])
    assert monk["8"] == {"count": 6, "share": 0.5, "fewer_than": None}
    assert (monk["9"], monk["10"]) == (NOT_SHOWN, FEWER)
    assert all(monk[str(tone)] == FEWER for tone in range(1, 8))
    # Every face was oval: one row of 12, the six others fewer than 5 (together 0, hidden alike).
    assert _rows(people["face_shapes"])["oval"]["count"] == 12
    coverage = summary["shade_coverage"]
    assert [gap["message"] for gap in coverage["gaps"]] == [
        "Photos of deep skin (MST 8–10): 12 of 12 had no shade within ΔE 3 — your range may be missing "
        "deep shades."
    ]
    # MST 9's 5 photos are not listed here either: 12 − 6 − 5 would give MST 10 away.
    assert [row["monk"] for row in coverage["by_tone"]] == [8]

    page = signed.get("/admin").get_data(as_text=True)
    assert '<td class="n muted" data-withheld-row>not shown</td>' in _page_row(page, 9)
    assert (
        '<li data-undertone="neutral">Neutral: <span class="muted" data-withheld-row>not shown</span></li>'
        in page
    )
    assert 'data-coverage="9"' not in page and 'data-coverage="8"' in page


def test_the_withheld_rows_are_documented_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    share = schemas["Share"]["properties"]
    assert share["count"]["nullable"] is True and share["share"]["nullable"] is True
    assert share["fewer_than"]["type"] == "integer" and share["fewer_than"]["nullable"] is True
    assert "min_readings" in share["fewer_than"]["description"]
    assert schemas["Shoppers"]["properties"]["monk"]["items"]["$ref"].endswith("/Share")
