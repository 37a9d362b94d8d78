"""Per request: the correlation id, the HTTP metrics and one access log line (docs/ops.md).

``RequestObserver`` is falcon middleware. It takes ``X-Request-Id`` from the request when it is a
sane token (meedenken_kit.correlation.sane), else makes a UUID; makes it the current correlation
id of the request's thread (so every log line of the request, every RPC it makes and every event
the gateway emits for it carries it) and answers with it in ``X-Request-Id``. When the request is
done it counts it (``meedenken_http_requests_total{method,route,status}``,
``meedenken_http_request_duration_seconds{method,route}``; ``route`` is the route template, e.g.
``/api/v1/topics/{topic_id}``, never the raw path) and logs one JSON line (logger
``meedenken_gateway.access``: method, route, path, status, duration_ms, correlation_id; the path
is the route where it would hold a receipt code) at INFO;
at DEBUG for successful probes and scrapes (/healthz, /readyz, /metrics).
"""
import logging
import time

from meedenken_kit import correlation
from meedenken_kit.metrics import DURATION_BUCKETS
from prometheus_client import Counter, Histogram

access_log = logging.getLogger("meedenken_gateway.access")

HTTP_REQUESTS = Counter("meedenken_http_requests", "HTTP requests answered, by route template and status",
                        ["method", "route", "status"])
HTTP_DURATION = Histogram("meedenken_http_request_duration_seconds",
                          "Time from receiving a request to having its answer ready, by route template",
                          ["method", "route"], buckets=DURATION_BUCKETS)

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
QUIET_ROUTES = {"/healthz", "/readyz", "/metrics"}
NOT_FOUND = "(not found)"   # no route, nor a static file: any path a client makes up
STATIC = "(static)"         # a static file (stylesheets, scripts, images)
SECRET_PARAMS = ("{code}",)  # path parameters never logged (docs/secret-ballot.md)


def route_label(req, status):
    """The route template, bounded: never the raw path (ids, made-up paths)."""
    if req.uri_template:
        return req.uri_template
    return NOT_FOUND if status == 404 or status >= 500 else STATIC


def logged_path(req, route):
    """The path, except where it holds a secret (a secret ballot's receipt code): then the route."""
    return route if any(param in route for param in SECRET_PARAMS) else req.path


class RequestObserver:
    def process_request(self, req, resp):
        request_id = correlation.sane(req.get_header(correlation.HTTP_HEADER)) or correlation.new()
        req.context.correlation_id = request_id
        req.context.correlation_token = correlation.bind(request_id)
        req.context.started = time.perf_counter()
        resp.set_header(correlation.HTTP_HEADER, request_id)

    def process_response(self, req, resp, resource, req_succeeded):
        token = req.context.get("correlation_token")
        started = req.context.get("started")
        try:
            request_id = req.context.get("correlation_id")
            if request_id:
                resp.set_header(correlation.HTTP_HEADER, request_id)
            if started is None:
                return
            duration = time.perf_counter() - started
            status = resp.status_code
            method = req.method if req.method in METHODS else "OTHER"
            route = route_label(req, status)
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_DURATION.labels(method, route).observe(duration)
            quiet = route in QUIET_ROUTES and status < 400
            path = logged_path(req, route)
            access_log.log(logging.DEBUG if quiet else logging.INFO, "%s %s %d %.1f ms", method, path, status,
                           duration * 1000,
                           extra={"fields": {"method": method, "route": route, "path": path, "status": status,
                                             "duration_ms": round(duration * 1000, 1)}})
        finally:
            if token is not None:
                correlation.reset(token)
