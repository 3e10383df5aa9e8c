"""The file model store: versions, promotion, the event log, and every refusal before unpickling."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import joblib
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier

from {{ cookiecutter.package_name }}.columns.validation import split_target, validate
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import ArtifactError, ModelNotFoundError
from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import Event, ModelStore
from {{ cookiecutter.package_name }}.store.files import (
    CURRENT,
    METADATA_FILE,
    MODEL_FILE,
    FileModelStore,
    sha256,
)
from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome, train


def predictions(store: ModelStore, sample: pd.DataFrame) -> pd.DataFrame:
    features, _ = split_target(validate(sample))
    return predict_frame(store.load().model, features)


def edit_metadata(store: FileModelStore, version: str, **changes: Any) -> None:
    path = store.root / version / METADATA_FILE
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


@pytest.fixture
def files(settings: Settings) -> FileModelStore:
    return FileModelStore(settings.models.dir)


def test_saved_model_loads_with_its_metadata(
    files: FileModelStore, trained: TrainingOutcome
) -> None:
    loaded = files.load()
    assert loaded.version == trained.version
    metadata = loaded.metadata
    assert metadata["metrics"] == trained.metrics
    assert {"scikit-learn", "numpy", "joblib"} <= set(metadata["libraries"])
    assert len(metadata["data_fingerprint"]) == 64
    assert metadata["model_sha256"] == sha256(files.root / trained.version / MODEL_FILE)
    assert [f["name"] for f in metadata["features"]] == list(SCHEMA.names)
    assert "git_commit" in metadata


def test_the_file_store_fulfils_the_store_interface(files: FileModelStore) -> None:
    store: ModelStore = files  # checked by the type checker; the names by this test
    for name in ModelStore.__dict__:
        if not name.startswith("_"):
            assert callable(getattr(store, name)), name


def test_saving_does_not_promote(files: FileModelStore) -> None:
    version = files.save(DummyClassifier(), {"note": "unfitted"})
    assert files.versions() == [version]
    with pytest.raises(ModelNotFoundError, match="train one first"):
        files.current()


def test_files_and_folders_are_readable_by_a_service_user(
    files: FileModelStore, trained: TrainingOutcome
) -> None:
    """A container running as another user reads a mounted models folder."""
    folder = files.root / trained.version
    assert stat.S_IMODE(folder.stat().st_mode) & 0o055 == 0o055
    for path in [*folder.iterdir(), files.root / CURRENT]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o044 == 0o044, path


SERVICE_USER = 10001  # the user the API's Docker image runs as (see the Dockerfile)
CAT = shutil.which("cat") or "cat"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="switching user needs root")
def test_another_user_reads_every_file_training_wrote(settings: Settings) -> None:
    mount = Path(tempfile.mkdtemp())  # like a volume mounted into the container
    mount.chmod(0o755)
    try:
        train(settings.with_overrides(**{"models.dir": mount / "models"}))
        files = [str(path) for path in (mount / "models").rglob("*") if path.is_file()]
        result = subprocess.run(
            [CAT, *files], user=SERVICE_USER, group=SERVICE_USER, capture_output=True, check=False
        )
        assert result.returncode == 0, result.stderr.decode()
        assert len(files) >= 5
    finally:
        shutil.rmtree(mount)


def test_failed_gate_keeps_the_current_model(
    settings: Settings, files: FileModelStore, trained: TrainingOutcome, sample: pd.DataFrame
) -> None:
    before = predictions(files, sample)
    strict = settings.with_overrides(**{"training.min_score": 1.01, "training.seed": 1})
    outcome = train(strict)
    assert not outcome.promoted
    assert files.current() == trained.version
    assert outcome.version in files.versions()  # kept to inspect
    pd.testing.assert_frame_equal(predictions(files, sample), before)


def test_crash_while_saving_leaves_the_previous_model_in_use(
    settings: Settings,
    files: FileModelStore,
    trained: TrainingOutcome,
    sample: pd.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = predictions(files, sample)

    def crash_mid_write(model: object, path: Path) -> None:
        Path(path).write_bytes(b"half a pickle")
        raise OSError("disk full")

    monkeypatch.setattr(joblib, "dump", crash_mid_write)
    with pytest.raises(OSError, match="disk full"):
        train(settings)
    monkeypatch.undo()
    assert files.versions() == [trained.version]
    assert not [p for p in files.root.iterdir() if p.name.startswith(".staging")]
    pd.testing.assert_frame_equal(predictions(files, sample), before)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit flipped
    ],
    ids=["truncated", "tampered"],
)
def test_damaged_model_file_is_refused_before_unpickling(
    files: FileModelStore, trained: TrainingOutcome, damage, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = files.root / trained.version / MODEL_FILE
    path.write_bytes(damage(path.read_bytes()))
    monkeypatch.setattr(joblib, "load", lambda _: pytest.fail("unpickled a damaged file"))
    with pytest.raises(ArtifactError, match="does not match the SHA-256"):
        files.load()


def test_model_from_other_library_versions_is_refused(
    files: FileModelStore, trained: TrainingOutcome
) -> None:
    libraries = {**files.metadata()["libraries"], "scikit-learn": "0.1.0"}
    edit_metadata(files, trained.version, libraries=libraries)
    with pytest.raises(ArtifactError, match=r"scikit-learn 0\.1\.0 \(installed: "):
        files.load()


def test_a_library_the_model_needs_but_is_not_installed_is_refused(
    files: FileModelStore, trained: TrainingOutcome
) -> None:
    libraries = {**files.metadata()["libraries"], "no-such-library": "1.0"}
    edit_metadata(files, trained.version, libraries=libraries)
    with pytest.raises(ArtifactError, match=r"no-such-library 1\.0 \(not installed\)"):
        files.load()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "is not valid JSON"),
        (b"\xff\xfe", "is not valid JSON"),
        (b"[1, 2]", "is not the metadata of version"),
        (b'{"model_sha256": "x"}', "is not the metadata of version"),
    ],
    ids=["not-json", "not-utf8", "a-list", "no-version"],
)
def test_malformed_metadata_is_refused(
    files: FileModelStore, trained: TrainingOutcome, content: bytes, message: str
) -> None:
    (files.root / trained.version / METADATA_FILE).write_bytes(content)
    with pytest.raises(ArtifactError, match=message):
        files.load()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\n", "does not hold a version name"),
        (b"v" * 300, "does not hold a version name"),
        (b"../../etc\n", "does not hold a version name"),
        (b"20990101T000000000000Z\n", "which is not a model version"),
    ],
    ids=["not-utf8", "too-long", "a-path", "unknown"],
)
def test_a_bad_current_pointer_is_refused(
    files: FileModelStore, trained: TrainingOutcome, content: bytes, message: str
) -> None:
    (files.root / CURRENT).write_bytes(content)
    with pytest.raises(ArtifactError, match=message):
        files.load()


def test_missing_model_file_is_refused(files: FileModelStore, trained: TrainingOutcome) -> None:
    (files.root / trained.version / MODEL_FILE).unlink()
    with pytest.raises(ArtifactError, match="is missing"):
        files.load()


def test_no_model_yet_says_what_to_do(tmp_path: Path) -> None:
    store = FileModelStore(tmp_path / "models")
    with pytest.raises(ModelNotFoundError, match="train one first"):
        store.load()
    assert store.versions() == []
    assert store.events() == []


@pytest.mark.parametrize("name", ["nope", "../models", "/etc", "a/../b", ".staging-x", ""])
def test_only_listed_plain_names_are_versions(
    files: FileModelStore, trained: TrainingOutcome, name: str
) -> None:
    for action in (files.load, files.metadata, lambda v: files.promote(v, action="t", reason="")):
        with pytest.raises(ModelNotFoundError, match="is not a model version"):
            action(name)
    assert files.current() == trained.version


def test_a_version_reached_through_a_path_is_refused(
    files: FileModelStore, trained: TrainingOutcome
) -> None:
    with pytest.raises(ModelNotFoundError, match="is not a model version"):
        files.load(f"{trained.version}/../{trained.version}")


def test_every_promotion_is_an_event(files: FileModelStore, trained: TrainingOutcome) -> None:
    (event,) = files.events()
    assert event.action == "train"
    assert event.version == trained.version
    assert event.promoted
    assert event.previous is None
    assert event.details["metrics"] == trained.metrics
    kept = files.log(Event("retrain", "x", promoted=False, previous=trained.version, reason="no"))
    assert files.events()[-1] == kept
    assert kept.current == trained.version


def test_a_corrupt_event_log_is_refused(files: FileModelStore, trained: TrainingOutcome) -> None:
    with (files.root / "events.jsonl").open("a") as log:
        log.write('{"action": "train" "version": "edited by hand"}\n')
    with pytest.raises(ArtifactError, match="line 2 is not an event"):
        files.events()


def test_a_line_cut_short_by_a_full_disk_is_skipped_and_never_joins_the_next(
    files: FileModelStore, trained: TrainingOutcome
) -> None:
    log = files.root / "events.jsonl"
    whole = log.read_text(encoding="utf-8")
    log.write_text(whole + whole[: len(whole) // 2], encoding="utf-8")  # a write cut short
    assert [event.version for event in files.events()] == [trained.version]
    second = files.save(files.load().model, {})
    files.promote(second, action="rollback", reason="after the torn line")
    assert [event.version for event in files.events()] == [trained.version, second]
    assert log.read_text(encoding="utf-8").count("\n") == 3  # the torn line ended on its own


def test_a_short_write_to_the_log_is_an_error_and_the_promotion_is_undone(
    files: FileModelStore, trained: TrainingOutcome, monkeypatch: pytest.MonkeyPatch
) -> None:
    second = files.save(files.load().model, {})
    events = files.events()
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, data[: len(data) // 2]))
    with pytest.raises(OSError, match=r"wrote [0-9,]+ of [0-9,]+ bytes \(is the disk full\?\)"):
        files.promote(second, action="rollback", reason="the disk is full")
    monkeypatch.undo()
    assert files.current() == trained.version
    assert files.events() == events


def test_a_version_with_a_damaged_file_is_never_promoted(
    files: FileModelStore, trained: TrainingOutcome
) -> None:
    """The API serves the ONNX export: one damaged byte of it must stop the promotion, as one
    of the pickle does, or some workers serve the old model and some refuse the new one."""
    export = b"an export: any bytes are checksummed alike"
    second = files.save(files.load().model, {}, files={"model.onnx": export})
    events = files.events()
    (files.root / second / "model.onnx").write_bytes(export[:-1] + b"?")
    with pytest.raises(ArtifactError, match=r"model\.onnx' does not match the SHA-256"):
        files.promote(second, action="rollback", reason="a damaged export")
    assert files.current() == trained.version
    assert files.events() == events


def test_a_run_killed_between_current_and_the_log_is_recorded_by_the_next_promotion(
    files: FileModelStore, trained: TrainingOutcome
) -> None:
    second = files.save(files.load().model, {})
    third = files.save(files.load().model, {})
    (files.root / CURRENT).write_text(second + "\n")  # replaced; killed before the log line
    files.promote(third, action="train", reason="the next run")
    recovered, promoted = files.events()[-2:]
    assert (recovered.action, recovered.version, recovered.previous) == (
        "recovered",
        second,
        trained.version,
    )
    assert (promoted.version, promoted.previous) == (third, second)


def test_a_failed_promotion_leaves_no_current_when_there_was_none(
    files: FileModelStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = files.save(DummyClassifier(), {})
    monkeypatch.setattr(files, "log", lambda event: pytest.fail("the log cannot be written"))
    with pytest.raises(pytest.fail.Exception):
        files.promote(version, action="train", reason="first")
    assert not (files.root / CURRENT).exists()


def test_staging_left_by_a_killed_run_is_removed_once_stale(
    files: FileModelStore, trained: TrainingOutcome
) -> None:
    stale = files.root / ".staging-20240101T000000-killed"
    fresh = files.root / ".staging-20240101T000001-running"
    for folder in (stale, fresh):
        folder.mkdir()
        (folder / MODEL_FILE).write_bytes(b"x" * 1000)
    an_hour_ago = (stale / MODEL_FILE).stat().st_mtime - 3601
    os.utime(stale, (an_hour_ago, an_hour_ago))
    files.save(files.load().model, {})
    assert not stale.exists()
    assert fresh.exists(), "a staging folder still being written is not touched"


def test_the_history_of_an_older_models_folder_is_read(tmp_path: Path) -> None:
    root = tmp_path / "models"
    root.mkdir()
    (root / "history.jsonl").write_text(
        json.dumps({"time": "t", "version": "b", "previous": "a", "reason": "rollback"}) + "\n"
    )
    (event,) = FileModelStore(root).events()
    assert (event.version, event.previous, event.action, event.promoted) == (
        "b",
        "a",
        "rollback",
        True,
    )
