"""Dashboard sign-in signed by the store itself: the WordPress plugin's "Open Facet dashboard" button.

WooCommerce's key flow (`/wc-auth/v1/authorize`) says which store approved a connection, not which browser:
whoever started a connection could send a store's admin the approval link and, once approved, be signed into
that store's dashboard. So a store that is already connected is never signed in by that flow any more, and
no new keys are minted just to open the dashboard. Instead the plugin, running in WordPress for an admin
who may manage WooCommerce, signs a short-lived sign-in with the consumer secret of Facet's own API key
(which WooCommerce keeps in its `woocommerce_api_keys` table, and Facet holds encrypted) and posts it to
`/woocommerce/sign-in`:

    payload   = base64url(JSON {"store": home URL, "key_id": Facet's key id, "ts": unix seconds, "nonce"})
    signature = base64url(HMAC-SHA256(consumer_secret, payload))

Facet checks the signature with the secret it holds for that store and key, the time (±`MAX_AGE_SECONDS`)
and that the nonce was not used before, then signs the browser in. The PHP side is
`widgets/woocommerce/includes/sign-in.php`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any

MAX_AGE_SECONDS = 120
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class SignIn:
    """A sign-in the plugin sent: which store, with which key, and its one-time nonce."""

    store: str
    key_id: str
    nonce: str


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(payload: str, consumer_secret: str) -> str:
    """The signature the plugin computes over the (already base64url) payload."""
    digest = hmac.new(consumer_secret.encode(), payload.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def read_sign_in(payload: str, *, now: float | None = None) -> SignIn | None:
    """The payload's claims when it is well formed and fresh; None otherwise (its signature is checked by
    `signed_by`, once the caller has found the secret for `store`)."""
    try:
        claims: Any = json.loads(_b64decode(payload))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(claims, dict):
        return None
    store, key_id, ts, nonce = (claims.get(k) for k in ("store", "key_id", "ts", "nonce"))
    if not (isinstance(store, str) and isinstance(nonce, str) and _NONCE.fullmatch(nonce)):
        return None
    if not isinstance(ts, int) or abs((now or time.time()) - ts) > MAX_AGE_SECONDS:
        return None
    return SignIn(store=store, key_id=str(key_id), nonce=nonce)


def signed_by(payload: str, signature: str, credentials: dict[str, Any], key_id: str) -> bool:
    """Whether `signature` was made with the consumer secret Facet holds, for the key Facet holds."""
    secret = str(credentials.get("consumer_secret") or "")
    held = str(credentials.get("key_id") or "")
    if not secret or not held or not hmac.compare_digest(held, key_id):
        return False
    return hmac.compare_digest(sign(payload, secret), signature)
