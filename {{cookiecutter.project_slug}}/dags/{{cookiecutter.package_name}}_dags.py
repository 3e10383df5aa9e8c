"""Airflow's entry point for this project: the DAGs are defined in the installed package.

Point Airflow's DAGs folder here (AIRFLOW__CORE__DAGS_FOLDER) or copy this file into it; the
package must be installed in the environment of the Airflow scheduler and workers.
"""

{% if cookiecutter.batch_engine == "spark" -%}
from {{ cookiecutter.package_name }}.orchestration.airflow_dag import (
    monitoring_dag,
    scoring_dag,
    training_dag,
)

__all__ = ["monitoring_dag", "scoring_dag", "training_dag"]
{% else -%}
from {{ cookiecutter.package_name }}.orchestration.airflow_dag import (
    monitoring_dag,
    training_dag,
)

__all__ = ["monitoring_dag", "training_dag"]
{% endif -%}
