"""The I/O seam: every format, local paths and fsspec URIs (memory://), atomic writes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import fsspec
import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.errors import DataError

SUFFIXES = [".csv", ".parquet", ".jsonl"]


def assert_same_table(read: pd.DataFrame, written: pd.DataFrame) -> None:
    """Equal values; a missing text value may come back as None or NaN, depending on the format,
    and a date as text (CSV, JSON) or as a date (Parquet)."""

    def normalized(table: pd.DataFrame) -> pd.DataFrame:
        dates = table.select_dtypes("datetime").apply(lambda days: days.dt.strftime("%Y-%m-%d"))
        table = table.assign(**dict(dates.items()))
        return table.astype(object).where(table.notna(), np.nan)

    pd.testing.assert_frame_equal(normalized(read), normalized(written), check_dtype=False)


@pytest.fixture
def memory() -> Iterator[str]:
    """A folder on fsspec's in-memory filesystem, removed afterwards."""
    root = f"memory://{uuid.uuid4().hex}"
    yield root
    fs = fsspec.filesystem("memory")
    if fs.exists(root):
        fs.rm(root, recursive=True)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_every_format_reads_back_what_it_wrote(
    tmp_path: Path, sample: pd.DataFrame, suffix: str
) -> None:
    location = tmp_path / f"table{suffix}"
    tables.write_table(sample, location)
    assert_same_table(tables.read_table(location), sample)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_uri_works_like_a_path(memory: str, sample: pd.DataFrame, suffix: str) -> None:
    location = tables.join(memory, "nested", f"table{suffix}")
    tables.write_table(sample, location)
    assert_same_table(tables.read_table(location), sample)
    chunks = list(tables.read_chunks(location, rows=600))
    assert [len(chunk) for chunk in chunks] == [600, 600, 600, 200]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_chunks_add_up_to_the_table(tmp_path: Path, sample: pd.DataFrame, suffix: str) -> None:
    location = tmp_path / f"table{suffix}"
    tables.write_table(sample, location)
    chunks = list(tables.read_chunks(location, rows=700))
    assert [len(chunk) for chunk in chunks] == [700, 700, 600]
    assert_same_table(pd.concat(chunks, ignore_index=True), sample)


def test_chunk_writer_takes_the_first_chunks_types(tmp_path: Path) -> None:
    location = tmp_path / "out.parquet"
    with tables.chunk_writer(location) as sink:
        sink.write(pd.DataFrame({"a": [1.5, 2.5]}))
        sink.write(pd.DataFrame({"a": [None]}))  # all missing: no type of its own
    assert tables.read_table(location)["a"].isna().tolist() == [False, False, True]


def test_parquet_rows_are_counted_without_reading(tmp_path: Path, sample: pd.DataFrame) -> None:
    tables.write_table(sample, tmp_path / "t.parquet")
    tables.write_table(sample, tmp_path / "t.csv")
    assert tables.count_rows(tmp_path / "t.parquet") == len(sample)
    assert tables.count_rows(tmp_path / "t.csv") is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.xlsx", b"x", r"unsupported file type \(\.xlsx\); use one of \.csv"),
        ("data", b"x", r"unsupported file type \(no suffix\)"),
        ("data.csv", None, "no such file"),
        ("data.csv", b"", "the file is empty"),
        ("data.csv", b"a,b\n", "has no rows"),
        ("data.parquet", b"not parquet at all", "cannot read .* as Parquet"),
        ("data.jsonl", b'{"a": 1}\n{"a": \n', "cannot read .* as JSON lines"),
        ("data.csv", b"a,b,a\n1,2,3\n", "the header names 'a' more than once: each column once"),
        ("data.jsonl", b'{"a": 1}\n{"a": 1, "a": 2}\n', r"line 2 holds the key\(s\) 'a' more"),
    ],
)
def test_unreadable_files_are_refused_clearly(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        tables.read_table(path)


def test_a_column_named_twice_is_refused_when_read_in_chunks_too(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b,b\n1,2,3\n")
    with pytest.raises(DataError, match="the header names 'b' more than once"):
        list(tables.read_chunks(path, 10))


def test_an_unknown_protocol_is_refused_clearly() -> None:
    with pytest.raises(DataError, match=r"cannot open 'nosuchfs://bucket/t\.csv'"):
        tables.read_table("nosuchfs://bucket/t.csv")


def write_then_crash(table: pd.DataFrame, location: Path) -> None:
    with tables.chunk_writer(location) as sink:
        sink.write(table)
        raise RuntimeError("crash")


def test_a_failed_write_leaves_nothing_and_keeps_the_old_file(
    tmp_path: Path, sample: pd.DataFrame
) -> None:
    location = tmp_path / "table.parquet"
    tables.write_table(sample.head(3), location)
    with pytest.raises(RuntimeError, match="crash"):
        write_then_crash(sample, location)
    assert len(tables.read_table(location)) == 3
    assert [path.name for path in tmp_path.iterdir()] == ["table.parquet"]


def test_a_rewritten_table_is_replaced_whole(tmp_path: Path) -> None:
    location = tmp_path / "table.parquet"
    tables.write_table(pd.DataFrame({"a": [1, 2]}), location)
    tables.write_table(pd.DataFrame({"a": [3]}), location)
    assert tables.read_table(location)["a"].tolist() == [3]


def test_fingerprint_follows_values_and_names(sample: pd.DataFrame) -> None:
    assert tables.fingerprint(sample) == tables.fingerprint(sample.copy())
    assert tables.fingerprint(sample) != tables.fingerprint(sample.head(10))
    renamed = sample.rename(columns={sample.columns[0]: "renamed"})
    assert tables.fingerprint(sample) != tables.fingerprint(renamed)
