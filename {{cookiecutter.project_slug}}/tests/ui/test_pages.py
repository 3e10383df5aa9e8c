"""Every page of the web app, and every error it must show instead of crashing, under AppTest."""

from __future__ import annotations

import datetime
import gc
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.columns import Column
from {{ cookiecutter.package_name }}.columns.validation import validate
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import DataValidationError, ProjectError
from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.store.current import CurrentModel
from {{ cookiecutter.package_name }}.ui.scoring import LocalScorer, ScoredFile, upload_name
from {{ cookiecutter.package_name }}.ui.show import literal
from {{ cookiecutter.package_name }}.ui.views.record import key_of
from {{ cookiecutter.package_name }}.ui.views.upload import SCORED
from {{ cookiecutter.package_name }}.workflows.data import write_sample
from {{ cookiecutter.package_name }}.workflows.monitor import monitor
from {{ cookiecutter.package_name }}.workflows.predict import predict

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest
    from tests.ui.conftest import OpenApp, OpenPage

    from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome


def texts(elements: Any) -> str:
    return "\n".join(str(element.value) for element in elements)


def ran(app: AppTest) -> AppTest:
    """The app after a run, which raised nothing: every error is shown as a message."""
    app.run()
    assert not app.exception, texts(app.exception)
    return app


def features(sample: pd.DataFrame, rows: int) -> pd.DataFrame:
    return sample[list(SCHEMA.names)].head(rows).reset_index(drop=True)


def fill(app: AppTest, column: Column, value: Any) -> None:
    """Type a value into a column's field (None: leave it empty)."""
    if value is not None and pd.isna(value):
        value = None
    if column.categories:
        app.selectbox(key=key_of(column)).set_value(value)
    elif column.is_date:
        app.date_input(key=key_of(column)).set_value(None if value is None else value.date())
    elif value is None:
        app.number_input(key=key_of(column)).set_value(None)
    else:
        number = int(value) if column.kind == "integer" else float(value)
        app.number_input(key=key_of(column)).set_value(number)


def submitted(app: AppTest) -> AppTest:
    app.button[0].click()
    return ran(app)


def number(text: str) -> float:
    """A number as a metric shows it (`1,234\\.5`)."""
    return float(text.replace("\\", "").replace(",", ""))


# The record form --------------------------------------------------------------------------------


def test_the_form_has_a_widget_per_column_within_its_range(
    open_app: OpenApp, app_settings: Settings, trained: TrainingOutcome
) -> None:
    app = ran(open_app(app_settings))
    for column in SCHEMA.features:
        if column.categories:
            select = app.selectbox(key=key_of(column))
            assert select.options == [str(label) for label in column.categories]
            value = select.value
        elif column.is_date:
            day = app.date_input(key=key_of(column))
            if column.earliest is not None:
                assert day.min == datetime.date.fromisoformat(column.earliest)
            if column.latest is not None:
                assert day.max == datetime.date.fromisoformat(column.latest)
            value = day.value
        else:
            number = app.number_input(key=key_of(column))
            if column.minimum is not None:
                assert number.min == pytest.approx(math.ceil(column.minimum))
            if column.maximum is not None:
                assert number.max == pytest.approx(column.maximum, abs=1)
            value = number.value
        assert (value is None) == column.nullable, f"{column.name}: only an optional one is empty"


def test_a_record_is_scored_as_the_core_scores_it(
    open_app: OpenApp, app_settings: Settings, trained: TrainingOutcome, sample: pd.DataFrame
) -> None:
    row = features(sample, 1)
    app = ran(open_app(app_settings))
    for column in SCHEMA.features:
        fill(app, column, row.loc[0, column.name])
    app = submitted(app)
    assert not app.error, texts(app.error)
    model = open_store(app_settings).load().model
    expected = predict_frame(model, validate(row, require_target=False)).iloc[0]
    shown = [metric.value for metric in app.metric]
    assert len(shown) == len(SCHEMA.target.summary_columns)
    for name, value in zip(SCHEMA.target.summary_columns, shown, strict=True):
        if isinstance(expected[name], float):
            assert number(value) == pytest.approx(expected[name], abs=1e-4), name
        else:
            assert value == literal(str(expected[name])), name
    each_class = SCHEMA.target.probability_columns  # three or more classes: a table of them
    if each_class:
        [table] = app.dataframe
        assert list(table.value["probability"]) == pytest.approx(
            [expected[column] for column in each_class.values()], abs=1e-4
        )
    assert literal(f"by model {trained.version}") in texts(app.caption)


def test_optional_fields_may_be_left_empty(
    open_app: OpenApp, app_settings: Settings, trained: TrainingOutcome
) -> None:
    app = submitted(ran(open_app(app_settings)))  # optional fields start empty
    assert not app.error, texts(app.error)
    assert len(app.metric) == len(SCHEMA.target.summary_columns)


@pytest.mark.parametrize("too_far", ["just out of range", "huge"])
def test_a_value_out_of_range_never_reaches_the_model(
    open_app: OpenApp,
    app_settings: Settings,
    trained: TrainingOutcome,
    bounded_column: Column,
    out_of_range: float,
    too_far: str,
) -> None:
    """The browser refuses it in the field ("outside the allowed range", see test_browser.py);
    a value that a client sends anyway is not the one scored."""
    app = ran(open_app(app_settings))
    value = out_of_range if too_far == "just out of range" else math.copysign(1e300, out_of_range)
    fill(app, bounded_column, value)
    app = submitted(app)
    kept = app.number_input(key=key_of(bounded_column)).value
    assert kept is not None
    assert (bounded_column.minimum or -math.inf) <= kept <= (bounded_column.maximum or math.inf)
    assert len(app.metric) == len(SCHEMA.target.summary_columns)


def test_a_required_number_cannot_be_left_empty(
    open_app: OpenApp, app_settings: Settings, trained: TrainingOutcome
) -> None:
    column = next((c for c in SCHEMA.features if c.is_numeric and not c.nullable), None)
    if column is None:
        pytest.skip("schema.py declares no required numeric column")
    app = ran(open_app(app_settings))
    fill(app, column, None)
    app = submitted(app)
    assert app.number_input(key=key_of(column)).value is not None
    assert len(app.metric) == len(SCHEMA.target.summary_columns)


def test_a_record_that_breaks_the_schema_gets_the_clis_message(
    app_settings: Settings,
    trained: TrainingOutcome,
    sample: pd.DataFrame,
    bounded_column: Column,
    out_of_range: float,
    required_column: Column,
    tmp_path: Path,
) -> None:
    """Whatever a form lets through, the core checks: the messages are those of a file's row."""
    row = features(sample, 1).astype(object).iloc[0]
    record = {str(name): value for name, value in row.items()}
    record |= {bounded_column.name: out_of_range, required_column.name: None}
    by_file = tmp_path / "record.csv"
    tables.write_table(pd.DataFrame([record]), by_file)
    with pytest.raises(DataValidationError) as cli:
        predict(app_settings, by_file, tmp_path / "out.csv")
    store = open_store(app_settings)
    scorer = LocalScorer(app_settings, CurrentModel(store, store.load).get())
    with pytest.raises(DataValidationError) as app:
        scorer.score_record(record)
    assert app.value.problems == [found.removeprefix("rows 1-1: ") for found in cli.value.problems]


def test_an_unexpected_failure_is_one_message_and_the_page_goes_on(
    open_app: OpenApp,
    app_settings: Settings,
    trained: TrainingOutcome,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object) -> None:
        msg = "a bug"
        raise RuntimeError(msg)

    monkeypatch.setattr("{{ cookiecutter.package_name }}.ui.scoring.predict_frame", broken)
    app = submitted(ran(open_app(app_settings)))
    expected = "scoring the record failed unexpectedly (RuntimeError: a bug)"
    assert literal(expected) in texts(app.error)
    assert app.button, "the form is still there"


# Uploads ---------------------------------------------------------------------------------------


def uploaded(open_page: OpenPage, settings: Settings, name: str, data: bytes) -> AppTest:
    app = ran(open_page("upload", settings))
    app.file_uploader[0].set_value((name, data, "application/octet-stream"))
    return ran(app)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_an_upload_is_scored_like_the_cli_scores_it_and_offered_for_download(
    open_page: OpenPage,
    app_settings: Settings,
    trained: TrainingOutcome,
    sample: pd.DataFrame,
    tmp_path: Path,
    suffix: str,
) -> None:
    source = tmp_path / f"batch{suffix}"
    tables.write_table(features(sample, 50), source)
    app = uploaded(open_page, app_settings, source.name, source.read_bytes())
    assert not app.error, texts(app.error)
    assert literal(f"Scored 50 rows with model {trained.version}.") in texts(app.success)
    assert len(app.dataframe[0].value) == 20  # a preview
    assert app.get("download_button"), "no download button"
    kept = app.session_state[SCORED]
    scored: ScoredFile = kept[1]
    assert scored.name == f"batch-predictions{suffix}"
    downloaded = tmp_path / scored.name
    downloaded.write_bytes(scored.data())
    by_cli = tmp_path / f"by-cli{suffix}"
    predict(app_settings, source, by_cli)
    pd.testing.assert_frame_equal(tables.read_table(downloaded), tables.read_table(by_cli))


def test_a_csv_download_never_carries_an_uploaded_formula(
    open_page: OpenPage, app_settings: Settings, trained: TrainingOutcome, sample: pd.DataFrame
) -> None:
    rows = features(sample, 3).assign(comment=['=HYPERLINK("http://x")', "+1", "fine"])
    app = uploaded(open_page, app_settings, "batch.csv", rows.to_csv(index=False).encode())
    assert not app.error, texts(app.error)
    assert "prefixed 2 cell(s) of passed-through columns" in texts(app.info)
    scored: ScoredFile = app.session_state[SCORED][1]
    data = scored.data()
    assert data.count(b"'") >= 2
    assert b"\n=HYPERLINK" not in data
    assert b",=HYPERLINK" not in data


def test_an_upload_is_scored_once_not_on_every_interaction(
    open_page: OpenPage,
    app_settings: Settings,
    trained: TrainingOutcome,
    sample: pd.DataFrame,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "batch.csv"
    tables.write_table(features(sample, 5), source)
    app = uploaded(open_page, app_settings, source.name, source.read_bytes())
    first = app.session_state[SCORED]

    def again(*args: object, **kwargs: object) -> None:
        pytest.fail("the same upload was scored again")

    monkeypatch.setattr("{{ cookiecutter.package_name }}.ui.scoring.score_file", again)
    app = ran(app)
    assert app.session_state[SCORED] is first
    assert app.success


def test_predictions_wait_on_disk_and_go_with_the_upload_they_belong_to(
    open_page: OpenPage,
    app_settings: Settings,
    trained: TrainingOutcome,
    sample: pd.DataFrame,
) -> None:
    """A session keeps no copy of its predictions in memory (the download reads them from disk),
    and a new upload removes the last one's: large uploads do not pile up in the app."""
    first = features(sample, 5).to_csv(index=False).encode()
    app = uploaded(open_page, app_settings, "first.csv", first)
    scored: ScoredFile = app.session_state[SCORED][1]
    assert not any(isinstance(value, bytes) for value in vars(scored).values())
    path = scored.path
    assert path.is_file()
    assert path.name == "first-predictions.csv"
    del scored
    app.file_uploader[0].set_value(("second.csv", first, "text/csv"))
    app = ran(app)
    assert app.session_state[SCORED][1].name == "second-predictions.csv"
    gc.collect()
    assert not path.parent.exists(), "the first upload's predictions are still on disk"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("C:\\Users\\ada\\batch.csv", "batch.csv"),
        ("../../batch.csv", "batch.csv"),
        ("..", "upload"),
        ("", "upload"),
    ],
)
def test_an_upload_is_named_by_its_file_name_alone(sent: str, kept: str) -> None:
    assert upload_name(sent) == kept


def bad_uploads(sample: pd.DataFrame) -> dict[str, tuple[str, bytes]]:
    """Files a person may upload by mistake, by what is wrong with them."""
    rows = features(sample, 5)
    numeric = next(column for column in SCHEMA.features if column.is_numeric)
    wrong_type = rows.astype({numeric.name: object})
    wrong_type.loc[1, numeric.name] = "twelve"
    return {
        "a word in a number column": ("wrong.csv", wrong_type.to_csv(index=False).encode()),
        "a missing column": ("short.csv", rows.iloc[:, 1:].to_csv(index=False).encode()),
        "an empty file": ("empty.csv", b""),
        "a header and no rows": ("header.csv", ",".join(SCHEMA.names).encode() + b"\n"),
        "a binary file named .csv": ("binary.csv", bytes(range(256)) * 4),
        "not Parquet": ("data.parquet", b"PAR1 this is not Parquet"),
        "a spreadsheet": ("data.xlsx", b"PK\x03\x04 a zip file"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "a word in a number column",
        "a missing column",
        "an empty file",
        "a binary file named .csv",
        "not Parquet",
        "a spreadsheet",
        "a header and no rows",
    ],
)
def test_a_bad_upload_gets_the_message_the_cli_prints(
    open_page: OpenPage,
    app_settings: Settings,
    trained: TrainingOutcome,
    sample: pd.DataFrame,
    tmp_path: Path,
    case: str,
) -> None:
    name, data = bad_uploads(sample)[case]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ProjectError) as cli:
        predict(app_settings, path, tmp_path / "out.csv")
    expected = str(cli.value).replace(str(path), name)
    app = uploaded(open_page, app_settings, name, data)
    assert literal(expected.splitlines()[0]) in texts(app.error)
    assert not app.get("download_button")


def test_a_header_only_upload_is_an_error_on_the_page_not_a_crash(
    open_page: OpenPage, app_settings: Settings, trained: TrainingOutcome
) -> None:
    header = ",".join(SCHEMA.names).encode() + b"\n"
    app = uploaded(open_page, app_settings, "header.csv", header)
    assert app.error
    assert not app.get("download_button")


def test_every_schema_problem_of_an_upload_is_listed(
    open_page: OpenPage,
    app_settings: Settings,
    trained: TrainingOutcome,
    sample: pd.DataFrame,
) -> None:
    rows = features(sample, 5).iloc[:, 2:]  # two columns missing: two problems
    app = uploaded(open_page, app_settings, "short.csv", rows.to_csv(index=False).encode())
    error = texts(app.error)
    assert literal("the data does not match the schema (2 problems):") in error
    for name in SCHEMA.names[:2]:
        missing = f"rows 1-5: column '{name}' is missing"
        assert f"\n- {literal(missing)}" in error


# The model card and the drift report ----------------------------------------------------------


def test_the_model_card_shows_the_version_metrics_gate_and_plots(
    open_page: OpenPage, with_reports: Settings, trained: TrainingOutcome
) -> None:
    app = ran(open_page("card", with_reports))
    assert app.subheader[0].value == literal(f"Model {trained.version}")
    assert [metric.label for metric in app.metric] == [literal(name) for name in trained.metrics]
    assert literal("Quality gate passed") in texts(app.success)
    assert len(app.dataframe[0].value) == len(SCHEMA.features)
    plots = sorted((with_reports.reports.dir / trained.version).glob("*.png"))
    assert plots
    assert len([*app.get("image"), *app.get("imgs")]) == len(plots)  # older: "imgs"


def test_a_card_without_its_plots_says_where_they_are_written(
    open_page: OpenPage, app_settings: Settings, trained: TrainingOutcome
) -> None:
    app = ran(open_page("card", app_settings))
    assert literal(f"No evaluation plots of model {trained.version}") in texts(app.info)


def test_without_a_model_every_page_says_how_to_make_one(
    open_page: OpenPage, open_app: OpenApp, app_settings: Settings
) -> None:
    app = ran(open_app(app_settings))
    assert literal("train one first") in texts(app.warning)
    card = ran(open_page("card", app_settings))
    assert literal("train one first") in texts(card.error)


def test_before_any_drift_report_the_page_says_how_to_make_one(
    open_page: OpenPage, app_settings: Settings
) -> None:
    app = ran(open_page("drift", app_settings))
    assert literal("monitor BATCH` writes one") in texts(app.info)


def test_the_latest_drift_report_is_shown(
    open_page: OpenPage, app_settings: Settings, trained: TrainingOutcome, tmp_path: Path
) -> None:
    stable, drifted = tmp_path / "stable.parquet", tmp_path / "drifted.parquet"
    write_sample(app_settings, str(stable), 1_000)
    write_sample(app_settings, str(drifted), 1_000, drift=3.0)
    monitor(app_settings, str(stable))
    latest = monitor(app_settings, str(drifted))
    assert latest.result.drift
    app = ran(open_page("drift", app_settings))
    checks = len(latest.result.checks)
    assert f"Drift in {len(latest.result.drifted)} of {checks} checks" in texts(app.error)
    assert len(app.dataframe[0].value) == checks
    assert literal("drifted.parquet") in texts(app.caption)
    assert app.get("download_button"), "no download of the HTML report"


def test_an_unreadable_drift_report_is_reported(
    open_page: OpenPage, app_settings: Settings
) -> None:
    report = app_settings.reports.dir / "monitoring" / "20990101T000000000000Z-x" / "drift.json"
    report.parent.mkdir(parents=True)
    report.write_text("{not JSON", encoding="utf-8")
    app = ran(open_page("drift", app_settings))
    assert literal(f"cannot read the drift report '{report}'") in texts(app.error)
