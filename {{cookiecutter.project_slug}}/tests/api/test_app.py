import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from flask import Flask, jsonify
from flask.testing import FlaskClient

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.api.app import configured_keys, create_app
from {{ cookiecutter.package_name }}.api.auth import ApiKeyError, public
from {{ cookiecutter.package_name }}.api.records import BodyError, parse
from {{ cookiecutter.package_name }}.columns import Column
from {{ cookiecutter.package_name }}.columns.records import api_records
from {{ cookiecutter.package_name }}.columns.validation import validate
from {{ cookiecutter.package_name }}.config import ENV_PREFIX, Settings, load_settings
from {{ cookiecutter.package_name }}.modeling.onnx_export import ONNX_FILE
from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame
from {{ cookiecutter.package_name }}.monitoring.profile import load_profile
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.store.files import MODEL_FILE
from {{ cookiecutter.package_name }}.workflows.rollback import rollback
from {{ cookiecutter.package_name }}.workflows.train import (
    TrainingOutcome,
    fit_candidate,
    labelled_data,
    train,
)

KEY, OLD_KEY = "current-key", "previous-key"
AUTH = {"Authorization": f"Bearer {KEY}"}


def records(sample: pd.DataFrame, count: int) -> list[dict[str, Any]]:
    return api_records(sample.head(count))


def make_app(settings: Settings, **api: Any) -> Flask:
    """The app with these API settings (api.<name>), and two valid keys unless told otherwise."""
    api = {"keys": [KEY, OLD_KEY], **api}
    return create_app(
        settings.with_overrides(**{f"api.{name}": value for name, value in api.items()})
    )


MAX_BATCH = 50


@pytest.fixture
def body_limit(sample: pd.DataFrame) -> int:
    """Room for a full batch of this schema's records, and not much more; at least 16 KiB, for
    the tests that send fields of their own (a schema of one short column needs little)."""
    return max(2 * len(json.dumps(records(sample, MAX_BATCH))), 16_384)


@pytest.fixture
def client(settings: Settings, trained: object, body_limit: int) -> FlaskClient:
    return make_app(settings, max_batch=MAX_BATCH, max_body_bytes=body_limit).test_client()


def plain(value: Any) -> Any:
    """A NumPy scalar as the Python value JSON gives back."""
    return value.item() if hasattr(value, "item") else value


def same(a: object, b: object) -> bool:
    """Equal labels, or numbers equal to float32's precision: ONNX Runtime computes in float32,
    and a record alone or in a batch may take other kernels (a few units in the last place of a
    float32, about 1e-7 relative each); BLAS differs between CPUs too."""
    if isinstance(a, float) or isinstance(b, float):
        return bool(a == pytest.approx(b, rel=1e-5, abs=1e-6))
    return a == b


def test_health_and_readiness(client: FlaskClient) -> None:
    assert client.get("/health").json == {"status": "alive"}
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.json["model_version"]
    assert client.get("/ping").status_code == 200


def test_not_ready_without_a_model(settings: Settings) -> None:
    client = make_app(settings).test_client()
    assert client.get("/health").status_code == 200
    ready = client.get("/ready")
    assert ready.status_code == 503
    assert "no model is loaded" in ready.json["error"]["message"]
    assert "/" not in ready.json["error"]["message"]  # no file paths on an open endpoint
    assert client.post("/predict", json={}, headers=AUTH).status_code == 503


def test_one_record_is_predicted_like_the_core_does(
    client: FlaskClient, settings: Settings, sample: pd.DataFrame
) -> None:
    response = client.post("/predict", json=records(sample, 1)[0], headers=AUTH)
    assert response.status_code == 200, response.json
    (prediction,) = response.json["predictions"]
    expected = predict_frame(open_store(settings).load().model, validate(sample.head(1)))
    assert same(prediction["prediction"], plain(expected["prediction"].iloc[0]))
    assert response.json["model_version"] == open_store(settings).load().version


WIDE_DIGITS = "\uff12\uff10\uff12\uff11-02-03"  # 2021 in full-width digits


@pytest.mark.parametrize(
    "day", ["2021-02-30", "2021-2-3", "20210203", "2021-W05-3", WIDE_DIGITS, "2021-02-03T10:00"]
)
def test_a_date_that_is_not_a_calendar_day_is_refused_by_field(
    client: FlaskClient, sample: pd.DataFrame, day: str
) -> None:
    if not SCHEMA.dates:
        pytest.skip("schema.py declares no date column")
    name = SCHEMA.dates[0]
    response = client.post("/predict", json={**records(sample, 1)[0], name: day}, headers=AUTH)
    assert response.status_code == 422, response.json
    (problem_found,) = response.json["error"]["details"]
    assert problem_found["path"] == f"/0/{pointer(name)}"
    assert "date" in problem_found["message"]


def test_batch_gets_one_prediction_per_record_in_order(
    client: FlaskClient, sample: pd.DataFrame
) -> None:
    batch = records(sample, 20)
    response = client.post("/predict", json=batch, headers=AUTH)
    assert len(response.json["predictions"]) == 20
    single = client.post("/predict", json=batch[7], headers=AUTH).json["predictions"][0]
    in_batch = response.json["predictions"][7]
    assert all(same(in_batch[name], single[name]) for name in problem.PREDICTION_COLUMNS)
    if problem.PROBLEM_TYPE == "classification":
        assert all(0 <= p["probability"] <= 1 for p in response.json["predictions"])


def test_invocations_follow_the_predict_contract(client: FlaskClient, sample: pd.DataFrame) -> None:
    body = records(sample, 3)
    assert (
        client.post("/invocations", json=body, headers=AUTH).json
        == client.post("/predict", json=body, headers=AUTH).json
    )


def pointer(name: str) -> str:
    """A column name as a JSON Pointer token (RFC 6901)."""
    return name.replace("~", "~0").replace("/", "~1")


def test_schema_violations_are_422_with_field_paths(
    client: FlaskClient, sample: pd.DataFrame, bounded_column: Column, out_of_range: float
) -> None:
    batch = records(sample, 2)
    batch[1][bounded_column.name] = out_of_range
    del batch[0][SCHEMA.names[-1]]
    response = client.post("/predict", json=batch, headers=AUTH)
    assert response.status_code == 422
    paths = {detail["path"] for detail in response.json["error"]["details"]}
    assert paths == {"/0", f"/1/{pointer(bounded_column.name)}"}


def test_a_flood_of_unknown_fields_lists_50_problems_and_counts_them_all(
    client: FlaskClient, sample: pd.DataFrame
) -> None:
    batch = records(sample, 10)
    for row in batch:
        row.update({f"no such column {number}": 0 for number in range(20)})
    response = client.post("/predict", json=batch, headers=AUTH)
    assert response.status_code == 422
    error = response.json["error"]
    assert len(error["details"]) == 50
    assert error["details"][0]["path"] == f"/0/{pointer('no such column 0')}"
    assert error["details_omitted"] == 10 * 20 - 50
    assert error["message"].startswith("200 field(s)")


def test_an_unknown_category_is_422(
    client: FlaskClient, sample: pd.DataFrame, categorical_column: Column
) -> None:
    batch = records(sample, 1)
    batch[0][categorical_column.name] = "never-seen-before"
    response = client.post("/predict", json=batch, headers=AUTH)
    assert response.status_code == 422
    [detail] = response.json["error"]["details"]
    assert detail["path"] == f"/0/{pointer(categorical_column.name)}"


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        ("{not json", {"Content-Type": "application/json"}, 400),
        ("a,b\n1,2", {"Content-Type": "text/csv"}, 415),
        ("[]", {"Content-Type": "application/json"}, 422),
        ("[" + ",".join(["{}"] * (MAX_BATCH + 1)) + "]", {"Content-Type": "application/json"}, 422),
    ],
    ids=["malformed JSON", "wrong content type", "empty batch", "batch over limit"],
)
def test_bad_requests_get_json_errors(
    client: FlaskClient, body: str, headers: dict[str, str], status: int
) -> None:
    response = client.post("/predict", data=body, headers={**AUTH, **headers})
    assert response.status_code == status
    assert response.is_json
    assert response.json["error"]["status"] == status
    assert response.json["request_id"] == response.headers["X-Request-ID"]


def test_a_key_given_twice_is_refused_as_a_csv_column_named_twice_is(
    client: FlaskClient, sample: pd.DataFrame
) -> None:
    """orjson keeps the last of two values for one key: the record says two things, and which
    one the model scores must not be an accident of the parser."""
    record = records(sample, 1)[0]
    name = SCHEMA.names[0]
    first = json.dumps({name: record[name]})[1:-1]
    body = "[" + json.dumps(record)[:-1] + ", " + first + "}]"
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.post("/predict", data=body, headers=headers)
    assert response.status_code == 400, response.json
    assert f"holds the key(s) {name!r} more than once" in response.json["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [b'[{"a": "x\\":y", "b": 1}]', b'{"a" : 1, "b":{"c" :2}}', b'{"a": "\\":\\":"}'],
    ids=["a value holding a key's end", "spaces before colons, nested", "only values"],
)
def test_only_a_key_given_twice_is_refused(body: bytes) -> None:
    assert parse(body) == [json.loads(body)] if body.startswith(b"{") else json.loads(body)
    twice = body.replace(b'{"a"', b'{"a": 0, "a"', 1)
    with pytest.raises(BodyError, match=r"holds the key\(s\) 'a' more than once"):
        parse(twice)


def test_a_body_over_the_limit_is_413(client: FlaskClient, body_limit: int) -> None:
    body = '{"x": "' + "y" * body_limit + '"}'
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.post("/predict", data=body, headers=headers)
    assert response.status_code == 413
    assert response.json["error"]["status"] == 413


def test_unknown_route_and_wrong_method_are_json(client: FlaskClient) -> None:
    missing = client.get("/nope")
    assert missing.status_code == 404
    assert missing.json["error"]["title"] == "Not Found"
    wrong = client.get("/predict", headers=AUTH)
    assert wrong.status_code == 405
    assert "POST" in wrong.headers["Allow"]


def test_unexpected_error_is_500_without_a_traceback(
    client: FlaskClient, sample: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = client.application.extensions["worker"]
    monkeypatch.setattr(worker, "predict", lambda *args: 1 / 0)
    response = client.post("/predict", json=records(sample, 1), headers=AUTH)
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert "ZeroDivisionError" not in response.get_data(as_text=True)


def test_request_id_is_echoed_or_made(client: FlaskClient) -> None:
    assert (
        client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"]
        == "abc-123"
    )
    made = client.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    assert len(made.headers["X-Request-ID"]) == 32
    # A trailing newline would split the log line and the response header: a new id instead.
    newline = client.get("/health", environ_overrides={"HTTP_X_REQUEST_ID": "abc\n"})
    assert len(newline.headers["X-Request-ID"]) == 32


def test_a_new_route_needs_a_key_unless_marked_public(settings: Settings, trained: object) -> None:
    app = make_app(settings)
    app.add_url_rule("/added", "added", lambda: jsonify(secret=True))
    app.add_url_rule("/open", "open", public(lambda: jsonify(open=True)))
    client = app.test_client()
    assert client.get("/added").status_code == 401
    assert client.get("/added", headers=AUTH).status_code == 200
    assert client.get("/open").status_code == 200


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"Authorization": f"Basic {KEY}"}, 401),
        ({"Authorization": f"Bearer {KEY}"}, 200),
        ({"X-API-Key": KEY}, 200),
        ({"X-API-Key": OLD_KEY}, 200),  # rotation: both keys work until the old one is removed
    ],
    ids=["missing", "wrong", "wrong scheme", "bearer", "x-api-key", "rotated"],
)
def test_api_key_authentication(
    client: FlaskClient, sample: pd.DataFrame, headers: dict[str, str], status: int
) -> None:
    response = client.post("/predict", json=records(sample, 1), headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert client.get("/metadata", headers=headers).status_code == 401


def test_refuses_to_start_without_keys(settings: Settings) -> None:
    with pytest.raises(ApiKeyError, match=f"{ENV_PREFIX}API_ALLOW_ANONYMOUS=true"):
        make_app(settings, keys=[])


def test_anonymous_access_when_explicitly_enabled(
    settings: Settings, trained: object, sample: pd.DataFrame
) -> None:
    app = make_app(settings, keys=[], allow_anonymous=True)
    assert app.test_client().post("/predict", json=records(sample, 1)).status_code == 200


def test_keys_from_environment_and_secrets_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = tmp_path / "keys"
    secrets.write_text("# rotated weekly\nfrom-file\n\n")
    monkeypatch.setenv(f"{ENV_PREFIX}API_KEYS", " one, two ")
    monkeypatch.setenv(f"{ENV_PREFIX}API_KEYS_FILE", str(secrets))
    assert configured_keys(load_settings().api) == ["one", "two", "from-file"]


def test_metadata_and_openapi(client: FlaskClient) -> None:
    metadata = client.get("/metadata", headers=AUTH).json
    assert metadata["problem_type"] == problem.PROBLEM_TYPE
    assert set(metadata["metrics"]) >= {problem.PRIMARY_METRIC}
    document = client.get("/openapi.json").json
    assert document["openapi"].startswith("3.1")
    record = document["components"]["schemas"]["Record"]
    assert list(record["properties"]) == list(SCHEMA.names)
    body = document["paths"]["/predict"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["oneOf"][1]["maxItems"] == 50


def test_metrics_count_requests_and_predictions(client: FlaskClient, sample: pd.DataFrame) -> None:
    client.post("/predict", json=records(sample, 4), headers=AUTH)
    text = client.get("/metrics").get_data(as_text=True)
    assert "model_predictions_total{" in text
    assert 'http_requests_total{endpoint="/predict",method="POST",status="200"} 1.0' in text


@pytest.mark.parametrize(("rate", "lines"), [(1.0, 3), (0.0, 0)])
def test_predictions_are_logged_as_sampled_json_lines(
    settings: Settings,
    trained: object,
    sample: pd.DataFrame,
    tmp_path: Path,
    rate: float,
    lines: int,
) -> None:
    log = tmp_path / "predictions.jsonl"
    app = make_app(settings, prediction_log=log, prediction_log_sample_rate=rate)
    app.test_client().post("/predict", json=records(sample, 3), headers=AUTH)
    written = log.read_text().splitlines() if log.exists() else []
    assert len(written) == lines
    if lines:
        entry = json.loads(written[0])
        assert set(entry["features"]) == set(SCHEMA.names)
        assert "prediction" in entry
        assert entry["model_version"]


def metric(text: str, line_start: str) -> float:
    """The value of the first exposition line that starts with `line_start`."""
    [value] = [line.split()[-1] for line in text.splitlines() if line.startswith(line_start)][:1]
    return float(value)


def test_metrics_show_what_drift_monitoring_needs(
    client: FlaskClient, settings: Settings, sample: pd.DataFrame
) -> None:
    # A column the model reads as it is: a date reaches it through its derived parts.
    name = next((c.name for c in SCHEMA.features if c.nullable and not c.is_date), None)
    if name is None:
        pytest.skip("schema.py declares no nullable column that is not a date")
    batch = records(sample, 30)
    for record in batch[:7]:
        record[name] = None
    missing = sum(record[name] is None for record in batch)  # 7, and any the sample lacked
    client.post("/predict", json=batch, headers=AUTH)
    text = client.get("/metrics").get_data(as_text=True)
    labels = "{" + f'feature="{name}"' + "}"
    assert metric(text, f"model_input_missing_total{labels}") == missing
    assert metric(text, "model_prediction_count") == 30
    store = open_store(settings)
    profile = load_profile(store, store.current())
    reference = profile.features[name].missing_rate
    assert metric(text, f"model_reference_missing_rate{labels}") == pytest.approx(reference)
    # The buckets are the reference deciles: about a tenth of training predictions in each.
    first_bucket = 'model_prediction_bucket{le="' + str(profile.prediction.edges[0]) + '"}'
    assert 0 <= metric(text, first_bucket) <= metric(text, 'model_prediction_bucket{le="+Inf"}')


def test_a_promoted_model_is_served_without_a_restart(
    settings: Settings, trained: TrainingOutcome, sample: pd.DataFrame
) -> None:
    client = make_app(settings, model_reload_seconds=0).test_client()
    assert client.get("/ready").json["model_version"] == trained.version
    newer = train(settings.with_overrides(**{"training.seed": 11}))
    assert newer.promoted
    response = client.post("/predict", json=records(sample, 1), headers=AUTH)
    assert response.json["model_version"] == newer.version
    assert metric(client.get("/metrics").get_data(as_text=True), "model_reloads_total") == 1
    rollback(settings)  # a rollback is picked up the same way
    assert client.get("/ready").json["model_version"] == trained.version


def test_a_promoted_model_that_cannot_load_leaves_the_old_one_serving(
    settings: Settings, trained: TrainingOutcome, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_app(settings, model_reload_seconds=0).test_client()
    other = settings.with_overrides(**{"training.seed": 12})
    broken = fit_candidate(other, labelled_data(other))
    open_store(settings).promote(broken, action="test", reason="a model damaged once promoted")
    for name in (MODEL_FILE, ONNX_FILE):
        (settings.models.dir / broken / name).write_bytes(b"tampered")
    ready = client.get("/ready").json
    assert ready["model_version"] == trained.version
    assert "failed its checks" in ready["warning"]
    assert f"still serving model {trained.version}, refused {broken}" in caplog.text
    assert metric(client.get("/metrics").get_data(as_text=True), "model_current_refused") == 1


def test_the_reload_interval_spares_the_disk(settings: Settings, trained: TrainingOutcome) -> None:
    client = make_app(settings, model_reload_seconds=3600).test_client()
    newer = train(settings.with_overrides(**{"training.seed": 13}))
    assert newer.promoted
    assert client.get("/ready").json["model_version"] == trained.version  # not looked yet
