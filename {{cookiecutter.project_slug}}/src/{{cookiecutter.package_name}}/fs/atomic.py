"""Files that readers never see half-written, at any local path or fsspec URI.

`atomic_open` writes under a temporary name beside the destination and renames into place when the
block completes, so a reader sees the old file or the new one, and a failed run leaves nothing.
`append_lines` adds JSON lines with one write in append mode, under an exclusive lock, so
concurrent writers (gunicorn workers, two schedulers) never interleave their lines; a write cut
short (a full disk) is an error, and the next append starts on a line of its own, so a torn line
never joins a whole one. Everything that writes a file uses these. Importing this module is light
(no pandas): the model store and the API use it.

A process killed mid-write leaves its `.partial` file: writing the same destination again removes
those that nothing has written to for `STALE_SECONDS` (`remove_stale`).
"""

from __future__ import annotations

import errno
import glob
import json
import os
import posixpath
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from {{ cookiecutter.package_name }}.errors import DataError

if sys.platform != "win32":
    import fcntl

if TYPE_CHECKING:
    import fsspec

Location = str | Path  # a local path, or an fsspec URI such as s3://bucket/key
# A partial file or staging folder untouched for this long belongs to a process that died: a live
# writer touches its file with every block, and a model version is staged in seconds.
STALE_SECONDS = 3600.0


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
    from fsspec.implementations.local import LocalFileSystem

    fs, path = filesystem(location)
    parent, name = posixpath.split(path)
    if parent:
        fs.makedirs(parent, exist_ok=True)
    if isinstance(fs, LocalFileSystem):
        remove_stale(Path(parent or "."), f".{glob.escape(name)}.*.partial")
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


def remove_stale(folder: Path, pattern: str) -> list[Path]:
    """Remove what matches `pattern` in `folder` (partial files, staging folders) and nothing has
    written to for STALE_SECONDS: what a killed run left. Returns what it removed."""
    import shutil

    removed = []
    for path in folder.glob(pattern) if folder.is_dir() else ():
        try:
            if time.time() - path.stat().st_mtime < STALE_SECONDS:
                continue  # a run that is still writing it
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:  # removed by another run meanwhile, or not ours to remove
            continue
        removed.append(path)
    return removed


def append_lines(path: Path, entries: list[dict[str, Any]]) -> None:
    """Append JSON lines with a single write to a local file in append mode, under an exclusive
    lock: concurrent writers (gunicorn workers, two schedulers) never interleave their lines.

    A write cut short raises OSError (ENOSPC) naming the file; the torn line it leaves is ended by
    the next append, which starts on a line of its own (readers skip a torn line)."""
    if not entries:
        return
    text = "".join(json.dumps(entry, allow_nan=False, default=str) + "\n" for entry in entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        # Appenders take turns (gunicorn workers, two schedulers): the last byte read below is
        # then the end of a whole write, never the middle of another writer's line.
        if sys.platform != "win32":
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        size = os.lseek(descriptor, 0, os.SEEK_END)
        if size:
            os.lseek(descriptor, size - 1, os.SEEK_SET)  # writes still go to the end (O_APPEND)
            if os.read(descriptor, 1) != b"\n":
                text = "\n" + text  # the last write was cut short: never glue onto its torn line
        data = text.encode("utf-8")
        written = os.write(descriptor, data)
        if written != len(data):
            msg = f"wrote {written:,} of {len(data):,} bytes (is the disk full?)"
            raise OSError(errno.ENOSPC, msg, str(path))
    finally:
        os.close(descriptor)
