"""Publish a dataset atomically, on any file system Spark writes to (Hadoop's FileSystem API).

Spark writes into a hidden folder beside the destination; only a job that succeeded, with no
problem in its data, is renamed into place. A failed job leaves the destination as it was: absent,
or the previous output whole. A folder is only ever replaced if a previous run wrote it (it holds
the MARKER file, which records the model version and the row count); anything else is refused.

A rename is atomic on HDFS, local disks and ABFS (hierarchical namespace); on S3 and GCS it is a
copy, so a reader may see a partial folder while it runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from {{ cookiecutter.package_name }}.errors import DataError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

MARKER = "_scoring.json"  # names starting with _ are skipped by Spark, pandas and pyarrow readers


class Dataset:
    """A dataset folder at `location`, a path or any URI Spark writes to."""

    def __init__(self, spark: SparkSession, location: str) -> None:
        self.location = location
        jvm: Any = spark._jvm
        self.Path = jvm.org.apache.hadoop.fs.Path
        path = self.Path(location)
        # The session's Hadoop configuration: it holds credentials set with spark.conf.set too.
        self.fs = path.getFileSystem(spark._jsparkSession.sessionState().newHadoopConf())
        self.path = self.fs.makeQualified(path)

    def sibling(self, purpose: str) -> Any:
        return self.Path(
            self.path.getParent(), f".{self.path.getName()}.{purpose}-{uuid.uuid4().hex}"
        )

    def check_replaceable(self) -> None:
        """Refuse, before any work, a destination that this job must not replace."""
        if not self.fs.exists(self.path):
            return
        if self.fs.isFile(self.path) or not self.fs.exists(self.Path(self.path, MARKER)):
            msg = (
                f"'{self.location}' exists and is not a dataset that `spark predict` wrote (it has"
                f" no {MARKER}): choose another destination, or remove it first"
            )
            raise DataError(msg)

    def is_delta(self) -> bool:
        """A Delta table: Parquet files and a transaction log that says which of them count."""
        return bool(self.fs.exists(self.Path(self.path, "_delta_log")))

    @contextmanager
    def staged(self) -> Iterator[str]:
        """A hidden folder beside the destination to write into; removed if anything fails."""
        staging = self.sibling("staging")
        try:
            yield str(staging)
        except BaseException:
            self.fs.delete(staging, True)
            raise

    def files(self, staging: str) -> int:
        """How many data files a write produced."""
        found = self.fs.listFiles(self.Path(staging), True)
        count = 0
        while found.hasNext():
            count += found.next().getPath().getName().startswith("part-")
        return count

    def publish(self, staging: str, marker: str) -> None:
        """Move the staged dataset to the destination, replacing a previous output whole.

        Replacing takes two renames: the previous output moves aside, the new one into place. If
        the second fails, the previous output is put back; if even that fails, the error names the
        hidden folder that holds it.
        """
        stream = self.fs.create(self.Path(staging, MARKER), True)
        try:
            stream.write(bytearray(marker.encode()))
        finally:
            stream.close()
        self.check_replaceable()  # again: the destination may have appeared during the job
        self.fs.mkdirs(self.path.getParent())
        if not self.fs.exists(self.path):
            self.rename(self.Path(staging), self.path)
            return
        previous = self.sibling("replaced")
        self.rename(self.path, previous)
        try:
            self.rename(self.Path(staging), self.path)
        except Exception:
            try:
                if self.fs.exists(self.path):  # a partial copy (object stores rename by copying)
                    self.fs.delete(self.path, True)
                self.rename(previous, self.path)
            except Exception as error:
                msg = f"'{self.location}' was not replaced; its previous output is in '{previous}'"
                raise DataError(msg) from error
            raise
        self.fs.delete(previous, True)

    def rename(self, source: Any, target: Any) -> None:
        if self.fs.exists(target):  # Hadoop would move `source` into it
            msg = f"cannot move '{source}' to '{target}': something else is there now"
            raise DataError(msg)
        if not self.fs.rename(source, target):
            msg = f"could not move '{source}' to '{target}'"
            raise DataError(msg)
