"""One table of routes drives both the HTTP handling and the OpenAPI document.

A route says who may call it (``anonymous``; ``citizen``: any logged-in account; ``official``:
logged in, and the service checks the role for the resource's organisation; ``x-auth`` in the
OpenAPI document, proven by tests/test_authorisation.py), what body and query
it takes and what it answers. A handler is ``handler(call, **path_params)`` and returns the body
(for the route's status) or ``(status, body)``; the body is JSON, or a ``Raw`` body for a route
with another ``media_type`` (e.g. the Prometheus text on /metrics).
"""
import functools
import json
import re
from dataclasses import dataclass, field

import falcon
from marshmallow import ValidationError
from meedenken_kit import fastjson

from .problems import Problem

MAX_BODY = 1024 * 1024
AUTH_LEVELS = ("anonymous", "citizen", "official")
ID_PATTERN = re.compile(r"[0-9a-f]{24}")
SLUG_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
CODE_PATTERN = re.compile(r"[A-Za-z2-7]{26}")  # a secret ballot's receipt: 128 bits in base32
KIND_PATTERN = re.compile(r"reaction|statement|solution|agenda_proposal")  # what can be moderated


def path_pattern(name):
    """What a path parameter looks like (documented in the OpenAPI document, checked before a
    handler runs): ids are 24 hex digits, receipt codes base32, organisations are slugs."""
    if name == "code":
        return CODE_PATTERN
    if name == "kind":
        return KIND_PATTERN
    return ID_PATTERN if name.endswith("_id") else SLUG_PATTERN


def require_id(value, what):
    """Anything but a well-formed id in a path is simply not found (and never reaches a query)."""
    if not ID_PATTERN.fullmatch(value or ""):
        raise Problem(404, f"{what} not found.")
    return value


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: object
    summary: str
    auth: str = "anonymous"
    body: type = None
    query: type = None
    status: int = 200
    answer: object = None  # a Schema class, or None for no body
    errors: tuple = ()
    tags: tuple = field(default_factory=tuple)
    media_type: str = "application/json"  # of the answer, for the OpenAPI document
    etag: bool = False  # answers carry an ETag; If-None-Match with it gets 304

    def __post_init__(self):
        assert self.auth in AUTH_LEVELS, self.auth


@dataclass(frozen=True)
class Raw:
    """An answer that is not JSON: bytes (or text) sent as they are, with their content type.
    With an ``etag`` the body may be a function, called only when the client lacks that version;
    ``max_age`` makes it publicly cacheable, ``filename`` a download."""
    body: object
    content_type: str
    etag: str = None
    max_age: int = None
    filename: str = None

    def send(self, req, resp):
        if self.etag:
            resp.etag = self.etag
            if req.if_none_match and any(tag == "*" or tag == self.etag for tag in req.if_none_match):
                resp.status = falcon.HTTP_304
                return
        if self.max_age is not None:
            resp.cache_control = ["public", f"max-age={self.max_age}"]
        if self.filename:
            resp.downloadable_as = self.filename
        body = self.body() if callable(self.body) else self.body
        resp.content_type = self.content_type
        resp.data = body.encode("utf-8") if isinstance(body, str) else body


class Call:
    """What a handler works with for one request."""

    def __init__(self, req, gateway, account, body, query):
        self.req = req
        self.gateway = gateway
        self.account = account
        self.body = body
        self.query = query

    @property
    def rpc(self):
        return self.gateway.rpc

    @property
    def actor(self):
        """The account as services see it, or None for an anonymous caller."""
        if self.account is None:
            return None
        return {"id": self.account["_id"], "name": self.account["display_name"],
                "roles": self.gateway.roles_of(self.account)}

    @property
    def account_id(self):
        return self.account["_id"] if self.account else None


def read_json(req):
    if req.content_length in (None, 0) and not req.content_type:
        raise Problem(400, "A JSON body is required.")
    if (req.content_type or "").split(";")[0].strip().lower() not in ("application/json", ""):
        raise Problem(415, "Send the body as application/json.")
    if req.content_length and req.content_length > MAX_BODY:
        raise Problem(413, "The body is too large.")
    raw = req.bounded_stream.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise Problem(413, "The body is too large.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Problem(400, "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise Problem(400, "The body must be a JSON object.")
    return data


@functools.cache
def _schema(schema_class):
    return schema_class()  # one per class: making one costs more than loading with it


def load(schema_class, data, where):
    try:
        return _schema(schema_class).load(data)
    except ValidationError as exc:
        raise Problem(422, f"Invalid {where}.", exc.messages) from None


def read_query(req, schema_class):
    params = dict(req.params)
    if any(isinstance(value, list) for value in params.values()):
        raise Problem(400, "Give each query parameter once.")
    if schema_class is None:
        return {}
    return load(schema_class, params, "query parameters")


class PathResource:
    """A falcon resource serving every method of one path from the route table."""

    def __init__(self, gateway, routes):
        self.gateway = gateway
        self.routes = {route.method: route for route in routes}
        for method in self.routes:
            setattr(self, f"on_{method.lower()}", self._serve)

    def _serve(self, req, resp, **params):
        route = self.routes[req.method]
        if not all(path_pattern(name).fullmatch(value) for name, value in params.items()):
            raise Problem(404, "Nothing found at this address.")
        account = self.gateway.authenticate(req)
        if route.auth != "anonymous" and account is None:
            raise Problem(401, "Log in to do this (send a bearer token).")
        query = read_query(req, route.query)
        body = load(route.body, read_json(req), "body") if route.body else None
        result = route.handler(Call(req, self.gateway, account, body, query), **params)
        status, payload = result if isinstance(result, tuple) else (route.status, result)
        resp.status = falcon.code_to_http_status(status)
        if isinstance(payload, Raw):
            payload.send(req, resp)
        elif payload is not None:
            resp.content_type = falcon.MEDIA_JSON
            resp.data = fastjson.dumps_answer(payload)


def mount(app, gateway, routes):
    by_path = {}
    for route in routes:
        by_path.setdefault(route.path, []).append(route)
    for path, path_routes in by_path.items():
        app.add_route(path, PathResource(gateway, path_routes))
