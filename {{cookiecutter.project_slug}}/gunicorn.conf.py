"""gunicorn settings for the API, the production server (never Flask's development server).

    gunicorn --config gunicorn.conf.py {{ cookiecutter.package_name }}.api.wsgi:app

Tuned by environment variables: PORT (8000), HOST (0.0.0.0), WEB_CONCURRENCY (workers, 2),
GUNICORN_THREADS (1), GUNICORN_TIMEOUT (30 s). The app, and so the model, is loaded once in the
master before the workers fork; SIGTERM stops accepting requests and lets running ones finish.
"""

import os
import tempfile

# Every worker writes its metrics here and /metrics adds them up. prometheus_client reads this when
# it is first imported, so it is set before anything imports it (hence no import of it up here).
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="prometheus-"))

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104 - a container listens on all interfaces
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
logger_class = "{{ cookiecutter.package_name }}.api.access_log.JsonAccessLogger"


def child_exit(server, worker):  # gunicorn's hook: forget the metrics of a worker that is gone
    from prometheus_client import multiprocess  # after PROMETHEUS_MULTIPROC_DIR is set

    multiprocess.mark_process_dead(worker.pid)
