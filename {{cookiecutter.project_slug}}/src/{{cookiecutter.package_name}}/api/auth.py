"""API-key authentication: `Authorization: Bearer <key>` or `X-API-Key: <key>`, deny by default.

Every route needs a key unless it is marked `@public` (health checks, the OpenAPI document,
metrics), so a new route is protected until someone decides otherwise. Several keys can be valid
at once: rotate a key by adding the new one, moving clients over, then removing the old one. Keys
are compared in constant time.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from flask import Request, Response

from {{ cookiecutter.package_name }}.errors import SettingsError

View = Callable[..., Response]
PUBLIC = "api_public"


class ApiKeyError(SettingsError):
    """No usable key, and anonymous access not enabled: the service does not start."""


def public(view: View) -> View:
    """Mark a route as open to requests without a key."""
    setattr(view, PUBLIC, True)
    return view


def is_public(view: object) -> bool:
    return bool(getattr(view, PUBLIC, False))


def check_key(key: str, origin: str) -> str:
    """A key as HTTP headers can carry it: printable ASCII without spaces (a key with other
    characters could never match a header); refused at start-up otherwise."""
    if not key.isascii() or not key.isprintable() or " " in key:
        msg = f"an API key from {origin} has characters a header cannot carry: use printable ASCII"
        raise ApiKeyError(msg)
    return key


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
    presented = key.encode("latin-1", errors="replace")
    matches = [hmac.compare_digest(presented, valid.encode()) for valid in keys]
    return any(matches)
