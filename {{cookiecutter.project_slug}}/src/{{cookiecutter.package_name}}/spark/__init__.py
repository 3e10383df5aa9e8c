"""Batch scoring, drift samples and training samples on Apache Spark (the `spark` dependency group).

The same model, schema and checks as the pandas path, run on the executors: `session` starts or
joins a Spark session, `shipping` sends the model to the executors once, `batches` validates and
scores each Arrow batch there, `output` publishes a dataset atomically, and `jobs` puts them
together.
Nothing outside this package (and `workflows/spark.py`, which the CLI and orchestrators call) imports
PySpark. Its settings group is `settings.py`.
"""
