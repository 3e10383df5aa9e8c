"""API-key authentication: `Authorization: Bearer <key>` or `X-API-Key: <key>`.

Several keys can be valid at once, so a key is rotated by adding the new one, moving clients over,
then removing the old one. Keys are compared in constant time.
"""

from __future__ import annotations

import hmac

from flask import Request


class MissingApiKeysError(RuntimeError):
    """The service was asked to start without keys and without explicitly allowing anonymous use."""


def presented_key(request: Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("X-API-Key") or None


def is_authorised(request: Request, keys: list[str]) -> bool:
    key = presented_key(request)
    if key is None:
        return False
    # Compare with every key, without stopping early, so timing does not tell which one matched.
    matches = [hmac.compare_digest(key.encode(), valid.encode()) for valid in keys]
    return any(matches)
