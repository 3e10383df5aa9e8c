"""Row (d) of bench_api.py: the same model as an MLflow pyfunc, served by `mlflow models serve`.

MLflow's "models from code": bench_api.py saves this file as the model, and the server runs it
to build the model, which scores with the scikit-learn pipeline as MLflow's own flavour would, on
the DataFrame the server builds from each request. Reads the models folder from the same
settings as the API. Needs MLflow (`uv run --with "mlflow>=3.1" ...`).
"""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
from mlflow.models.model import set_model
from mlflow.pyfunc.model import PythonModel

from {{ cookiecutter.package_name }}.config import load_settings
from {{ cookiecutter.package_name }}.modeling.scoring import SklearnPredictor
from {{ cookiecutter.package_name }}.store import open_store


class ServedPipeline(PythonModel):  # type: ignore[misc, unused-ignore]
    def load_context(self, context: Any) -> None:
        self.predictor = SklearnPredictor(open_store(load_settings()).load())

    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> Any:
        records = cast("list[dict[str, Any]]", model_input.to_dict("records"))
        return self.predictor.predict(records)


set_model(ServedPipeline())  # what MLflow builds when it runs this file
