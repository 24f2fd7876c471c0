"""Shopify signature checks as pure functions over raw bytes/strings (constant-time compares)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from urllib.parse import parse_qsl, quote, urlsplit

# Shopify's JS library accepts these hosts; Facet only installs into real shops, so only *.myshopify.com.
_SHOP_RE = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]\.myshopify\.com$")
# ShopifyAPI's `shopify.utils.shop_url.HOSTNAME_PATTERN`.
_HOSTNAME = r"[a-z0-9][a-z0-9-]*[a-z0-9]"


def sanitize_shop_domain(shop_domain: str | None, myshopify_domain: str = "myshopify.com") -> str | None:
    """ShopifyAPI 12.7's `sanitize_shop_domain`, rule for rule: lower-case, complete a bare `name` to
    `name.{myshopify_domain}`, drop any `http(s)://`, and return the host when it is one label under
    `myshopify_domain`, else None. Raises ValueError where the standard URL parser does (a host with
    characters that NFKC-normalise to `/?#@:`)."""
    name = str(shop_domain or "").lower().strip()
    if myshopify_domain not in name and "." not in name:
        name += f".{myshopify_domain}"
    name = re.sub(r"https?://", "", name)
    # The SDK reads the host back with `urlparse`, which also drops tabs and newlines and stops at `/?#`.
    host = urlsplit(f"http://{name}").netloc
    if re.match(rf"{_HOSTNAME}\.{re.escape(myshopify_domain)}$", host):
        return host
    return None


def valid_shop_domain(shop: str | None) -> str | None:
    """Return the normalised `{name}.myshopify.com` domain, or None when it is not a Shopify shop."""
    if not shop:
        return None
    bare = re.sub(r"^https?://", "", shop.strip(), flags=re.I).rstrip("/")
    if any(c in bare for c in "/@?#\\:"):
        return None  # paths, credentials, ports: never part of a shop domain
    # The sanitizer lowercases and completes `name` -> `name.myshopify.com`; the regex does the rest.
    try:
        name = sanitize_shop_domain(bare)
    except ValueError:  # a look-alike of `/?#@:` (U+FF03, full-width `#`): not a shop
        return None
    return name if name and _SHOP_RE.match(name) else None


def _form_encode(text: str) -> str:
    # Same bytes as JS `URLSearchParams.toString()` with `+` turned into `%20` (Shopify's hmac-validator).
    return quote(text, safe="*-._").replace("~", "%7E")


def canonical_query(pairs: list[tuple[str, str]]) -> str:
    """The message Shopify signs: every param but `hmac`/`signature`, sorted by key, `k=v` joined by `&`."""
    kept = sorted((k, v) for k, v in pairs if k not in ("hmac", "signature"))
    return "&".join(f"{_form_encode(k)}={_form_encode(v)}" for k, v in kept)


def sign_query(pairs: list[tuple[str, str]], secret: str) -> str:
    """Hex HMAC-SHA256 of the canonical query (what Shopify puts in `hmac`)."""
    return hmac.new(secret.encode(), canonical_query(pairs).encode(), hashlib.sha256).hexdigest()


def verify_query_hmac(
    query_string: str, secret: str, *, max_age: int | None = 90, now: float | None = None
) -> bool:
    """Check an install/callback query string's `hmac` (and, when `max_age` is set, its timestamp)."""
    if not secret:
        return False
    pairs = parse_qsl(query_string, keep_blank_values=True)
    given = [v for k, v in pairs if k == "hmac"]
    if len(given) != 1:
        return False
    expected = sign_query(pairs, secret)
    # Also accept the raw (still-encoded) pairs sorted as sent: some Shopify surfaces sign the query verbatim.
    raw = sorted(p for p in query_string.split("&") if p and p.split("=", 1)[0] not in ("hmac", "signature"))
    expected_raw = hmac.new(secret.encode(), "&".join(raw).encode(), hashlib.sha256).hexdigest()
    ok = hmac.compare_digest(expected, given[0]) or hmac.compare_digest(expected_raw, given[0])
    if not ok:
        return False
    if max_age is None:
        return True
    try:
        stamp = int(dict(pairs)["timestamp"])
    except (KeyError, ValueError):
        return False
    return abs((now if now is not None else time.time()) - stamp) <= max_age


def sign_webhook(body: bytes, secret: str) -> str:
    """Base64 HMAC-SHA256 of a raw webhook body (the `X-Shopify-Hmac-Sha256` header value)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify_webhook_hmac(body: bytes, header: str | None, secret: str) -> bool:
    """Check `X-Shopify-Hmac-Sha256` against the raw body, before anything parses the body."""
    if not header or not secret:
        return False
    return hmac.compare_digest(sign_webhook(body, secret), header.strip())
