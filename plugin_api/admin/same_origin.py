"""Whether a form POST came from one of Facet's own pages, by what the browser says about it.

A support link's sign-in button posts the link's token back to Facet. The token is the secret, so no site can
sign anyone into a store it has no link for. But a site holding some link could post it from a visitor's
browser and sign them into that store without their knowing (login CSRF). Browsers say where a POST comes
from: `Sec-Fetch-Site` (current browsers; only the browser can set it), `Origin` (every browser's POST since
2020) and `Referer` (unless a policy strips it). The first of these present decides. A request with none of
them comes from no browser's form (curl, a script holding the link) and passes: whoever sends it has the
token.

`require_own_page` applies the same check to a request's own headers and answers 403: the sign-in POST, and
every settings change of the dashboard (its holdout form and the JSON twin, `PUT /api/v1/admin/experiment`),
on top of the session cookie being `SameSite=Lax`. Origins are compared with `connectors.base.origin_of`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import current_app, request

from connectors.base import origin_of
from plugin_api.errors import ApiError

# `none`: the user started the request themselves (not another page), which no site can do for them.
OWN_FETCH_SITES = frozenset({"same-origin", "none"})


def from_own_page(headers: Mapping[str, str], own_urls: Iterable[str]) -> bool:
    """Whether a POST with these request headers was sent by a page on the origin of one of `own_urls`."""
    fetch_site = headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site.strip().lower() in OWN_FETCH_SITES
    own = {origin for origin in map(origin_of, own_urls) if origin}
    for header in ("Origin", "Referer"):
        sent = headers.get(header)
        if sent is not None:
            # `Origin: null` (a sandboxed or privacy-stripped page) has no origin, so it is no page here.
            return origin_of(sent) in own
    return True


def require_own_page(
    code: str = "cross_site_request",
    message: str = "Settings can only be changed from your Facet dashboard.",
) -> None:
    """403 `code` unless this request came from one of Facet's own pages (or from no browser at all)."""
    if not from_own_page(request.headers, (request.host_url, current_app.config["FACET_PUBLIC_URL"])):
        raise ApiError(403, code, message)
