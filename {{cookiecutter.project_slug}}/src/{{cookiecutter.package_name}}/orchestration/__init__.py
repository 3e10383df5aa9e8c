"""Orchestrator adapters: the workflows (`workflows/`) as scheduled tasks, and nothing more.

Schedulers import these modules often (Airflow re-parses DAG files every few minutes), so importing
them is light: the settings (pydantic only) are read for the schedules, and pandas, scikit-learn
and the workflows load inside the tasks, when a step runs.
"""
