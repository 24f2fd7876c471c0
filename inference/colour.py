"""Colour science shared by analysis, catalog features and ranking.

All conversions assume sRGB with a D65 white point, the space phone cameras and product photos are encoded in.
Functions are vectorised over the last axis so the same code handles one colour or a whole image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Monk Skin Tone scale (Google, 2022), MST-1 … MST-10.
MONK_HEX: tuple[str, ...] = (
    "#f6ede4",
    "#f3e7db",
    "#f7ead0",
    "#eadaba",
    "#d7bd96",
    "#a07e56",
    "#825c43",
    "#604134",
    "#3a312a",
    "#292420",
)

_D65_WHITE = np.array([0.95047, 1.0, 1.08883])
_SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_XYZ_TO_SRGB = np.linalg.inv(_SRGB_TO_XYZ)


def hex_to_rgb(value: str) -> np.ndarray:
    """Parse '#rrggbb' (or 'rrggbb', or '#rgb') into uint8 RGB."""
    text = value.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    if len(text) != 6:
        raise ValueError(f"not a hex colour: {value!r}")
    return np.array([int(text[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.uint8)


def rgb_to_hex(rgb: np.ndarray | tuple[float, float, float]) -> str:
    """Format an RGB triple (0–255) as '#rrggbb', clipping out-of-gamut values."""
    r, g, b = (int(round(float(np.clip(c, 0, 255)))) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    """Undo the sRGB transfer curve; input in 0–255, output linear light in 0–1."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(linear: np.ndarray) -> np.ndarray:
    """Apply the sRGB transfer curve; input linear light 0–1, output 0–255 floats (not clipped)."""
    c = np.clip(np.asarray(linear, dtype=np.float64), 0.0, None)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055) * 255.0


def _f(t: np.ndarray) -> np.ndarray:
    delta = 6 / 29
    return np.where(t > delta**3, np.cbrt(t), t / (3 * delta**2) + 4 / 29)


def _f_inv(t: np.ndarray) -> np.ndarray:
    delta = 6 / 29
    return np.where(t > delta, t**3, 3 * delta**2 * (t - 4 / 29))


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """Convert sRGB (0–255, shape (..., 3)) to CIELAB (D65)."""
    return linear_to_lab(srgb_to_linear(rgb))


def linear_to_lab(linear: np.ndarray) -> np.ndarray:
    """Convert linear-light sRGB (0–1, shape (..., 3)) to CIELAB (D65).

    For colours already in linear light (skin pixels after white balance): encoding them to sRGB only for
    `rgb_to_lab` to decode them again costs two powers per channel on tens of thousands of pixels.
    """
    return _xyz_to_lab(np.asarray(linear, dtype=np.float64) @ _SRGB_TO_XYZ.T / _D65_WHITE)


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """Convert CIELAB (D65) to sRGB floats 0–255 (not clipped, so callers can detect out-of-gamut)."""
    return linear_to_srgb((_lab_to_xyz(lab) * _D65_WHITE) @ _XYZ_TO_SRGB.T)


def exposed_lab(lab: np.ndarray, stops: float) -> np.ndarray:
    """The colour `stops` brighter (negative: darker), as a camera's exposure moves it: in linear light."""
    return _xyz_to_lab(_lab_to_xyz(lab) * 2.0**stops)


def _lab_to_xyz(lab: np.ndarray) -> np.ndarray:
    """CIELAB to XYZ relative to the D65 white (1, 1, 1)."""
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16) / 116
    return np.stack([_f_inv(fy + lab[..., 1] / 500), _f_inv(fy), _f_inv(fy - lab[..., 2] / 200)], axis=-1)


def _xyz_to_lab(xyz: np.ndarray) -> np.ndarray:
    """XYZ relative to the D65 white (1, 1, 1) to CIELAB."""
    fx, fy, fz = (_f(xyz[..., i]) for i in range(3))
    return np.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], axis=-1)


def hex_to_lab(value: str) -> np.ndarray:
    """CIELAB of a '#rrggbb' colour."""
    return rgb_to_lab(hex_to_rgb(value).astype(np.float64))


def lab_to_hex(lab: np.ndarray) -> str:
    """'#rrggbb' of a CIELAB colour (clipped into the sRGB gamut)."""
    return rgb_to_hex(lab_to_rgb(lab))


def ita_degrees(lab: np.ndarray) -> np.ndarray:
    """Individual typology angle: atan2(L* − 50, b*) in degrees, the dermatology lightness measure."""
    lab = np.asarray(lab, dtype=np.float64)
    return np.degrees(np.arctan2(lab[..., 0] - 50.0, lab[..., 2]))


def hue_angle(lab: np.ndarray) -> np.ndarray:
    """CIELAB hue angle h_ab in degrees (0–360); skin undertone reads from it."""
    lab = np.asarray(lab, dtype=np.float64)
    return np.degrees(np.arctan2(lab[..., 2], lab[..., 1])) % 360.0


def delta_e_2000(
    lab1: np.ndarray, lab2: np.ndarray, *, k_l: float = 1.0, k_c: float = 1.0, k_h: float = 1.0
) -> np.ndarray:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005), broadcasting over leading axes.

    `k_l`, `k_c`, `k_h` are the formula's parametric factors (1 in reference conditions): a factor above 1
    makes that component's differences count for less, as when one side's chroma and hue are less certain
    than its lightness (`scoring`'s hue tolerance).
    """
    return delta_e_2000_terms(lab1, lab2).distance(k_l=k_l, k_c=k_c, k_h=k_h)


@dataclass(frozen=True)
class DeltaE2000Terms:
    """CIEDE2000's weighted lightness, chroma and hue differences and its rotation term, before the
    parametric factors: the costly part, so one pair of colour sets can be measured with several factors."""

    lightness: np.ndarray
    chroma: np.ndarray
    hue: np.ndarray
    rotation: np.ndarray

    def distance(self, *, k_l: float = 1.0, k_c: float = 1.0, k_h: float = 1.0) -> np.ndarray:
        dl, dc, dh = self.lightness / k_l, self.chroma / k_c, self.hue / k_h
        return np.sqrt(dl**2 + dc**2 + dh**2 + self.rotation * dc * dh)


def delta_e_2000_terms(lab1: np.ndarray, lab2: np.ndarray) -> DeltaE2000Terms:
    """The terms of `delta_e_2000` for these colours (see `DeltaE2000Terms`)."""
    lab1 = np.asarray(lab1, dtype=np.float64)
    lab2 = np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]

    c1 = np.hypot(a1, b1)
    c2 = np.hypot(a2, b2)
    c_bar7 = ((c1 + c2) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(c_bar7 / (c_bar7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360

    dlp = l2 - l1
    dcp = c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, dh)
    dh = np.where(dh < -180, dh + 360, dh)
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    dhp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))

    lbp = (l1 + l2) / 2
    cbp = (c1p + c2p) / 2
    hsum = h1p + h2p
    hbp = np.where(np.abs(h1p - h2p) > 180, np.where(hsum < 360, hsum + 360, hsum - 360), hsum) / 2
    hbp = np.where(c1p * c2p == 0, hsum, hbp)

    t = (
        1
        - 0.17 * np.cos(np.radians(hbp - 30))
        + 0.24 * np.cos(np.radians(2 * hbp))
        + 0.32 * np.cos(np.radians(3 * hbp + 6))
        - 0.20 * np.cos(np.radians(4 * hbp - 63))
    )
    d_theta = 30 * np.exp(-(((hbp - 275) / 25) ** 2))
    rc = 2 * np.sqrt(cbp**7 / (cbp**7 + 25**7))
    sl = 1 + 0.015 * (lbp - 50) ** 2 / np.sqrt(20 + (lbp - 50) ** 2)
    sc = 1 + 0.045 * cbp
    sh = 1 + 0.015 * cbp * t
    rt = -np.sin(np.radians(2 * d_theta)) * rc
    return DeltaE2000Terms(lightness=dlp / sl, chroma=dcp / sc, hue=dhp / sh, rotation=rt)


MONK_LAB: np.ndarray = np.stack([hex_to_lab(h) for h in MONK_HEX])
