"""Whole numbers written in text (query strings, form fields, headers, platform ids).

Why not `str.isdigit()`: it also accepts "²" or "٣", which `int()` then refuses (a 500 on a public page) or
reads as a number nobody typed. Only ASCII digits are a number here.
"""

from __future__ import annotations

import re

_ASCII_DIGITS = re.compile(r"[0-9]+")


def whole_number(text: str | None, *, max_digits: int = 18) -> int | None:
    """`text` as a non-negative integer when it is 1 to `max_digits` ASCII digits and nothing else, else
    None (a caller that accepts surrounding spaces strips them first)."""
    if text is None or len(text) > max_digits or not _ASCII_DIGITS.fullmatch(text):
        return None
    return int(text)
