"""Column, Target and Schema: what a declaration allows, and that files and the API agree on it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from pandera.errors import SchemaError as PanderaSchemaError

from {{ cookiecutter.package_name }}.columns import Column, Schema, Target, most_probable


def json_schema_validator(schema: dict[str, Any]) -> Any:
    """A validator of the API's kind (jsonschema comes with the API; without it, skip)."""
    jsonschema = pytest.importorskip("jsonschema", reason="the API's JSON Schema checks need it")
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize(
    ("column", "good", "bad"),
    [
        (Column("x", "number", maximum=5), [-100.0, 5.0], [5.5]),
        (Column("x", "number", minimum=0), [0.0, 1e9], [-0.1]),
        (Column("x", "integer", minimum=1, maximum=3), [1, 3], [0, 4]),
        (Column("x", "category", categories=("a", "b")), ["a", "b"], ["c"]),
        (Column("x", "category", categories=(1, 2)), [1, 2], [3]),
    ],
)
def test_files_and_the_api_accept_and_refuse_the_same_values(
    column: Column, good: list[object], bad: list[object]
) -> None:
    """One declaration, two checks (pandera for files, JSON Schema for requests): they agree."""
    frame_schema = Schema((column,), Target("y", "number")).dataframe_schema(with_target=False)
    record = json_schema_validator(column.json_schema())
    for value in good:
        frame_schema.validate(pd.DataFrame({"x": [value]}))
        assert record.is_valid(value), value
    for value in bad:
        with pytest.raises(PanderaSchemaError):
            frame_schema.validate(pd.DataFrame({"x": [value]}))
        assert not record.is_valid(value), value


def test_a_nullable_integer_column_takes_gaps_but_not_fractions() -> None:
    column = Column("visits", "integer", minimum=0, nullable=True)
    frame_schema = Schema((column,), Target("y", "number")).dataframe_schema(with_target=False)
    frame_schema.validate(pd.DataFrame({"visits": [1.0, None, 3.0]}))
    with pytest.raises(PanderaSchemaError, match="whole_numbers"):
        frame_schema.validate(pd.DataFrame({"visits": [1.5]}))
    assert json_schema_validator(column.json_schema()).is_valid(None)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"kind": "text"}, "kind must be one of integer, number, category, date"),
        ({"kind": "category"}, "a category column needs its categories"),
        ({"kind": "number", "categories": ("a",)}, "only a category column has categories"),
        ({"kind": "number", "minimum": 5, "maximum": 1}, "minimum 5 is above maximum 1"),
        ({"kind": "number", "missing_rate": 0.1}, "a missing_rate needs nullable=True"),
        ({"kind": "category", "categories": ("a", 1)}, "all text, all numbers or all booleans"),
    ],
)
def test_a_wrong_declaration_says_what_is_wrong(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=f"schema column 'x': .*{message}"):
        Column("x", **arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"classes": ("a",), "positive": "a"}, "two or more distinct classes"),
        ({"classes": ("a", "b"), "positive": "c"}, "positive must be one of"),
        ({"classes": ("a", "a"), "positive": "a"}, "two or more distinct classes"),
        ({"classes": ("a", "b", "c"), "positive": "a"}, "3 classes have no positive class"),
        ({"classes": ("a", "b", "c"), "threshold": 0.3}, "only a two-class target has a decision"),
        ({"classes": ("a b", "a-b", "c")}, "differ in letters and digits"),
        ({"classes": ("a", 1, "c")}, "all text, all numbers or all booleans"),
    ],
)
def test_a_wrong_target_says_what_is_wrong(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Target("y", "category", **arguments)  # type: ignore[arg-type]


def test_a_schema_needs_features_with_unique_names() -> None:
    target = Target("y", "number")
    with pytest.raises(ValueError, match="at least one feature"):
        Schema((), target)
    with pytest.raises(ValueError, match="unique"):
        Schema((Column("a", "number"), Column("a", "number")), target)
    with pytest.raises(ValueError, match="unique"):
        Schema((Column("y", "number"),), target)


def test_three_classes_predict_each_class_probability() -> None:
    target = Target("species", "category", classes=("setosa", "versi color", "virginica"))
    assert not target.is_binary
    assert target.prediction_columns == (
        "prediction",
        "probability",
        "probability_setosa",
        "probability_versi_color",
        "probability_virginica",
    )
    properties = target.prediction_json_schema()["properties"]
    assert list(properties) == list(target.prediction_columns)
    assert properties["prediction"] == {"enum": ["setosa", "versi color", "virginica"]}


def test_the_most_probable_class_is_predicted_with_every_class_probability() -> None:
    order = ["b", "c", "a"]  # the model's own order of its probability columns
    probabilities = np.array([[0.2, 0.5, 0.3], [0.7, 0.1, 0.2]])
    columns = most_probable(probabilities, order, ("a", "b", "c"))
    assert list(columns["prediction"]) == ["c", "b"]
    assert columns["probability"] == pytest.approx([0.5, 0.7])
    assert columns["probability_a"] == pytest.approx([0.3, 0.2])
    assert columns["probability_c"] == pytest.approx([0.5, 0.1])


def test_the_negative_class_is_the_other_one() -> None:
    assert Target("y", "category", classes=("no", "yes"), positive="yes").negative == "no"
