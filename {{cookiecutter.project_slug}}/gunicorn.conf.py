"""gunicorn settings for the API, the production server (never Flask's development server).

    gunicorn --config gunicorn.conf.py {{ cookiecutter.package_name }}.api.wsgi:app

Workers are gevent workers: each connection is a greenlet, so slow clients (headers or bodies
dribbled byte by byte) cost a little memory, never a worker, and /health keeps answering; a body
that stalls longer than the api.read_timeout_seconds setting gets 408. Tuned by environment
variables: PORT (8000), HOST (0.0.0.0), WEB_CONCURRENCY (worker processes, 2), GUNICORN_TIMEOUT
(30 s), GUNICORN_DRAIN_SECONDS (5 s).

SIGTERM drains, then stops: for GUNICORN_DRAIN_SECONDS the server goes on answering while /ready
answers 503 and every answer closes its connection (`Connection: close`), so that a load balancer
takes it out of rotation and keep-alive clients reconnect elsewhere instead of sending a request
into a socket that is closing; then it stops accepting and lets running requests finish (up to
graceful_timeout). A second SIGTERM begins that stop at once; SIGINT and SIGQUIT stop at once.
"""

import multiprocessing
import os
import shutil
import signal
import tempfile
import threading

# Every worker writes its metrics here and /metrics adds them up. prometheus_client reads this when
# it is first imported, so it is set before anything imports it (hence no import of it up here).
if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prometheus-")
    OWN_METRICS_DIR = os.environ["PROMETHEUS_MULTIPROC_DIR"]
else:
    OWN_METRICS_DIR = ""

# Set by the master on SIGTERM and read by every worker (forked from it, sharing this memory).
DRAINING = multiprocessing.RawValue("b", 0)
DRAIN_SECONDS = float(os.environ.get("GUNICORN_DRAIN_SECONDS", "5"))

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104 - a container listens on all interfaces
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gevent"
worker_connections = 1000  # per worker: slow clients wait in greenlets, not in workers
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 25  # with the drain, 30 s from SIGTERM to exit: Kubernetes' default grace
keepalive = 5
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
errorlog = "-"
# Recent gunicorn opens a control socket in $HOME/.gunicorn, shared by every server of a user
# (a read-only home in a container, two servers in tests): not used here, so not opened.
control_socket_disable = True
logger_class = "{{ cookiecutter.package_name }}.api.access_log.JsonAccessLogger"


def child_exit(server, worker):  # gunicorn's hook: forget the metrics of a worker that is gone
    from prometheus_client import multiprocess  # after PROMETHEUS_MULTIPROC_DIR is set

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):  # gunicorn's hook: remove the metrics folder this configuration made
    if OWN_METRICS_DIR:
        shutil.rmtree(OWN_METRICS_DIR, ignore_errors=True)


def when_ready(server):  # gunicorn's hook, in the master: the first SIGTERM drains first
    stop = server.handle_term

    def handle_term():
        if DRAINING.value or DRAIN_SECONDS <= 0:
            stop()
            return
        DRAINING.value = 1
        said = "SIGTERM: draining for %g s (/ready answers 503), then stopping"
        server.log.info(said, DRAIN_SECONDS)
        timer = threading.Timer(DRAIN_SECONDS, os.kill, (os.getpid(), signal.SIGTERM))
        timer.daemon = True
        timer.start()

    server.handle_term = handle_term  # the arbiter looks its signal handlers up by name


def pre_request(worker, req):  # gunicorn's hook: yield, so that each connection takes its turn
    # A gevent worker otherwise keeps serving the connections that are already running, and under
    # load the others wait: measured here (benchmarks/bench_api.py), p99 fell from 220 to 55 ms.
    import gevent

    from {{ cookiecutter.package_name }}.api.connection import SERVER_REQUEST

    SERVER_REQUEST.set(req)  # the app closes a connection whose body it did not read
    if DRAINING.value:  # the app answers /ready with 503; the connection closes after the answer
        req.draining = req.must_close = True
    gevent.sleep(0)
