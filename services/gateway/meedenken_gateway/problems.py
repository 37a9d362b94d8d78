"""Every error the gateway answers is an RFC 9457 ``application/problem+json`` body, mapped here in
one place: bad HTTP input, remote service errors, and anything unexpected (500, never a trace)."""
import json
import logging

import falcon

from .rpc import RemoteError, ServiceUnavailable

log = logging.getLogger(__name__)
PROBLEM_TYPE = "https://meedenken.nl/problems/"
CONTENT_TYPE = "application/problem+json"

# Dutch first: these titles are what a citizen's app shows.
TITLES = {
    400: "Ongeldig verzoek", 401: "Niet ingelogd", 403: "Niet toegestaan", 404: "Niet gevonden",
    405: "Methode niet toegestaan", 409: "Conflict", 413: "Verzoek te groot", 415: "Verkeerd inhoudstype",
    422: "Ongeldige invoer", 429: "Te veel verzoeken", 500: "Interne fout", 503: "Dienst niet beschikbaar",
}
REMOTE_STATUS = {"InvalidInput": 422, "NotFound": 404, "Forbidden": 403, "Conflict": 409}


class Problem(Exception):
    def __init__(self, status, detail, errors=None, kind=None, headers=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}
        self.headers = headers or {}
        self.kind = kind or {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
                             409: "conflict", 415: "unsupported-media-type", 422: "validation",
                             429: "too-many-requests", 503: "unavailable"}.get(status, "error")

    def body(self, instance):
        body = {"type": PROBLEM_TYPE + self.kind, "title": TITLES.get(self.status, "Fout"),
                "status": self.status, "detail": self.detail, "instance": instance}
        if self.errors:
            body["errors"] = self.errors
        return body


def from_remote(exc):
    if isinstance(exc, ServiceUnavailable):
        return Problem(503, f"Service '{exc.service}' is unavailable; try again shortly.")
    status = REMOTE_STATUS.get(exc.exc_type)
    if status is None:
        log.error("unexpected error from %s: %s", exc.service, exc)
        return Problem(500, "Something went wrong on our side.")
    return Problem(status, exc.detail, exc.errors)


def _respond(resp, req, problem):
    resp.status = falcon.code_to_http_status(problem.status)
    resp.content_type = CONTENT_TYPE
    resp.text = json.dumps(problem.body(req.path), ensure_ascii=False, default=str)


def install(app):
    def on_problem(req, resp, exc, params):
        _respond(resp, req, exc)
        for name, value in exc.headers.items():
            resp.set_header(name, value)

    def on_rpc(req, resp, exc, params):
        _respond(resp, req, from_remote(exc))

    def on_http_error(req, resp, exc, params):
        status = exc.status_code
        detail = exc.description or exc.title or "Request not handled."
        _respond(resp, req, Problem(status, detail, kind={405: "method-not-allowed", 413: "too-large"}.get(status)))
        for name, value in (exc.headers or {}).items():
            resp.set_header(name, value)

    def on_unexpected(req, resp, exc, params):
        log.exception("unhandled error on %s %s", req.method, req.path)
        _respond(resp, req, Problem(500, "Something went wrong on our side."))

    app.add_error_handler(Exception, on_unexpected)
    app.add_error_handler(falcon.HTTPError, on_http_error)
    app.add_error_handler((RemoteError, ServiceUnavailable), on_rpc)
    app.add_error_handler(Problem, on_problem)
