"""The scoring script Azure ML loads (`code_configuration.scoring_script` in deployment.yml):
`init` and `run` of `{{ cookiecutter.package_name }}.api.azureml_score`.

In the bundle that `uv run python deploy/bundle.py azureml` writes, the package's source sits next
to this file (the image installs only its libraries): this folder goes first on the import path.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from {{ cookiecutter.package_name }}.api.azureml_score import init, run

__all__ = ["init", "run"]
