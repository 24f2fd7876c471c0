"""Encryption at rest for platform credentials: Fernet with key rotation (`MultiFernet`).

`FACET_ENCRYPTION_KEYS` is a comma-separated list of Fernet keys, newest first. New values are encrypted with
the first key; any listed key decrypts, so a key can be rotated in by prepending it and rotated out (after
`flask facet rotate-keys` re-encrypted everything) by removing it.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator


class CredentialsError(RuntimeError):
    """Stored credentials cannot be decrypted with any configured key."""


class Cipher:
    """Encrypts and decrypts JSON-serialisable values with a `MultiFernet`."""

    def __init__(self, keys: list[str] | str) -> None:
        if isinstance(keys, str):
            keys = [k.strip() for k in keys.split(",") if k.strip()]
        if not keys:
            raise ValueError("at least one Fernet key is required")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        except ValueError as exc:  # bad base64 / wrong length
            raise ValueError(f"FACET_ENCRYPTION_KEYS holds an invalid Fernet key: {exc}") from exc

    def encrypt_json(self, value: Any) -> str:
        """Serialise `value` to JSON and encrypt it with the newest key."""
        return self._fernet.encrypt(json.dumps(value, separators=(",", ":")).encode()).decode()

    def decrypt_json(self, token: str) -> Any:
        """Decrypt a token made by any configured key and parse its JSON."""
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as exc:
            raise CredentialsError("credentials cannot be decrypted with the configured keys") from exc

    def rotate(self, token: str) -> str:
        """Re-encrypt a token with the newest key."""
        return self._fernet.rotate(token.encode()).decode()


def current_cipher() -> Cipher:
    """The cipher of the running app (`app.extensions["facet.cipher"]`)."""
    return current_app.extensions["facet.cipher"]


class EncryptedJSON(TypeDecorator):
    """A JSON value stored as a Fernet token in a TEXT column; plaintext never reaches the database.

    The cipher comes from the running app, so reads and writes must happen inside an app context (requests,
    CLI commands and jobs always have one).
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return current_cipher().encrypt_json(value)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        if value is None:
            return None
        return current_cipher().decrypt_json(value)
