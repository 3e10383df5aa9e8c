import pytest
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from {{ cookiecutter.package_name }}.errors import ArtifactError
from {{ cookiecutter.package_name }}.features import build_model
from {{ cookiecutter.package_name }}.store.libraries import check_compatible, libraries_of


def test_a_pipeline_needs_scikit_learn_numpy_and_joblib() -> None:
    assert set(libraries_of(build_model(LinearRegression()))) == {"joblib", "numpy", "scikit-learn"}


def test_a_function_inside_the_model_adds_its_library() -> None:
    """A step that holds another library's object (here pandas' function) makes it checked."""
    import pandas as pd

    model = Pipeline(
        [("to_numeric", FunctionTransformer(pd.to_numeric)), ("fit", LinearRegression())]
    )
    assert "pandas" in libraries_of(model)


def test_matching_major_minor_versions_are_accepted() -> None:
    check_compatible("v1", libraries_of(LinearRegression()))


def test_another_minor_version_is_refused() -> None:
    saved = {**libraries_of(LinearRegression()), "numpy": "0.9.0"}
    with pytest.raises(ArtifactError, match=r"model v1 was saved with numpy 0\.9\.0"):
        check_compatible("v1", saved)
