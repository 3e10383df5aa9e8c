"""The app scoring through the project's API (the ui.api_url setting), against the real Flask app
served over HTTP on a free loopback port."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest
from werkzeug.serving import make_server

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.config import (
    ENV_PREFIX,
    Settings,
    load_settings,
    masked,
)
from {{ cookiecutter.package_name }}.errors import DataValidationError, SettingsError
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.ui.remote import (
    ApiClient,
    ApiError,
    RemoteScorer,
    answer_message,
)
from {{ cookiecutter.package_name }}.ui.show import literal
from {{ cookiecutter.package_name }}.ui.views.upload import SCORED
from {{ cookiecutter.package_name }}.workflows.predict import predict

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest
    from tests.ui.conftest import OpenApp, OpenPage

    from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome

KEY = "ui-test-key"


def texts(elements: Any) -> str:
    return "\n".join(str(element.value) for element in elements)


def ran(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, texts(app.exception)
    return app


@contextmanager
def serving(settings: Settings, **api: Any) -> Iterator[str]:
    """The Flask app with these API settings, served on a free loopback port: its URL."""
    overrides: dict[str, Any] = {"api.keys": [KEY], "api.model_reload_seconds": 0}
    overrides |= {f"api.{name}": value for name, value in api.items()}
    app = create_app(settings.with_overrides(**overrides))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def api(app_settings: Settings, trained: TrainingOutcome) -> Iterator[str]:
    with serving(app_settings) as url:
        yield url


def through(settings: Settings, url: str, **ui: Any) -> Settings:
    """Settings that make the app score through the API at `url`."""
    values = {"api_url": url, "api_key": KEY, **ui}
    return settings.with_overrides(**{f"ui.{name}": value for name, value in values.items()})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def upload(open_page: OpenPage, settings: Settings, name: str, data: bytes) -> AppTest:
    app = ran(open_page("upload", settings))
    app.file_uploader[0].set_value((name, data, "application/octet-stream"))
    return ran(app)


def batch(sample: pd.DataFrame, rows: int) -> pd.DataFrame:
    return sample[list(SCHEMA.names)].head(rows)


def test_a_record_is_scored_by_the_api(
    open_app: OpenApp, app_settings: Settings, trained: TrainingOutcome, api: str
) -> None:
    app = ran(open_app(through(app_settings, api)))
    assert literal(f"Scored by the API at {api}.") in texts(app.caption)
    app.button[0].click()
    app = ran(app)
    assert not app.error, texts(app.error)
    assert len(app.metric) == len(SCHEMA.target.summary_columns)
    assert literal(f"by model {trained.version}") in texts(app.caption)


def test_an_upload_is_scored_by_the_api_in_batches_like_the_cli_scores_it(
    open_page: OpenPage,
    app_settings: Settings,
    trained: TrainingOutcome,
    api: str,
    sample: pd.DataFrame,
    tmp_path: Path,
) -> None:
    source = tmp_path / "batch.csv"
    tables.write_table(batch(sample, 23), source)
    settings = through(app_settings, api, api_batch=5)
    app = upload(open_page, settings, source.name, source.read_bytes())
    assert literal(f"Scored 23 rows with model {trained.version}.") in texts(app.success)
    downloaded = tmp_path / "downloaded.csv"
    downloaded.write_bytes(app.session_state[SCORED][1].data())
    predict(app_settings, source, tmp_path / "by-cli.csv")
    by_cli = tables.read_table(tmp_path / "by-cli.csv")
    # The API serves the ONNX export: probabilities agree to its tolerance, not to the last bit.
    pd.testing.assert_frame_equal(tables.read_table(downloaded), by_cli, rtol=1e-4)


def test_a_bad_upload_is_refused_before_anything_is_sent(
    open_page: OpenPage, app_settings: Settings, sample: pd.DataFrame
) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens: a request would fail
    data = batch(sample, 3).iloc[:, 1:].to_csv(index=False).encode()
    app = upload(open_page, through(app_settings, nowhere), "short.csv", data)
    assert literal(f"column '{SCHEMA.names[0]}' is missing") in texts(app.error)


def test_a_record_is_checked_before_it_is_sent(app_settings: Settings) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    scorer = RemoteScorer(through(app_settings, nowhere))
    with pytest.raises(DataValidationError):
        scorer.score_record(dict.fromkeys(SCHEMA.names))


def test_a_wrong_key_gets_the_apis_own_message(
    open_app: OpenApp, app_settings: Settings, api: str
) -> None:
    app = ran(open_app(through(app_settings, api, api_key="not-the-key")))
    app.button[0].click()
    app = ran(app)
    assert literal("the API answered 401 Unauthorized: send a valid API key") in texts(app.error)


def test_a_batch_larger_than_the_api_takes_gets_its_message(
    open_page: OpenPage,
    app_settings: Settings,
    trained: TrainingOutcome,
    sample: pd.DataFrame,
) -> None:
    with serving(app_settings, max_batch=4) as url:
        data = batch(sample, 10).to_csv(index=False).encode()
        app = upload(open_page, through(app_settings, url, api_batch=10), "batch.csv", data)
        expected = "the API answered 422 Unprocessable Content: send 1 to 4 records in one request"
        assert literal(expected) in texts(app.error)


def test_an_api_without_a_model_says_so(open_app: OpenApp, app_settings: Settings) -> None:
    with serving(app_settings) as url:  # no model trained: the API starts, and answers 503
        app = ran(open_app(through(app_settings, url)))
        app.button[0].click()
        app = ran(app)
        assert literal("the API answered 503 Service Unavailable") in texts(app.error)


def test_an_unreachable_api_is_reported(open_app: OpenApp, app_settings: Settings) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = ran(open_app(through(app_settings, nowhere)))
    app.button[0].click()
    app = ran(app)
    assert literal(f"cannot reach the API at {nowhere}") in texts(app.error)


def test_the_model_card_is_the_apis_model(
    open_page: OpenPage, app_settings: Settings, trained: TrainingOutcome, api: str
) -> None:
    app = ran(open_page("card", through(app_settings, api)))
    assert app.subheader[0].value == literal(f"Model {trained.version}")
    assert "runtime: onnxruntime" in app.markdown[0].value


def test_an_answer_that_is_not_json_is_reported(app_settings: Settings, api: str) -> None:
    with pytest.raises(ApiError, match="answered /metrics with something that is not JSON"):
        ApiClient(api, KEY, timeout=10).call("/metrics")


def test_an_error_that_is_not_the_apis_is_shown_as_it_came() -> None:
    message = answer_message(502, b"<html>Bad Gateway</html>")
    assert message == (
        "the API answered 502 with something that is not its JSON error: <html>Bad Gateway</html>"
    )


def test_the_apis_problem_list_is_shortened() -> None:
    details = [{"path": f"/{n}/age", "message": "must be a number"} for n in range(7)]
    error = {"title": "Unprocessable Content", "message": "7 field(s)", "details": details}
    message = answer_message(422, json.dumps({"error": error}).encode())
    assert message.startswith("the API answered 422 Unprocessable Content: 7 field(s) (/0/age: ")
    assert message.endswith("; 2 more)")


def test_the_api_key_is_a_secret_and_the_url_must_be_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}UI_API_URL", "https://models.example.com/churn")
    monkeypatch.setenv(f"{ENV_PREFIX}UI_API_KEY", "s3cret")
    shown = masked(load_settings())
    assert shown[f"{ENV_PREFIX}UI_API_KEY"] == "**********"
    assert "s3cret" not in json.dumps(shown)
    monkeypatch.setenv(f"{ENV_PREFIX}UI_API_URL", "models.example.com")
    with pytest.raises(SettingsError, match=f"{ENV_PREFIX}UI_API_URL"):
        load_settings()
