"""Server-side OAuth 1.0a signature checking for the fakes (written from RFC 5849, not from a client lib)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import cmp_to_key
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


def natural_compare(a: str, b: str) -> int:
    """PHP's `strnatcmp`, near enough for parameter names: runs of digits compare as numbers ("x10" after
    "x9"), everything else character by character."""
    left, right = re.split(r"(\d+)", a), re.split(r"(\d+)", b)
    for x, y in zip(left, right, strict=False):
        if x.isdigit() and y.isdigit():
            if int(x) != int(y):
                return -1 if int(x) < int(y) else 1
        elif x != y:
            return -1 if x < y else 1
    return (len(left) > len(right)) - (len(left) < len(right))


def base_string(method: str, url: str, params: list[tuple[str, str]], *, natural: bool = False) -> str:
    """Signature base string: METHOD & enc(base URI) & enc(sorted, encoded params).

    `natural`: sort the encoded names as Magento does (Zend_Oauth/laminas-oauth `uksort(..., 'strnatcmp')`)
    rather than by byte value as RFC 5849 says; the two disagree once a name holds a number of two digits
    (`skus[10]` sorts after `skus[9]` naturally, between `skus[1]` and `skus[2]` by bytes).
    """
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    uri = f"{scheme}://{netloc}{parts.path}"
    pairs = [(enc(k), enc(v)) for k, v in params if k not in ("oauth_signature", "realm")]
    if natural:
        pairs.sort(key=cmp_to_key(lambda x, y: natural_compare(x[0], y[0]) or (x[1] > y[1]) - (x[1] < y[1])))
    else:
        pairs.sort()
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    return "&".join((method.upper(), enc(uri), enc(normalized)))


def signature(
    method: str,
    url: str,
    params: list[tuple[str, str]],
    consumer_secret: str,
    token_secret: str = "",
    algorithm: str = "HMAC-SHA256",
    *,
    natural: bool = False,
) -> str:
    key = f"{enc(consumer_secret)}&{enc(token_secret)}".encode()
    digest = hashlib.sha256 if algorithm == "HMAC-SHA256" else hashlib.sha1
    return base64.b64encode(
        hmac.new(key, base_string(method, url, params, natural=natural).encode(), digest).digest()
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
