"""Mesh-defined face regions: named landmark indices and polygon masks on the 478-point MediaPipe topology.

Index lists follow MediaPipe's canonical face mesh. "right_*" / "left_*" here mean the subject's sides (as in
MediaPipe's own naming); the public `points` output converts them to image-left / image-right.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

FACE_OVAL = (
    10,
    338,
    297,
    332,
    284,
    251,
    389,
    356,
    454,
    323,
    361,
    288,
    397,
    365,
    379,
    378,
    400,
    377,
    152,
    148,
    176,
    149,
    150,
    136,
    172,
    58,
    132,
    93,
    234,
    127,
    162,
    21,
    54,
    103,
    67,
    109,
)
# Eye openings (lid margins), subject's right eye (image-left in a selfie) then left eye.
RIGHT_EYE = (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7)
LEFT_EYE = (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249)
# Iris: centre then four edge points, for each eye (478-point model only).
RIGHT_IRIS = (468, 469, 470, 471, 472)
LEFT_IRIS = (473, 474, 475, 476, 477)
RIGHT_BROW = (70, 63, 105, 66, 107, 55, 65, 52, 53, 46)
LEFT_BROW = (300, 293, 334, 296, 336, 285, 295, 282, 283, 276)
LIPS_OUTER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146)

# Skin sampling regions: flat, well-lit patches that are rarely covered by hair, brows, glasses or beard.
RIGHT_CHEEK = (117, 118, 119, 100, 142, 203, 206, 216, 207, 187, 123, 116)
LEFT_CHEEK = (346, 347, 348, 329, 371, 423, 426, 436, 427, 411, 352, 345)
FOREHEAD = (67, 109, 10, 338, 297, 299, 337, 151, 108, 69)
NOSE_BRIDGE = (168, 417, 351, 6, 122, 193)
# Bands just below the lower lids, where dark circles show.
RIGHT_UNDER_EYE = (226, 31, 228, 229, 230, 231, 232, 233, 128, 121, 120, 119, 118, 117, 111, 35)
LEFT_UNDER_EYE = (446, 261, 448, 449, 450, 451, 452, 453, 357, 350, 349, 348, 347, 346, 340, 265)
# T-zone for shine: forehead centre and nose.
NOSE = (168, 417, 351, 419, 248, 281, 5, 51, 3, 196, 122, 193)

SKIN_REGIONS: dict[str, tuple[int, ...]] = {
    "right_cheek": RIGHT_CHEEK,
    "left_cheek": LEFT_CHEEK,
    "forehead": FOREHEAD,
    "nose_bridge": NOSE_BRIDGE,
}


class RegionCanvas:
    """Rasterises mesh polygons into boolean masks over a crop of the image around the face.

    Working on the face crop (not the whole photo) keeps mask building fast on 12-megapixel photos.
    """

    def __init__(self, mesh: np.ndarray, shape: tuple[int, int], margin: float = 0.15) -> None:
        height, width = shape
        xy = mesh[:, :2]
        x0, y0 = xy.min(axis=0)
        x1, y1 = xy.max(axis=0)
        pad_x, pad_y = (x1 - x0) * margin, (y1 - y0) * margin
        self.x0 = int(max(0, np.floor(x0 - pad_x)))
        self.y0 = int(max(0, np.floor(y0 - pad_y)))
        self.x1 = int(min(width, np.ceil(x1 + pad_x)))
        self.y1 = int(min(height, np.ceil(y1 + pad_y)))
        self.xy = xy - np.array([self.x0, self.y0], dtype=np.float32)
        self._masks: dict[tuple[int, ...], np.ndarray] = {}
        self._derived: dict[str, np.ndarray] = {}

    def rescaled(self, scale: float, size: tuple[int, int]) -> RegionCanvas:
        """The same face on this canvas's crop resized by `scale` to `size` (width, height)."""
        other = RegionCanvas.__new__(RegionCanvas)
        other.x0, other.y0, other.x1, other.y1 = 0, 0, size[0], size[1]
        other.xy = self.xy * scale
        other._masks = {}
        other._derived = {}
        return other

    @property
    def shape(self) -> tuple[int, int]:
        return (max(self.y1 - self.y0, 1), max(self.x1 - self.x0, 1))

    def crop(self, image: np.ndarray) -> np.ndarray:
        """The crop of an image-sized array this canvas covers."""
        return image[self.y0 : self.y1, self.x0 : self.x1]

    def polygon(self, indices: tuple[int, ...]) -> np.ndarray:
        """Boolean mask of one mesh polygon (filled in the outline order given); cached per canvas."""
        cached = self._masks.get(indices)
        if cached is not None:
            return cached
        mask = np.zeros(self.shape, dtype=np.uint8)
        pts = np.round(self.xy[list(indices)] * 4).astype(np.int32)  # 2 fractional bits for sub-pixel edges
        cv2.fillPoly(mask, [pts], 1, lineType=cv2.LINE_8, shift=2)
        self._masks[indices] = mask.astype(bool)
        return self._masks[indices]

    def union(self, *polygons: tuple[int, ...]) -> np.ndarray:
        """Boolean mask of several polygons together."""
        mask = np.zeros(self.shape, dtype=bool)
        for indices in polygons:
            mask |= self.polygon(indices)
        return mask

    def memo(self, name: str, build: Callable[[], np.ndarray]) -> np.ndarray:
        """A derived mask, built once per canvas (several analysis stages read the same one)."""
        if name not in self._derived:
            self._derived[name] = build()
        return self._derived[name]

    def exclusions(self) -> np.ndarray:
        """Eyes, brows and lips, slightly dilated: never skin, whatever the sampling polygons overlap."""

        def build() -> np.ndarray:
            mask = self.union(RIGHT_EYE, LEFT_EYE, RIGHT_BROW, LEFT_BROW, LIPS_OUTER).astype(np.uint8)
            size = max(3, int(round(0.02 * max(self.shape))) | 1)
            return cv2.dilate(mask, np.ones((size, size), np.uint8)).astype(bool)

        return self.memo("exclusions", build)


_LINEAR_LUT = np.arange(256, dtype=np.float64) / 255.0
_LINEAR_LUT = np.where(
    _LINEAR_LUT <= 0.04045, _LINEAR_LUT / 12.92, ((_LINEAR_LUT + 0.055) / 1.055) ** 2.4
).astype(np.float32)


class LinearPhoto:
    """Linear-light pixels of a photo, converted only where the analysis reads them.

    Converting a whole 12-megapixel photo to float costs hundreds of ms and ~150 MB; the analysis reads only
    the face crop (skin, sclera, concerns) and a subsample of the rest of the scene (its white estimate), so
    that is all we convert.
    """

    def __init__(self, rgb: np.ndarray, canvas: RegionCanvas, max_scene_pixels: int = 40_000) -> None:
        self.rgb = rgb
        self.canvas = canvas
        self.crop = _LINEAR_LUT[canvas.crop(rgb)]
        self._max_scene_pixels = max_scene_pixels
        self._scene: np.ndarray | None = None
        self._face: np.ndarray | None = None

    def face_pixels(self) -> np.ndarray:
        """Linear pixels inside the mesh face oval (cached: exposure checks read them more than once)."""
        if self._face is None:
            self._face = self.crop[self.canvas.polygon(FACE_OVAL)]
        return self._face

    def scene(self, mesh: np.ndarray) -> np.ndarray:
        """Linear pixels of a regular subsample of the photo outside the (dilated) face oval (cached)."""
        if self._scene is None:
            self._scene = self._scene_pixels(mesh)
        return self._scene

    def _scene_pixels(self, mesh: np.ndarray) -> np.ndarray:
        height, width = self.rgb.shape[:2]
        step = max(1, int(np.sqrt(height * width / self._max_scene_pixels)))
        small = self.rgb[::step, ::step]
        face = np.zeros(small.shape[:2], np.uint8)
        pts = np.round(mesh[list(FACE_OVAL), :2] / step).astype(np.int32)
        cv2.fillPoly(face, [pts], 1)
        face = cv2.dilate(face, np.ones((5, 5), np.uint8))
        return _LINEAR_LUT[small[face == 0]]
