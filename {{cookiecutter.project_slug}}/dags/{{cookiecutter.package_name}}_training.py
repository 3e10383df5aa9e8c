"""Airflow's entry point for this project: the DAG is defined in the installed package.

Point Airflow's DAGs folder here (AIRFLOW__CORE__DAGS_FOLDER) or copy this file into it; the
package must be installed in the environment of the Airflow scheduler and workers.
"""

from {{ cookiecutter.package_name }}.pipelines.airflow_dag import training_dag

__all__ = ["training_dag"]
