"""Spark's settings (`<PREFIX>SPARK_*`): where it runs, batch and sample sizes, the scheduled job.

A group of the one settings tree (`config.Settings.spark`); it lives here, beside the engine.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SparkSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    master: str = Field(
        default="local[*]",
        description="Where Spark runs when this process starts it (local[*]: every core here;"
        " spark://host:7077, yarn, k8s://...); spark-submit and Databricks decide for themselves.",
    )
    batch_rows: int = Field(
        default=100_000,
        ge=100,
        description="Rows per Arrow batch that an executor validates and scores at once (each"
        " validation costs a fixed ~0.2 s: small batches are slow).",
    )
    sample_rows: int = Field(
        default=100_000,
        ge=1_000,
        description="Rows that `spark monitor` compares (and `spark sample` draws) at random.",
    )
    log_level: Literal["ALL", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"] = Field(
        default="WARN", description="Spark's log level once the session has started."
    )
    source: str | None = Field(
        default=None,
        description="Dataset that the scheduled batch scoring reads (Parquet, CSV or JSON; a file,"
        " a folder or any URI Spark reads).",
    )
    destination: str | None = Field(
        default=None,
        description="Parquet dataset that the scheduled batch scoring writes (replaced whole on"
        " each run).",
    )
    schedule: str = Field(
        default="0 4 * * *", description="When orchestrators score spark.source (cron, UTC)."
    )
