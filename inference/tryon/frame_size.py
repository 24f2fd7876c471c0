"""Parse eyewear sizes as stores print them: "52-18-140", "52□18 140", "52/18", "Width 138 mm".

Frame sizes are lens width – bridge – temple length in millimetres (the numbers on the inside of a temple
arm). Some stores give only the total front width instead. Anything else is refused rather than guessed,
because a wrong millimetre figure makes the try-on the wrong size and the fit verdict a lie.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class FrameSize:
    """A frame's size in mm; `lens_mm`/`bridge_mm` are None when only the total width is known."""

    lens_mm: float | None = None
    bridge_mm: float | None = None
    temple_mm: float | None = None
    total_width_mm: float | None = None

    @property
    def lens_centre_distance_mm(self) -> float | None:
        """Distance between the two lens (boxing) centres: lens width + bridge."""
        if self.lens_mm is None or self.bridge_mm is None:
            return None
        return self.lens_mm + self.bridge_mm

    def to_dict(self) -> dict:
        return {
            "lens_mm": self.lens_mm,
            "bridge_mm": self.bridge_mm,
            "temple_mm": self.temple_mm,
            "total_width_mm": self.total_width_mm,
        }


def parse_frame_size(text: str | float | int | FrameSize | None) -> FrameSize | None:
    """Parse a size string; None for empty input; ValueError for text that is not a plausible frame size."""
    if text is None or isinstance(text, FrameSize):
        return text
    if isinstance(text, int | float):
        return _total_only(float(text), str(text))
    raw = str(text).strip()
    if not raw:
        return None
    nums = [float(n.replace(",", ".")) for n in _NUMBER.findall(raw)]
    if len(nums) == 1:
        return _total_only(nums[0], raw)
    if len(nums) in (2, 3):
        lens, bridge = nums[0], nums[1]
        temple = nums[2] if len(nums) == 3 else None
        if not (30 <= lens <= 70 and 8 <= bridge <= 30):
            raise ValueError(f"{raw!r} is not a lens-bridge[-temple] size in mm (expected e.g. 52-18-140)")
        if temple is not None and not (110 <= temple <= 165):
            raise ValueError(f"{raw!r}: temple length {temple:g} mm is outside 110-165 mm")
        return FrameSize(lens_mm=lens, bridge_mm=bridge, temple_mm=temple)
    raise ValueError(f"{raw!r} is not a frame size (expected e.g. 52-18-140 or a total width like 138)")


def _total_only(value: float, raw: str) -> FrameSize:
    if not 90 <= value <= 175:
        raise ValueError(f"{raw!r}: a single number must be the frame's total width, 90-175 mm")
    return FrameSize(total_width_mm=value)
