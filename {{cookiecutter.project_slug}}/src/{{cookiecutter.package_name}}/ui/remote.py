"""Scoring through the project's API (`POST /predict`), when the ui.api_url setting is set.

The app then needs no model files: the API scores, and the app shows the API's own error messages.
Input is still checked here first, by the core, so a bad form value or upload gets the same
message as on the command line before anything is sent. Standard library HTTP only.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import IO, Any

import pandas as pd

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.columns.records import api_records
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import DataError, ProjectError
from {{ cookiecutter.package_name }}.modeling.scoring import (
    DECLARED,
    MAX_COLUMNS,
    FileScored,
    validate_chunk,
)
from {{ cookiecutter.package_name }}.ui.scoring import (
    Scored,
    ScoredFile,
    record_frame,
    uploaded,
)

DETAILS_SHOWN = 5  # of the problems the API lists for a refused batch


class ApiError(ProjectError):
    """The API refused a request, or could not be reached; the message says which and why."""


def answer_message(status: int, body: bytes) -> str:
    """The API's error, in its own words: `{"error": {"title", "message", "details"}}`."""
    try:
        error = json.loads(body)["error"]
        text = f"{error['title']}: {error['message']}"
    except (ValueError, KeyError, TypeError):  # not the API's JSON: a proxy's page, say
        shown = body[:200].decode("utf-8", "replace").strip() or "an empty body"
        return f"the API answered {status} with something that is not its JSON error: {shown}"
    details = [f"{item['path']}: {item['message']}" for item in error.get("details", [])]
    if details:
        more = len(details) - DETAILS_SHOWN + error.get("details_omitted", 0)
        text += " (" + "; ".join(details[:DETAILS_SHOWN]) + (f"; {more} more" if more > 0 else "")
        text += ")"
    return f"the API answered {status} {text}"


class ApiClient:
    def __init__(self, url: str, key: str | None, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.key = key
        self.timeout = timeout

    def call(self, path: str, body: Any = None) -> Any:
        """GET `path`, or POST `body` as JSON to it; the answer's JSON, or an ApiError."""
        headers = {"Accept": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        data = None
        if body is not None:
            data = json.dumps(body, allow_nan=False).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(f"{self.url}{path}", data=data, headers=headers)  # noqa: S310
        try:
            # The URL is the ui.api_url setting, which only an http(s) URL passes.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = response.read()
        except urllib.error.HTTPError as error:
            raise ApiError(answer_message(error.code, error.read())) from None
        except (urllib.error.URLError, OSError) as error:  # refused, unknown host, timed out
            reason = getattr(error, "reason", error)
            msg = f"cannot reach the API at {self.url}: {reason}"
            raise ApiError(msg) from None
        try:
            return json.loads(answer)
        except ValueError:
            msg = f"the API at {self.url} answered {path} with something that is not JSON"
            raise ApiError(msg) from None

    def predict(self, records: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
        """The model version and one prediction per record."""
        answer = self.call("/predict", records)
        return str(answer["model_version"]), list(answer["predictions"])


class RemoteScorer:
    """Scores through the API; checks the input with the core first."""

    problem: str | None = None  # the API says what is wrong with its model, when asked

    def __init__(self, settings: Settings) -> None:
        ui = settings.ui
        key = None if ui.api_key is None else ui.api_key.get_secret_value()
        self.client = ApiClient(str(ui.api_url), key, ui.api_timeout_seconds)
        self.batch = ui.api_batch

    @property
    def where(self) -> str:
        return f"the API at {self.client.url}"

    def score_record(self, record: dict[str, Any]) -> Scored:
        version, predictions = self.client.predict(api_records(record_frame(record)))
        return Scored(version, predictions[0])

    def score_file(self, name: str, data: IO[bytes]) -> ScoredFile:
        """Like the CLI's `predict`, a chunk (of `ui.api_batch` rows) at a time, each chunk one
        request; the output keeps the upload's columns and adds the API's predictions."""
        versions: list[str] = []
        with uploaded(name, data) as upload:
            tables.check_readable(upload.source)
            with tables.chunk_writer(upload.destination, neutralise_except=DECLARED) as sink:
                chunks = tables.read_chunks(upload.source, self.batch, max_columns=MAX_COLUMNS)
                for chunk in chunks:
                    if chunk.empty:  # a header and no rows, as the CLI's predict says below
                        continue
                    features = validate_chunk(chunk, first_row=sink.rows + 1)
                    version, predictions = self.client.predict(api_records(features))
                    scored = pd.DataFrame(predictions, index=chunk.index)
                    kept = chunk.drop(columns=scored.columns, errors="ignore")
                    sink.write(pd.concat([kept, scored], axis=1))
                    if version not in versions:  # a model promoted while the file is scored
                        versions.append(version)
                if sink.rows == 0:
                    msg = f"'{upload.source}' has no rows to score"
                    raise DataError(msg)
            return upload.scored(FileScored(sink.rows, sink.neutralised), ", ".join(versions))

    def metadata(self) -> dict[str, Any]:
        answer = self.client.call("/metadata")
        if not isinstance(answer, dict):
            msg = f"the API at {self.client.url} answered /metadata with no model's metadata"
            raise ApiError(msg)
        return answer
