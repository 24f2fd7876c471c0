"""`recommend`: score the catalog and pick a diverse top list; `judge`: the page product's verdict.

Why each item is shown is said in `inference.ranking.reasons`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from inference.catalog.category import CATEGORIES
from inference.colour_names import colour_names
from inference.ranking.candidates import Candidate, CandidateSet
from inference.ranking.reasons import (
    NO_CLOSE_SHADE_DE,
    PALETTE_AVOID_DE,
    PALETTE_SUITS_DE,
    ReasonBasis,
    frame_reasons,
    own_colour_name,
    palette_reasons,
    shade_reasons,
)
from inference.ranking.rules import (
    AVOID,
    FACE_SHAPES,
    GOOD,
    SHAPE_TABLE,
    season_name,
)
from inference.ranking.scoring import EYEWEAR_CODES, SHADE_CODES, ShopperProfile, score_rows
from inference.ranking.wording import wording_for

_NEAR_DUPLICATE = 0.9
# From this cosine similarity to the page's own product an item is "more like this", and says so.
_ALIKE = 0.8
_MAX_NEAR_DUPLICATES = 2
# A list is topped up to this many with picks whose own reason argues against them, and no further: a short
# list reads better than one that contradicts itself.
_FILL_UP_TO = 4


@dataclass(frozen=True)
class Recommendation:
    """One recommended product (or shade variant) with its score and the reasons behind it."""

    product_id: str
    category: str
    score: float
    reasons: list[str]
    variant_id: str | None = None
    shade_name: str | None = None
    parts: dict[str, float] = field(default_factory=dict)
    payload: Any = None
    closest_shade: bool = False  # the store's closest foundation (or concealer) to the shopper's skin
    # Set by `judge` only: whether the page's product would be a pick for this shopper (a reason for it and
    # none that argues against it), so the widget does not present "far from your skin tone" as an answer.
    suits: bool | None = None


@dataclass
class RecommendContext:
    """Where the widget was opened and what to leave out."""

    product_id: str | None = None  # the product page the shopper is on: its category leads
    categories: Sequence[str] | None = None  # only these categories
    exclude: Sequence[str] = ()
    diversity: float = 0.3  # MMR trade-off: 0 = pure score, 1 = pure novelty
    lead_share: float = 0.5  # share of the list given to the current product's category
    # The page product's category when the ranking has no features for it yet (just synced, its photo still
    # being read): it still leads, without "more like this".
    lead_category: str | None = None
    language: str = "en"  # the reasons' language (`wording.LANGUAGES`; others fall back to English)


def _descriptor(cs: CandidateSet) -> bool:
    return (cs.embedding_kind or "").startswith("descriptor")


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b.T without BLAS: for these small matrices OpenBLAS's thread pool costs ~20 ms on a busy
    2-core box."""
    return np.einsum("ik,jk->ij", a, b)


def _pairwise_similarity(cs: CandidateSet, rows: np.ndarray) -> np.ndarray:
    """How interchangeable two rows look to a shopper: same category, similar colour, shape, embedding."""
    lab = cs.lab[rows]
    same_cat = cs.category[rows][:, None] == cs.category[rows][None, :]
    d76 = np.sqrt(((lab[:, None, :] - lab[None, :, :]) ** 2).sum(-1))
    colour_sim = np.where(np.isnan(d76), 0.0, np.exp(-np.nan_to_num(d76) / 12.0))
    shape = cs.frame_shape[rows]
    same_shape = (shape[:, None] == shape[None, :]) & (shape[:, None] >= 0)
    sim = 0.3 + 0.4 * colour_sim + 0.3 * same_shape
    if cs.has_embedding[rows].any():
        emb = cs.embedding[rows]
        both = cs.has_embedding[rows][:, None] & cs.has_embedding[rows][None, :]
        sim = np.where(both, 0.7 * sim + 0.3 * np.clip(_dot(emb, emb), 0, 1), sim)
    return np.where(same_cat, sim, 0.0)


def _mmr(
    cs: CandidateSet,
    pool: np.ndarray,
    score: np.ndarray,
    k: int,
    diversity: float,
    cap: int,
    taken: list[int],
) -> list[int]:
    """Maximal marginal relevance over `pool` rows, at most `cap` per category, continuing after `taken`."""
    if k <= 0 or len(pool) == 0:
        return []
    sim = _pairwise_similarity(cs, np.concatenate([pool, np.asarray(taken, dtype=np.int64)]))
    n_pool = len(pool)
    max_sim = sim[:n_pool, n_pool:].max(axis=1) if taken else np.zeros(n_pool)
    counts = (
        {int(c): int((cs.category[taken] == c).sum()) for c in np.unique(cs.category[pool])} if taken else {}
    )
    # Near-duplicates (same category, shape, colour and look) of two already chosen items are left out, so a
    # catalog with thirty variants of one frame cannot fill the list with them.
    duplicates = (sim[:n_pool, n_pool:] >= _NEAR_DUPLICATE).sum(axis=1) if taken else np.zeros(n_pool, int)
    available = np.ones(n_pool, dtype=bool)
    chosen: list[int] = []
    relevance = score[pool]
    while len(chosen) < k and available.any():
        value = (1 - diversity) * relevance - diversity * max_sim
        full = np.array([counts.get(int(c), 0) >= cap for c in cs.category[pool]])
        if diversity > 0:
            full |= duplicates >= _MAX_NEAR_DUPLICATES
        candidates = available & ~full
        if not candidates.any():
            candidates = available  # only capped categories remain: better a longer run than a short list
        pick = int(np.argmax(np.where(candidates, value, -np.inf)))
        chosen.append(int(pool[pick]))
        available[pick] = False
        counts[int(cs.category[pool[pick]])] = counts.get(int(cs.category[pool[pick]]), 0) + 1
        max_sim = np.maximum(max_sim, sim[:n_pool, pick])
        duplicates = duplicates + (sim[:n_pool, pick] >= _NEAR_DUPLICATE)
    return chosen


def _scored(cs: CandidateSet, analysis: dict | None) -> tuple[ShopperProfile, np.ndarray, dict]:
    """The shopper's profile, every row's score and its verdicts (`parts["grounded"]`, `parts["against"]`),
    computed once per analysis and catalog: the service ranks the list and judges the page's own product
    from the same reading, one call after the other.

    Kept on the set as a single entry, keyed by the analysis object itself (held, so its identity cannot be
    reused); another shopper's analysis replaces it. One assignment, so threads sharing the set see either
    entry whole.
    """
    last = cs.cache.get("scored")
    if last is not None and analysis is not None and last[0] is analysis:
        return last[1]
    profile = ShopperProfile.from_analysis(analysis)
    score, parts = score_rows(cs, profile)
    parts["grounded"], parts["against"] = _verdicts(cs, parts, profile)
    scored = (profile, score, parts)
    cs.cache["scored"] = (analysis, scored)
    return scored


@dataclass(frozen=True)
class _Page:
    """The product page the widget was opened on, as the ranking uses it: which row is its product
    (`anchor`, None when the ranking has no features for it), which category leads the list, and whether that
    category is a shade (foundation, concealer), whose page asks "which shade is mine?" rather than "more like
    this"."""

    anchor: int | None = None
    lead_code: int | None = None
    shade_page: bool = False
    title: str = ""  # the page product's title, for "similar look to …"


@dataclass(frozen=True)
class _LeadPicks:
    """The picks from the page product's category, which open the list, with what the wording needs to say
    "similar look to …" of them: every lead row's similarity to the page's product."""

    similar: np.ndarray  # (n,) cosine similarity to the page's product; 0 where unknown or not wanted
    picks: list[int] = field(default_factory=list)
    rows: np.ndarray = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64)
    )  # the lead rows with a reason


def recommend(
    analysis: dict | None,
    candidates: CandidateSet | Sequence[Candidate],
    *,
    limit: int = 12,
    context: RecommendContext | None = None,
) -> list[Recommendation]:
    """Rank a store's candidates for one shopper's analysis; diverse, with human reasons for each item."""
    cs = candidates if isinstance(candidates, CandidateSet) else CandidateSet.build(candidates)
    context = context or RecommendContext()
    if len(cs) == 0 or limit <= 0:
        return []
    profile, score, parts = _scored(cs, analysis)
    page = _page(cs, context)
    eligible = _eligible(cs, parts, context, page)
    best_rows = _best_row_per_product(cs, score, eligible)
    lead = _lead_picks(cs, best_rows, score, parts, profile, page, limit=limit, context=context)
    remaining, ungrounded = _grounded_split(cs, best_rows, lead.picks, parts["grounded"])
    picks = _diverse_picks(cs, remaining, best_rows, score, lead.picks, limit=limit, context=context)
    fillers = _fillers(ungrounded, score, parts["against"], limit=limit, n_taken=len(picks))
    # Lead (current category) items stay first; the picks follow best first, then whatever only fills.
    n_lead = len(lead.picks)
    taken = picks[:n_lead] + sorted(picks[n_lead:], key=lambda r: -score[r]) + fillers

    basis = ReasonBasis(
        cs,
        score,
        parts,
        profile,
        analysis or {},
        _closest_shade_rows(cs, parts, eligible),
        wording_for(context.language),
    )
    lead_set = set(lead.rows.tolist())
    words = colour_names(cs.lab[taken]) if taken else []
    return [
        _recommendation(
            basis,
            row,
            similarity=lead.similar[row] if row in lead_set else None,
            anchor_title=page.title,
            word=basis.say.colour_word(word),
        )
        for row, word in zip(taken, words, strict=True)
    ]


def _page(cs: CandidateSet, context: RecommendContext) -> _Page:
    """Where the widget was opened: the page's product leads the list with its category, even before the
    ranking has its features (`context.lead_category`)."""
    lead_idx = cs.index_by_product.get(context.product_id) if context.product_id else None
    anchor = int(lead_idx[0]) if lead_idx is not None and len(lead_idx) else None
    lead_code = int(cs.category[anchor]) if anchor is not None else None
    if lead_code is None and context.lead_category in CATEGORIES:
        lead_code = CATEGORIES.index(context.lead_category)
    # On a foundation's page the shopper asks "which shade is mine?": that page's own shade may be the answer,
    # so it is not excluded the way a frame is from its own "more like this".
    shade_page = lead_code is not None and bool(np.isin(lead_code, SHADE_CODES))
    title = cs.candidates[cs.row_candidate[anchor]].title if anchor is not None else ""
    return _Page(anchor=anchor, lead_code=lead_code, shade_page=shade_page, title=title)


def _eligible(
    cs: CandidateSet, parts: dict[str, np.ndarray], context: RecommendContext, page: _Page
) -> np.ndarray:
    """The rows that may be shown at all: in the asked-for categories, not excluded, not the page's own
    product (but for a shade), and no shade far from the store's closest one."""
    # Products Facet cannot relate to a face (gift cards, candles, what it could not classify) are never
    # picks: "brown suits your soft autumn palette" said of a gift card is noise, not advice.
    eligible = cs.category != CATEGORIES.index("other")
    if context.categories:
        eligible &= np.isin(cs.category, [CATEGORIES.index(c) for c in context.categories if c in CATEGORIES])
    own_page = [context.product_id] if context.product_id and not page.shade_page else []
    for pid in [*context.exclude, *own_page]:
        if pid in cs.index_by_product:
            eligible[cs.index_by_product[pid]] = False
    eligible &= _near_the_best_shade(cs, parts, eligible)
    return eligible


def _best_row_per_product(cs: CandidateSet, score: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """One row per product, its best-scoring eligible shade/variant, in row order: a list never shows two
    shades of one bottle (a no-op for catalogs without variant rows)."""
    if len(cs.index_by_product) == len(cs):
        return np.flatnonzero(eligible)
    order = np.argsort(-np.where(eligible, score, -np.inf), kind="stable")
    order = order[eligible[order]]
    _, first = np.unique(cs.row_candidate[order], return_index=True)
    return order[np.sort(first)]


def _lead_picks(
    cs: CandidateSet,
    best_rows: np.ndarray,
    score: np.ndarray,
    parts: dict[str, np.ndarray],
    profile: ShopperProfile,
    page: _Page,
    *,
    limit: int,
    context: RecommendContext,
) -> _LeadPicks:
    """The first `lead_share` of the list, from the page product's category: a shopper on a frame's page
    looks for frames first, "more like this" one; on a foundation's page, for their own shade."""
    similar = np.zeros(len(cs))
    if page.lead_code is None:
        return _LeadPicks(similar=similar)
    # A pick must say why it was picked: items with nothing to match on (colour products when the skin reading
    # is withheld) only fill places nothing with a reason can (a second walkthrough found half the picks were
    # lipsticks and tops whose only reason was "colour match needs a clear skin measurement").
    grounded, against = parts["grounded"], parts["against"]
    lead_rows = best_rows[cs.category[best_rows] == page.lead_code]
    # On a foundation's page the shopper wants their own shade: ranked by the match alone, never spread
    # out for variety (a walkthrough got 10W "for" a 5W reading as the most different bottle) and never
    # pulled toward the shade on the page because the bottles look alike.
    by_shade = page.shade_page and profile.skin_lab is not None
    anchor = page.anchor
    if anchor is not None and cs.has_embedding[anchor] and not by_shade:
        similar = np.where(cs.has_embedding, np.einsum("ij,j->i", cs.embedding, cs.embedding[anchor]), 0.0)
    # Only items with a reason for them lead: shades that can be matched (a withheld skin reading listed
    # six foundations, each "shade match needs a clear skin measurement", with an add-to-cart), frames
    # whose shape does not work against the face (a walkthrough saw a wayfarer that "accentuates a square
    # face" first on a sunglasses page because the store had only three). The others can still fill.
    # Looking like the page's own product is a reason too, except for a shade, which only a skin match
    # can make: on a lipstick's page with the skin withheld, the list was all eyeglasses.
    alike = (similar[lead_rows] > _ALIKE) & ~against[lead_rows] & (not page.shade_page)
    lead_rows = lead_rows[grounded[lead_rows] | alike]
    lead_score = score.copy()
    # A learned embedding knows "look"; the fallback descriptor knows colour and outline: it counts less.
    weight = 0.3 if _descriptor(cs) else 0.45
    lead_score[lead_rows] = (1 - weight) * score[lead_rows] + weight * np.clip(similar[lead_rows], 0, 1)
    n_lead = min(len(lead_rows), math.ceil(limit * context.lead_share))
    pool = lead_rows[np.argsort(-lead_score[lead_rows])[: max(n_lead * 6, 40)]]
    lead_diversity = 0.0 if by_shade else context.diversity
    picks = _mmr(cs, pool, lead_score, n_lead, lead_diversity, cap=n_lead, taken=[])
    return _LeadPicks(picks=picks, rows=lead_rows, similar=similar)


def _grounded_split(
    cs: CandidateSet, best_rows: np.ndarray, taken: list[int], grounded: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(rows that may be picked, rows that may only fill) among those not yet taken: a pick must have a reason
    for it; a shade that cannot be matched is neither."""
    remaining = np.setdiff1d(best_rows, np.asarray(taken, dtype=np.int64), assume_unique=True)
    # A shade that cannot be matched is no pick at all, not even to fill the list.
    ungrounded = remaining[~grounded[remaining] & ~np.isin(cs.category[remaining], SHADE_CODES)]
    if grounded[remaining].any():
        remaining = remaining[grounded[remaining]]
    else:
        ungrounded = ungrounded[:0]
    return remaining, ungrounded


def _diverse_picks(
    cs: CandidateSet,
    remaining: np.ndarray,
    best_rows: np.ndarray,
    score: np.ndarray,
    lead: list[int],
    *,
    limit: int,
    context: RecommendContext,
) -> list[int]:
    """The lead picks, then the best item of each category, then MMR up to `limit`: a list of twelve shades of
    one red is no recommendation, and no category may take more than its share (`cap`)."""
    taken = list(lead)
    pool_size = min(len(remaining), max(limit * 6, 60))
    pool = (
        remaining[np.argpartition(-score[remaining], pool_size - 1)[:pool_size]] if pool_size else remaining
    )
    categories = np.unique(cs.category[remaining]) if len(remaining) else np.unique(cs.category[best_rows])
    cap = max(2, math.ceil(limit / max(len(categories), 1)) + 1)
    if len(categories) > 1 and len(taken) < limit:
        taken += _coverage_seeds(cs, remaining, score, taken, categories, limit=limit, context=context)
        pool = np.setdiff1d(pool, np.asarray(taken, dtype=np.int64))
    taken += _mmr(cs, pool, score, limit - len(taken), context.diversity, cap=cap, taken=taken)
    return taken


def _coverage_seeds(
    cs: CandidateSet,
    remaining: np.ndarray,
    score: np.ndarray,
    taken: list[int],
    categories: np.ndarray,
    *,
    limit: int,
    context: RecommendContext,
) -> list[int]:
    """The best item of each category not yet in the list that scores reasonably, best first, for at most
    half the list: it gets a place before MMR fills the rest, so a shopper sees their closest foundation shade
    even when lipsticks happen to score higher."""
    seeds = []
    for code in categories:
        rows = remaining[cs.category[remaining] == code]
        if len(rows) and context.categories is None or (context.categories and len(rows)):
            best = int(rows[np.argmax(score[rows])]) if len(rows) else None
            if best is not None and score[best] >= 0.45 and not np.any(cs.category[taken] == code):
                seeds.append(best)
    seeds.sort(key=lambda r: -score[r])
    return seeds[: max(0, min(limit - len(taken), limit // 2))]


def _fillers(
    ungrounded: np.ndarray, score: np.ndarray, against: np.ndarray, *, limit: int, n_taken: int
) -> list[int]:
    """What fills a short list: first those with nothing to say either way (a lipstick while the skin reading
    is withheld), then, only to bring it up to _FILL_UP_TO, those whose own reason argues against them."""
    ranked = ungrounded[np.argsort(-score[ungrounded], kind="stable")]
    neutral, contrary = ranked[~against[ranked]], ranked[against[ranked]]
    fillers = neutral[: max(0, limit - n_taken)].tolist()
    fillers += contrary[: max(0, min(limit, _FILL_UP_TO) - n_taken - len(fillers))].tolist()
    return fillers


def judge(
    analysis: dict | None,
    candidates: CandidateSet | Sequence[Candidate],
    product_id: str,
    *,
    language: str = "en",
) -> Recommendation | None:
    """The product a shopper opened the widget from, as the ranking sees it for them: its score and reasons
    (for a shade product, of its best shade), whether or not it made the list; None when the store does not
    offer it.

    Why: on a lipstick's or a foundation's page the first question is "is this one right for me?". The list
    leaves the page's own lipstick out (it ranks the others) and may rank the page's foundation sixth; a
    walkthrough found neither page answering the question at all.
    """
    cs = candidates if isinstance(candidates, CandidateSet) else CandidateSet.build(candidates)
    rows = cs.index_by_product.get(product_id)
    if rows is None or not len(rows):
        return None
    profile, score, parts = _scored(cs, analysis)
    row = int(rows[np.argmax(score[rows])])
    closest_shades = _closest_shade_rows(cs, parts, np.ones(len(cs), dtype=bool))
    say = wording_for(language)
    basis = ReasonBasis(cs, score, parts, profile, analysis or {}, closest_shades, say)
    word = colour_names(cs.lab[[row]])[0]
    verdict = _recommendation(basis, row, similarity=None, anchor_title="", word=say.colour_word(word))
    suits = bool(parts["grounded"][row])
    if cs.is_shade[row] and parts["shade_de"][row] > NO_CLOSE_SHADE_DE:
        suits = False  # even the store's closest shade is a visible mismatch
    if not _near_the_best_shade(cs, parts, cs.category == cs.category[row])[row]:
        # A shade the list would never show ("shade: ΔE 76.3", French "teinte voisine"): say it is no match.
        far = say.finish(say.far_shade(float(parts["shade_de"][row])))
        # Nor is it "the darker shade that is yours if the photo is over-exposed": that note belongs to shades
        # near the reading, and beside "far from your skin tone" it contradicted it.
        darker = say.finish(say.if_overexposed())
        verdict = replace(verdict, reasons=[far, *(r for r in verdict.reasons[1:] if r != darker)])
        suits = False
    return replace(verdict, suits=suits)


# A shade further than this (ΔE00) beyond the store's closest one is not a match for this shopper at all.
SHADE_NEIGHBOURHOOD = 8.0


def _near_the_best_shade(cs: CandidateSet, parts: dict[str, np.ndarray], eligible: np.ndarray) -> np.ndarray:
    """False for foundation/concealer rows far from the closest shade the store has (ΔE 51 is no pick);
    True for everything else, and for every shade when the skin colour is unknown."""
    de = parts["shade_match_de"]  # as the ranking matches: a shade of the darker reading is a match too
    measured = eligible & ~np.isnan(de)
    if not measured.any():
        return np.ones(len(cs), dtype=bool)
    return np.isnan(de) | (de <= float(de[measured].min()) + SHADE_NEIGHBOURHOOD)


def _verdicts(
    cs: CandidateSet, parts: dict[str, np.ndarray], profile: ShopperProfile
) -> tuple[np.ndarray, np.ndarray]:
    """(grounded, argued against) per row.

    Grounded: something to say for it. Argued against: its own reason speaks against it, a frame whose shape
    works against the face ("rectangle frames echo rather than balance an oblong face") or a colour the
    shopper's season avoids. Two walkthroughs saw such frames first, lifted by fit and colour over frames that
    suit the face; another saw "Tortoise frames are best avoided with your light summer colouring" and tops
    "darker and more muted than your palette" picked for a shopper, each with an add-to-cart.
    """
    eyewear = np.isin(cs.category, EYEWEAR_CODES)
    knows_face = profile.face_probs is not None
    best, avoid = parts["palette_best_de"], parts["palette_avoid_de"]
    # The same verdicts `palette_reasons` words: a colour to avoid, one the palette holds.
    colour_against = (avoid < best) & (avoid < PALETTE_AVOID_DE)
    colour_suits = (best < PALETTE_SUITS_DE) & ~colour_against
    frame_basis = eyewear & (knows_face | ~np.isnan(parts["fit_score"]) | ~np.isnan(best))
    shape_suits = shape_against = np.zeros(len(cs), dtype=bool)
    if profile.face_label:
        verdicts = SHAPE_TABLE[FACE_SHAPES.index(profile.face_label)]
        shape_verdicts = verdicts[np.clip(cs.frame_shape, 0, None)]
        shape_against = (cs.frame_shape >= 0) & (shape_verdicts == AVOID)
        shape_suits = (cs.frame_shape >= 0) & (shape_verdicts == GOOD)
    # A frame in a colour the shopper's season avoids is a pick only when its shape suits the face: the shape
    # is the first thing a frame is chosen for, the colour alone cannot carry it.
    frame_against = eyewear & (shape_against | (colour_against & ~shape_suits))
    # A colour product is a pick for a colour that suits; "darker and more muted than your palette" says
    # nothing for it.
    colour_basis = ~np.isnan(parts["shade_de"]) | colour_suits
    popular = parts["prior"] > 0.02
    grounded = (frame_basis & ~frame_against) | (~eyewear & colour_basis) | popular
    against = ~grounded & (frame_against | (~eyewear & colour_against))
    return grounded, against


def _closest_shade_rows(cs: CandidateSet, parts: dict[str, np.ndarray], eligible: np.ndarray) -> set[int]:
    """The closest shade of each shade category (foundation, concealer): a concealer, a touch lighter by
    design, must not take "closest shade" from the foundation that matches."""
    de = np.where(eligible, parts["shade_de"], np.nan)
    closest = set()
    for code in SHADE_CODES:
        in_category = np.where(cs.category == code, de, np.nan)
        if not np.all(np.isnan(in_category)):
            closest.add(int(np.nanargmin(in_category)))
    return closest


def _recommendation(
    basis: ReasonBasis, row: int, *, similarity: float | None, anchor_title: str, word: str
) -> Recommendation:
    """One row as the shopper sees it: the product (or shade variant), its score and the reasons for it, with
    `word` (the row's colour in `basis.say`'s language) where the store gives the colour no name."""
    cs, say, parts = basis.cs, basis.say, basis.parts
    cand = cs.candidates[cs.row_candidate[row]]
    category = CATEGORIES[cs.category[row]]
    reasons: list[str] = []
    season = say.season(season_name(basis.analysis))
    own = own_colour_name(cs, row)
    word = say.colour_word(own) if own else word
    if similarity is not None and similarity > _ALIKE and anchor_title:
        reasons.append(say.similar(anchor_title, by_descriptor=_descriptor(cs)))
    if cs.category[row] in SHADE_CODES:
        reasons.extend(shade_reasons(basis, row, cand.title))
    elif cs.category[row] in EYEWEAR_CODES:
        reasons.extend(frame_reasons(basis, row, season, word))
        if not reasons:
            # Nothing to say: because the face was not read, or because the store's photo showed no readable
            # frame. Each is said as it is.
            reasons.append(say.frame_needs_face() if basis.profile.face_label is None else say.frame_unread())
    else:
        palette = palette_reasons(basis, row, season, word, frame=False)
        # No palette: the skin reading was missing or withheld (`skin.reliable`). Said even beside "similar
        # look to …", which is no colour match.
        reasons.extend(palette or [say.colour_needs_skin()])
    if parts["prior"][row] > 0.02:
        reasons.append(say.popular(int(cs.add_to_carts[row])))
    reasons = [say.finish(reason) for reason in reasons]
    return Recommendation(
        product_id=cand.product_id,
        category=category,
        score=round(float(basis.score[row]), 4),
        reasons=reasons,
        variant_id=cs.row_variant[row],
        shade_name=cs.row_shade_name[row],
        parts={k: round(float(v[row]), 3) for k, v in parts.items() if not np.isnan(v[row])},
        payload=cand.payload,
        closest_shade=row in basis.closest_shades,
    )
