"""Each estimator family: its quality on the sample against the linear default, and its inference
speed served by ONNX Runtime against its own library, in one run.

    uv sync --group lightgbm --group xgboost   # the families whose library is missing are skipped
    uv run python benchmarks/bench_families.py [--rows 100000] [--repeat 200]

For each family: train on the embedded sample (the CLI's `train`, into a temporary models folder),
then time one record (the median of `--repeat` calls, as the API predicts one) and `--rows` rows
in one call, through the ONNX export (`OnnxPredictor`, what the API serves) and through the
pickle (`predict_frame`: pandas, scikit-learn and the family's library). Prints the holdout's
primary metric beside the linear default's, the ONNX export's largest difference from the model,
and the speed ratios.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.columns.validation import validate
from {{ cookiecutter.package_name }}.config import load_settings
from {{ cookiecutter.package_name }}.errors import SettingsError
from {{ cookiecutter.package_name }}.modeling.families import KNOWN
from {{ cookiecutter.package_name }}.modeling.loading import load_predictor
from {{ cookiecutter.package_name }}.modeling.onnx_export import records
from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.workflows.train import train


def median_seconds(call: Callable[[], Any], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    features = validate(make_dataset(args.rows, seed=99), require_target=False)
    rows = records(features)
    one = rows[:1]
    metric = problem.PRIMARY_METRIC
    print(f"{'family':<24}{metric:>9}{'vs linear':>11}{'ONNX diff':>11}"
          f"{'1 row ONNX':>12}{'native':>10}{'ratio':>7}"
          f"{f'{args.rows:,} rows ONNX':>20}{'native':>9}{'ratio':>7}")  # fmt: skip
    baseline = None
    for family in KNOWN:
        with tempfile.TemporaryDirectory() as work:
            settings = load_settings(
                **{"models.dir": Path(work) / "models", "reports.dir": Path(work) / "reports"},
                **{"training.family": family, "training.require_onnx": False},
            )
            try:
                outcome = train(settings)
            except SettingsError as error:  # its library is not installed
                print(f"{family:<24}skipped: {error}")
                continue
            store = open_store(settings)
            onnx = load_predictor(store)
            model = store.load().model
            score = outcome.metrics[metric]
            baseline = score if baseline is None else baseline
            difference = store.metadata()["onnx"].get("max_difference", float("nan"))
            onnx_one = median_seconds(lambda: onnx.predict(one), args.repeat)  # noqa: B023
            native_one = median_seconds(
                lambda: predict_frame(model, features.head(1)),  # noqa: B023
                args.repeat,
            )
            onnx_all = median_seconds(lambda: onnx.predict(rows), 1)  # noqa: B023
            native_all = median_seconds(lambda: predict_frame(model, features), 1)  # noqa: B023
        print(f"{family:<24}{score:>9.4f}{score - baseline:>+11.4f}{difference:>11.1e}"
              f"{onnx_one * 1e3:>10.3f}ms{native_one * 1e3:>8.2f}ms{native_one / onnx_one:>6.1f}x"
              f"{onnx_all:>19.2f}s{native_all:>8.2f}s{native_all / onnx_all:>6.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
