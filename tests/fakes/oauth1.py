"""Server-side OAuth 1.0a signature checking for the fakes (written from RFC 5849, not from a client lib)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl, quote, unquote, urlsplit


def enc(value: str) -> str:
    """RFC 3986 percent-encoding (section 3.6)."""
    return quote(value, safe="~")


def parse_authorization(header: str | None) -> dict[str, str]:
    """`OAuth k="v", ...` -> dict (values percent-decoded)."""
    if not header or not header.startswith("OAuth "):
        return {}
    params = {}
    for part in header[6:].split(","):
        if "=" in part:
            key, value = part.strip().split("=", 1)
            params[unquote(key)] = unquote(value.strip('"'))
    return params


def base_string(method: str, url: str, params: list[tuple[str, str]]) -> str:
    """Signature base string: METHOD & enc(base URI) & enc(sorted, encoded params)."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    uri = f"{scheme}://{netloc}{parts.path}"
    pairs = sorted((enc(k), enc(v)) for k, v in params if k not in ("oauth_signature", "realm"))
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    return "&".join((method.upper(), enc(uri), enc(normalized)))


def signature(
    method: str,
    url: str,
    params: list[tuple[str, str]],
    consumer_secret: str,
    token_secret: str = "",
    algorithm: str = "HMAC-SHA256",
) -> str:
    key = f"{enc(consumer_secret)}&{enc(token_secret)}".encode()
    digest = hashlib.sha256 if algorithm == "HMAC-SHA256" else hashlib.sha1
    return base64.b64encode(
        hmac.new(key, base_string(method, url, params).encode(), digest).digest()
    ).decode()


def request_params(
    query: str, oauth: dict[str, str], form_body: bytes | None = None
) -> list[tuple[str, str]]:
    params = parse_qsl(query, keep_blank_values=True) + list(oauth.items())
    if form_body:
        params += parse_qsl(form_body.decode(), keep_blank_values=True)
    return params


def valid(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given, expected)
