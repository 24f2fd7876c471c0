"""Product category from the words a store already uses (type, tags, title), plus an optional image cue.

Stores label products inconsistently and in many languages, so the rules score keyword evidence from each
field
(product type weighs most, then tags, then title) and combine it with what the image looks like. The
result is a
category and a confidence in 0–1; `other` with low confidence means "we could not tell", never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

CATEGORIES: tuple[str, ...] = (
    "eyewear",
    "sunglasses",
    "foundation",
    "concealer",
    "lipstick",
    "blush",
    "apparel",
    "accessory",
    "other",
)

SHADE_CATEGORIES = frozenset({"foundation", "concealer"})
COLOUR_COSMETIC_CATEGORIES = frozenset({"lipstick", "blush"})
EYEWEAR_CATEGORIES = frozenset({"eyewear", "sunglasses"})

# Keywords are matched on accent-folded, lower-cased text as whole words or phrases. Multi-word phrases are
# listed before the single words they contain so "fond de teint" is not read as something else.
# Languages: en, fr,
# de, es, it, pt, nl, plus the odd brand-speak term.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "sunglasses": (
        "sunglasses",
        "sunglass",
        "sun glasses",
        "sunnies",
        "polarized",
        "polarised",
        "lunettes de soleil",
        "lunette de soleil",
        "lunettes solaires",
        "sonnenbrille",
        "sonnenbrillen",
        "gafas de sol",
        "lentes de sol",
        "anteojos de sol",
        "occhiali da sole",
        "oculos de sol",
        "zonnebril",
        "uv400",
    ),
    "eyewear": (
        "eyeglasses",
        "eyeglass",
        "glasses",
        "spectacles",
        "optical frame",
        "optical frames",
        "frames",
        "frame",
        "prescription glasses",
        "reading glasses",
        "readers",
        "blue light glasses",
        "wayfarer",
        "aviator",
        "monture",
        "montures",
        "lunettes",
        "lunette",
        "brille",
        "brillen",
        "brillengestell",
        "gafas",
        "anteojos",
        "lentes",
        "occhiali",
        "montatura",
        "oculos",
        "armacao",
        "bril",
        "lesebrille",
        "korrekturbrille",
        "brillenfassung",
        "fassung",
    ),
    "foundation": (
        "foundation",
        "liquid foundation",
        "cushion foundation",
        "skin tint",
        "bb cream",
        "cc cream",
        "tinted moisturizer",
        "tinted moisturiser",
        "fond de teint",
        "teint",
        "grundierung",
        "make-up fluid",
        "makeup fluid",
        "base de maquillaje",
        "maquillaje fluido",
        "fondotinta",
        "fondo tinta",
        "base liquida",
        "base de maquiagem",
        "foundation stick",
    ),
    "concealer": (
        "concealer",
        "correcteur",
        "anticernes",
        "anti-cernes",
        "abdeckstift",
        "corrector",
        "correttore",
        "corretivo",
        "color corrector",
    ),
    "lipstick": (
        "lipstick",
        "lip stick",
        "lip colour",
        "lip color",
        "lip gloss",
        "lipgloss",
        "lip tint",
        "lip liner",
        "lip lacquer",
        "liquid lipstick",
        "rouge a levres",
        "gloss",
        "lippenstift",
        "lipgloss",
        "labial",
        "pintalabios",
        "barra de labios",
        "rossetto",
        "batom",
        "lippen",
    ),
    "blush": (
        "blush",
        "blusher",
        "cheek tint",
        "fard a joues",
        "rouge fur die wangen",
        "wangenrouge",
        "colorete",
        "rubor",
        "blush compatto",
        "blush em po",
    ),
    "apparel": (
        "t-shirt",
        "tshirt",
        "tee",
        "shirt",
        "blouse",
        "top",
        "tank top",
        "sweater",
        "jumper",
        "hoodie",
        "cardigan",
        "dress",
        "skirt",
        "jacket",
        "coat",
        "scarf",
        "polo",
        "knitwear",
        "camisole",
        "tunic",
        "robe",
        "chemise",
        "chemisier",
        "pull",
        "veste",
        "manteau",
        "jupe",
        "haut",
        "hemd",
        "bluse",
        "kleid",
        "kleider",
        "hemden",
        "blusen",
        "jacken",
        "pullover",
        "jacke",
        "mantel",
        "rock",
        "oberteil",
        "camisa",
        "camiseta",
        "blusa",
        "vestido",
        "falda",
        "chaqueta",
        "abrigo",
        "jersey",
        "maglia",
        "maglietta",
        "camicia",
        "vestito",
        "giacca",
        "gonna",
        "cappotto",
        "saia",
        "casaco",
        "jaqueta",
    ),
    "accessory": (
        "case",
        "glasses case",
        "eyeglass case",
        "cleaning cloth",
        "lens cloth",
        "chain",
        "glasses chain",
        "strap",
        "cord",
        "lanyard",
        "hat",
        "cap",
        "bag",
        "belt",
        "earrings",
        "necklace",
        "bracelet",
        "jewelry",
        "jewellery",
        "etui",
        "chainette",
        "cordon",
        "sac",
        "ceinture",
        "bijoux",
        "etui",
        "tasche",
        "taschen",
        "gurtel",
        "kette",
        "schmuck",
        "funda",
        "estuche",
        "bolso",
        "cinturon",
        "collar",
        "custodia",
        "borsa",
        "cintura",
        "collana",
        "estojo",
        "bolsa",
        "cinto",
    ),
    # Products Facet has nothing to match against a face. Listed so that their words outweigh the stray
    # keyword they contain ("Picture frame", "Top coat", "Lentes de contacto", "Hair gloss") or the image cue
    # a wide photo gives (an eyeshadow palette), instead of being guessed into a category we would rank.
    "other": (
        "gift card",
        "gift certificate",
        "gift voucher",
        "voucher",
        "carte cadeau",
        "bon cadeau",
        "gutschein",
        "geschenkkarte",
        "tarjeta regalo",
        "buono regalo",
        "cartao presente",
        "contact lens",
        "contact lenses",
        "contacts",
        "lentes de contacto",
        "lentilles",
        "lentilles de contact",
        "kontaktlinsen",
        "lenti a contatto",
        "picture frame",
        "photo frame",
        "frame tv",
        "cadre photo",
        "bilderrahmen",
        "marco de fotos",
        "nail polish",
        "nail lacquer",
        "top coat",
        "base coat",
        "vernis a ongles",
        "nagellack",
        "esmalte",
        "smalto",
        "mascara",
        "eyeliner",
        "eye liner",
        "eyeshadow",
        "eye shadow",
        "eyeshadow palette",
        "brow gel",
        "bronzer",
        "highlighter",
        "primer",
        "setting powder",
        "setting spray",
        "makeup remover",
        "cleanser",
        "serum",
        "moisturizer",
        "moisturiser",
        "sunscreen",
        "sunblock",
        "creme solaire",
        "sonnencreme",
        "protector solar",
        "shampoo",
        "conditioner",
        "hair gloss",
        "hair",
        "perfume",
        "parfum",
        "fragrance",
        "eau de toilette",
        "candle",
        "fishing",
        "skincare",
        "skin care",
    ),
}

# Words that name a whole department rather than a product: a store's "Accessories" collection holds its
# sunglasses too, so these count for less than the product's own noun.
_DEPARTMENT_WORDS: dict[str, tuple[str, ...]] = {
    "accessory": (
        "accessory",
        "accessories",
        "accessoire",
        "zubehor",
        "accesorio",
        "accessorio",
        "acessorio",
    ),
    "apparel": ("apparel", "clothing", "womenswear", "menswear"),
    "eyewear": ("eyewear",),
    "other": ("makeup", "make-up", "maquillage", "cosmetics", "beauty"),
}
_KEYWORDS.update({category: _KEYWORDS[category] + words for category, words in _DEPARTMENT_WORDS.items()})
_UMBRELLA_WORDS = frozenset(word for words in _DEPARTMENT_WORDS.values() for word in words)
_UMBRELLA_WEIGHT = 0.4

# Adjectives and style names that lean towards a category without naming the product ("polarized" is said of
# fishing lines and camera filters too; "aviator" of jackets).
_LEANING_WORDS = frozenset({"polarized", "polarised", "uv400", "wayfarer", "aviator"})
_LEANING_WEIGHT = 0.6

# Cosmetic words that are also colour names ("Linen shirt – Blush", "Cashmere scarf, blush"): beside a
# garment or accessory noun they name its colour, not the product.
_COLOUR_WORDS = frozenset({"blush"})

# A field's evidence counts more when it is the store's own classification of the product.
_FIELD_WEIGHTS = {"product_type": 3.0, "tags": 2.0, "title": 1.5, "description": 0.5}

# Accessories *for* glasses ("glasses case") mention glasses; when an accessory phrase and an eyewear word
# co-occur, the accessory phrase is the head noun.
_ACCESSORY_OVERRIDES = (
    "case",
    "cloth",
    "chain",
    "strap",
    "cord",
    "lanyard",
    "etui",
    "chainette",
    "cordon",
    "custodia",
    "estuche",
    "funda",
    "estojo",
    "kette",
)


@dataclass(frozen=True)
class CategoryResult:
    """A category guess and how sure the rules are."""

    category: str
    confidence: float
    evidence: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "confidence": round(self.confidence, 3),
            "evidence": list(self.evidence),
        }


def fold(text: str) -> str:
    """Lower-case and strip accents ("Lunettes Écaille" → "lunettes ecaille") so keywords match any
    spelling."""
    normalized = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in normalized if not unicodedata.combining(ch))
    return re.sub(r"[_/|,;:()\[\]]+", " ", folded)


def _compile(words: Iterable[str]) -> re.Pattern[str]:
    """Whole words or phrases, each also in its plural ("Tops", "Dresses", "Lipsticks", "Vestidos"): store
    departments and WooCommerce / Magento categories are usually plural."""
    alternatives = sorted({fold(w) for w in words}, key=len, reverse=True)
    return re.compile(
        r"(?<![a-z0-9])(" + "|".join(re.escape(w) for w in alternatives) + r")(?:e?s)?(?![a-z0-9])"
    )


_PATTERNS = {category: _compile(words) for category, words in _KEYWORDS.items()}
_ACCESSORY_HEAD = _compile(_ACCESSORY_OVERRIDES)
# "case for glasses", "étui à lunettes", "funda para gafas", "Kette für Brillen": the accessory is the head.
_FOR_WORDS = frozenset({"for", "pour", "a", "de", "des", "para", "per", "fur", "da", "di", "do", "voor"})
# "glasses with pearl chain", "lunettes avec chaînette": the eyewear is the head.
_WITH_WORDS = frozenset({"with", "avec", "mit", "con", "com", "met", "w"})


@dataclass(frozen=True)
class _Hit:
    category: str
    word: str
    start: int
    end: int


def _hits(folded: str) -> list[_Hit]:
    """Every keyword occurrence, minus those inside a longer one: "picture frame" is not a frame, "glasses
    case" not glasses, "tinted moisturizer" not a moisturiser."""
    found = [
        _Hit(category, match.group(1), match.start(), match.end())
        for category, pattern in _PATTERNS.items()
        for match in pattern.finditer(folded)
    ]
    return [
        hit
        for hit in found
        if not any(
            other is not hit
            and other.start <= hit.start
            and hit.end <= other.end
            and (other.end - other.start) > (hit.end - hit.start)
            for other in found
        )
    ]


def _accessory_is_head(folded: str, hits: list[_Hit]) -> bool:
    """Whether an accessory noun beside an eyewear word names the product ("glasses case") or a part of it
    ("gold chain aviator sunglasses", "glasses with pearl chain")."""
    frames = [h for h in hits if h.category in EYEWEAR_CATEGORIES]
    for accessory in _ACCESSORY_HEAD.finditer(folded):
        for frame in frames:
            if accessory.start() >= frame.end:
                between = set(folded[frame.end : accessory.start()].split())
                if not between & _WITH_WORDS:
                    return True
            elif accessory.end() <= frame.start:
                between = set(folded[accessory.end() : frame.start].split())
                if between & _FOR_WORDS:
                    return True
    return False


def _field_scores(text: str) -> tuple[dict[str, float], list[str]]:
    scores: dict[str, float] = {}
    hits_out: list[str] = []
    folded = fold(text)
    hits = _hits(folded)
    for hit in hits:
        # Longer phrases are more specific ("lunettes de soleil" beats "lunettes"); a department name is
        # weaker evidence than the product's own noun.
        weight = 1.0 + 0.15 * len(hit.word.split())
        if hit.word in _UMBRELLA_WORDS:
            weight *= _UMBRELLA_WEIGHT
        elif hit.word in _LEANING_WORDS:
            weight *= _LEANING_WEIGHT
        scores[hit.category] = max(scores.get(hit.category, 0.0), weight)
        hits_out.append(f"{hit.category}:{hit.word}")
    if "sunglasses" in scores and "eyewear" in scores:
        # "Lunettes de soleil" also matches "lunettes": sunglasses is the more specific reading.
        scores["eyewear"] *= 0.5
    if "accessory" in scores and _accessory_is_head(folded, hits):
        for eyewear in EYEWEAR_CATEGORIES:
            if eyewear in scores:
                scores[eyewear] *= 0.3
    garment = {"apparel", "accessory"} & scores.keys()
    if "blush" in scores and garment and all(h.word in _COLOUR_WORDS for h in hits if h.category == "blush"):
        scores["blush"] *= 0.3
    if "foundation" in scores and "concealer" in scores:
        scores["foundation"] *= 0.5
    return scores, hits_out


def detect_category(
    *,
    title: str = "",
    product_type: str = "",
    tags: Iterable[str] = (),
    description: str = "",
    image_cue: dict[str, float] | None = None,
) -> CategoryResult:
    """Classify a product from its text fields and an optional image cue ({category: probability})."""
    totals: dict[str, float] = {}
    evidence: list[str] = []
    fields = {
        "product_type": product_type or "",
        "tags": " , ".join(tags or ()),
        "title": title or "",
        "description": (description or "")[:500],
    }
    for field, text in fields.items():
        if not text.strip():
            continue
        scores, hits = _field_scores(text)
        for category, score in scores.items():
            totals[category] = totals.get(category, 0.0) + _FIELD_WEIGHTS[field] * score
        evidence.extend(f"{field}:{h}" for h in hits)

    if image_cue:
        for category, probability in image_cue.items():
            if probability > 0:
                totals[category] = totals.get(category, 0.0) + 2.0 * float(probability)
                evidence.append(f"image:{category}={probability:.2f}")

    if not totals:
        return CategoryResult("other", 0.2, ())
    ranked = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    # Confidence grows with the amount of evidence and with the margin over the next category.
    strength = 1.0 - 1.0 / (1.0 + best_score / 2.0)
    margin = (best_score - runner_up) / best_score
    confidence = float(min(0.99, 0.35 + 0.65 * strength * (0.4 + 0.6 * margin)))
    return CategoryResult(best, confidence, tuple(evidence))


def image_cue(rgb_or_rgba) -> dict[str, float]:
    """Cheap visual evidence: a wide, short, two-lobed dark outline on a light background looks like a frame.

    Delegates to `inference.catalog.eyewear_shape.looks_like_eyewear`, which knows the outline geometry.
    """
    from inference.catalog.eyewear_shape import looks_like_eyewear

    probability = looks_like_eyewear(rgb_or_rgba)
    return {"eyewear": probability} if probability > 0 else {}
