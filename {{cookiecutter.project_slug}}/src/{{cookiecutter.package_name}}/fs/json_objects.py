"""JSON objects read strictly, wherever they come from (JSON-lines files, the API's bodies).

Python's `json` and orjson keep the last value of a key given twice in one object, silently; a
CSV column named twice would be renamed by pandas and passed through. One rule for all of them:
a record names each column once, and a record that does not is refused, naming the key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any


class DuplicateKeyError(ValueError):
    """A JSON object that holds a key more than once."""


def once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`object_pairs_hook` for `json.loads`: the pairs as a dict, or DuplicateKeyError."""
    record = dict(pairs)
    if len(record) < len(pairs):
        twice = repeated(key for key, _ in pairs)
        msg = f"holds the key(s) {', '.join(map(repr, twice))} more than once: each column once"
        raise DuplicateKeyError(msg)
    return record


def repeated(names: Iterable[str]) -> list[str]:
    """The names given more than once, sorted (one pass: a header may hold 100,000)."""
    return sorted(name for name, count in Counter(names).items() if count > 1)
