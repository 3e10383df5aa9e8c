"""Drafting a schema from a team's table: each decision, each refusal, and the source it writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import columns, tables
from {{ cookiecutter.package_name }}.columns import Column, Schema, Target, validation
from {{ cookiecutter.package_name }}.columns.drafting import (
    Draft,
    draft_chunks,
    draft_schema,
    source,
    widened,
)
from {{ cookiecutter.package_name }}.columns.profile import profile
from {{ cookiecutter.package_name }}.errors import SchemaError

CLASSES = ("category",)
NUMBERS = ("number", "integer")
ROWS = 200


@pytest.fixture
def table() -> pd.DataFrame:
    """A table with a bit of everything a team's export holds."""
    rng = np.random.default_rng(0)
    mean_radius = rng.normal(14, 3.5, ROWS).round(3)
    return pd.DataFrame(
        {
            "mean radius": mean_radius,
            "visits": rng.poisson(3, ROWS),
            "income": np.where(rng.random(ROWS) < 0.1, np.nan, rng.normal(5e4, 1e4, ROWS)),
            "plan": rng.choice(["basic", "pro", "team"], ROWS),
            "active": rng.random(ROWS) < 0.5,
            "customer_id": np.arange(1_000, 1_000 + ROWS),
            "country": ["NL"] * ROWS,
            "signed_up": pd.date_range("2024-01-01", periods=ROWS, freq="D").astype(str),
            "comment": [f"customer said thing number {i} about the service" for i in range(ROWS)],
            "city": [f"city-{i % 40}" for i in range(ROWS)],
            "diagnosis": np.where(mean_radius > 15, "malignant", "benign"),
            "spend": rng.gamma(2, 300, ROWS).round(2),
        }
    )


def declared(text: str) -> object:
    """The SCHEMA that a drafted schema.py declares, run outside the package."""
    namespace: dict[str, object] = {}
    code = text.replace("from .columns", f"from {columns.__name__}")
    exec(compile(code, "schema.py", "exec"), namespace)  # noqa: S102 - our own generated source
    return namespace["SCHEMA"]


def decided(draft: Draft) -> dict[str, str]:
    return {decision.column: decision.outcome for decision in draft.decisions}


def reasons(draft: Draft) -> dict[str, str]:
    return {decision.column: decision.reason for decision in draft.decisions}


def test_each_kind_of_column_gets_its_declaration(table: pd.DataFrame) -> None:
    schema = draft_schema(table.drop(columns="spend"), "diagnosis", CLASSES).schema
    assert schema.column("mean radius").kind == "number"
    visits = schema.column("visits")
    assert visits.kind == "integer"
    assert visits.minimum == 0  # counts never go below zero, whatever the margin
    income = schema.column("income")
    assert income.nullable
    assert income.missing_rate == pytest.approx(0.1, abs=0.05)
    assert schema.column("plan").categories == ("basic", "pro", "team")
    assert schema.column("active").categories == (False, True)


def test_columns_a_model_cannot_use_are_left_out_with_a_reason(table: pd.DataFrame) -> None:
    draft = draft_schema(table.drop(columns="spend"), "diagnosis", CLASSES)
    outcome, why = decided(draft), reasons(draft)
    for name in ("customer_id", "country", "comment", "city"):
        assert outcome[name] == "left out", name
    assert "identifier" in why["customer_id"]
    assert "same value ('NL')" in why["country"]
    assert "free text" in why["comment"]
    assert "40 distinct values, more than 20" in why["city"]
    assert "\n" not in "".join(why.values())


def test_a_date_column_is_kept_and_its_parts_are_proposed(table: pd.DataFrame) -> None:
    draft = draft_schema(table.drop(columns="spend"), "diagnosis", CLASSES)
    signed_up = draft.schema.column("signed_up")
    assert signed_up.kind == "date"
    assert (signed_up.earliest, signed_up.latest) == ("2024-01-01", table["signed_up"].max())
    parts = {feature.name: feature for feature in draft.schema.derived}
    names = {f"signed_up_{part}" for part in ("year", "month", "weekday", "days_since")}
    assert set(parts) == names
    assert parts["signed_up_days_since"].since == "2024-01-01"
    assert "derived: signed_up_year" in reasons(draft)["signed_up"]
    text = source(draft, "schema infer data.csv --target diagnosis")
    assert "from .columns.derived import date_part" in text
    assert declared(text) == draft.schema  # the source declares the parts too


def test_more_categories_are_kept_when_asked(table: pd.DataFrame) -> None:
    draft = draft_schema(table, "diagnosis", CLASSES, max_categories=50)
    assert len(draft.schema.column("city").categories) == 40


def test_text_classes_get_the_rarer_one_as_positive(table: pd.DataFrame) -> None:
    draft = draft_schema(table, "diagnosis", CLASSES)
    target = draft.schema.target
    assert target.classes == ("benign", "malignant")
    rarer = table["diagnosis"].value_counts().idxmin()
    assert target.positive == rarer
    assert "rarer class" in reasons(draft)["diagnosis"]


@pytest.mark.parametrize(
    ("labels", "positive"), [((0, 1), 1), ((False, True), True), (("no", "yes"), "no")]
)
def test_the_positive_class(labels: tuple[object, ...], positive: object) -> None:
    values = [labels[0]] * 50 + [labels[1]] * 150  # the second label is common
    table = pd.DataFrame({"x": np.arange(200) % 7, "y": values})
    assert draft_schema(table, "y", CLASSES).schema.target.positive == positive


def test_the_positive_class_can_be_chosen(table: pd.DataFrame) -> None:
    draft = draft_schema(table, "diagnosis", CLASSES, positive="benign")
    assert draft.schema.target.positive == "benign"
    with pytest.raises(SchemaError, match="'maybe' is not a class of the target"):
        draft_schema(table, "diagnosis", CLASSES, positive="maybe")


def test_a_number_target_for_regression(table: pd.DataFrame) -> None:
    target = draft_schema(table, "spend", NUMBERS).schema.target
    assert target.kind == "number"
    assert target.minimum == 0


@pytest.mark.parametrize(
    ("target", "kinds", "message"),
    [
        ("nope", CLASSES, "the table has no column 'nope' to predict; its columns: 'mean radius'"),
        ("spend", CLASSES, "distinct values, more than 50 classes: pick a column of classes"),
        ("country", CLASSES, "holds one class"),
        ("diagnosis", NUMBERS, "'diagnosis' holds .* values; this project predicts a number"),
    ],
)
def test_a_target_that_does_not_fit_is_refused(
    table: pd.DataFrame, target: str, kinds: tuple[str, ...], message: str
) -> None:
    with pytest.raises(SchemaError, match=message):
        draft_schema(table, target, kinds)


def test_three_classes_have_no_positive_class(table: pd.DataFrame) -> None:
    draft = draft_schema(table, "plan", CLASSES)
    target = draft.schema.target
    assert target.classes == ("basic", "pro", "team")
    assert target.positive is None
    assert reasons(draft)["plan"].startswith("3 classes: 'basic' ")
    text = source(draft, "uv run project schema infer data.csv --target plan")
    assert declared(text) == draft.schema
    assert "positive=" not in text
    with pytest.raises(SchemaError, match="only a two-class target has a positive class"):
        draft_schema(table, "plan", CLASSES, positive="pro")


def test_a_class_of_one_row_is_refused(table: pd.DataFrame) -> None:
    table.loc[7, "plan"] = "enterprise"
    with pytest.raises(SchemaError, match="a class with a single row \\('enterprise'\\)"):
        draft_schema(table, "plan", CLASSES)


def test_rows_without_a_target_are_counted_not_refused(table: pd.DataFrame) -> None:
    table["plan"] = table["plan"].where(np.arange(ROWS) % 40 != 0)  # 5 rows without a plan
    draft = draft_schema(table, "plan", CLASSES)
    assert "5 row(s) without it are left out of training and evaluation" in reasons(draft)["plan"]


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ([f"T{i:07d}" for i in range(ROWS)], "every value is different"),
        ([f"N{i % 60}A{i % 3}" for i in range(ROWS)], "distinct codes like 'N0A0': an identifier"),
    ],
)
def test_text_identifiers_are_named_as_identifiers(values: list[str], reason: str) -> None:
    table = pd.DataFrame({"id": values, "x": np.arange(ROWS) % 7, "y": [0, 1] * (ROWS // 2)})
    draft = draft_schema(table, "y", CLASSES)
    assert decided(draft)["id"] == "left out"
    assert reason in reasons(draft)["id"]


@pytest.mark.parametrize(
    "written",
    ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y", "%d.%m.%Y", "%b %d, %Y", "%d %B %Y"],
)
def test_dates_in_any_usual_shape_are_dates(written: str) -> None:
    days = pd.date_range("2023-01-01", periods=ROWS, freq="37h")
    table = pd.DataFrame({"when": days.strftime(written), "y": [0, 1] * (ROWS // 2)})
    assert draft_schema(table, "y", CLASSES).schema.column("when").is_date


def test_dates_among_values_that_are_not_are_left_out_with_them(table: pd.DataFrame) -> None:
    """Validation would refuse the file it was drafted from: the draft says so instead."""
    table.loc[[3, 8], "signed_up"] = ["unknown", "2024-13-45"]
    draft = draft_schema(table, "diagnosis", CLASSES)
    assert decided(draft)["signed_up"] == "left out"
    assert "2 value(s) that are not ('unknown', '2024-13-45')" in reasons(draft)["signed_up"]


def test_a_table_with_no_usable_column_is_refused() -> None:
    table = pd.DataFrame({"id": range(100), "y": [0, 1] * 50})
    with pytest.raises(SchemaError, match="no column of the table can be a feature"):
        draft_schema(table, "y", CLASSES)


def test_the_draft_accepts_the_table_it_was_drafted_from(table: pd.DataFrame) -> None:
    schema = draft_schema(table, "diagnosis", CLASSES).schema
    valid = schema.dataframe_schema(with_target=True).validate(table)
    assert len(valid) == ROWS


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_a_file_matches_the_draft_made_from_it(
    table: pd.DataFrame, suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `schema infer --check` does on the file `schema infer` read: dates with times and in
    other shapes, free text, identifiers, booleans and rows without a target included."""
    days = pd.date_range("2022-03-01", periods=ROWS, freq="31h")
    table = table.assign(
        opened=days.strftime("%m/%d/%Y"),
        stamped=days.strftime("%Y-%m-%d %H:%M:%S"),
        zoned=days.strftime("%Y-%m-%dT%H:%M:%S+02:00"),
        mixed=[day.strftime("%Y-%m-%d" if i % 2 else "%d %B %Y") for i, day in enumerate(days)],
        ticket=[f"T{i:07d}" for i in range(ROWS)],
        plan=table["plan"].where(np.arange(ROWS) % 50 != 0),
    )
    location = tables.write_table(table, tmp_path / f"data{suffix}")
    read = tables.read_table(location)
    schema = draft_schema(read, "plan", CLASSES).schema
    assert {"opened", "stamped", "zoned", "mixed"} <= set(schema.dates)
    labelled = read[read["plan"].notna()]
    monkeypatch.setattr(validation, "SCHEMA", schema)
    assert len(validation.validate(labelled)) == ROWS - 4


def test_the_source_declares_exactly_the_draft(table: pd.DataFrame) -> None:
    draft = draft_schema(table, "diagnosis", CLASSES)
    text = source(draft, "uv run project schema infer data.csv --target diagnosis")
    assert declared(text) == draft.schema
    assert all(len(line) <= 100 for line in text.splitlines()), "a line is over the limit"


def test_odd_names_and_labels_survive_the_source() -> None:
    schema = Schema(
        (
            Column('size "cm"', "number", "It's big.", minimum=0.5, maximum=3.0),
            Column("kind", "category", categories=("a/b", "naïve", "back\\slash")),
        ),
        Target("y", "category", classes=(False, True), positive=True),
    )
    text = source(Draft(schema, [], 10), "schema infer x.csv --target y")
    assert declared(text) == schema


@pytest.mark.parametrize(
    ("low", "high", "whole", "expected"),
    [(0, 120, True, (0, 140)), (6.981, 28.11, False, (4, 31)), (-5, 5, True, (-6, 6))],
)
def test_ranges_get_a_margin(
    low: float, high: float, whole: bool, expected: tuple[float, float]
) -> None:
    assert widened(low, high, whole=whole, margin=0.1)[:2] == expected


def chunked(table: pd.DataFrame, rows: int) -> list[pd.DataFrame]:
    return [table.iloc[start : start + rows] for start in range(0, len(table), rows)]


def test_a_table_read_in_chunks_drafts_as_it_does_whole(table: pd.DataFrame) -> None:
    """Ranges, categories, gaps, dates and classes are whole-table facts, merged chunk by chunk;
    identifiers and free text are judged on a sample (here a quarter of the rows)."""
    whole = draft_schema(table, "diagnosis", CLASSES)
    in_chunks = draft_chunks(chunked(table, 37), "diagnosis", CLASSES, sample_rows=ROWS // 4)
    assert in_chunks.schema == whole.schema
    assert reasons(in_chunks) == reasons(whole)
    assert (in_chunks.rows, in_chunks.sampled) == (ROWS, ROWS // 4)


def test_values_outside_the_sample_still_shape_the_draft() -> None:
    """What the sample does not hold (one rare category, the largest value, one wrong date, one
    rare class) still decides: the draft must accept the whole file it was drafted from."""
    rows = 5_000
    rng = np.random.default_rng(1)
    table = pd.DataFrame(
        {
            "amount": rng.uniform(0, 100, rows).round(2),
            "plan": rng.choice(["basic", "pro"], rows),
            "day": pd.date_range("2024-01-01", periods=rows, freq="h").strftime("%Y-%m-%d"),
            "visits": rng.poisson(3, rows),
            "y": rng.choice(["a", "b"], rows),
        }
    )
    table.loc[4_321, "amount"] = 1_000.0
    table.loc[4_321, "plan"] = "enterprise"
    table.loc[[4_321, 4_322], "y"] = "c"
    table.loc[3_999, "visits"] = None
    draft = draft_chunks(chunked(table, 1_000), "y", CLASSES, sample_rows=100)
    schema = draft.schema
    maximum = schema.column("amount").maximum
    assert maximum is not None
    assert maximum >= 1_000
    assert schema.column("plan").categories == ("basic", "enterprise", "pro")
    assert schema.column("visits").nullable
    assert schema.target.classes == ("a", "b", "c")
    table.loc[4_900, "day"] = "soon"
    draft = draft_chunks(chunked(table, 1_000), "y", CLASSES, sample_rows=100)
    assert "1 value(s) that are not ('soon')" in reasons(draft)["day"]


def test_the_memory_held_is_bounded_whatever_the_rows() -> None:
    """A sample of at most `sample_rows` rows, and at most `limit` distinct values per column."""
    chunks = (
        pd.DataFrame({"code": [f"c{start + i}" for i in range(500)], "n": np.arange(500) % 3})
        for start in range(0, 20_000, 500)
    )
    table = profile(chunks, limit=1_000, sample_rows=300)
    assert table.rows == 20_000
    assert len(table.sample) == 300
    assert table.sample.index.is_monotonic_increasing  # the sample keeps the table's order
    assert table.columns["code"].counts is None  # beyond the limit: "more than 1,000"
    assert table.columns["code"].distinct_text == "more than 1,000"
    assert table.columns["n"].counts == {0: 6_680, 1: 6_680, 2: 6_640}
