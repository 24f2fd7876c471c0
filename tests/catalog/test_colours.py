"""Dominant colours ignore the studio background; shade colours come from hex, swatches or names."""

from __future__ import annotations

import cv2
import numpy as np

from inference import colour
from inference.catalog.colours import (
    dominant_colours,
    foreground_mask,
    shade_from_swatch,
    shade_from_text,
    shade_undertone,
)


def _product_on(
    background: tuple[int, int, int], fill: tuple[int, int, int], *, shadow: bool = True
) -> np.ndarray:
    img = np.full((300, 400, 3), background, np.uint8)
    if shadow:  # a soft grey contact shadow like a studio photo
        shade = tuple(int(c * 0.88) for c in background)
        cv2.ellipse(img, (205, 250), (120, 18), 0, 0, 360, shade, -1)
        img = cv2.GaussianBlur(img, (0, 0), 6)
    cv2.rectangle(img, (120, 60), (280, 240), fill, -1)
    return img


def test_white_background_is_not_a_product_colour() -> None:
    red = (190, 30, 40)
    colours = dominant_colours(_product_on((255, 255, 255), red))
    assert len(colours) == 1
    assert colour.delta_e_2000(np.array(colours[0]["lab"]), colour.rgb_to_lab(np.array(red, float))) < 2
    assert colours[0]["weight"] == 1.0


def test_light_grey_background_and_two_colours_with_weights() -> None:
    img = _product_on((236, 236, 236), (20, 40, 120))
    cv2.rectangle(img, (120, 60), (280, 100), (230, 180, 40), -1)  # a yellow band over ~22 % of the product
    colours = dominant_colours(img)
    assert [c["hex"] for c in colours][:1] and len(colours) == 2
    blue, yellow = colours
    assert blue["weight"] > yellow["weight"] > 0.15
    assert abs(sum(c["weight"] for c in colours) - 1.0) < 1e-6
    assert colour.hue_angle(np.array(yellow["lab"])) < 100 < colour.hue_angle(np.array(blue["lab"]))


def test_transparent_png_uses_alpha() -> None:
    rgba = np.zeros((100, 100, 4), np.uint8)
    rgba[20:80, 20:80] = (10, 120, 60, 255)
    mask = foreground_mask(rgba)
    assert mask.sum() == 60 * 60
    (only,) = dominant_colours(rgba)
    assert colour.delta_e_2000(np.array(only["lab"]), colour.rgb_to_lab(np.array([10, 120, 60], float))) < 1


def test_empty_photo_has_no_colours() -> None:
    assert dominant_colours(np.full((50, 50, 3), 250, np.uint8)) == []


def test_shade_from_swatch_is_the_swatch_colour_not_the_cap() -> None:
    shade_rgb = np.array([198, 160, 128])
    img = np.full((300, 300, 3), 255, np.uint8)
    cv2.circle(img, (150, 170), 90, shade_rgb.tolist(), -1)
    cv2.rectangle(img, (130, 40), (170, 80), (20, 20, 20), -1)  # a black cap
    shade = shade_from_swatch(img)
    assert shade is not None
    assert colour.delta_e_2000(np.array(shade["lab"]), colour.rgb_to_lab(shade_rgb.astype(float))) < 1


def test_shade_from_a_softbox_lit_swatch_is_the_colour_at_its_centre() -> None:
    """A studio light falling off across the bottle (±4 %) must not read the shade lighter or darker: pale
    foundation shades in a range sit about ΔE00 1 apart."""
    shade_rgb = np.array([246, 228, 219])
    falloff = np.linspace(1.04, 0.96, 300)[None, :, None]
    lit = np.rint(np.clip(shade_rgb[None, None, :] * falloff, 0, 255)).astype(np.uint8)
    img = np.full((300, 300, 3), (192, 198, 210), np.uint8)
    body = np.zeros((300, 300), np.uint8)
    cv2.rectangle(body, (90, 100), (210, 270), 1, -1)
    img[body.astype(bool)] = np.broadcast_to(lit, img.shape)[body.astype(bool)]
    shade = shade_from_swatch(img)
    assert shade is not None
    assert colour.delta_e_2000(np.array(shade["lab"]), colour.rgb_to_lab(shade_rgb.astype(float))) < 0.15


def test_shade_from_text_prefers_hex_then_colour_words() -> None:
    assert shade_from_text(["Shade 220", "#c9a27e"])["hex"] == "#c9a27e"
    assert shade_from_text(["Rouge Allure"])["source"] == "name:rouge"
    assert shade_from_text(["Rubinrot", "Rot"])["source"] == "name:rot"
    assert shade_from_text(["Shade 220"]) is None


def test_shade_undertone_from_names_codes_and_hue() -> None:
    assert shade_undertone("220 Warm Beige", None) == "warm"
    assert shade_undertone("3N", None) == "neutral"
    assert shade_undertone("N30", None) == "neutral"
    assert shade_undertone("Cool Ivory", None) == "cool"
    assert shade_undertone("6N Neutral Honey", None) == "neutral"  # explicit word beats "honey"
    # Without a word in the name, the colour decides, by the analysis engine's own undertone rule.
    from plugin_api.demo.catalog import shade_lab

    for tone in ("warm", "neutral", "cool"):
        assert shade_undertone("Shade 05", shade_lab(5, tone)) == tone
