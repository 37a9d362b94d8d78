"""gunicorn settings for the gateway: gevent workers (decision 19: a request mostly waits — for the
broker's confirm of a pack of answers, for RPC replies — and one event loop per worker waits for many
at a fraction of the CPU and tail latency of a thread per request); connections are made lazily per
worker after fork (never with --preload) and closed when a worker exits.

Metrics: each worker process writes its Prometheus metrics to files in PROMETHEUS_MULTIPROC_DIR
(prometheus-client's multiprocess mode) and /metrics adds up all of them. The directory must be
empty when the gateway starts: a given one is created when missing and emptied at start; without
it, each run gets a fresh directory under the system's temporary directory, removed when gunicorn
exits. A worker that exits has its live gauges dropped.
"""
import os
import shutil
import tempfile
from pathlib import Path

from gunicorn.glogging import Logger
from meedenken_kit.logs import capture_stray_output

OWN_METRICS_DIR_MARK = ".made-by-meedenken-gateway"

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
worker_class = "gevent"
workers = int(os.environ.get("GATEWAY_WORKERS", "2"))
# connections (keep-alive ones included) a worker serves at once; more wait in the listen backlog
worker_connections = int(os.environ.get("GATEWAY_CONNECTIONS", "1000"))
# idle keep-alive connections are closed by the client or the proxy in front, not by us: a server that
# closes one just as the client reuses it makes the client's request fail (gunicorn's default is 2 s)
keepalive = int(os.environ.get("GATEWAY_KEEPALIVE_SECONDS", "75"))
control_socket_disable = True
# X-Forwarded-Proto (https: HSTS, secure links) is believed only from these proxies' addresses
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "")
accesslog = None


class GatewayLogger(Logger):
    """gunicorn's logger without its access log: the app logs one JSON line per request itself
    (observability.RequestObserver). With a logging config set, gunicorn would still build its own
    access line's fields for every request and hand them to a logger nobody reads (a tenth of the
    gateway's CPU on the answering path)."""
    access_log_enabled = False


logger_class = GatewayLogger
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "meedenken_kit.logs.JsonFormatter", "service": "gateway"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"level": os.environ.get("LOG_LEVEL", "INFO"), "handlers": ["console"]},
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False}},
}


capture_stray_output()  # warnings and uncaught exceptions become JSON log lines too

# Must happen before prometheus_client is first imported (by the app, in each worker after fork).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _metrics_dir = tempfile.mkdtemp(prefix="meedenken-gateway-metrics-")
    (Path(_metrics_dir) / OWN_METRICS_DIR_MARK).touch()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


def on_starting(server):
    """Once, before the first worker: an empty metrics directory (values of an earlier run would be
    added to this one's)."""
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()


def on_exit(server):
    directory = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR", ""))
    if (directory / OWN_METRICS_DIR_MARK).is_file():
        shutil.rmtree(directory, ignore_errors=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)


def worker_exit(server, worker):
    app = getattr(worker, "wsgi", None)
    gateway = getattr(app, "gateway", None)
    if gateway is not None:
        gateway.close()
