import json
from pathlib import Path

import joblib
import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import artifacts, pipeline
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.data import split_target, validate
from {{ cookiecutter.package_name }}.errors import ArtifactError, ModelNotFoundError
from {{ cookiecutter.package_name }}.predict import predict_frame


def predictions(models_dir: Path, sample: pd.DataFrame) -> pd.DataFrame:
    features, _ = split_target(validate(sample))
    return predict_frame(artifacts.load_model(models_dir).model, features)


def test_saved_model_loads_with_its_metadata(
    settings: Settings, trained: pipeline.TrainingOutcome
) -> None:
    loaded = artifacts.load_model(settings.models_dir)
    assert loaded.version == trained.version
    metadata = loaded.metadata
    assert metadata["metrics"] == trained.metrics
    assert metadata["libraries"]["scikit-learn"]
    assert len(metadata["data_fingerprint"]) == 64
    assert metadata["model_sha256"] == artifacts.sha256(
        settings.models_dir / trained.version / artifacts.MODEL_FILE
    )
    assert [f["name"] for f in metadata["features"]][:2] == ["tenure_months", "monthly_charges"]
    assert "git_commit" in metadata


def test_failed_gate_keeps_the_current_model(
    settings: Settings, trained: pipeline.TrainingOutcome, sample: pd.DataFrame
) -> None:
    before = predictions(settings.models_dir, sample)
    strict = settings.model_copy(update={"min_score": 1.01, "random_seed": 1})
    outcome = pipeline.train_and_register(validate(sample), strict)
    assert not outcome.promoted
    assert artifacts.current_version(settings.models_dir) == trained.version
    assert outcome.version in artifacts.list_versions(settings.models_dir)  # kept to inspect
    pd.testing.assert_frame_equal(predictions(settings.models_dir, sample), before)


def test_crash_while_saving_leaves_the_previous_model_in_use(
    settings: Settings,
    trained: pipeline.TrainingOutcome,
    sample: pd.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = predictions(settings.models_dir, sample)

    def crash_mid_write(model: object, path: Path) -> None:
        Path(path).write_bytes(b"half a pickle")
        raise OSError("disk full")

    monkeypatch.setattr(joblib, "dump", crash_mid_write)
    with pytest.raises(OSError, match="disk full"):
        pipeline.train_and_register(validate(sample), settings)
    monkeypatch.undo()
    assert artifacts.list_versions(settings.models_dir) == [trained.version]
    assert not [p for p in settings.models_dir.iterdir() if p.name.startswith(".staging")]
    pd.testing.assert_frame_equal(predictions(settings.models_dir, sample), before)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit flipped
    ],
    ids=["truncated", "tampered"],
)
def test_damaged_model_file_is_refused_before_unpickling(
    settings: Settings, trained: pipeline.TrainingOutcome, damage, monkeypatch
) -> None:
    path = settings.models_dir / trained.version / artifacts.MODEL_FILE
    path.write_bytes(damage(path.read_bytes()))
    monkeypatch.setattr(joblib, "load", lambda _: pytest.fail("unpickled a damaged file"))
    with pytest.raises(ArtifactError, match="does not match the SHA-256"):
        artifacts.load_model(settings.models_dir)


def test_model_from_other_library_versions_is_refused(
    settings: Settings, trained: pipeline.TrainingOutcome
) -> None:
    path = settings.models_dir / trained.version / artifacts.METADATA_FILE
    metadata = json.loads(path.read_text())
    metadata["libraries"]["scikit-learn"] = "0.1.0"
    path.write_text(json.dumps(metadata))
    with pytest.raises(ArtifactError, match=r"scikit-learn 0\.1\.0 \(installed: "):
        artifacts.load_model(settings.models_dir)


def test_corrupt_metadata_is_refused(settings: Settings, trained: pipeline.TrainingOutcome) -> None:
    (settings.models_dir / trained.version / artifacts.METADATA_FILE).write_text("{not json")
    with pytest.raises(ArtifactError, match="is not valid JSON"):
        artifacts.load_model(settings.models_dir)


def test_missing_model_file_is_refused(
    settings: Settings, trained: pipeline.TrainingOutcome
) -> None:
    (settings.models_dir / trained.version / artifacts.MODEL_FILE).unlink()
    with pytest.raises(ArtifactError, match="is missing"):
        artifacts.load_model(settings.models_dir)


def test_no_model_yet_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="train one first"):
        artifacts.load_model(tmp_path / "models")
    assert artifacts.list_versions(tmp_path / "models") == []


def test_unknown_version_cannot_be_loaded_or_promoted(
    settings: Settings, trained: pipeline.TrainingOutcome
) -> None:
    with pytest.raises(ModelNotFoundError, match="'nope'"):
        artifacts.load_model(settings.models_dir, "nope")
    with pytest.raises(ModelNotFoundError, match="cannot promote 'nope'"):
        artifacts.promote(settings.models_dir, "nope")


def test_same_data_has_the_same_fingerprint(sample: pd.DataFrame) -> None:
    assert artifacts.data_fingerprint(sample) == artifacts.data_fingerprint(sample.copy())
    assert artifacts.data_fingerprint(sample) != artifacts.data_fingerprint(sample.head(10))
