"""What runs on the executors: each Arrow batch of a partition checked against `schema.py`, then
scored or sampled.

Violations travel back to the driver in an accumulator: per column and rule, the rows that break it
and a few example values, added up over every batch of every partition, so one run reports every
problem of the whole dataset (the pandas path stops at its first bad chunk). Spark adds the
accumulators of successful tasks only, so a retried task is not counted twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pyspark.accumulators import AccumulatorParam

from {{ cookiecutter.package_name }}.columns.validation import (
    Violation,
    check,
    drop_unlabelled,
)

if TYPE_CHECKING:
    from pyspark import Accumulator, Broadcast

    from {{ cookiecutter.package_name }}.spark.shipping import ShippedModel

Violations = dict[tuple[str, str], Violation]  # by column and rule
BatchFunction = Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]


def keyed(violations: list[Violation]) -> Violations:
    return {(found.column, found.rule): found for found in violations}


class ViolationsParam(AccumulatorParam[Violations]):
    """Adds up the problems that the batches found."""

    def zero(self, value: Violations) -> Violations:
        return {}

    def addInPlace(self, value1: Violations, value2: Violations) -> Violations:  # noqa: N802 (PySpark's name)
        for key, problem in value2.items():
            value1[key] = value1[key].merged(problem) if key in value1 else problem
        return value1


def scoring(
    model: Broadcast[ShippedModel],
    problems: Accumulator[Violations],
    checked_rows: Accumulator[int],
    scored_rows: Accumulator[int],
) -> BatchFunction:
    """The function `mapInPandas` runs on each partition: input columns plus predictions."""

    def score_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        broken = False  # this partition has bad rows: the output will be thrown away
        for batch in batches:
            checked_rows.add(len(batch))
            features = check(batch, require_target=False)
            if isinstance(features, list):
                problems.add(keyed(features))
                broken = True
                continue
            if broken or batch.empty:
                continue
            predicted = model.value.scorer()(features)
            scored_rows.add(len(batch))
            yield pd.concat([batch, predicted], axis=1)

    return score_batches


def sampling(
    fraction: float,
    seed: int,
    columns: list[str],
    *,
    require_target: bool,
    problems: Accumulator[Violations],
) -> BatchFunction:
    """The function `mapInPandas` runs on each partition: a seeded random share of its rows."""

    def sample_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        from pyspark import TaskContext

        context = TaskContext.get()
        partition = context.partitionId() if context is not None else 0
        rng = np.random.default_rng([seed, partition])  # the same sample on every run
        for batch in batches:
            if require_target:  # rows without a target are left out, as training leaves them out
                batch, _ = drop_unlabelled(batch)
            valid = check(batch, require_target=require_target)
            if isinstance(valid, list):
                problems.add(keyed(valid))
                continue
            yield batch.loc[rng.random(len(batch)) < fraction, columns]

    return sample_batches
