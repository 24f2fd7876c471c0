"""The one error tree every connector raises.

ConnectorError            anything that went wrong talking to a store platform
├── AuthError             bad/missing signature, rejected or revoked credentials (HTTP 401 on our side)
├── RateLimited           the platform kept throttling after our retries (carries retry_after seconds)
├── NotFound              the resource or the store is gone
├── AddressRefused        the store's address is on a private network (Facet's own), never called
└── ProtocolError         the platform answered something we cannot interpret, or a connection dropped
    ├── Redirected        the store answered with a redirect, which Facet does not follow
    └── StoreMoved        the store answers at another address now (its connector recognised the redirect)
"""

from __future__ import annotations


class ConnectorError(Exception):
    """Base of every connector failure."""

    code = "connector_error"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class AuthError(ConnectorError):
    """A signature, HMAC, token or key was missing, wrong or revoked."""

    code = "auth_error"


class RateLimited(ConnectorError):
    """The platform is still throttling us after the retry budget was spent."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float = 1.0, status: int | None = 429) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class NotFound(ConnectorError):
    """The requested store resource does not exist (any more)."""

    code = "not_found"


class AddressRefused(ConnectorError):
    """A store address that resolves to a loopback, private or link-local address: calling it would let
    anyone who types a store address make Facet's servers talk to Facet's own network."""

    code = "address_refused"


class ProtocolError(ConnectorError):
    """The platform's answer broke the protocol we expect (or the connection failed)."""

    code = "protocol_error"


class Redirected(ProtocolError):
    """A 3xx answer, not followed (`connectors.address_guard`): `requested` is the URL asked for and
    `location` the absolute URL it names, both without their query (it can hold query-string keys)."""

    def __init__(self, message: str, *, status: int, requested: str, location: str | None) -> None:
        super().__init__(message, status=status)
        self.requested = requested
        self.location = location


class StoreMoved(ProtocolError):
    """The store's address redirects, path for path, to `address`: the same store under another scheme or
    host. Facet keeps not following it; the message tells the merchant how to connect the store there."""

    code = "store_moved"

    def __init__(self, message: str, *, address: str, status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.address = address
