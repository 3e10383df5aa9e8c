"""Files that readers never see half-written, at any local path or fsspec URI.

`atomic_open` writes under a temporary name beside the destination and renames into place when the
block completes, so a reader sees the old file or the new one, and a failed run leaves nothing.
`append_lines` adds JSON lines with one write in append mode, so concurrent writers (gunicorn
workers, two schedulers) never interleave their lines. Everything that writes a file uses these.
Importing this module is light (no pandas): the model store and the API use it.
"""

from __future__ import annotations

import json
import os
import posixpath
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from {{ cookiecutter.package_name }}.errors import DataError

if TYPE_CHECKING:
    import fsspec

Location = str | Path  # a local path, or an fsspec URI such as s3://bucket/key


def filesystem(location: Location) -> tuple[fsspec.AbstractFileSystem, str]:
    """The fsspec filesystem of a path or URI, and the path within it."""
    import fsspec  # here: the API reads models with plain files and never needs it

    try:
        fs, path = fsspec.core.url_to_fs(str(location))
    except (ImportError, ValueError) as error:  # an unknown protocol, or its extra not installed
        msg = f"cannot open '{location}': {error}"
        raise DataError(msg) from error
    return fs, path


@contextmanager
def atomic_open(location: Location, mode: str = "wb") -> Iterator[IO[Any]]:
    """A file to write that appears at `location` only when the block completes without error."""
    fs, path = filesystem(location)
    parent, name = posixpath.split(path)
    if parent:
        fs.makedirs(parent, exist_ok=True)
    partial = posixpath.join(parent, f".{name}.{uuid.uuid4().hex[:12]}.partial")
    try:
        encoding = {} if "b" in mode else {"encoding": "utf-8"}
        with fs.open(partial, mode, **encoding) as file:
            yield file
        fs.mv(partial, path)
    except BaseException:
        if fs.exists(partial):
            fs.rm(partial)
        raise


def write_text(location: Location, text: str) -> None:
    """Replace a small text file atomically (metadata, pointers, reports)."""
    with atomic_open(location, "w") as file:
        file.write(text)


def append_lines(path: Path, entries: list[dict[str, Any]]) -> None:
    """Append JSON lines with a single write to a local file in append mode: concurrent writers
    (gunicorn workers, two schedulers) never interleave their lines."""
    if not entries:
        return
    text = "".join(json.dumps(entry, allow_nan=False, default=str) + "\n" for entry in entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, text.encode("utf-8"))
    finally:
        os.close(descriptor)
