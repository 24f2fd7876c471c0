"""Ranking: shade matching, frame/face balancing, fit, palette, diversity, context and the reasons text."""

from __future__ import annotations

import re

import numpy as np
import pytest

from inference import colour
from inference.analysis import season
from inference.ranking import Candidate, CandidateSet, RecommendContext, judge, recommend
from plugin_api.demo.catalog import demo_shades

AUTUMN = {
    "best": ["#c3a27c", "#b48a78", "#8f9779", "#a0785a", "#d1b48c", "#7e8c69", "#c08081", "#e8d8c0"],
    "avoid": ["#000000", "#ff00ff", "#0000ff", "#ffffff"],
}


def analysis(
    lab=(70.0, 9.0, 22.0), undertone="neutral", face="oval", face_width=138.0, palette=AUTUMN
) -> dict:
    return {
        "skin": {
            "lab": list(lab),
            "undertone": undertone,
            "season": {"name": "autumn", "subtype": "soft autumn"},
            "palette": palette,
        },
        "face_shape": {"label": face, "scores": {face: 1.0}},
        "fit": {"face_width_mm": face_width},
    }


def shade_candidates() -> list[Candidate]:
    return [
        Candidate(
            f"shade-{s['code']}",
            {
                "category": "foundation",
                "shades": [
                    {
                        "lab": list(s["lab"]),
                        "undertone": s["undertone"],
                        "name": s["name"],
                        "variant_id": s["code"],
                    }
                ],
            },
            title=f"Foundation {s['name']}",
        )
        for s in demo_shades()
    ]


def frame(
    pid: str, shape: str, width: float = 138.0, hex_colour: str = "#6b4226", category="eyewear"
) -> Candidate:
    return Candidate(
        pid,
        {
            "category": category,
            "colours": [{"lab": list(colour.hex_to_lab(hex_colour)), "weight": 1}],
            "eyewear": {
                "frame_shape": {"label": shape},
                "frame_mm": {"total_width_mm": width},
                "tryon": {"ok": True},
            },
        },
        title=f"{shape} {pid}",
    )


def colour_item(pid: str, hex_colour: str, category: str = "lipstick") -> Candidate:
    lab = list(colour.hex_to_lab(hex_colour))
    return Candidate(pid, {"category": category, "colours": [{"lab": lab, "weight": 1}]}, title=pid)


@pytest.mark.parametrize("index", range(len(demo_shades())))
def test_closest_shade_ranks_first_with_the_reason(index: int) -> None:
    target = demo_shades()[index]
    skin = target["lab"] + np.array([0.6, -0.3, 0.4])  # a measurement close to, not exactly, the shade
    recs = recommend(
        analysis(lab=skin, undertone=target["undertone"]),
        shade_candidates(),
        limit=3,
        context=RecommendContext(categories=["foundation"]),
    )
    assert recs[0].product_id == f"shade-{target['code']}"
    assert recs[0].variant_id == target["code"]
    de = float(colour.delta_e_2000(skin, target["lab"]))
    assert recs[0].reasons[0] == f"closest shade: ΔE {de:.1f}, {target['undertone']} undertone like yours"
    assert all(not r.reasons[0].startswith("closest") for r in recs[1:])


def test_reason_names_an_undertone_mismatch() -> None:
    warm = next(s for s in demo_shades() if s["code"] == "50W")
    recs = recommend(
        analysis(lab=warm["lab"], undertone="cool"),
        shade_candidates(),
        limit=12,
        context=RecommendContext(categories=["foundation"]),
    )
    mine = next(r for r in recs if r.product_id == "shade-50W")
    assert re.fullmatch(r"(closest )?shade: ΔE \d+\.\d, warm undertone \(yours is cool\)", mine.reasons[0])


def test_judge_says_which_shade_of_a_multi_shade_page_suits_and_when_none_is_near() -> None:
    """The page's own product, judged for the shopper: its best shade (named, when its title does not say),
    and a shade far from the skin said to be no match rather than "shade: ΔE 76"."""
    shades = {s["code"]: s for s in demo_shades()}
    range_page = Candidate(
        "range",
        {
            "category": "foundation",
            "shades": [
                {
                    "lab": list(shades[code]["lab"]),
                    "undertone": shades[code]["undertone"],
                    "name": code,
                    "variant_id": f"v-{code}",
                }
                for code in ("10N", "50W", "100N")
            ],
        },
        title="Skin Tint",
    )
    single = [c for c in shade_candidates() if c.product_id in ("shade-10N", "shade-52N")]
    everything = [range_page, *single]
    warm = shades["50W"]["lab"] + np.array([0.4, 0.2, -0.3])
    verdict = judge(analysis(lab=warm, undertone="warm"), everything, "range")
    assert (verdict.variant_id, verdict.shade_name, verdict.closest_shade) == ("v-50W", "50W", True)
    assert verdict.reasons[0].startswith("closest shade: ΔE 0.") and "shade 50W" in verdict.reasons
    far = judge(analysis(lab=warm, undertone="warm"), everything, "shade-10N")
    assert far.closest_shade is False
    assert re.fullmatch(r"far from your skin tone: ΔE \d+\.\d; see your closest shade", far.reasons[0])
    french = judge(analysis(lab=warm, undertone="warm"), everything, "shade-10N", language="fr")
    assert french.reasons[0].startswith("loin de votre carnation\u00a0: écart ΔE ")
    near = judge(analysis(lab=warm, undertone="warm"), everything, "shade-52N")
    assert near.reasons[0].startswith("shade: ΔE ")  # a neighbour of the closest: a match, just not the best
    withheld = analysis(lab=warm)
    withheld["skin"]["reliable"] = False
    assert judge(withheld, everything, "range").reasons == ["shade match needs a clear skin measurement"]
    assert judge(analysis(), everything, "not-in-the-store") is None


def test_face_shape_balancing_rules() -> None:
    frames = [frame("r", "round"), frame("rect", "rectangle"), frame("sq", "square"), frame("cat", "cat-eye")]
    round_face = recommend(analysis(face="round"), frames, limit=4)
    ids = [r.product_id for r in round_face]
    assert ids.index("rect") < ids.index("r")
    assert "rectangle frames add definition to a round face" in round_face[ids.index("rect")].reasons
    assert "round frames echo rather than balance a round face" in round_face[ids.index("r")].reasons
    square_face = [r.product_id for r in recommend(analysis(face="square"), frames, limit=4)]
    assert square_face.index("r") < square_face.index("sq")
    assert square_face.index("cat") < square_face.index("rect")
    # Articles and adjectives follow the face shape: "an oval face", "a heart-shaped face".
    for face, phrase in (
        ("oval", " an oval face"),
        ("oblong", " an oblong face"),
        ("heart", " a heart-shaped face"),
    ):
        reasons = [x for r in recommend(analysis(face=face), frames, limit=4) for x in r.reasons]
        assert not any(f" a {face} face" in x for x in reasons)
        assert any(phrase in x for x in reasons)


def test_a_frame_that_works_against_the_face_shape_only_fills() -> None:
    # Rectangles fit this face perfectly and match its palette; aviators are wide and off-palette. A long face
    # still gets the aviators first: a pick whose reason argues against it ("rectangle frames echo rather
    # than balance an oblong face") only fills the list.
    frames = [
        frame("rect-a", "rectangle", 138.0, "#c3a27c"),
        frame("rect-b", "rectangle", 139.0, "#b48a78"),
        frame("avi-a", "aviator", 150.0, "#1f2a4a"),
        frame("avi-b", "aviator", 152.0, "#6b4226"),
    ]
    long_face = analysis(face="oblong") | {
        "face_shape": {"label": "oblong", "scores": {"oblong": 0.46, "oval": 0.25, "triangle": 0.14}}
    }
    ids = [r.product_id for r in recommend(long_face, frames, limit=4)]
    assert ids[:2] == ["avi-a", "avi-b"] or ids[:2] == ["avi-b", "avi-a"], ids
    assert set(ids[2:]) == {"rect-a", "rect-b"}  # still shown when nothing else is left, with the caution


def test_fit_from_frame_width_against_face_width() -> None:
    frames = [
        frame("narrow", "rectangle", 120),
        frame("fits", "rectangle", 137),
        frame("wide", "rectangle", 156),
    ]
    recs = recommend(analysis(face_width=138), frames, limit=3)
    assert recs[0].product_id == "fits"
    reasons = {r.product_id: r.reasons for r in recs}
    assert "fits your face width: 137 mm frame for a 138 mm face" in reasons["fits"]
    assert "may be narrow for you: 120 mm frame for a 138 mm face" in reasons["narrow"]
    assert "may be wide for you: 156 mm frame for a 138 mm face" in reasons["wide"]


def test_palette_closeness_and_avoid_list() -> None:
    items = [
        colour_item("camel", "#c19a6b"),
        colour_item("black", "#050505"),
        colour_item("magenta", "#f000f0"),
        colour_item("cobalt", "#0047ab"),
    ]
    recs = recommend(analysis(), items, limit=4)
    assert recs[0].product_id == "camel"
    assert recs[0].reasons[0] == "tan suits your soft autumn palette"
    by_id = {r.product_id: r for r in recs}
    assert "your soft autumn palette avoids" in by_id["black"].reasons[0]
    # Far from every palette colour: the reason says how, not just "outside".
    assert by_id["cobalt"].reasons[0] == (
        "royal blue is darker and more vivid than your soft autumn palette's nearest colour"
    )
    assert by_id["camel"].score > by_id["black"].score


def test_frames_are_judged_by_the_seasons_frame_colours_not_its_garment_palette() -> None:
    """A warm season takes tortoiseshell and gold frames, a cool one silver and black: judged against the
    garment palette (corals, pastels), nearly every frame read "darker and more muted than your palette"."""
    frames = [
        frame("tortoise", "round", hex_colour="#4a2c1d"),
        frame("gold", "round", hex_colour="#c9a545"),
        frame("silver", "round", hex_colour="#c0c0c0"),
        frame("black", "round", hex_colour="#111111"),
    ]

    def picks(subtype: str) -> dict[str, tuple[float, list[str]]]:
        shopper = analysis(face="oval")
        shopper["skin"]["season"] = {"name": subtype.split()[1], "subtype": subtype}
        shopper["skin"]["palette"] = season.palette(subtype)
        return {r.product_id: (r.score, r.reasons) for r in recommend(shopper, frames, limit=4)}

    autumn, winter = picks("warm autumn"), picks("cool winter")
    # Said of the shopper's colouring: the frame colours are not the palette swatches the widget shows.
    assert "chocolate frame suits your warm autumn colouring" in autumn["tortoise"][1]
    assert "silver frames are best avoided with your warm autumn colouring" in autumn["silver"][1]
    assert "silver frame suits your cool winter colouring" in winter["silver"][1]
    assert any(
        r.endswith("frames are best avoided with your cool winter colouring") for r in winter["gold"][1]
    )
    assert min(autumn["tortoise"][0], autumn["gold"][0]) > max(autumn["silver"][0], autumn["black"][0])
    assert min(winter["silver"][0], winter["black"][0]) > max(winter["tortoise"][0], winter["gold"][0])
    # No reason quotes a colour difference to the shopper, and none says a frame is "darker than" a palette.
    every = [reason for _, reasons in [*autumn.values(), *winter.values()] for reason in reasons]
    assert not any("ΔE" in reason or " than your " in reason for reason in every)


def test_reasons_use_the_stores_own_colour_name() -> None:
    # The store calls it "Terracotta"; the nearest plain colour word would be "rust".
    lab = list(colour.hex_to_lab("#b4583e"))
    lipstick = Candidate(
        "terracotta",
        {
            "category": "lipstick",
            "colours": [{"lab": lab, "weight": 1}],
            "shades": [{"lab": lab, "variant_id": "v1", "name": "Terracotta", "colour_name": "Terracotta"}],
        },
        title="Satin Lipstick — Terracotta",
    )
    top = Candidate(
        "top",
        {"category": "apparel", "colours": [{"lab": lab, "weight": 1}], "colour_name": "Brick"},
        title="Everyday Tee",
    )
    reasons = {r.product_id: r.reasons[0] for r in recommend(analysis(), [lipstick, top], limit=2)}
    assert reasons["terracotta"].startswith("Terracotta ") and "rust" not in reasons["terracotta"]
    assert reasons["top"].startswith("Brick ")


def test_diversity_no_five_near_identical_items() -> None:
    # Thirty copies of the best-scoring frame, and three weaker but different ones (none in a colour the
    # shopper's season avoids, which would only fill: see test_picks_whose_colour_argues_against_them...).
    clones = [frame(f"clone-{i}", "rectangle", 138, "#a0785a") for i in range(30)]
    others = [
        frame("navy-round", "round", 139, "#1f2a4a"),
        frame("taupe-oval", "oval", 137, "#8b7d6b"),
        frame("wine-cat", "cat-eye", 138, "#6d1a2b"),
    ]
    recs = recommend(analysis(face="oval"), clones + others, limit=6)
    clone_count = sum(r.product_id.startswith("clone") for r in recs)
    assert clone_count <= 3, [r.product_id for r in recs]
    no_diversity = recommend(
        analysis(face="oval"), clones + others, limit=6, context=RecommendContext(diversity=0)
    )
    assert sum(r.product_id.startswith("clone") for r in no_diversity) == 6


def test_categories_are_mixed_and_closest_shade_included() -> None:
    target = demo_shades()[14]
    items = (
        shade_candidates()
        + [colour_item(f"lip-{i}", h) for i, h in enumerate(AUTUMN["best"])]
        + [frame(f"f{i}", s) for i, s in enumerate(["rectangle", "wayfarer", "aviator", "square"])]
    )
    recs = recommend(analysis(lab=target["lab"], undertone=target["undertone"]), items, limit=8)
    categories = {r.category for r in recs}
    assert categories == {"foundation", "lipstick", "eyewear"}
    assert any(r.product_id == f"shade-{target['code']}" for r in recs)


def test_product_page_context_leads_with_its_category_and_excludes_itself() -> None:
    frames = [
        frame(f"f{i}", s, hex_colour=h)
        for i, (s, h) in enumerate(
            [("rectangle", "#4a2c1d"), ("rectangle", "#4c2e1f"), ("round", "#c9a548"), ("aviator", "#8b7d6b")]
        )
    ]
    for i, cand in enumerate(frames):  # embeddings: f1 looks like f0; f2, f3 do not
        vec = np.zeros(8)
        vec[0 if i < 2 else i] = 1.0
        cand.features["embedding"] = {"kind": "test", "vector": list(vec)}
    lips = [colour_item(f"lip-{i}", h) for i, h in enumerate(AUTUMN["best"][:5])]
    recs = recommend(analysis(), frames + lips, limit=6, context=RecommendContext(product_id="f0"))
    ids = [r.product_id for r in recs]
    assert "f0" not in ids
    assert ids[0] == "f1" and recs[0].reasons[0] == "similar look to rectangle f0"
    assert all(r.category == "eyewear" for r in recs[:3])


def test_on_a_frame_page_a_frame_that_works_against_the_face_does_not_lead() -> None:
    # The page's category leads, but a frame whose own reason argues against it is no pick there: a
    # sunglasses page with few frames put a wayfarer that "accentuates a square face" first.
    frames = [frame("page", "aviator"), frame("wayfarer", "wayfarer"), frame("round", "round")]
    lips = [colour_item(f"lip-{i}", h) for i, h in enumerate(AUTUMN["best"][:5])]
    page = RecommendContext(product_id="page")
    recs = recommend(analysis(face="square"), frames + lips, limit=7, context=page)
    ids = [r.product_id for r in recs]
    # Six picks with a reason for them: a list that long is not topped up with one that argues against itself.
    assert ids[0] == "round" and "wayfarer" not in ids and len(ids) == 6
    # With fewer picks it tops a short list up, last, with its caution.
    few = recommend(analysis(face="square"), frames + lips[:1], limit=7, context=page)
    assert [r.product_id for r in few][-1] == "wayfarer"
    assert any("a square face" in reason for reason in few[-1].reasons)


def test_analytics_prior_only_with_enough_data() -> None:
    a, b = colour_item("a", "#c3a27c"), colour_item("b", "#c3a27d")
    base = [r.product_id for r in recommend(analysis(), [a, b], limit=2)]
    loser = base[1]
    few = {loser: {"clicks": 3, "add_to_carts": 1}}
    lots = {loser: {"clicks": 60, "add_to_carts": 20}, base[0]: {"clicks": 2, "add_to_carts": 0}}
    for stats, expect_first in ((few, base[0]), (lots, loser)):
        cands = [
            Candidate(c.product_id, c.features, title=c.title, analytics=stats.get(c.product_id))
            for c in (a, b)
        ]
        recs = recommend(analysis(), cands, limit=2, context=RecommendContext(diversity=0))
        assert recs[0].product_id == expect_first
    assert "popular in this store: added to cart 20 times" in recs[0].reasons


def test_candidate_set_and_list_give_the_same_ranking() -> None:
    items = shade_candidates() + [frame("x", "round"), colour_item("y", "#c19a6b")]
    as_list = [r.product_id for r in recommend(analysis(), items, limit=6)]
    as_set = [r.product_id for r in recommend(analysis(), CandidateSet.build(items), limit=6)]
    assert as_list == as_set and len(as_list) == 6


def test_no_analysis_data_still_ranks_without_made_up_reasons() -> None:
    recs = recommend({}, shade_candidates()[:3] + [frame("x", "round")], limit=4)
    assert len(recs) == 4
    shade = next(r for r in recs if r.category == "foundation")
    assert shade.reasons == ["shade match needs a clear skin measurement"]


def test_low_confidence_skin_reading_is_said_out_loud() -> None:
    target = demo_shades()[10]
    reading = analysis(lab=target["lab"], undertone=target["undertone"])
    context = RecommendContext(categories=["foundation"])
    reading["skin"].update(confidence=0.8, reliable=True)
    sure = recommend(reading, shade_candidates(), limit=3, context=context)
    # Shown (reliable from 0.2 up), but as the widget's "low confidence" note says, less sure below 0.5.
    reading["skin"].update(confidence=0.35, reliable=True)
    unsure = recommend(reading, shade_candidates(), limit=3, context=context)
    assert not any("approximate" in r for r in sure[0].reasons)
    assert unsure[0].reasons[-1].startswith("the photo's lighting makes this match approximate")


@pytest.mark.parametrize("code", ["30N", "52N", "60N", "80N"])
def test_after_a_colour_cast_the_shoppers_depth_comes_first(code: str) -> None:
    # What a removed lamp cast leaves in a reading (benchmarks/recommend.py, 4,000 K): warmth, not lightness.
    shade = next(s for s in demo_shades() if s["code"] == code)
    reading = analysis(lab=shade["lab"] + np.array([0.3, 1.0, 3.0]), undertone="warm")
    context = RecommendContext(categories=["foundation"])

    def top3(hue_tolerance: float) -> list:
        reading["skin"]["hue_tolerance"] = hue_tolerance
        return recommend(reading, shade_candidates(), limit=3, context=context)

    depth = code[:-1]
    after_a_cast = top3(4.0)
    assert {r.product_id for r in after_a_cast} == {f"shade-{depth}{tone}" for tone in "WNC"}
    closest = next(r for r in after_a_cast if r.closest_shade)
    assert closest.reasons[-1] == (
        "the light in your photo was coloured, so your depth is surer than your undertone: "
        "compare the undertones of this depth"
    )
    # In neutral light ΔE00 alone decides: the same reading brings in a neighbouring depth, and no caveat.
    neutral_light = top3(1.0)
    assert any(not r.product_id.startswith(f"shade-{depth}") for r in neutral_light)
    assert not any("coloured" in reason for r in neutral_light for reason in r.reasons)


def test_when_the_photo_may_be_over_exposed_a_darker_shade_joins_the_top_three() -> None:
    # A 60N skin photographed one stop over reads lighter (L* 55 → 71): as light as the 52 shades.
    truth = next(s for s in demo_shades() if s["code"] == "60N")
    bright = colour.exposed_lab(np.array(truth["lab"]), 1.0)
    reading = analysis(lab=bright, undertone="neutral")
    context = RecommendContext(categories=["foundation"])
    # A concealer that matches the photo as shot: the foundations' order is the foundations' own business.
    concealer = Candidate(
        "concealer-exact",
        {"category": "concealer", "shades": [{"lab": list(bright), "undertone": "neutral", "name": "C1"}]},
        title="Concealer C1",
    )

    def top3(doubt: float) -> list:
        reading["skin"]["overexposure_doubt"] = doubt
        return recommend(reading, [*shade_candidates(), concealer], limit=3, context=context)

    as_shot, doubted = top3(0.0), top3(1.0)
    assert "shade-60N" not in [r.product_id for r in as_shot]
    assert doubted[0].product_id == as_shot[0].product_id  # the photo as shot still decides the first
    darker = next(r for r in doubted if r.product_id == "shade-60N")
    assert darker.reasons[-1] == (
        "your photo's background is blown out: if the photo is over-exposed, this darker shade is yours"
    )
    assert not any("blown out" in reason for r in as_shot for reason in r.reasons)
    # The deepest shade's page, far from a reading, is not "the darker shade that is yours" (an 80N skin one
    # stop over: its darker reading lifts 100N as a whole, and its page said both).
    deep = colour.exposed_lab(np.array(next(s for s in demo_shades() if s["code"] == "80N")["lab"]), 1.0)
    deep_reading = analysis(lab=deep, undertone="neutral")
    deep_reading["skin"]["overexposure_doubt"] = 1.0
    deepest = judge(deep_reading, shade_candidates(), "shade-100N")
    assert deepest.reasons[0].startswith("far from your skin tone") and deepest.suits is False
    assert not any("blown out" in reason for reason in deepest.reasons)


def test_a_low_confidence_reading_says_approximate_once_not_also_coloured_light() -> None:
    target = demo_shades()[10]
    reading = analysis(lab=target["lab"], undertone=target["undertone"])
    reading["skin"].update(confidence=0.35, reliable=True, hue_tolerance=4.0)
    recs = recommend(
        reading, shade_candidates(), limit=3, context=RecommendContext(categories=["foundation"])
    )
    closest = next(r for r in recs if r.closest_shade)
    assert closest.reasons[-1].startswith("the photo's lighting makes this match approximate")
    assert not any("coloured" in reason for reason in closest.reasons)


def test_a_skin_reading_the_photo_falsifies_is_not_used() -> None:
    # skin.reliable is False when the photo is too dark / bright / blurred or the face too small: the widget
    # withholds the shade, so no reason may cite a shade match or a palette.
    items = shade_candidates()[:3] + [frame("x", "round", hex_colour="#c3a27c"), colour_item("y", "#c3a27c")]
    reading = analysis()
    trusted = recommend(reading, items, limit=5)
    reading["skin"]["reliable"] = False
    withheld = recommend(reading, items, limit=5)
    assert any("ΔE" in reason for r in trusted for reason in r.reasons)
    assert not any("ΔE" in reason or "autumn" in reason for r in withheld for reason in r.reasons)
    # A foundation that cannot be matched is no pick at all (it only said "shade match needs a clear skin
    # measurement" beside an add-to-cart).
    assert not any(r.category == "foundation" for r in withheld)
    lipstick = next(r for r in withheld if r.product_id == "y")
    assert lipstick.reasons == ["colour match needs a clear skin measurement"]
    # Items with a reason (the frame: face shape, fit) come before colour items with nothing to match on.
    assert withheld[0].product_id == "x"


def test_picks_without_a_reason_only_fill_places_nothing_else_can() -> None:
    # Skin withheld: lipsticks have nothing to match on, frames still have the face shape. The frames fill
    # the list first (past the per-category share); the lipsticks only top it up.
    frames = [frame(f"f{i}", "rectangle", 135 + i) for i in range(6)]
    lipsticks = [colour_item(f"l{i}", hex_) for i, hex_ in enumerate(["#b5524b", "#c2185b", "#e07a5f"])]
    reading = analysis(face="round")
    reading["skin"]["reliable"] = False
    picks = recommend(reading, frames + lipsticks, limit=8)
    ids = [r.product_id for r in picks]
    assert len(ids) == 8
    assert all(i.startswith("f") for i in ids[:6]) and all(i.startswith("l") for i in ids[6:])


def test_on_a_lipstick_page_with_the_skin_withheld_lipsticks_like_it_still_lead() -> None:
    # No palette to match on, but the shopper asked from a lipstick's page: the lipsticks that look like it
    # lead, saying so, and those that do not only fill after the frames (the list used to be all eyeglasses).
    frames = [frame(f"f{i}", "round", 135 + i) for i in range(4)]
    lipsticks = [
        colour_item(f"l{i}", hex_) for i, hex_ in enumerate(["#b5524b", "#b3504a", "#b7554d", "#2e86c1"])
    ]
    for i, cand in enumerate(lipsticks):  # l1 and l2 look like l0; l3 does not
        vec = np.zeros(4)
        vec[0 if i < 3 else 3] = 1.0
        cand.features["embedding"] = {"kind": "test", "vector": list(vec)}
    reading = analysis(face="oval")
    reading["skin"]["reliable"] = False
    picks = recommend(reading, frames + lipsticks, limit=8, context=RecommendContext(product_id="l0"))
    ids = [r.product_id for r in picks]
    assert sorted(ids[:2]) == ["l1", "l2"]
    assert picks[0].reasons == ["similar look to l0", "colour match needs a clear skin measurement"]
    assert sorted(ids[2:6]) == [f"f{i}" for i in range(4)]
    assert ids[6:] == ["l3"]
    # On a foundation's page looking alike is no reason: a shade is only ever a pick for a skin match.
    shades = shade_candidates()[:3]
    for cand in shades:
        cand.features["embedding"] = {"kind": "test", "vector": [1.0, 0.0, 0.0, 0.0]}
    page = RecommendContext(product_id=shades[0].product_id)
    assert not any(r.category == "foundation" for r in recommend(reading, shades + frames, context=page))


def test_on_a_foundation_page_the_picks_are_the_shoppers_own_shades() -> None:
    # Opened from 60W's page with a reading close to 50W: the closest shade leads, the rest are its
    # neighbours by ΔE (not the most different bottles for variety, not 60W's look-alikes).
    target = next(s for s in demo_shades() if s["code"] == "50W")
    skin = target["lab"] + np.array([0.5, 0.3, -0.4])
    catalog = [*shade_candidates(), colour_item("camel", "#c19a6b"), frame("oval-1", "oval")]
    page = RecommendContext(product_id="shade-60W")
    recs = recommend(analysis(lab=skin, undertone="warm"), catalog, limit=8, context=page)
    shades = [r for r in recs if r.category == "foundation"]
    assert shades[0].product_id == "shade-50W" and shades[0].reasons[0].startswith("closest shade")
    # Its neighbours by ΔE, the depths either side (45, 52) included.
    order = ["shade-50W", "shade-50N", "shade-45W", "shade-45N", "shade-52W", "shade-52N"]
    assert [r.product_id for r in shades] == order
    distances = [r.parts["shade_de"] for r in shades]
    assert distances == sorted(distances)
    assert max(distances) <= distances[0] + 8.0


def test_on_a_foundation_page_its_own_shade_can_be_the_answer() -> None:
    # "Which shade is mine?" asked on 50W's page, by a 50W skin: 50W itself leads, as the closest shade.
    target = next(s for s in demo_shades() if s["code"] == "50W")
    recs = recommend(
        analysis(lab=target["lab"] + np.array([0.3, 0.2, -0.2]), undertone="warm"),
        shade_candidates(),
        limit=4,
        context=RecommendContext(product_id="shade-50W"),
    )
    assert recs[0].product_id == "shade-50W" and recs[0].reasons[0].startswith("closest shade")


def test_closest_shade_is_named_per_category() -> None:
    # A concealer runs lighter by design; it must not take "closest shade" from the matching foundation.
    target = next(s for s in demo_shades() if s["code"] == "60N")
    concealer = Candidate(
        "concealer-60n",
        {
            "category": "concealer",
            "shades": [{"lab": list(target["lab"] + np.array([2.0, 0, 0])), "undertone": "neutral"}],
        },
        title="Bright Eyes Concealer 60N Light",
    )
    recs = recommend(
        analysis(lab=target["lab"] + np.array([1.5, 0, 0]), undertone="neutral"),
        [*shade_candidates(), concealer],
        limit=6,
    )
    closest = {r.product_id for r in recs if r.reasons[0].startswith("closest shade")}
    assert closest == {"shade-60N", "concealer-60n"} == {r.product_id for r in recs if r.closest_shade}
    # The shade's name is not repeated when the title already shows it.
    assert not any(reason.startswith("shade ") for r in recs for reason in r.reasons)


def test_an_add_to_cart_count_is_quoted_only_when_it_is_more_than_an_anecdote() -> None:
    a, b = colour_item("a", "#c3a27c"), colour_item("b", "#c3a27d")
    stats = {"a": {"clicks": 60, "add_to_carts": 1}, "b": {"clicks": 1, "add_to_carts": 0}}
    cands = [
        Candidate(c.product_id, c.features, title=c.title, analytics=stats[c.product_id]) for c in (a, b)
    ]
    first = recommend(analysis(), cands, limit=2, context=RecommendContext(diversity=0))[0]
    assert first.product_id == "a"
    assert "often chosen in this store" in first.reasons
    assert not any("added to cart" in reason for reason in first.reasons)


def test_products_facet_cannot_relate_to_a_face_are_never_picked() -> None:
    gift = colour_item("gift-card", "#c3a27c", category="other")  # the palette's own colour
    recs = recommend(analysis(), [gift, colour_item("lip", "#e58fac")], limit=5)
    assert [r.product_id for r in recs] == ["lip"]


def test_a_frame_the_store_photo_could_not_be_read_for_says_so_not_that_the_face_is_unclear() -> None:
    unread = Candidate("plain", {"category": "eyewear", "eyewear": {"frame_mm": None}}, title="Plain frame")
    read = recommend(analysis(), [unread], limit=1)[0]
    assert read.reasons == ["its shape and size could not be read from the store's photo: try it on to judge"]
    faceless = recommend({"skin": analysis()["skin"]}, [unread], limit=1)[0]
    assert faceless.reasons == ["frame match needs a clear photo of your face"]


def test_a_store_without_a_close_shade_says_so_beside_its_closest() -> None:
    deep_only = [c for c in shade_candidates() if c.features["shades"][0]["lab"][0] < 40]
    recs = recommend(analysis(lab=(80.0, 6.0, 16.0)), deep_only, limit=3)
    closest = [r for r in recs if r.reasons[0].startswith("closest shade: ΔE ")]
    assert len(closest) == 1
    assert closest[0].reasons[1] == "no shade in this store is a close match for your skin tone"
    # On that shade's own page the verdict is no endorsement either.
    verdict = judge(analysis(lab=(80.0, 6.0, 16.0)), deep_only, closest[0].product_id)
    assert verdict.closest_shade and verdict.suits is False
    near = recommend(analysis(lab=tuple(deep_only[0].features["shades"][0]["lab"])), deep_only, limit=1)[0]
    assert "no shade in this store is a close match for your skin tone" not in near.reasons
    own = judge(analysis(lab=tuple(deep_only[0].features["shades"][0]["lab"])), deep_only, near.product_id)
    assert own.closest_shade and own.suits is True


def test_picks_whose_colour_argues_against_them_only_fill() -> None:
    # A black frame "best avoided with your soft autumn colouring" and a cobalt top "more vivid than your
    # palette" are reasons against: a walkthrough saw both "picked for you" with an add-to-cart.
    black = frame("black", "round", hex_colour="#000000")
    tortoise = frame("tortoise", "round", hex_colour="#6b4226")
    cobalt = colour_item("cobalt-tee", "#0047ab", category="apparel")
    camel = colour_item("camel-tee", "#c3a27c", category="apparel")
    ids = [r.product_id for r in recommend(analysis(face="oval"), [black, cobalt, tortoise, camel], limit=4)]
    assert set(ids[:2]) == {"tortoise", "camel-tee"} and set(ids[2:]) == {"black", "cobalt-tee"}, ids
    # A frame is chosen for its shape first: one whose shape suits the face stays a pick in any colour.
    black_aviator = frame("black-aviator", "aviator", hex_colour="#000000")
    square = recommend(analysis(face="square"), [cobalt, black_aviator, camel], limit=3)
    assert [r.product_id for r in square][2] == "cobalt-tee"
    assert (
        "aviator frames soften a square jaw"
        in next(r for r in square if r.product_id == "black-aviator").reasons
    )
