"""One module per workflow: what the CLI, the API and the orchestrators run, and nothing else does.

    train      fit a model, evaluate it on its holdout, promote it if it passes the quality gate
               (also as separate steps for orchestrators: ingest, validate, fit, evaluate, promote)
    evaluate   score a model on labelled data (default: its own holdout) and write the report
    predict    score a file of any size into a new file
    monitor    compare a batch with a model's training data: drift or not, with reports
    retrain    champion against challenger on new data; promote only a challenger as good
    rollback   make an earlier model current again
    data       write the embedded sample dataset to a file
    info       a model's metadata, without loading it
    schema_infer   draft `schema.py` from a team's table, or check a table against it
{%- if cookiecutter.batch_engine == "spark" %}
    spark      score, monitor and sample datasets of any size on Apache Spark
{%- endif %}

Each is a plain function that takes the settings object first. Adapters parse their own input,
call one of these, and format the result; none of them holds logic of its own. Each module is
named after the CLI command that runs it (`<cli> info` runs `info.py`).
"""
