"""Everything Facet knows about one product, computed once per new/changed product:
`compute_product_features`.

The result is a JSON-able dict (stored on the product row) that the ranking reads. For eyewear the try-on
asset
is built here too; `extract_product_features` returns it next to the dict so the caller can store the PNG.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inference.catalog.category import (
    COLOUR_COSMETIC_CATEGORIES,
    EYEWEAR_CATEGORIES,
    SHADE_CATEGORIES,
    detect_category,
    image_cue,
)
from inference.catalog.colours import dominant_colours, shade_from_swatch, shade_from_text, shade_undertone
from inference.catalog.embedding import Embedder, get_embedder
from inference.catalog.eyewear_shape import classify_frame_shape
from inference.tryon.asset import AssetRejection, TryOnAsset, make_tryon_asset

log = logging.getLogger(__name__)

# 3: eyewear colours are the frame's alone (tinted lenses excluded); 4: the merchant's own colour names
# (`colour_name`), and Shopify's "Default Title" placeholder is no longer read as a shade name; 5: plural
# and department words in the category, the description, attributes and labelled sizes read for a frame's
# size, and foundation shades never guessed from names (`shades_unread`).
FEATURES_VERSION = 5

# "52-18-140" as printed inside a temple arm, with whatever separator a store's editor produced (hyphens of
# every kind, "□", "x", "/", "·", spaces) and an optional "A" / "DBL" label before the parts.
_SEP = r"\s*(?:[-‐‑‒–—x×□/·|]|\s)\s*(?:(?:dbl|a|b)\s*)?"
_SIZE_RE = re.compile(
    r"(?<!\d)(?:a\s*)?([3-6]\d)(?:\s*mm)?" + _SEP + r"([89]|1\d|2\d)(?:\s*mm)?" + _SEP + r"(1[1-6]\d)(?!\d)",
    re.IGNORECASE,
)
# Labelled parts, as spec tables and variant options give them ("Lens width: 52 mm", "Bridge 18mm").
_PART_RES = {
    "lens_mm": re.compile(
        r"(?:lens(?:\s*width)?|eye\s*size|glasbreite|largeur\s*(?:de\s*)?(?:verre|l[ea]\s*verre)|"
        r"ancho\s*(?:de(?:l)?\s*)?(?:lente|cristal)|calibre)\D{0,12}?([3-6]\d)(?:[.,]\d)?\s*(?:mm)?(?!\d)",
        re.IGNORECASE,
    ),
    "bridge_mm": re.compile(
        r"(?:bridge|dbl|nose\s*bridge|stegbreite|steg|pont|puente|ponte)\D{0,12}?([89]|1\d|2\d)(?:[.,]\d)?"
        r"\s*(?:mm)?(?!\d)",
        re.IGNORECASE,
    ),
    "temple_mm": re.compile(
        r"(?:temple|arm|bugel|bügel|branche|varilla|asta|haste)\D{0,16}?(1[1-6]\d)(?:[.,]\d)?\s*(?:mm)?(?!\d)",
        re.IGNORECASE,
    ),
}
# The whole front's width. A temple ("Frame temple length: 145 mm") or lens word between the label and the
# number means another part is meant.
_WIDTH_RE = re.compile(
    r"(?:total|frame|overall|gesamt|largeur|ancho|larghezza|largura)((?:(?!temple|arm|lens|bridge|bugel|bügel|"
    r"branche|varilla|asta|verre|lente|steg)[^0-9]){0,24})(1[0-6]\d)(?:[.,]\d)?\s*mm",
    re.IGNORECASE,
)
# Lens + bridge + lens is the glazing width; the rims and end pieces add about 8 mm in total.
_RIM_ALLOWANCE_MM = 8.0


@dataclass
class ProductInfo:
    """The text a store gives us about a product (no database types: inference never sees ORM rows)."""

    title: str = ""
    product_type: str = ""
    tags: list[str] = field(default_factory=list)
    description: str = ""
    variants: list[dict[str, Any]] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ProductInfo:
        """Build from any dict-like product (a connector's CatalogProduct as dict, a test fixture)."""
        tags = data.get("tags") or []
        if isinstance(tags, str):
            tags = [t.strip() for t in tags.split(",") if t.strip()]
        return cls(
            title=data.get("title") or "",
            product_type=data.get("product_type") or "",
            tags=list(tags),
            description=data.get("description") or "",
            variants=list(data.get("variants") or []),
            attributes=dict(data.get("attributes") or {}),
        )


@dataclass
class FeatureResult:
    """Computed features plus, for eyewear, the try-on asset object (stored separately as PNG + JSON)."""

    features: dict[str, Any]
    asset: TryOnAsset | None = None


def parse_frame_size(texts: Iterable[str]) -> dict[str, float] | None:
    """Frame size from '52-18-140' (lens-bridge-temple), labelled parts ('Lens width: 52 mm', 'Bridge: 18
    mm') or 'frame width 138 mm' in titles, descriptions, options and attributes.

    A wrong millimetre figure makes the try-on the wrong size and the fit reason false, so anything that is
    not clearly one of these is left unknown.
    """
    texts = [str(t) for t in texts if t]
    for text in texts:
        match = _SIZE_RE.search(text)
        if match:
            lens, bridge, temple = (float(g) for g in match.groups())
            return _from_parts(lens, bridge, temple, "size")
    parts: dict[str, float] = {}
    for text in texts:
        for part, pattern in _PART_RES.items():
            found = pattern.search(text)
            if found and part not in parts:
                parts[part] = float(found.group(1))
    if "lens_mm" in parts and "bridge_mm" in parts:
        return _from_parts(parts["lens_mm"], parts["bridge_mm"], parts.get("temple_mm"), "parts")
    for text in texts:
        match = _WIDTH_RE.search(text)
        if match:
            return {"total_width_mm": float(match.group(2)), "source": "width"}
    return None


def _from_parts(lens: float, bridge: float, temple: float | None, source: str) -> dict[str, Any]:
    size: dict[str, Any] = {
        "lens_mm": lens,
        "bridge_mm": bridge,
        "total_width_mm": 2 * lens + bridge + _RIM_ALLOWANCE_MM,
        "source": source,
    }
    if temple is not None:
        size["temple_mm"] = temple
    return size


# Shopify names the only variant of a product without options "Default Title" (option "Title"): not a name.
_PLACEHOLDER_NAMES = frozenset({"default title", "default"})
# Option names that hold a colour, as stores spell them (Shopify, WooCommerce `pa_color`, Magento `color`).
_COLOUR_OPTION_RE = re.compile(r"colou?r|couleur|farbe|colore|kleur|shade|teinte|tint|farbton", re.IGNORECASE)


def _variant_texts(variant: Mapping[str, Any]) -> list[str]:
    texts = [str(variant.get("title") or "")]
    options = variant.get("options") or {}
    if isinstance(options, Mapping):
        texts.extend(str(v) for v in options.values())
    else:
        texts.extend(str(v) for v in options)
    for key in ("hex", "colour", "color", "swatch"):
        if variant.get(key):
            texts.append(str(variant[key]))
    return [t for t in texts if t and t.strip().lower() not in _PLACEHOLDER_NAMES]


def variant_colour_name(variant: Mapping[str, Any]) -> str | None:
    """The merchant's own name for a variant's colour (its colour option's value), if it has one.

    Why: reasons name a product's colour, and "rust" for a lipstick the store calls "Terracotta" reads as a
    different product. Hex values are not names.
    """
    options = variant.get("options") or {}
    if not isinstance(options, Mapping):
        return None
    for key, value in options.items():
        text = str(value or "").strip()
        if _COLOUR_OPTION_RE.search(str(key)) and text and "#" not in text:
            return None if text.lower() in _PLACEHOLDER_NAMES else text
    return None


def product_colour_name(info: ProductInfo) -> str | None:
    """The colour name every variant shares (a product sold in one colour), else None."""
    names = {variant_colour_name(v) for v in info.variants}
    return names.pop() if len(names) == 1 and None not in names else None


def _shades(
    info: ProductInfo,
    image: np.ndarray | None,
    swatches: Mapping[str, np.ndarray],
    *,
    words_are_colours: bool,
) -> tuple[list[dict], int]:
    """One shade per variant (hex in options > swatch image > colour word), else, for a product sold in one
    shade, its photo's swatch; and how many variants no colour could be read for.

    `words_are_colours`: a lipstick's "Coral" or "Cherry" names its colour; a foundation's "Buff Beige",
    "Natural Beige" and "Sun Beige" all read "beige", and "Rose Ivory" pink, so a foundation or concealer
    shade is never guessed from its name (a match would quote a ΔE nobody measured). Nor is one photo taken
    for a range's every shade: the shopper would be sent the first variant as their "closest shade".
    """
    shades = []
    unread = 0
    # A single-variant product's own photo shows its shade: trust it over a colour word in the name.
    single = len(info.variants) <= 1
    own_photo = image if single else None
    for variant in info.variants:
        vid = str(variant.get("id") or variant.get("platform_id") or "")
        texts = _variant_texts(variant)
        shade = shade_from_text([t for t in texts if "#" in t])
        if shade is None and vid in swatches:
            shade = shade_from_swatch(swatches[vid])
        if shade is None and own_photo is not None:
            shade = shade_from_swatch(own_photo)
        if shade is None and words_are_colours:
            shade = shade_from_text(texts)
        if shade is None:
            unread += 1
            continue
        name = " ".join(dict.fromkeys(t.strip() for t in texts[:2] if t.strip())) or info.title
        shade.update(variant_id=vid or None, name=name, undertone=shade_undertone(name, shade["lab"]))
        colour_name = variant_colour_name(variant)
        if colour_name:
            shade["colour_name"] = colour_name
        shades.append(shade)
    if not shades and single and image is not None:
        shade = shade_from_swatch(image)
        if shade is not None:
            shade.update(
                variant_id=None, name=info.title, undertone=shade_undertone(info.title, shade["lab"])
            )
            shades.append(shade)
            unread = 0
    return shades, unread


def extract_product_features(
    info: ProductInfo,
    image: np.ndarray | None,
    *,
    embedder: Embedder | None = None,
    make_asset: Callable[..., TryOnAsset | AssetRejection] = make_tryon_asset,
    swatches: Mapping[str, np.ndarray] | None = None,
) -> FeatureResult:
    """Category, colours, shades, eyewear shape/size/try-on asset and the embedding of one product."""
    rgb = None if image is None else np.asarray(image)
    cue = image_cue(rgb) if rgb is not None else None
    category = detect_category(
        title=info.title,
        product_type=info.product_type,
        tags=info.tags,
        description=info.description,
        image_cue=cue,
    )
    # `category` is the plain label (the demo store and admin read it as a string); the evidence sits
    # beside it.
    features: dict[str, Any] = {
        "version": FEATURES_VERSION,
        "category": category.category,
        "category_confidence": round(category.confidence, 3),
        "category_evidence": list(category.evidence)[:12],
    }
    if rgb is not None:
        features["image"] = {"width": int(rgb.shape[1]), "height": int(rgb.shape[0])}
    colour_name = product_colour_name(info)
    if colour_name:
        features["colour_name"] = colour_name

    label = category.category
    asset: TryOnAsset | None = None
    tryon: dict | None = None
    size = _frame_size(info) if label in EYEWEAR_CATEGORIES else None
    if label in EYEWEAR_CATEGORIES and rgb is not None:
        asset, tryon = _tryon_asset(rgb, size, make_asset)
        if asset is None and tryon.get("reason") in _NOT_A_FRAME and _photo_only(category.evidence):
            # Only the photo's wide outline said "frame", and the try-on engine, which looks closer, says it
            # is not one (an eyeshadow palette, a gift card): no frame shape or fit reasons for it.
            label = "other"
            features["category"] = label
            features["category_confidence"] = 0.2
            asset, tryon = None, None

    if label in SHADE_CATEGORIES or label in COLOUR_COSMETIC_CATEGORIES:
        shades, unread = _shades(info, rgb, swatches or {}, words_are_colours=label not in SHADE_CATEGORIES)
        features["shades"] = shades
        if unread and label in SHADE_CATEGORIES:
            # Said to the merchant (catalog status): these shades cannot be matched until each has a swatch
            # image or a hex colour.
            features["shades_unread"] = unread

    if label in EYEWEAR_CATEGORIES:
        eyewear: dict[str, Any] = {"frame_mm": size, "tryon": None}
        if rgb is not None:
            eyewear["tryon"] = tryon
            measured = asset.geometry.get("total_width_mm") if asset is not None else None
            if size and measured:
                # The try-on engine measures hinge-to-hinge width from the photo scaled by the printed size:
                # better than lens + bridge + lens plus a fixed allowance for the end pieces.
                size = {**size, "total_width_mm": float(measured), "source": f"{size['source']}+photo"}
                eyewear["frame_mm"] = size
            shape_source = _asset_arrays(asset) if asset is not None else (rgb, None)
            shape = classify_frame_shape(*shape_source)
            if asset is None:
                shape = type(shape)(shape.label, shape.confidence * 0.7, shape.measures)
            eyewear["frame_shape"] = shape.as_dict()
        features["eyewear"] = eyewear
    # A frame's colours come from its try-on asset (the frame alone), anything else's from the whole photo.
    frame_colours = _frame_colours(asset) if asset is not None else []
    features["colours"] = frame_colours or (dominant_colours(rgb) if rgb is not None else [])

    if rgb is not None:
        embedder = embedder or get_embedder()
        features["embedding"] = {
            "kind": embedder.status.kind,
            "vector": [round(float(v), 5) for v in embedder.embed(rgb)],
        }
    return FeatureResult(features, asset)


def compute_product_features(product: Mapping[str, Any] | ProductInfo, image: np.ndarray | None) -> dict:
    """Features of one product as a JSON-able dict (the try-on asset is dropped; see
    extract_product_features)."""
    info = product if isinstance(product, ProductInfo) else ProductInfo.from_mapping(product)
    return extract_product_features(info, image).features


def _asset_arrays(asset: TryOnAsset) -> tuple[np.ndarray, dict]:
    """A try-on asset's RGBA pixels (HxWx4 uint8) and a copy of its geometry."""
    return np.asarray(asset.image), dict(asset.geometry)


# Try-on assets keep the frame opaque and tinted lenses translucent (they let the face show through).
_OPAQUE_ALPHA = 240
_MIN_FRAME_PIXELS = 200


def _frame_colours(asset: TryOnAsset) -> list[dict]:
    """Dominant colours of the frame alone: the try-on asset's opaque pixels. In a sunglasses photo the
    tinted lenses are the largest surfaces, so the whole photo's colours would call a gold aviator with G15
    lenses "emerald"; the palette reasons say "frame"."""
    rgba, _ = _asset_arrays(asset)
    if rgba.ndim != 3 or rgba.shape[2] != 4:
        return []
    opaque = rgba[..., 3] >= _OPAQUE_ALPHA
    if int(opaque.sum()) < _MIN_FRAME_PIXELS:
        return []
    frame = rgba.copy()
    frame[..., 3] = np.where(opaque, 255, 0)
    return dominant_colours(frame)


# Try-on rejections that mean "this photo shows no frame" rather than "this frame photo cannot be used".
_NOT_A_FRAME = frozenset({"not_eyewear_like", "no_object"})


def _photo_only(evidence: Iterable[str]) -> bool:
    """Whether a category rests on the image cue alone, with no word from the store behind it."""
    return all(item.startswith("image:") for item in evidence)


def _frame_size(info: ProductInfo) -> dict | None:
    """The frame's printed size, from anything the store wrote about the product or its variants."""
    # With their names: "Lens width: 52 mm" is a size where "52 mm" alone is not.
    texts = [info.title, info.description, *(f"{k}: {v}" for k, v in info.attributes.items())]
    for variant in info.variants:
        texts.extend(_variant_texts(variant))
        options = variant.get("options") or {}
        if isinstance(options, Mapping):
            texts.extend(f"{k}: {v}" for k, v in options.items())
    return parse_frame_size(texts)


def _tryon_asset(
    rgb: np.ndarray, size: dict | None, make_asset: Callable[..., TryOnAsset | AssetRejection]
) -> tuple[TryOnAsset | None, dict]:
    frame_mm = None
    if size:
        frame_mm = (
            "-".join(f"{size[k]:.0f}" for k in ("lens_mm", "bridge_mm", "temple_mm") if k in size)
            if "lens_mm" in size
            else size["total_width_mm"]
        )
    result = make_asset(rgb, frame_mm=frame_mm)
    if isinstance(result, AssetRejection):
        return None, {"ok": False, "reason": result.code, "message": result.message}
    return result, {"ok": True}
