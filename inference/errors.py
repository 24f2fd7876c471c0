"""Errors the inference engine reports to its callers, each with a stable machine-readable code.

The job functions copy `code` and `message` onto the Analysis row, and the widget shows `message` to the
shopper, so messages are written for a person, not a developer.
"""

from __future__ import annotations


class InferenceError(Exception):
    """Base of every error `inference` raises on purpose."""

    code = "inference_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NoFaceError(InferenceError):
    """The photo holds no detectable face; we never guess one."""

    code = "no_face"


class ImageUnreadableError(InferenceError):
    """The bytes are not a decodable image."""

    code = "image_unreadable"
