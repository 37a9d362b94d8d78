"""What every nameko service adds to its class to be watched (docs/ops.md):

    metrics = Metrics()     # Prometheus metrics on METRICS_PORT (0: off), entrypoint calls timed
    call_log = CallLog()    # the worker's correlation id on its log lines and events; a line per call
"""
import logging
import time

from nameko import config
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc

from . import correlation
from .metrics import WORKER_CALLS, WORKER_DURATION

log = logging.getLogger(__name__)
call_log = logging.getLogger("meedenken.calls")


def outcome(worker_ctx, exc_info):
    """ok, expected_error (an error the entrypoint declares, e.g. a ServiceError the caller gets as
    its answer) or error."""
    if exc_info is None:
        return "ok"
    if isinstance(exc_info[1], worker_ctx.entrypoint.expected_exceptions or ()):
        return "expected_error"
    return "error"


def entrypoint_kind(entrypoint):
    if isinstance(entrypoint, Rpc):
        return "rpc"
    if isinstance(entrypoint, EventHandler):
        return "event"
    return type(entrypoint).__name__.lower()


class Metrics(DependencyProvider):
    """Serves the process's metrics (meedenken_kit.metrics and prometheus-client's process metrics)
    over HTTP on ``METRICS_PORT`` (all interfaces, any path; 0 or unset: not served) and records
    every worker: ``meedenken_worker_calls_total`` and ``meedenken_worker_duration_seconds``."""

    def setup(self):
        self.service = self.container.service_name
        self.port = int(config.get("METRICS_PORT") or 0)
        self._server = None
        self._started = {}

    def start(self):
        if not self.port:
            return
        from prometheus_client import start_http_server
        try:
            self._server, _ = start_http_server(self.port)
        except OSError as exc:  # a second instance on one host with the same port, say
            log.error("metrics: cannot listen on port %d (%s); this process serves no metrics", self.port, exc)
            return
        log.info("metrics on http://0.0.0.0:%d/metrics", self.port)

    def stop(self):
        if self._server is not None:
            server, self._server = self._server, None
            server.shutdown()
            server.server_close()

    def kill(self):
        self.stop()

    def worker_setup(self, worker_ctx):
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self._started.pop(worker_ctx, None)
        entrypoint = worker_ctx.entrypoint.method_name
        WORKER_CALLS.labels(self.service, entrypoint, outcome(worker_ctx, exc_info)).inc()
        if started is not None:
            WORKER_DURATION.labels(self.service, entrypoint).observe(time.perf_counter() - started)

    def worker_teardown(self, worker_ctx):
        self._started.pop(worker_ctx, None)

    def get_dependency(self, worker_ctx):
        return None


class CallLog(DependencyProvider):
    """Per worker: takes the correlation id from the call's context data (the gateway's
    ``nameko.correlation_id`` header, or the ``correlationid`` of the event being handled; a new
    one when there is none), makes it the current id of the worker's green thread, so every log
    line and every event of the worker carries it, and passes it on in the worker's context data
    (further RPC calls). Logs one INFO line per call (``meedenken.calls``: entrypoint, kind,
    outcome, duration_ms; event_id and event_type for an event handler); a timer's successful
    tick only at DEBUG (it fires every few seconds). The service gets the id:
    ``self.<attribute>``."""

    def setup(self):
        self._calls = {}

    def get_dependency(self, worker_ctx):
        return self._correlation_id(worker_ctx)

    @staticmethod
    def _correlation_id(worker_ctx):
        data = worker_ctx.data
        value = correlation.sane(data.get(correlation.CONTEXT_KEY))
        if value is None:
            value = correlation.new()
        data[correlation.CONTEXT_KEY] = value
        return value

    def worker_setup(self, worker_ctx):
        token = correlation.bind(self._correlation_id(worker_ctx))
        self._calls[worker_ctx] = (token, time.perf_counter())

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        _, started = self._calls.get(worker_ctx, (None, None))
        entrypoint = worker_ctx.entrypoint
        fields = {"entrypoint": entrypoint.method_name, "kind": entrypoint_kind(entrypoint),
                  "outcome": outcome(worker_ctx, exc_info)}
        if started is not None:
            fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
        event = worker_ctx.args[0] if fields["kind"] == "event" and worker_ctx.args else None
        if isinstance(event, dict):
            fields["event_id"] = event.get("id")
            fields["event_type"] = event.get("type")
        quiet = fields["kind"] == "timer" and fields["outcome"] == "ok"
        call_log.log(logging.DEBUG if quiet else logging.INFO, "%s %s: %s%s", fields["kind"], fields["entrypoint"],
                     fields["outcome"],
                      f" in {fields['duration_ms']} ms" if "duration_ms" in fields else "",
                      extra={"fields": fields})

    def worker_teardown(self, worker_ctx):
        token, _ = self._calls.pop(worker_ctx, (None, None))
        if token is not None:
            correlation.reset(token)
