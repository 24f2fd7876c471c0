"""Whole numbers in text: ASCII digits only, so no user-typed "²" reaches int() as a 500."""

from __future__ import annotations

import pytest

from plugin_api.numbers import whole_number


@pytest.mark.parametrize(("text", "number"), [("0", 0), ("30", 30), ("007", 7)])
def test_ascii_digits_are_a_number(text: str, number: int) -> None:
    assert whole_number(text) == number


@pytest.mark.parametrize(
    "text", [None, "", " ", " 10 ", "30\n", "²", "٣٠", "３０", "-1", "1.5", "1e3", "10%", "0x1f"]
)
def test_anything_else_is_none(text: str | None) -> None:
    assert whole_number(text) is None


def test_too_many_digits_is_none() -> None:
    assert whole_number("1234", max_digits=3) is None
    assert whole_number("123", max_digits=3) == 123
