import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.fs.atomic import append_lines, atomic_open, write_text


def test_text_is_replaced_whole_and_readable_by_others(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "file.txt"
    write_text(path, "old")
    write_text(path, "new")
    assert path.read_text() == "new"
    assert path.stat().st_mode & 0o044 == 0o044  # group and others may read it
    assert [p.name for p in path.parent.iterdir()] == ["file.txt"]


def write_then_fail(path: Path) -> None:
    with atomic_open(path, "w") as file:
        file.write("half")
        raise OSError("disk full")


def test_an_interrupted_write_leaves_the_old_content(tmp_path: Path) -> None:
    path = tmp_path / "file.txt"
    write_text(path, "old")
    with pytest.raises(OSError, match="disk full"):
        write_then_fail(path)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def append_many(path: Path, writer: int) -> None:
    for line in range(200):
        append_lines(path, [{"writer": writer, "line": line, "padding": "x" * 500}])


def test_concurrent_appends_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(append_many, [path] * 3, range(3)))
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(entries) == 600
    assert {entry["writer"] for entry in entries} == {0, 1, 2}


def test_partial_files_a_killed_run_left_are_removed_by_the_next_write_once_stale(
    tmp_path: Path,
) -> None:
    destination = tmp_path / "out [1].csv"  # glob's special characters in the name
    stale = tmp_path / ".out [1].csv.0123456789ab.partial"
    fresh = tmp_path / ".out [1].csv.ba9876543210.partial"  # a run still writing
    other = tmp_path / ".other.csv.0123456789ab.partial"  # another destination's
    for path in (stale, fresh, other):
        path.write_bytes(b"x" * 100)
    for path in (stale, other):
        os.utime(path, (0, 0))
    write_text(destination, "new\n")
    assert destination.read_text() == "new\n"
    assert not stale.exists()
    assert fresh.exists()
    assert other.exists()
