"""The OpenAPI 3.1 document, generated from the route table and its marshmallow schemas."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from . import abuse
from .problems import CONTENT_TYPE, TITLES
from .routing import path_pattern
from .schemas import Problem

PATH_PARAM = re.compile(r"{(\w+)}")


def build(routes, version="0.1.0"):
    spec = APISpec(
        title="Meedenken API", version=version, openapi_version="3.1.0", plugins=[MarshmallowPlugin()],
        info={"description": "Citizen participation: topics on the participation ladder, statements, "
                             "reactions, agenda proposals, notifications. Errors are RFC 9457 problem+json."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Problem", schema=Problem)
    for name, status in (("Problem%d" % s, s) for s in sorted(TITLES)):
        spec.components.response(name, {
            "description": TITLES[status], "content": {CONTENT_TYPE: {"schema": "Problem"}}})
    paths = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    for path, operations in paths.items():
        parameters = [{"name": name, "in": "path", "required": True,
                       "schema": {"type": "string", "pattern": f"^{path_pattern(name).pattern}$"}}
                      for name in PATH_PARAM.findall(path)]
        spec.path(path=path, operations=operations, parameters=parameters)
    return spec.to_dict()


def _operation(route):
    operation = {"summary": route.summary, "tags": list(route.tags),
                 "operationId": f"{route.method.lower()}_{route.handler.__name__}",
                 "x-auth": route.auth}
    if route.auth != "anonymous":
        operation["security"] = [{"bearer": []}]
    if route.query is not None:
        operation["parameters"] = [{"in": "query", "schema": route.query}]
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": route.body}}}
    success = {"description": "OK" if route.status < 300 else "Done"}
    if route.media_type != "application/json":
        text = route.media_type.startswith("text/") or route.media_type.endswith("+xml")
        success["content"] = {route.media_type: {"schema": {"type": "string"} if text else {
            "type": "string", "contentMediaType": route.media_type}}}
    elif route.answer is not None:
        success["content"] = {"application/json": {"schema": route.answer}}
    elif route.status not in (202, 204):
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    responses = {str(route.status): success}
    if route.etag:
        responses["304"] = {"description": "Not modified: the client's copy (If-None-Match) is current"}
    errors = set(route.errors) | {500, 503}
    if route.body is not None:
        errors |= {400, 413, 415, 422}
    if route.query is not None:
        errors |= {400, 422}
    if route.auth != "anonymous":
        errors.add(401)
    if (route.method, route.path) in abuse.ROUTES:
        errors.add(429)
    for status in sorted(errors):
        responses[str(status)] = f"Problem{status}"
    operation["responses"] = responses
    return operation
