"""gunicorn settings for the gateway: gthread workers; connections are made lazily per worker after
fork (never with --preload) and closed when a worker exits."""
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("GATEWAY_WORKERS", "2"))
threads = int(os.environ.get("GATEWAY_THREADS", "8"))
control_socket_disable = True
accesslog = None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "meedenken_kit.logs.JsonFormatter", "service": "gateway"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"level": os.environ.get("LOG_LEVEL", "INFO"), "handlers": ["console"]},
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False}},
}


def worker_exit(server, worker):
    app = getattr(worker, "wsgi", None)
    gateway = getattr(app, "gateway", None)
    if gateway is not None:
        gateway.close()
