"""Whether a form POST came from one of Facet's own pages, by what the browser says about it.

A support link's sign-in button posts the link's token back to Facet. The token is the secret, so no site can
sign anyone into a store it has no link for. But a site holding some link could post it from a visitor's
browser and sign them into that store without their knowing (login CSRF). Browsers say where a POST comes
from: `Sec-Fetch-Site` (current browsers; only the browser can set it), `Origin` (every browser's POST since
2020) and `Referer` (unless a policy strips it). The first of these present decides. A request with none of
them comes from no browser's form (curl, a script holding the link) and passes: whoever sends it has the
token.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

# `none`: the user started the request themselves (not another page), which no site can do for them.
OWN_FETCH_SITES = frozenset({"same-origin", "none"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of `url`, lower case, without a default port; None for `null` or no URL."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:  # a port that is no number
        return None
    if not parts.scheme or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    suffix = f":{port}" if port is not None and port != DEFAULT_PORTS.get(scheme) else ""
    return f"{scheme}://{parts.hostname}{suffix}"


def from_own_page(headers: Mapping[str, str], own_urls: Iterable[str]) -> bool:
    """Whether a POST with these request headers was sent by a page on the origin of one of `own_urls`."""
    fetch_site = headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site.strip().lower() in OWN_FETCH_SITES
    own = {origin for origin in map(origin_of, own_urls) if origin}
    for header in ("Origin", "Referer"):
        sent = headers.get(header)
        if sent is not None:
            return (
                origin_of(sent) in own
            )  # `Origin: null` (a sandboxed or privacy-stripped page) is no page here
    return True
