"""Amounts written for people: the merchant dashboard's sales and the demo store's prices.

Amounts arrive as platform strings or sums of them ('1234.5', '1E+3'), so they are written with the
currency's own decimals rather than as given.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# Currencies written with their symbol before the amount (any other is written after it by its code), and
# the ones without minor units.
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}
_NO_DECIMALS = frozenset({"JPY", "KRW", "CLP", "ISK", "VND"})


def money(amount: Decimal | str, currency: str | None) -> str:
    """'1234.5', 'USD' → '$1,234.50'; '-5', 'EUR' → '−€5.00'; '1200', 'JPY' → '¥1,200'; '99', 'CHF' →
    '99.00 CHF' (as given when it is not a number)."""
    code = (currency or "").upper()
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return f"{amount} {code}".strip()
    if not value.is_finite():
        return f"{amount} {code}".strip()
    number = f"{abs(value):,.0f}" if code in _NO_DECIMALS else f"{abs(value):,.2f}"
    sign = "−" if value < 0 else ""
    return f"{sign}{_SYMBOLS[code]}{number}" if code in _SYMBOLS else f"{sign}{number} {code}".strip()
