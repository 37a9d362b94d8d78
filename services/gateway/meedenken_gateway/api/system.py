"""Health, readiness, metrics, the OpenAPI document and organisations."""
from meedenken_kit.metrics import exposition

from ..problems import Problem
from ..routing import Raw, Route
from ..schemas import Health, ModerationQueue, Organisation


def healthz(call):
    return {"status": "ok", "checks": {}}


def readyz(call):
    checks = call.gateway.readiness()
    if not all(value == "ok" for value in checks.values()):
        raise Problem(503, "Not ready: " + ", ".join(f"{k} {v}" for k, v in checks.items() if v != "ok"))
    return {"status": "ok", "checks": checks}


def metrics(call):
    """Prometheus metrics of every worker process of this gateway (docs/ops.md lists them)."""
    body, content_type = exposition(call.req.get_header("Accept"), call.gateway.settings.metrics_dir)
    return Raw(body, content_type)


def openapi(call):
    return call.gateway.openapi


def list_orgs(call):
    return {"items": call.rpc.call("topics", "list_orgs")}


def get_org(call, slug):
    return call.rpc.call("topics", "get_org", slug)


def queue(call, slug):
    return call.rpc.call("topics", "moderation_queue", call.actor, {"org": slug})


ROUTES = [
    Route("GET", "/healthz", healthz, "Liveness", answer=Health, tags=("system",)),
    Route("GET", "/readyz", readyz, "Readiness: database and broker reachable", answer=Health, errors=(503,),
          tags=("system",)),
    Route("GET", "/metrics", metrics, "Prometheus metrics (text exposition format): requests by route and "
          "status, latencies, outbox; for the cluster's scraper", media_type="text/plain", tags=("system",)),
    Route("GET", "/api/v1/openapi.json", openapi, "This document (OpenAPI 3.1)", tags=("system",)),
    Route("GET", "/api/v1/orgs", list_orgs, "Organisations on this platform", tags=("organisations",)),
    Route("GET", "/api/v1/orgs/{slug}", get_org, "One organisation", answer=Organisation, errors=(404,),
          tags=("organisations",)),
    Route("GET", "/api/v1/orgs/{slug}/queue", queue,
          "For officials: statements to moderate, reactions awaiting an official answer (oldest first), "
          "agenda proposals to answer", auth="official", answer=ModerationQueue, errors=(401, 403, 404),
          tags=("organisations",)),
]
