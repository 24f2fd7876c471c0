"""Why an item is shown: the reasons a shopper reads beside a recommendation or the page product's verdict.

Each is worked out from one shopper's scores against the catalog (`ReasonBasis`, the same for every item of a
list) and said in the shopper's language (`wording`). `recommend` decides what is shown; this module only
says why, so its thresholds are the ones a shopper's reading of "suits you" or "approximate" depends on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference import colour
from inference.catalog.eyewear_shape import FRAME_SHAPES
from inference.ranking.candidates import UNDERTONES, CandidateSet
from inference.ranking.rules import differences, fit_verdict
from inference.ranking.scoring import ShopperProfile
from inference.ranking.wording import Wording

# Below this analysis confidence a shown shade is said to be approximate; the widget's skin card says "low
# confidence" below the same value. Among readings the analysis trusts (confidence ≥ 0.2), the true shade is
# in the top 3 in 71.7 % of cases below 0.5 and 88.3 % from 0.5 up (benchmarks/recommend.py, seed 7). (The
# threshold was 0.1, under the 0.2 a reading needs to be shown at all, so the caveat never reached a shopper.)
LOW_SKIN_CONFIDENCE = 0.5
# From this hue tolerance on (a cast of about 0.3, `analysis.skin.hue_tolerance`), the closest shade says that
# the undertone is the less certain part of the match.
COLOURED_LIGHT_TOLERANCE = 2.0
# Beyond this ΔE00 the closest shade a store has is a visible mismatch on skin (a good foundation match is
# within 2–3): the shopper is told the store has nothing close rather than shown "closest shade: ΔE 32.8".
NO_CLOSE_SHADE_DE = 6.0
# A colour within this ΔE00 of one of the season's colours suits it; within PALETTE_AVOID_DE of an avoided
# colour (and nearer to it than to any suiting one), it is to avoid.
PALETTE_SUITS_DE = 12.0
PALETTE_AVOID_DE = 8.0


@dataclass(frozen=True)
class ReasonBasis:
    """What one item's reasons are worked out from: the catalog, one shopper's profile, scores and verdicts,
    the store's closest shades and the language to say it in. The same for every item of a list."""

    cs: CandidateSet
    score: np.ndarray
    parts: dict[str, np.ndarray]
    profile: ShopperProfile
    analysis: dict
    closest_shades: set[int]
    say: Wording


def own_colour_name(cs: CandidateSet, row: int) -> str | None:
    """The store's own name for this row's colour ("Terracotta"), which reasons use instead of the nearest
    plain colour word ("rust") so a shopper reads the name on the product page."""
    features = cs.candidates[cs.row_candidate[row]].features or {}
    if cs.is_shade[row]:
        for shade in features.get("shades") or []:
            if shade.get("variant_id") == cs.row_variant[row] and shade.get("colour_name"):
                return str(shade["colour_name"])
    name = features.get("colour_name")
    return str(name) if name else None


def frame_reasons(basis: ReasonBasis, row: int, season: str, word: str) -> list[str]:
    """A frame's reasons: its shape for the face, its width for the face's, its colour for the season."""
    cs, say, profile = basis.cs, basis.say, basis.profile
    reasons = []
    if cs.frame_shape[row] >= 0 and profile.face_label:
        reasons.append(say.frame_shape(profile.face_label, FRAME_SHAPES[cs.frame_shape[row]]))
    if not np.isnan(basis.parts["fit_score"][row]):
        frame_mm, face_mm = float(cs.frame_width[row]), float(profile.face_width_mm)
        reasons.append(say.fit(fit_verdict(frame_mm, face_mm), frame_mm, face_mm))
    reasons.extend(palette_reasons(basis, row, season, word, frame=True))
    return reasons


def shade_reasons(basis: ReasonBasis, row: int, title: str) -> list[str]:
    """A foundation or concealer shade's reasons: how close it is to the skin, and on what condition."""
    cs, say, profile = basis.cs, basis.say, basis.profile
    parts, closest_shades = basis.parts, basis.closest_shades
    de = parts["shade_de"][row]
    if np.isnan(de):
        return [say.shade_needs_skin()]
    tone = UNDERTONES[cs.undertone[row]] if cs.undertone[row] >= 0 else None
    yours = UNDERTONES[profile.undertone] if profile.undertone >= 0 else None
    reasons = [say.shade(float(de), closest=row in closest_shades, tone=tone, yours=yours)]
    no_close = row in closest_shades and de > NO_CLOSE_SHADE_DE
    if no_close:
        # Second, where a card showing two reasons still shows it.
        reasons.append(say.no_close_shade())
    name = (cs.row_shade_name[row] or "").strip()
    # The variant's name says which shade of a multi-shade product this is; one the title already shows
    # ("Second Skin Foundation — 5W Warm Beige") would only repeat it.
    if name and name.lower() not in title.lower():
        reasons.append(say.shade_name(name))
    if not np.isnan(parts["shade_darker_de"][row]):
        # Brought in by the reading one `overexposure_doubt` darker: say on what condition it is the one.
        reasons.append(say.if_overexposed())
    if row in closest_shades and not no_close:
        if profile.skin_confidence is not None and profile.skin_confidence < LOW_SKIN_CONFIDENCE:
            # Strong colour casts and over-exposure blur the reading (benchmarks/recommend.py): say so.
            reasons.append(say.approximate_lighting())
        elif profile.hue_tolerance >= COLOURED_LIGHT_TOLERANCE:
            # The ranking put the shopper's depth first (`scoring`): say why the undertones follow.
            reasons.append(say.coloured_light())
    return reasons


def palette_reasons(basis: ReasonBasis, row: int, season: str, word: str, *, frame: bool) -> list[str]:
    """A colour's verdict for the shopper's season: suits, to avoid, or (not for a frame) how it differs."""
    cs, say, profile = basis.cs, basis.say, basis.profile
    best, avoid = basis.parts["palette_best_de"][row], basis.parts["palette_avoid_de"][row]
    if np.isnan(cs.lab[row, 0]) or np.isnan(best):
        return []
    if not np.isnan(avoid) and avoid < best and avoid < PALETTE_AVOID_DE:
        return [say.palette_avoids(word, frame=frame, season=season)]
    if best < PALETTE_SUITS_DE:
        return [say.palette_suits(word, frame=frame, season=season)]
    if frame:
        # A frame colour neither among the season's frame colours nor its avoided ones: the shape and fit
        # reasons speak for the frame, and "darker than your palette" would say nothing about it.
        return []
    # Say how it differs: "blue is outside your palette" reads as a contradiction when the palette's first
    # colour is a blue; "darker and more vivid than its nearest colour" is what the distance means.
    nearest = profile.best[int(np.argmin(colour.delta_e_2000(profile.best, cs.lab[row])))]
    how = differences(cs.lab[row], nearest)
    return [say.palette_differs(word, season=season, differences=how)]
