"""Request bodies: strict JSON in, records checked against the schema, every problem by path.

The JSON Schema of a record comes from `schema.py` (the same declaration that validates files)
and is compiled to Python once, at start-up (fastjsonschema): a valid batch costs microseconds per
record. A compiled schema stops at the first problem, so when a batch fails, each field of each
record is checked on its own, to report every problem at once, as a JSON Pointer to the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import fastjsonschema
import orjson

from {{ cookiecutter.package_name }}.schema import SCHEMA

MAX_DETAILS = 50  # problems listed in one answer; the count says how many there were


class BodyError(ValueError):
    """A body that is not JSON, or not one record or a list of records."""


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


def pointer(*parts: object) -> str:
    """A JSON Pointer (RFC 6901): a column named `a/b` is `a~1b`."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def parse(body: bytes) -> list[Any]:
    """The records of a body: one JSON object, or a list of them. Strict JSON only: NaN,
    Infinity, integers beyond 64 bits and nesting deeper than 1024 levels are refused."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        msg = f"malformed JSON: {error}"
        raise BodyError(msg) from None
    return document if isinstance(document, list) else [document]


class RecordValidator:
    """The schema's record check, compiled once."""

    def __init__(self) -> None:
        schema = SCHEMA.record_json_schema()
        self.whole: Callable[[Any], Any] = fastjsonschema.compile(schema)
        self.fields = {
            name: fastjsonschema.compile(column) for name, column in schema["properties"].items()
        }
        self.required = schema["required"]

    def problems(self, records: list[Any]) -> list[Problem]:
        """Every problem of every record (none when the batch is valid)."""
        found: list[Problem] = []
        for index, record in enumerate(records):
            if not self.is_valid(record):
                found += self.record_problems(index, record)
        return found

    def is_valid(self, record: Any) -> bool:
        try:
            self.whole(record)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    def record_problems(self, index: int, record: Any) -> list[Problem]:
        if not isinstance(record, dict):
            return [Problem(pointer(index), f"must be an object, not {type(record).__name__}")]
        found = [
            Problem(pointer(index), f"must have the field {name!r}")
            for name in self.required
            if name not in record
        ]
        found += [
            Problem(pointer(index, name), "is not a field of the schema")
            for name in record
            if name not in self.fields
        ]
        for name, check in self.fields.items():
            if name in record:
                try:
                    check(record[name])
                except fastjsonschema.JsonSchemaValueException as error:
                    message = error.message.removeprefix("data ")
                    found.append(Problem(pointer(index, name), message))
        return found
