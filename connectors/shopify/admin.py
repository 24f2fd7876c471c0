"""Shopify Admin API client: tokens (incl. expiring offline tokens + refresh) and throttled GraphQL.

ShopifyAPI's `GraphQL().execute` has no timeout, retry, throttling or refresh, so calls go through Facet's
`HttpClient`; the cost-based throttle is read from `extensions.cost.throttleStatus` on every answer.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from connectors.base import StoreSession
from connectors.errors import AuthError, ProtocolError, RateLimited
from connectors.http import HttpClient, json_body
from connectors.settings import ConnectorSettings

log = logging.getLogger(__name__)

# Refresh this many seconds before the token's stated expiry, so a long sync never sends a dead token.
REFRESH_MARGIN = 120
THROTTLE_RETRIES = 6
APP_UNINSTALL = "mutation { appUninstall { app { id } userErrors { code field message } } }"


def shop_base_url(settings: ConnectorSettings, shop: str) -> str:
    """`https://{shop}`, or the configured override (tests point it at the fake server)."""
    return (settings.shopify_api_base_url or f"https://{shop}").rstrip("/")


def token_fields(answer: dict[str, Any], now: float) -> dict[str, Any]:
    """Credential fields to store from an access_token answer (absolute expiry times)."""
    if not answer.get("access_token"):
        raise ProtocolError("token answer without access_token")
    creds: dict[str, Any] = {"access_token": answer["access_token"], "scope": answer.get("scope", "")}
    if answer.get("expires_in"):
        creds["expires_at"] = now + float(answer["expires_in"])
    if answer.get("refresh_token"):
        creds["refresh_token"] = answer["refresh_token"]
        if answer.get("refresh_token_expires_in"):
            creds["refresh_token_expires_at"] = now + float(answer["refresh_token_expires_in"])
    return creds


class ShopifyAdmin:
    """One shop's Admin API, bound to a StoreSession whose credentials it refreshes in place."""

    def __init__(self, settings: ConnectorSettings, session: StoreSession, http: HttpClient) -> None:
        self.settings = settings
        self.session = session
        self.http = http
        self.base = shop_base_url(settings, session.store)
        self.graphql_url = f"{self.base}/admin/api/{settings.shopify_api_version}/graphql.json"
        self.throttle: dict[str, float] | None = None

    # -- tokens ---------------------------------------------------------------------------------------
    def exchange_code(self, code: str) -> dict[str, Any]:
        """Trade an authorization code for an (expiring) offline token."""
        body = {
            "client_id": self.settings.shopify_api_key,
            "client_secret": self.settings.shopify_api_secret,
            "code": code,
            "expiring": "1" if self.settings.shopify_expiring_tokens else "0",
        }
        return self._token_request(body)

    def refresh(self) -> None:
        """Swap the refresh token for a new token pair and mark the credentials for saving."""
        refresh_token = self.session.credentials.get("refresh_token")
        if not refresh_token:
            raise AuthError("access token expired and no refresh token is stored")
        expires = self.session.credentials.get("refresh_token_expires_at")
        if expires and float(expires) < time.time():
            raise AuthError("refresh token expired: the merchant must reopen the app")
        body = {
            "client_id": self.settings.shopify_api_key,
            "client_secret": self.settings.shopify_api_secret,
            "refresh_token": refresh_token,
            "grant_type": "refresh_token",
        }
        self.session.update(**self._token_request(body))
        log.info("refreshed Shopify token for %s", self.session.store)

    def _token_request(self, body: dict[str, Any]) -> dict[str, Any]:
        now = time.time()
        response = self.http.request("POST", f"{self.base}/admin/oauth/access_token", json=body)
        return token_fields(json_body(response), now)

    def _fresh_token(self) -> str:
        creds = self.session.credentials
        expires_at = creds.get("expires_at")
        if expires_at and float(expires_at) - REFRESH_MARGIN < time.time():
            self.refresh()
        return str(self.session.credentials["access_token"])

    def revoke_access(self) -> None:
        """Uninstall the app from the shop (`appUninstall`, Admin GraphQL 2025-07 on): Shopify then drops it
        from the shop's Apps list, with its webhooks, and every token it holds dies."""
        data = self.graphql(APP_UNINSTALL)
        errors = (data.get("appUninstall") or {}).get("userErrors") or []
        if errors:
            raise ProtocolError("appUninstall: " + "; ".join(str(e.get("message")) for e in errors))

    # -- GraphQL ----------------------------------------------------------------------------------------
    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run a query; waits out THROTTLED/429, refreshes an expired token once, returns `data`."""
        refreshed = False
        for _ in range(THROTTLE_RETRIES):
            try:
                answer = self._post(query, variables)
            except AuthError:
                if refreshed or not self.session.credentials.get("refresh_token"):
                    raise
                self.refresh()  # the shop revoked/expired the token early: one refresh, then give up
                refreshed = True
                continue
            cost = (answer.get("extensions") or {}).get("cost") or {}
            status = cost.get("throttleStatus") or {}
            if status:
                self.throttle = {
                    k: float(status[k]) for k in ("maximumAvailable", "currentlyAvailable", "restoreRate")
                }
            errors = answer.get("errors") or []
            if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
                self.http.wait(self._deficit_seconds(float(cost.get("requestedQueryCost") or 0)), "THROTTLED")
                continue
            if errors:
                raise ProtocolError("GraphQL errors: " + "; ".join(str(e.get("message")) for e in errors))
            if answer.get("data") is None:
                raise ProtocolError("GraphQL answer without data")
            # Pace ourselves: if the bucket cannot pay for another query like this one, wait for it to refill.
            requested = float(cost.get("requestedQueryCost") or 0)
            if self.throttle and self.throttle["currentlyAvailable"] < requested:
                self.http.wait(self._deficit_seconds(requested), "cost throttle")
            return answer["data"]
        raise RateLimited(
            "GraphQL still THROTTLED after retries", retry_after=self._deficit_seconds(0) or 1.0
        )

    def _post(self, query: str, variables: dict[str, Any] | None) -> dict[str, Any]:
        headers = {"X-Shopify-Access-Token": self._fresh_token(), "Content-Type": "application/json"}
        response = self.http.request(
            "POST", self.graphql_url, json={"query": query, "variables": variables or {}}, headers=headers
        )
        return json_body(response)

    def _deficit_seconds(self, requested: float) -> float:
        if not self.throttle or self.throttle["restoreRate"] <= 0:
            return 1.0
        deficit = max(requested - self.throttle["currentlyAvailable"], 0.0)
        return deficit / self.throttle["restoreRate"]
