"""Reasons in the shopper's language: whole French sentences, not English with French words swapped in."""

from __future__ import annotations

import pytest

from inference.catalog.eyewear_shape import FRAME_SHAPES
from inference.colour_names import COLOUR_WORDS
from inference.ranking import LANGUAGES, RecommendContext, recommend
from inference.ranking.rules import FACE_SHAPES
from inference.ranking.wording import FrenchWording, wording_for
from tests.ranking.test_recommend import analysis, colour_item, frame, shade_candidates

FRENCH = FrenchWording()


def test_language_codes_and_fallback() -> None:
    assert set(LANGUAGES) == {"en", "fr"}
    assert wording_for("fr").language == wording_for("fr-CA").language == "fr"
    assert wording_for("de").language == wording_for(None).language == "en"  # no German wording: English


def test_french_has_a_word_for_every_shape_and_colour() -> None:
    for face in FACE_SHAPES:
        for shape in FRAME_SHAPES:
            sentence = FRENCH.frame_shape(face, shape)
            assert sentence.startswith("les montures ") and not any(
                w in sentence for w in (" face", " frames")
            )
    assert set(COLOUR_WORDS) <= set(FrenchWording._colours)  # every vocabulary word has its French name
    assert FRENCH.colour_word("light coral") == "corail clair"
    assert FRENCH.colour_word("Terracotta") == "Terracotta"  # a store's own name is used as given...
    assert FRENCH.colour_word("Black") == "noir"  # ... unless it is a colour word French has
    assert FRENCH.colour_word("Gunmetal") == "gris acier"  # or one stores often use
    # A store's name keeps its spelling; French says "the colourway" rather than guess its gender.
    assert FRENCH.palette_suits("Aurora", frame=True, season="").startswith(
        "le coloris Aurora de la monture s’accorde"
    )


def test_french_sentences() -> None:
    assert FRENCH.shade(1.84, closest=True, tone="neutral", yours="neutral") == (
        "teinte la plus proche : écart ΔE 1,8, sous-ton neutre comme le vôtre"
    )
    assert FRENCH.shade(3.0, closest=False, tone="warm", yours="cool") == (
        "teinte voisine : écart ΔE 3,0, sous-ton chaud (le vôtre est froid)"
    )
    assert FRENCH.season("soft autumn") == "automne doux"
    assert FRENCH.palette_suits("orange", frame=False, season="automne doux") == (
        "le coloris orange s’accorde avec votre palette automne doux"
    )
    assert FRENCH.palette_differs("bleu", season="", differences=["darker", "vivid"]) == (
        "le coloris bleu est plus foncé et plus vif que la couleur la plus proche de votre palette"
    )
    assert FRENCH.fit("narrow", 120, 138).endswith("monture de 120 mm pour un visage de 138 mm")
    assert FRENCH.popular(3) == "apprécié dans cette boutique : ajouté au panier 3 fois"
    assert FRENCH.coloured_light().startswith("la lumière de votre photo était colorée")
    assert FRENCH.if_overexposed().startswith("l’arrière-plan de votre photo est brûlé")


@pytest.mark.parametrize("language", ["fr", "fr-BE"])
def test_recommend_writes_its_reasons_in_the_requested_language(language: str) -> None:
    context = RecommendContext(language=language)
    frames = [frame("rect", "rectangle", width=137.0), frame("r", "round")]
    recs = recommend(
        analysis(face="round"),
        frames + shade_candidates() + [colour_item("tan", "#c19a6b")],
        limit=8,
        context=context,
    )
    reasons = [x for r in recs for x in r.reasons]
    assert "les montures rectangulaires structurent un visage rond" in reasons
    # Finished with French typography: a no-break space before each colon.
    assert any(x.startswith("adaptée à la largeur de votre visage\u00a0: monture de 137 mm") for x in reasons)
    assert any(x.startswith("teinte la plus proche\u00a0: écart ΔE ") for x in reasons)
    assert not any(" : " in x for x in reasons)
    assert any("votre palette automne doux" in x for x in reasons)
    english = " ".join(x for r in recommend(analysis(face="round"), frames, limit=2) for x in r.reasons)
    assert "frames" in english and not any(" frames " in x or "your " in x for x in reasons)
