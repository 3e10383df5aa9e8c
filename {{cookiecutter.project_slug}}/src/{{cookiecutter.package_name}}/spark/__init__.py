"""Batch scoring, drift samples and training samples on Apache Spark (the `spark` dependency group).

The same model, schema and checks as the pandas path, run on the executors: `session` starts or
joins a Spark session, `shipping` sends the model to the executors once, `batches` validates and
scores each Arrow batch there, `output` publishes a dataset atomically, and `jobs` puts them
together; `settings.py` is the `spark` group of the settings tree. Nothing outside this package
(and `workflows/spark.py`, which the CLI and orchestrators call) imports PySpark.
"""
