"""Closing a connection after an answer whose request body was left unread; the server's drain.

gunicorn keeps a connection open after an answer, and before it reads the next request on it, it
reads the rest of this one's body: a client that announces 100 GB and streams junk (after a 401
or a 413 that never needed the body) would hold the worker reading it, with every other request
on that worker waiting. gunicorn's `pre_request` hook (gunicorn.conf.py) hands its request over
here; the app marks it to be closed instead, which gunicorn does without reading any further.

On SIGTERM the server drains before it stops (gunicorn.conf.py): the hook marks each request then,
and /ready answers 503 so that a load balancer stops sending requests here.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

# gunicorn's request being answered, in this greenlet (each gevent connection has its own).
SERVER_REQUEST: ContextVar[Any] = ContextVar("server_request", default=None)


def close_after_answer() -> None:
    """Close the connection once the answer is sent; outside gunicorn, nothing to do."""
    server_request = SERVER_REQUEST.get()
    if server_request is not None:
        server_request.must_close = True


def draining() -> bool:
    """Whether the server is draining before it stops (never, outside gunicorn)."""
    server_request = SERVER_REQUEST.get()
    return bool(getattr(server_request, "draining", False))
