"""The WooCommerce REST client a connector talks through: the SDK's, with the fallback for hosts that drop
the Authorization header."""

from __future__ import annotations

from typing import Any

from woocommerce import API

from connectors.base import StoreSession
from connectors.http import NO_REDIRECTS


def auth_header_stripped(response: Any) -> bool:
    """True for the 401 a host gives when it drops the Authorization header before WordPress sees it.

    WooCommerce documents "Consumer key is missing" for this; newer versions fall through to the permission
    check instead ("Sorry, you cannot list resources", `woocommerce_rest_cannot_view`). "Consumer key is
    invalid" (revoked keys) is not this and must stay an AuthError.
    """
    if getattr(response, "status_code", None) != 401:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    message = str(body.get("message") or "").lower()
    return "consumer key is missing" in message or body.get("code") == "woocommerce_rest_cannot_view"


class StoreAPI(API):
    """The SDK client with the documented fallback for hosts that strip the Authorization header.

    Over HTTPS the keys go in a Basic auth header; when the store answers as if there were none, the request
    is repeated with the keys as query parameters (`query_string_auth`) and, if that works, the choice is
    remembered in the merchant's credentials. Query-string keys are only a fallback because they end up in
    the store's access logs.
    """

    def __init__(self, session: StoreSession, **kwargs: Any) -> None:
        creds = session.credentials
        super().__init__(
            url=session.store,
            consumer_key=creds["consumer_key"],
            consumer_secret=creds["consumer_secret"],
            query_string_auth=bool(creds.get("query_string_auth")),
            **kwargs,
        )
        self.store_session = session

    def _with_fallback(self, call: Any, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        params = dict(kwargs.pop("params", None) or {})  # the SDK adds the keys to the dict it is given
        kwargs.update(NO_REDIRECTS)  # passed on to `requests`: see `connectors.address_guard`
        response = call(endpoint, *args, params=dict(params), **kwargs)
        if self.is_ssl and not self.query_string_auth and auth_header_stripped(response):
            self.query_string_auth = True
            response = call(endpoint, *args, params=dict(params), **kwargs)
            if response.status_code != 401:
                self.store_session.update(query_string_auth=True)
            else:
                self.query_string_auth = False
        return response

    def get(self, endpoint: str, **kwargs: Any) -> Any:
        return self._with_fallback(super().get, endpoint, **kwargs)

    def post(self, endpoint: str, data: Any, **kwargs: Any) -> Any:
        return self._with_fallback(super().post, endpoint, data, **kwargs)

    def put(self, endpoint: str, data: Any, **kwargs: Any) -> Any:
        return self._with_fallback(super().put, endpoint, data, **kwargs)

    def delete(self, endpoint: str, **kwargs: Any) -> Any:
        return self._with_fallback(super().delete, endpoint, **kwargs)
