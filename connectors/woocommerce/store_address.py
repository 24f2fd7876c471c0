"""Where a WooCommerce store really answers: merchants type `shop.com` for a store at `https://www.shop.com/`.

Facet never follows a store's redirects once it holds keys (`connectors.address_guard`): a redirect would take
the keys to an address nobody checked, and hosts drop the Authorization header across hosts anyway. So the
connect form asks the store's REST root (`wp-json/`) where it lives, one hop at a time, each hop's address
checked like any other, and keeps the address the store names for itself.
"""

from __future__ import annotations

from urllib.parse import urljoin

import requests

from connectors.address_guard import check_public

MAX_HOPS = 3
TIMEOUT = (3.0, 5.0)
_REST_ROOT = "wp-json/"


def settled_store_address(store: str, *, allow_private: bool) -> str:
    """`store` (`https://…/` form), or the address its REST root redirects to; raises `AddressRefused` for a
    hop into a private network. A store that cannot be reached keeps the address as typed: the merchant's
    browser, sent there next, shows them why."""
    current = store
    for _ in range(MAX_HOPS):
        check_public(current, allow_private=allow_private)
        try:
            answer = requests.get(current + _REST_ROOT, allow_redirects=False, timeout=TIMEOUT)
        except requests.RequestException:
            return current
        location = answer.headers.get("Location") if 300 <= answer.status_code < 400 else None
        if not location:
            return current
        target = urljoin(current + _REST_ROOT, location).split("?", 1)[0].split("#", 1)[0]
        if _REST_ROOT not in target:
            return (
                current  # redirected somewhere that is not its REST root (a login page, a maintenance page)
            )
        current = target[: target.index(_REST_ROOT)]
    check_public(current, allow_private=allow_private)
    return current
