"""Vectorised per-category scores over a CandidateSet: each part is an array aligned with the rows.

Every score is in 0–1 and built from parts a shopper can be told about (ΔE to their skin, undertone agreement,
frame vs face shape, frame vs face width, closeness to their season palette, store popularity).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from inference import colour
from inference.analysis.season import frame_palette
from inference.catalog.category import CATEGORIES
from inference.ranking.candidates import UNDERTONES, CandidateSet
from inference.ranking.rules import FACE_SHAPES, SHAPE_TABLE

_CAT = {name: i for i, name in enumerate(CATEGORIES)}
SHADE_CODES = np.array([_CAT["foundation"], _CAT["concealer"]])
EYEWEAR_CODES = np.array([_CAT["eyewear"], _CAT["sunglasses"]])

# Scale constants: ΔE00 at which a part's score falls to 1/e. A shade 6 ΔE off is visibly wrong; palette
# closeness is judged more loosely because garments and frames are not skin.
_SHADE_SCALE = 6.0
_PALETTE_SCALE = 14.0
_AVOID_SCALE = 10.0
_FIT_SIGMA_MM = 8.0  # fit score falls to 0.75 at the ±6 mm "fits" limit and to 0.32 at ±12 mm
_PRIOR_WEIGHT = 0.06
_PRIOR_MIN_EVENTS = 50  # below this many clicks + add-to-carts in the store, popularity is noise
MAX_HUE_TOLERANCE = 10.0  # a caller's value beyond this would rank shades by lightness alone
MAX_OVEREXPOSURE_DOUBT = 2.0  # stops
# How far (ΔE00) a shade matching the darker reading stands behind one matching the reading as shot.
DARKER_READING_PENALTY = 1.0


@dataclass
class ShopperProfile:
    """What the ranking needs from the analysis result, parsed once per request."""

    skin_lab: np.ndarray | None
    undertone: int  # index into UNDERTONES, -1 unknown
    face_probs: np.ndarray | None  # (7,) over FACE_SHAPES
    face_label: str | None
    face_width_mm: float | None
    best: np.ndarray  # (m, 3) CIELAB of the season's best colours
    avoid: np.ndarray  # (k, 3)
    # The season's frame colours (`season.FRAME_PALETTES`): what eyewear is judged against.
    frame_best: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    frame_avoid: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    skin_confidence: float | None = None  # the analysis' own confidence in the skin colour (0–1)
    # How much less the skin reading's chroma and hue are trusted than its lightness (CIEDE2000's k_C = k_H):
    # 1 in neutral light, more after the analysis removed a colour cast (`analysis.skin.hue_tolerance`).
    hue_tolerance: float = 1.0
    # The skin colour if the photo was over-exposed by the stops the analysis doubts (`analysis.skin.
    # overexposure_doubt`, from a clipped background): shades matching it are candidates too.
    darker_lab: np.ndarray | None = None

    @classmethod
    def from_analysis(cls, analysis: dict | None) -> ShopperProfile:
        analysis = analysis or {}
        skin = analysis.get("skin") or {}
        if skin.get("reliable") is False:
            # The photo falsifies skin colour (lighting, size, blur): rank as for a shopper without one, so no
            # reason cites a shade or palette the widget does not show.
            skin = {}
        lab = np.asarray(skin["lab"], dtype=np.float64) if skin.get("lab") else None
        tone = skin.get("undertone")
        shape = analysis.get("face_shape") or {}
        label = shape.get("label") if shape.get("label") in FACE_SHAPES else None
        probs = None
        scores = shape.get("scores") or {}
        if scores:
            probs = np.array([max(float(scores.get(f, 0.0)), 0.0) for f in FACE_SHAPES])
            probs = probs / probs.sum() if probs.sum() > 0 else None
        if probs is None and label:
            probs = np.eye(len(FACE_SHAPES))[FACE_SHAPES.index(label)]
        fit = analysis.get("fit") or {}
        palette = skin.get("palette") or {}
        season = skin.get("season") or {}
        # The frame colours the widget showed; older results: the season's.
        frames = {"best": palette.get("frame_best"), "avoid": palette.get("frame_avoid")}
        if frames["best"] is None:
            frames = frame_palette(season.get("subtype", "") if isinstance(season, dict) else season) or {}

        def labs(hexes: list[str] | None) -> np.ndarray:
            values = [colour.hex_to_rgb(h) for h in hexes or [] if isinstance(h, str)]
            return colour.rgb_to_lab(np.stack(values).astype(np.float64)) if values else np.zeros((0, 3))

        return cls(
            skin_lab=lab,
            undertone=UNDERTONES.index(tone) if tone in UNDERTONES else -1,
            face_probs=probs,
            face_label=label,
            face_width_mm=float(fit["face_width_mm"]) if fit.get("face_width_mm") else None,
            best=labs(palette.get("best")),
            avoid=labs(palette.get("avoid")),
            frame_best=labs(frames.get("best")),
            frame_avoid=labs(frames.get("avoid")),
            skin_confidence=float(skin["confidence"]) if skin.get("confidence") is not None else None,
            hue_tolerance=float(np.clip(skin.get("hue_tolerance") or 1.0, 1.0, MAX_HUE_TOLERANCE)),
            darker_lab=_darker(lab, skin.get("overexposure_doubt")),
        )


def _darker(lab: np.ndarray | None, doubt: float | None) -> np.ndarray | None:
    if lab is None or not doubt or doubt <= 0:
        return None
    return colour.exposed_lab(lab, -min(float(doubt), MAX_OVEREXPOSURE_DOUBT))


def _nearest_delta(lab: np.ndarray, palette: np.ndarray, *, exact_below: float = np.inf) -> np.ndarray:
    """ΔE00 from each row to its nearest palette colour.

    The nearest colour is found by ΔE76 (a matrix product, ~10× cheaper than ΔE00 over the whole
    palette), then
    ΔE00 is computed to that one colour only. Rows whose ΔE76 is at least `exact_below` keep ΔE76: where only
    "far away" matters, the exact figure does not change the score.
    """
    if len(palette) == 0 or len(lab) == 0:
        return np.full(len(lab), np.nan)
    # einsum, not `@`: no BLAS thread pool for a (n × 3) · (3 × m) product (see recommend._dot).
    d2 = (lab**2).sum(1)[:, None] - 2 * np.einsum("ik,jk->ij", lab, palette) + (palette**2).sum(1)[None, :]
    nearest = np.argmin(d2, axis=1)
    d76 = np.sqrt(np.maximum(d2[np.arange(len(lab)), nearest], 0.0))
    exact = d76 < exact_below
    result = d76.copy()
    if exact.any():
        result[exact] = colour.delta_e_2000(lab[exact], palette[nearest[exact]])
    return result


def _palette_deltas(
    cs: CandidateSet, rows: np.ndarray, best: np.ndarray, avoid: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """ΔE00 of every given row to the nearest best / avoid colour, cached on the set per palette.

    Season palettes come from a small fixed set (12 sub-seasons, and their frame colours), so after the first
    shopper of each season the palette part of ranking costs nothing; the cache lives and dies with the
    CandidateSet.
    """
    key = (best.round(2).tobytes(), avoid.round(2).tobytes(), rows.tobytes())
    cached = cs.cache.get(key)
    if cached is not None:
        return cached
    n = len(cs)
    best_de = np.full(n, np.nan)
    avoid_de = np.full(n, np.nan)
    if rows.any():
        best_de[rows] = _nearest_delta(cs.lab[rows], best)
        # Beyond ΔE76 35 the avoid penalty is ~0 whichever formula is used.
        avoid_de[rows] = _nearest_delta(cs.lab[rows], avoid, exact_below=35.0)
    if len(cs.cache) > 64:
        masks = cs.cache.get("masks")
        cs.cache.clear()
        if masks is not None:
            cs.cache["masks"] = masks
    cs.cache[key] = (best_de, avoid_de)
    return best_de, avoid_de


def _match_score(delta_e: np.ndarray, agreement: np.ndarray) -> np.ndarray:
    return 0.92 * np.exp(-delta_e / _SHADE_SCALE) + 0.08 * agreement


def _shade_scores(
    cs: CandidateSet, profile: ShopperProfile, rows: np.ndarray, parts: dict[str, np.ndarray]
) -> np.ndarray:
    """Shade rows' scores (0.3 without a skin reading), and their parts: `shade_de`, the ΔE00 to the skin
    reading the shopper is told; `shade_match_de`, what the ranking matched; `shade_darker_de`, set on the
    rows a darker reading brought in.

    The match is the same ΔE00 with chroma and hue weighed down by the reading's hue tolerance, so that after
    a colour cast the shades of the shopper's depth come before a shade of the right undertone at another
    depth. The undertone label is a small tie-breaker (it carries the store's own naming when the shade colour
    came from a photo or a colour word); it is read from the same hue, so it is trusted as little. When the
    photo may be over-exposed, a shade matching the reading that much darker scores as a match too, a little
    behind (DARKER_READING_PENALTY) and never ahead of the best match as shot: the photo as shot is the
    likelier one, and its closest shade is the one the shopper is told of.
    """
    n = len(cs)
    shade_de, match_de, darker_de = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    agreement = np.full(n, 0.5)
    score = np.full(n, 0.3)
    if profile.skin_lab is not None and rows.any():
        k = profile.hue_tolerance
        terms = colour.delta_e_2000_terms(cs.lab[rows], profile.skin_lab)  # once for both distances
        shade_de[rows] = terms.distance()
        match_de[rows] = terms.distance(k_c=k, k_h=k) if k > 1.0 else shade_de[rows]
        if profile.undertone >= 0:
            known = cs.undertone >= 0
            gap = np.abs(cs.undertone - profile.undertone)  # warm-neutral-cool are ordered
            agreement = np.where(known, np.select([gap == 0, gap == 1], [1.0, 0.5], 0.0), 0.5)
            agreement = 0.5 + (agreement - 0.5) / k
        as_shot = _match_score(match_de[rows], agreement[rows])
        score[rows] = as_shot
        if profile.darker_lab is not None:
            darker = colour.delta_e_2000(cs.lab[rows], profile.darker_lab, k_c=k, k_h=k)
            if_darker = _match_score(darker + DARKER_READING_PENALTY, agreement[rows])
            # Lowered as a whole (their order kept) until the best of them is behind the best match as shot of
            # the same category: a concealer matching the photo must not let foundations pass their own.
            for code in SHADE_CODES:
                same = cs.category[rows] == code
                if same.any():
                    excess = float(if_darker[same].max()) - (float(as_shot[same].max()) - 1e-3)
                    if_darker[same] -= max(0.0, excess)
            brought_in = if_darker > as_shot
            score[rows] = np.maximum(as_shot, if_darker)
            match_de[rows] = np.where(brought_in, darker + DARKER_READING_PENALTY, match_de[rows])
            darker_de[rows] = np.where(brought_in, darker, np.nan)
    parts.update(
        shade_de=shade_de, shade_match_de=match_de, shade_darker_de=darker_de, undertone_agreement=agreement
    )
    return score


def score_rows(cs: CandidateSet, profile: ShopperProfile) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Score every row; returns (score, parts) where parts hold the measured quantities behind the score."""
    n = len(cs)
    score = np.zeros(n)
    parts: dict[str, np.ndarray] = {}
    if "masks" not in cs.cache:  # shopper-independent columns: computed once per CandidateSet
        cs.cache["masks"] = (
            ~np.isnan(cs.lab[:, 0]),
            np.isin(cs.category, SHADE_CODES),
            np.isin(cs.category, EYEWEAR_CODES),
            popularity_prior(cs),
        )
    has_lab, shade, eyewear, prior = cs.cache["masks"]

    # Palette closeness for every coloured row that is not a shade product; frames against the season's
    # frame colours when it has them.
    colour_rows = has_lab & ~shade
    framed = colour_rows & eyewear if len(profile.frame_best) else np.zeros(n, dtype=bool)
    best_de, avoid_de = _palette_deltas(cs, colour_rows & ~framed, profile.best, profile.avoid)
    if framed.any():
        frame_best, frame_avoid = _palette_deltas(cs, framed, profile.frame_best, profile.frame_avoid)
        best_de = np.where(framed, frame_best, best_de)
        avoid_de = np.where(framed, frame_avoid, avoid_de)
    palette_score = np.where(np.isnan(best_de), 0.4, 0.8 * np.exp(-np.nan_to_num(best_de) / _PALETTE_SCALE))
    palette_score += np.where(
        np.isnan(avoid_de), 0.1, 0.2 * (1 - np.exp(-np.nan_to_num(avoid_de) / _AVOID_SCALE))
    )
    parts["palette_best_de"], parts["palette_avoid_de"] = best_de, avoid_de

    shade_score = _shade_scores(cs, profile, shade & has_lab, parts)

    # Eyewear: frame shape vs face shape (soft over the face-shape scores), fit, palette.
    shape_score = np.full(n, 0.5)
    if profile.face_probs is not None:
        expected = np.einsum("f,fs->s", profile.face_probs, SHAPE_TABLE)  # (frame shapes,)
        known = cs.frame_shape >= 0
        shape_score = np.where(known, expected[np.clip(cs.frame_shape, 0, None)], 0.5)
    fit_score = np.full(n, np.nan)
    if profile.face_width_mm:
        fit_score = np.exp(-(((cs.frame_width - profile.face_width_mm) / _FIT_SIGMA_MM) ** 2) / 2)
    fit_known = ~np.isnan(fit_score)
    eyewear_score = np.where(
        fit_known,
        0.5 * shape_score + 0.25 * np.nan_to_num(fit_score) + 0.25 * palette_score,
        0.65 * shape_score + 0.35 * palette_score,
    )
    parts["shape_score"], parts["fit_score"] = shape_score, fit_score

    category_weight = np.ones(len(CATEGORIES))
    category_weight[_CAT["apparel"]] = 0.9
    category_weight[_CAT["accessory"]] = 0.6
    category_weight[_CAT["other"]] = 0.5
    score = np.select(
        [shade, eyewear], [shade_score, eyewear_score], palette_score * category_weight[cs.category]
    )

    parts["prior"] = prior
    return np.clip(score + prior, 0.0, 1.0), parts


def popularity_prior(cs: CandidateSet) -> np.ndarray:
    """A small ± bonus from the store's own clicks and add-to-carts, only once there is enough data.

    With impressions it is the smoothed engagement rate relative to the store's; without them, each product's
    share of engagement relative to an even split. tanh keeps it bounded: popularity nudges, it never decides.
    """
    engagement = cs.clicks + 3.0 * cs.add_to_carts
    # Rows of the same product carry the same stats; count each product once for the store totals.
    _, first = np.unique(cs.row_candidate, return_index=True)
    total = engagement[first].sum()
    if total < _PRIOR_MIN_EVENTS:
        return np.zeros(len(cs))
    impressions = cs.impressions[first].sum()
    if impressions > 0:
        store_rate = total / impressions
        rate = (engagement + 10 * store_rate) / (
            cs.impressions + 10
        )  # 10 pseudo-impressions at the store rate
        lift = np.log(rate / store_rate)
    else:
        expected = total / len(first)
        lift = np.log((engagement + 1) / (expected + 1))
    return _PRIOR_WEIGHT * np.tanh(lift)
