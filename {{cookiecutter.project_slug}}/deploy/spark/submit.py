"""The entry point for spark-submit: the project's command line, run by Spark's driver.

    spark-submit --master yarn --deploy-mode cluster \\
        --archives dist/env.tar.gz#environment \\
        deploy/spark/submit.py spark predict hdfs:///in/customers hdfs:///out/scores

Arguments are the CLI's (`spark predict|monitor|sample ...`); the README's "Spark" section shows
how to ship the package and its libraries to the executors. The session is spark-submit's: its
--master and --conf settings win over the project's spark.* settings.
"""

from {{ cookiecutter.package_name }}.cli import run

if __name__ == "__main__":
    run(prog_name="submit.py")
