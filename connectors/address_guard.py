"""Store addresses are typed by whoever starts an install, so every call to one is checked first.

WooCommerce and Magento stores live wherever their owners host them: the address comes from a form anyone
can post (`/woocommerce/connect`) or an activation anyone can send (`/magento/callback`). Without this
check, such an address could point Facet's servers at its own network (`127.0.0.1:6379`, a cloud metadata
address) and show the answer on the install page. So every outbound connector request resolves its host
first and refuses any address that is not globally routable, and redirects are not followed (each one would
be a new, unchecked address). `FACET_CONNECTOR_ALLOW_PRIVATE` lifts the check for a local setup; the tests
turn it on for their fake platforms on 127.0.0.1.

A DNS answer that changes between this check and the connection is not caught (as for product images).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlparse

from connectors.errors import AddressRefused

REFUSED_MESSAGE = "the store's address is on a private network; Facet only connects to public web addresses"


def check_public(url: str, *, allow_private: bool) -> None:
    """Raise `AddressRefused` when `url`'s host resolves to a non-public address (unless allowed).

    A host that does not resolve passes: the request itself then fails as any unreachable store does.
    """
    if allow_private:
        return
    host = urlparse(url).hostname
    if not host:
        raise AddressRefused("the store's address has no host name")
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise AddressRefused(REFUSED_MESSAGE)
