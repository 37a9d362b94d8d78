"""Prometheus metrics every Meedenken process may record (docs/ops.md lists them all).

Plain prometheus-client objects, no nameko: the gateway imports this module too (its outbox relay
counts what it publishes). A nameko service serves them on ``METRICS_PORT`` with
``meedenken_kit.observability.Metrics``; the gateway serves them with its own on ``/metrics``.

Under gunicorn (several worker processes) prometheus-client's multiprocess mode is used:
``PROMETHEUS_MULTIPROC_DIR`` must be set before this module is imported (the gateway's
gunicorn_conf.py does that) and ``exposition(multiprocess_dir=...)`` adds up all processes.
"""
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder

# Seconds; from a cached read (~2 ms) to the RPC timeout (10 s).
DURATION_BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

WORKER_CALLS = Counter(
    "meedenken_worker_calls", "Calls of a nameko entrypoint (RPC or event handler) by outcome: "
    "ok, expected_error (a ServiceError answered to the caller) or error (a failure)",
    ["service", "entrypoint", "outcome"])
WORKER_DURATION = Histogram(
    "meedenken_worker_duration_seconds", "How long a nameko entrypoint's worker ran",
    ["service", "entrypoint"], buckets=DURATION_BUCKETS)
OUTBOX_PENDING = Gauge(
    "meedenken_outbox_pending", "Events in the service's outbox not yet published (pending or claimed)",
    ["service"], multiprocess_mode="livemax")
OUTBOX_HELD = Gauge(
    "meedenken_outbox_held", "Events in the service's outbox held until the fan-out that wrote them "
    "has applied its last chunk (one that stays up: a fan-out dead-lettered half done)",
    ["service"], multiprocess_mode="livemax")
EVENTS_PUBLISHED = Counter(
    "meedenken_events_published", "Events the outbox relay published (confirmed by the broker)",
    ["service", "type"])
OUTBOX_FAILURES = Counter(
    "meedenken_outbox_publish_failures", "Rounds of the outbox relay that failed (broker or database "
    "away); the events stay in the outbox and are retried", ["service"])
EVENTS_DEAD_LETTERED = Counter(
    "meedenken_events_dead_lettered", "Messages an event handler rejected into meedenken.dead-letter",
    ["service", "queue"])
EVENTS_RETRIED = Counter(
    "meedenken_events_retried", "Events put back on their queue after a transient failure (database away)",
    ["service", "queue"])


def exposition(accept_header=None, multiprocess_dir=None):
    """(body, content type) of every metric of this process, or of all processes writing to
    ``multiprocess_dir``, in the text format the scraper asks for (Prometheus text by default)."""
    if multiprocess_dir:
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=multiprocess_dir)
    else:
        registry = REGISTRY
    encoder, content_type = choose_encoder(accept_header or "")
    return encoder(registry), content_type
