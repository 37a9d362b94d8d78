"""One JSON object per line for every process.

Every line has ``time``, ``level``, ``service``, ``logger`` and ``message``; ``correlation_id``
when the line is written for an action with a known correlation id (meedenken_kit.correlation);
``exception`` for a traceback; and the structured fields a caller passes as
``extra={"fields": {...}}`` (e.g. the gateway's access lines: method, route, status, duration_ms).
"""
import logging
import os
import sys
import threading
from datetime import datetime, timezone

from . import correlation, fastjson

RESERVED = ("time", "level", "service", "logger", "message", "correlation_id", "exception")


class JsonFormatter(logging.Formatter):
    def __init__(self, service=None):
        super().__init__()
        self.service = service or os.environ.get("MEEDENKEN_SERVICE", "meedenken")

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        correlation_id = getattr(record, "correlation_id", None) or correlation.current()
        if correlation_id:
            entry["correlation_id"] = correlation_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update((key, value) for key, value in fields.items() if key not in RESERVED)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["exception"] = self.formatStack(record.stack_info)
        return fastjson.dumps_answer(entry).decode("utf-8")


def capture_stray_output():
    """Route what Python would print to stderr by itself into logging, so it becomes JSON lines
    too: warnings (``py.warnings``) and uncaught exceptions of the main thread and other threads.
    Called once at process start (nameko_cli, the gateway's gunicorn_conf)."""
    logging.captureWarnings(True)
    log = logging.getLogger("meedenken.uncaught")

    def excepthook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            return sys.__excepthook__(exc_type, exc, tb)
        log.critical("uncaught exception: %s", exc_type.__name__, exc_info=(exc_type, exc, tb))

    def thread_excepthook(args):
        if args.exc_type is SystemExit:
            return
        log.error("uncaught exception in thread %s", getattr(args.thread, "name", "?"),
                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
