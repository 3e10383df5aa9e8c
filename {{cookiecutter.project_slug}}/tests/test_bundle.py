"""deploy/bundle.py: the folder each deployment target uploads, built from the model in use."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome

PROJECT = Path(__file__).resolve().parents[1]
# The library each target's platform runs the package with.
PLATFORM_LIBRARY = {
    "gcp-functions": "functions-framework",
    "azure-functions": "azure-functions",
    "azureml": "azureml-inference-server-http",
}


def load_bundle() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bundle", PROJECT / "deploy" / "bundle.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bundle"] = module
    spec.loader.exec_module(module)
    return module


bundle = load_bundle()


@pytest.mark.parametrize("target", sorted(bundle.TARGETS))
def test_a_bundle_holds_the_entry_the_package_its_pins_and_the_model(
    target: str, settings: Settings, trained: TrainingOutcome, tmp_path: Path
) -> None:
    output = tmp_path / "dist" / target
    version = bundle.write_bundle(target, output, settings.models.dir, None)

    assert version == trained.version
    shipped = (PROJECT / "deploy" / target).iterdir()
    entries = {path.name for path in shipped if path.name != "__pycache__"}  # a test imported it
    assert entries <= {path.name for path in output.iterdir()}
    assert not list(output.rglob("__pycache__"))
    package = output / "{{ cookiecutter.package_name }}"
    assert (package / "__init__.py").is_file()
    assert (output / "models" / "CURRENT").read_text(encoding="utf-8").strip() == version
    assert (output / "models" / version / "metadata.json").is_file()
    pins = (output / "requirements.txt").read_text(encoding="utf-8")
    names = {line.split("==")[0] for line in pins.splitlines() if "==" in line}
    assert {PLATFORM_LIBRARY[target], "flask", "onnxruntime"} <= names
    assert not names & {"pandas", "scikit-learn", "matplotlib"}, "training libraries shipped"
    assert "--hash=sha256:" in pins
    # The package imports from the bundle alone, its version included (-S: no site-packages).
    code = "import {{ cookiecutter.package_name }} as p; print(p.__version__)"
    imported = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=output, capture_output=True, text=True, check=False
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == metadata.version("{{ cookiecutter.project_slug }}")


def test_a_refused_or_failed_bundle_leaves_the_previous_one_whole(
    settings: Settings,
    trained: TrainingOutcome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = sorted(bundle.TARGETS)[0]
    output = tmp_path / "dist" / target
    bundle.write_bundle(target, output, settings.models.dir, None)
    before = sorted(path.relative_to(output) for path in output.rglob("*"))

    with pytest.raises(bundle.BundleError, match="is not a model version"):
        bundle.write_bundle(target, output, settings.models.dir, "no-such-version")
    with pytest.raises(bundle.BundleError, match="unknown target 'heroku'"):
        bundle.write_bundle("heroku", output, settings.models.dir, None)

    def fail(folder: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bundle, "write_metadata", fail)  # halfway through the new bundle
    with pytest.raises(OSError, match="No space left"):
        bundle.write_bundle(target, output, settings.models.dir, None)

    assert sorted(path.relative_to(output) for path in output.rglob("*")) == before
    assert [path.name for path in output.parent.iterdir()] == [target], "a staging folder is left"


def test_a_folder_that_is_not_a_bundle_is_never_replaced(
    settings: Settings, trained: TrainingOutcome, tmp_path: Path
) -> None:
    """`--output .` or `--output dist` must not wipe the project or the other bundles."""
    precious = tmp_path / "project"
    (precious / ".git").mkdir(parents=True)
    target = sorted(bundle.TARGETS)[0]
    with pytest.raises(bundle.BundleError, match="exists and is not a bundle"):
        bundle.write_bundle(target, precious, settings.models.dir, None)
    assert (precious / ".git").is_dir()


def test_a_model_without_its_onnx_export_is_not_bundled(
    settings: Settings, trained: TrainingOutcome, tmp_path: Path
) -> None:
    store = open_store(settings)
    store.update_metadata(trained.version, {"onnx": {"reason": "a step skl2onnx cannot convert"}})
    with pytest.raises(bundle.BundleError, match="has no ONNX export"):
        bundle.write_bundle(sorted(bundle.TARGETS)[0], tmp_path / "out", settings.models.dir, None)
    assert not (tmp_path / "out").exists()


def test_the_command_line_says_what_it_bundled(
    settings: Settings, trained: TrainingOutcome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = sorted(bundle.TARGETS)[0]
    arguments = [target, "--models", str(settings.models.dir), "--output", str(tmp_path / "b")]
    assert bundle.main(arguments) == 0
    assert f"bundled {target} with model {trained.version}" in capsys.readouterr().out
    assert bundle.main([*arguments, "--version", "nope"]) == 1
    assert "error: " in capsys.readouterr().err
    assert bundle.main([target, "--models", str(tmp_path / "none"), "--output", str(tmp_path)]) == 1
    assert "is not a bundle" in capsys.readouterr().err
