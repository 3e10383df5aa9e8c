"""Every way of serving the model starts with the serving libraries alone: no orchestrator, no
notebook tooling, no training stack (a function or an endpoint installs none of them)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from {{ cookiecutter.package_name }}.config import env_name

PACKAGE = "{{ cookiecutter.package_name }}"
# Each entry point the project may have, and the code that starts it as its platform does.
ENTRY_POINTS = {
    "wsgi": f"import {PACKAGE}.api.wsgi",
    "lambda_handler": f"import {PACKAGE}.api.lambda_handler",
    "gcp_function": f"import {PACKAGE}.api.gcp_function",
    "azure_function": f"import {PACKAGE}.api.azure_function",
    "azureml_score": f"from {PACKAGE}.api import azureml_score; azureml_score.init()",
}
BAKED = [name for name in ENTRY_POINTS if importlib.util.find_spec(f"{PACKAGE}.api.{name}")]
NEVER_LOADED = {
    "airflow", "dagster", "ipykernel", "jupyter_client", "jupytext", "matplotlib", "nbclient",
    "nbformat", "pandas", "py4j", "pyspark", "sklearn", "skl2onnx", "streamlit",
}  # fmt: skip
REPORT = "import json, sys; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"


@pytest.mark.parametrize("entry_point", BAKED)
def test_an_entry_point_loads_no_orchestrator_notebook_or_training_library(
    entry_point: str, adapter_env: dict[str, str]
) -> None:
    code = f"{ENTRY_POINTS[entry_point]}; {REPORT}"
    # Azure ML mounts the model where AZUREML_MODEL_DIR says; the others read the setting.
    env = adapter_env | {"AZUREML_MODEL_DIR": adapter_env[env_name("models", "dir")]}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert not loaded & NEVER_LOADED, f"{entry_point} loads {sorted(loaded & NEVER_LOADED)}"
