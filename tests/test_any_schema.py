"""A baked project's own tests hold for schemas nobody wrote.

Hypothesis draws a schema (feature kinds, names with spaces and punctuation, ranges or none,
categories, gaps, dates with their derived parts, 2 to 6 classes or a number to predict), writes
it into a baked project's `schema.py`, and runs that project's test suite on it: the sample data,
training, ONNX parity, the API, drift monitoring and the CLI all follow the schema, so every test
must pass whatever it declares. Slow (a suite per schema): `uv run nox -s generated`.

The number of schemas per problem type is TEMPLATE_SCHEMA_EXAMPLES (default 1: a suite takes
minutes); CI draws the same ones on every run (derandomized), a local run draws new ones.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest
from helpers import bake, explain, run_in, synced
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("TEMPLATE_SCHEMA_EXAMPLES", "1"))
# Column names as teams' exports have them: spaces, units in parentheses, slashes, a leading
# digit, letters beyond ASCII.
NAMES = [
    "age", "mean radius", "Body Mass (g)", "visits/month", "2nd score", "plan", "région",
    "income_k", "is-active", "Delta 15 N (o/oo)", "x", "tenure months",
]  # fmt: skip
LABELS = ["basic", "pro", "team", "enterprise", "trial", "legacy", "a/b", "Größe"]
# The projects are baked with the defaults (the Flask API, nothing else): the tests that start the
# real server and those that open the built docs site run in sessions of their own (`serve`,
# `docs`); here the suite that `nox -s tests` runs, and the database's (`sql`) on the same schema.
SEPARATE = "not serve and not docs"


@st.composite
def number_column(draw: st.DrawFn, name: str, kind: str) -> dict[str, Any]:
    whole = kind == "integer"
    low = draw(st.integers(-1_000, 1_000)) if whole else draw(st.floats(-1e4, 1e4))
    span = draw(st.integers(2, 10**6)) if whole else draw(st.floats(0.01, 1e6))
    column: dict[str, Any] = {"name": name, "kind": kind}
    if draw(st.booleans()):  # a declared range
        column.update(minimum=low, maximum=low + span)
    else:  # no range: what is typical shapes the sample
        column.update(mean=low, std=span / 4)
    return column


@st.composite
def feature(draw: st.DrawFn, name: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["integer", "number", "category", "date"]))
    if kind == "category":
        texts = draw(st.booleans())
        count = draw(st.integers(2, len(LABELS)))
        categories = LABELS[:count] if texts else list(range(count))
        column: dict[str, Any] = {"name": name, "kind": kind, "categories": categories}
    elif kind == "date":
        first = datetime.date(2000, 1, 1) + datetime.timedelta(days=draw(st.integers(0, 7_000)))
        last = first + datetime.timedelta(days=draw(st.integers(30, 3_000)))
        column = {"name": name, "kind": kind, "earliest": str(first), "latest": str(last)}
    else:
        column = draw(number_column(name, kind))
    if draw(st.booleans()):
        column.update(nullable=True, missing_rate=draw(st.sampled_from([0.01, 0.05, 0.2])))
    return column


@st.composite
def target(draw: st.DrawFn, problem_type: str, taken: list[str]) -> dict[str, Any]:
    name = draw(st.sampled_from(["outcome", "Target (y)", "label", "spend"]).filter(
        lambda chosen: chosen not in taken
    ))  # fmt: skip
    if problem_type == "regression":
        return draw(number_column(name, draw(st.sampled_from(["integer", "number"]))))
    count = draw(st.integers(2, 6))
    classes: list[Any] = draw(st.sampled_from([LABELS[:count], list(range(count))]))
    if count == 2 and draw(st.booleans()):
        classes = [False, True]
    declared: dict[str, Any] = {"name": name, "kind": "category", "classes": classes}
    if count == 2:
        declared["positive"] = draw(st.sampled_from(classes))
    return declared


@st.composite
def schemas(draw: st.DrawFn, problem_type: str) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6, unique=True))
    features = [draw(feature(name)) for name in names]
    derived = []
    for column in features:
        if column["kind"] == "date":
            part = draw(st.sampled_from(["year", "month", "weekday", "days_since"]))
            since = {"since": column["earliest"]} if part == "days_since" else {}
            derived.append(("date_part", f"{column['name']} {part}", column["name"], part, since))
    numbers = [column["name"] for column in features if column["kind"] in ("integer", "number")]
    if len(numbers) >= 2 and draw(st.booleans()):
        derived.append(("ratio", "ratio of the first two", numbers[0], numbers[1], {}))
    if not derived and all(column["kind"] == "date" for column in features):
        derived.append(("date_part", "first year", features[0]["name"], "year", {}))
    return {
        "features": features,
        "target": draw(target(problem_type, names)),
        "derived": derived,
    }


def call(kind: str, declared: dict[str, Any]) -> str:
    keywords = {key: value for key, value in declared.items() if key not in ("name", "kind")}
    for key in ("categories", "classes"):
        if key in keywords:
            keywords[key] = tuple(keywords[key])
    arguments = [repr(declared["name"]), repr(declared["kind"])]
    arguments += [f"{key}={value!r}" for key, value in keywords.items()]
    return f"{kind}({', '.join(arguments)})"


def source(schema: dict[str, Any]) -> str:
    """`schema.py` declaring the drawn schema (the suite runs it; ruff never sees it)."""
    lines = [
        '"""A schema drawn by hypothesis."""',
        "from .columns import Column, Schema, Target",
        "from .columns.derived import date_part, ratio",
        "FEATURES = (",
        *(f"    {call('Column', column)}," for column in schema["features"]),
        ")",
        f"TARGET = {call('Target', schema['target'])}",
        "DERIVED = (",
    ]
    for formula, name, first, second, more in schema["derived"]:
        extra = "".join(f", {key}={value!r}" for key, value in more.items())
        lines.append(f"    {formula}({name!r}, {first!r}, {second!r}{extra}),")
    lines += [")", "SCHEMA = Schema(FEATURES, TARGET, DERIVED)", ""]
    return "\n".join(lines)


def baked(output_dir: Path, problem_type: str) -> Path:
    project = bake(output_dir, problem_type=problem_type, ci_provider="none")
    result = run_in(project, "git", "init", "-q", "-b", "main")
    assert result.returncode == 0, explain(result)
    synced(project)
    return project


@pytest.fixture(scope="module")
def classification(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return baked(tmp_path_factory.mktemp("classification"), "classification")


@pytest.fixture(scope="module")
def regression(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return baked(tmp_path_factory.mktemp("regression"), "regression")


def suite_passes(project: Path, schema: dict[str, Any]) -> None:
    text = source(schema)
    (project / "src" / "churn_forecast" / "schema.py").write_text(text, encoding="utf-8")
    result = run_in(
        project, "uv", "run", "--no-sync", "pytest", "-q", "-x", "-n", "2", "-m", SEPARATE,
        "-p", "no:cacheprovider", timeout=1200,
    )  # fmt: skip
    assert result.returncode == 0, f"schema.py:\n{text}\n{explain(result)}"


RUNS = settings(
    max_examples=EXAMPLES,
    phases=[Phase.explicit, Phase.generate],  # a suite takes minutes: no shrinking, the schema
    deadline=None,  # that failed is in the message whole
    derandomize=bool(os.environ.get("CI")),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@RUNS
@given(schema=schemas("classification"))
def test_the_suite_holds_for_any_class_schema(classification: Path, schema: dict[str, Any]) -> None:
    suite_passes(classification, schema)


@RUNS
@given(schema=schemas("regression"))
def test_the_suite_holds_for_any_number_schema(regression: Path, schema: dict[str, Any]) -> None:
    suite_passes(regression, schema)
