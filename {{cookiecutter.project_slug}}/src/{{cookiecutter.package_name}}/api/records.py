"""Request bodies: strict JSON in, records checked against the schema, every problem by path.

The JSON Schema of a record comes from `schema.py` (the same declaration that validates files)
and is compiled to Python once, at start-up (fastjsonschema): a valid batch costs microseconds per
record. A compiled schema stops at the first problem, so when a batch fails, each field of each
record is checked on its own, to report the problems at once (the first MAX_DETAILS, each as a
JSON Pointer to its field, and the count of all).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import fastjsonschema
import orjson

from {{ cookiecutter.package_name }}.columns.derived import is_iso_date
from {{ cookiecutter.package_name }}.fs.json_objects import DuplicateKeyError, once_each
from {{ cookiecutter.package_name }}.schema import SCHEMA

QUOTE_AND_SPACE = (b'" ', b'"\t', b'"\n', b'"\r')  # JSON's whitespace after a closing quote
MAX_DETAILS = 50  # problems listed in one answer; the count says how many there were
# A date is a real calendar day written YYYY-MM-DD (fastjsonschema's own check takes 2021-02-30).
FORMATS = {"date": is_iso_date}


class BodyError(ValueError):
    """A body that is not JSON, or not one record or a list of records."""


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


@dataclass
class FieldErrors:
    """The problems listed in an answer (at most MAX_DETAILS), and the count of all of them."""

    listed: list[FieldError]
    total: int

    def add(self, problems: Iterable[FieldError], count: int | None = None) -> None:
        """Count `count` problems (default: all of `problems`) and list them while there is
        room; with a count, only as many of `problems` as fit are built."""
        if count is None:
            problems = list(problems)
            count = len(problems)
        room = MAX_DETAILS - len(self.listed)
        self.listed.extend(itertools.islice(problems, max(room, 0)))
        self.total += count

    def __bool__(self) -> bool:
        return self.total > 0


def pointer(*parts: object) -> str:
    """A JSON Pointer (RFC 6901): a column named `a/b` is `a~1b`."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def parse(body: bytes) -> list[Any]:
    """The records of a body: one JSON object, or a list of them. Strict JSON only: NaN,
    Infinity, integers beyond 64 bits, nesting deeper than 1024 levels and a key given twice in
    one object (which orjson would keep the last of) are refused."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        msg = f"malformed JSON: {error}"
        raise BodyError(msg) from None
    if might_repeat_a_key(body, document):
        try:
            json.loads(body, object_pairs_hook=once_each)
        except DuplicateKeyError as error:
            msg = f"a record {error}"
            raise BodyError(msg) from None
    return document if isinstance(document, list) else [document]


def might_repeat_a_key(body: bytes, document: Any) -> bool:
    """False only when no object of the body can hold a key twice, at the cost of a few byte
    scans: every key ends with `"` and then `:`, so when no quote is followed by whitespace, the
    body's `":` count is at least its number of keys, and equal to the parsed records' only if
    orjson dropped none. Any doubt (a pretty-printed body, a string holding `":`, a nested
    object) is settled by parsing the body again, pair by pair."""
    if any(quote in body for quote in QUOTE_AND_SPACE):
        return True
    records = document if isinstance(document, list) else [document]
    keys = sum(len(record) for record in records if isinstance(record, dict))
    return body.count(b'":') != keys


class RecordValidator:
    """The schema's record check, compiled once; each field's own check is compiled when a
    record first fails (a cold start then compiles one function, not one per column too)."""

    def __init__(self) -> None:
        self.schema = SCHEMA.record_json_schema()
        self.whole: Callable[[Any], Any] = fastjsonschema.compile(self.schema, formats=FORMATS)
        self.required = self.schema["required"]

    @cached_property
    def fields(self) -> dict[str, Callable[[Any], Any]]:
        return {
            name: fastjsonschema.compile(column, formats=FORMATS)
            for name, column in self.schema["properties"].items()
        }

    def problems(self, records: list[Any]) -> FieldErrors:
        """The first MAX_DETAILS problems of the batch, and how many there are in all.

        FieldErrors past the first MAX_DETAILS are counted, never built: a body made of unknown
        fields costs set operations, not an object per field."""
        found = FieldErrors([], 0)
        for index, record in enumerate(records):
            if not self.is_valid(record):
                self.record_problems(index, record, found)
        return found

    def is_valid(self, record: Any) -> bool:
        try:
            self.whole(record)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    def record_problems(self, index: int, record: Any, found: FieldErrors) -> None:
        if not isinstance(record, dict):
            found.add(
                [FieldError(pointer(index), f"must be an object, not {type(record).__name__}")]
            )
            return
        missing = [name for name in self.required if name not in record]
        found.add(FieldError(pointer(index), f"must have the field {name!r}") for name in missing)
        unknown = len(record) - len(record.keys() & self.fields.keys())
        names = (name for name in record if name not in self.fields)
        found.add(
            (FieldError(pointer(index, name), "is not a field of the schema") for name in names),
            count=unknown,
        )
        for name, check in self.fields.items():
            if name in record:
                try:
                    check(record[name])
                except fastjsonschema.JsonSchemaValueException as error:
                    message = error.message.removeprefix("data ")
                    found.add([FieldError(pointer(index, name), message)])
