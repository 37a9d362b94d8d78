"""What operators watch (docs/ops.md): Prometheus metrics of the gateway and of every service after a
short journey, JSON log lines from every process, one correlation id followed from an HTTP request
through an RPC, the event it causes and the handler of that event, and readiness that follows the
database."""
import json
import re
import uuid
from pathlib import Path

import jsonschema
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import ROOT, eventually, platform_events
from journey import PASSWORD, register_and_login
from stack import Platform, Processes, free_port, start_secantus

SERVICES = ("topics", "votes", "notifications")
SCHEMAS = ROOT / "docs" / "events" / "schemas"
# Log files of processes that are not ours and do not write JSON lines: the database and the broker.
NOT_JSON_LOGS = ("secantusdb", "rabbitmq", "smtp-sink")  # development servers, not ours
OBJECT_ID = re.compile(r"[0-9a-f]{24}")


def scrape(url):
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("text/plain"), answer.headers["Content-Type"]
    return {family.name: family for family in text_string_to_metric_families(answer.text)}


def samples(families, family, sample_name=None):
    assert family in families, f"{family} not exposed; have {sorted(families)}"
    return [s for s in families[family].samples if sample_name is None or s.name == sample_name]


def log_lines(platform, name):
    """The complete JSON lines of one process's log (a last line still being written is skipped)."""
    path = Path(platform.processes.log_dir) / f"{name}.log"
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return [json.loads(line) for line in text.split("\n")[:-1] if line.strip()]


@pytest.fixture(scope="module")
def people(api, cli):
    """An organisation with an official, a citizen, and a published topic the citizen follows."""
    run = uuid.uuid4().hex[:6]
    org = f"waterschap-{run}"
    assert cli("create-org", org, "Waterschap Observatie", "--kind", "water_board").returncode == 0
    official_email = f"obs-official-{run}@example.nl"
    out = cli("create-user", "--org", org, "--email", official_email, "--password", PASSWORD, "--role", "official")
    assert out.returncode == 0, out.stderr
    login = api.post("/api/v1/auth/login", {"email": official_email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    official = login.json()["token"]
    _, citizen = register_and_login(api, "Dirk", f"obs-dirk-{run}@example.nl")
    topic = api.post("/api/v1/topics", {"org": org, "title": "Dijkversterking", "summary": "Waar komt de dijk?"},
                     token=official)
    assert topic.status_code == 201, topic.text
    topic_id = topic.json()["id"]
    assert api.post(f"/api/v1/topics/{topic_id}/phase", {"phase": "inform"}, token=official).status_code == 200
    assert api.post(f"/api/v1/topics/{topic_id}/follow", token=citizen).status_code == 204
    assert api.get(f"/api/v1/topics?org={org}").status_code == 200
    assert api.get(f"/api/v1/topics/{topic_id}", token=citizen).status_code == 200
    assert api.get(f"/api/v1/topics/{'0' * 24}").status_code == 404
    return {"org": org, "official": official, "citizen": citizen, "topic_id": topic_id}


# ---------------------------------------------------------------------------------------------
# metrics

def test_gateway_metrics_by_route_template_and_status(platform, people):
    families = scrape(platform.metrics_url("gateway"))
    requests_total = samples(families, "meedenken_http_requests", "meedenken_http_requests_total")
    seen = {(s.labels["method"], s.labels["route"], s.labels["status"]): s.value for s in requests_total}
    assert seen.get(("GET", "/api/v1/topics/{topic_id}", "200"), 0) >= 1
    assert seen.get(("GET", "/api/v1/topics/{topic_id}", "404"), 0) >= 1
    assert seen.get(("POST", "/api/v1/auth/login", "200"), 0) >= 1
    assert seen.get(("POST", "/api/v1/topics/{topic_id}/follow", "204"), 0) >= 1
    assert seen.get(("GET", "/readyz", "200"), 0) >= 1
    assert not [route for _, route, _ in seen if OBJECT_ID.search(route)], "a raw path became a label"
    counts = {(s.labels["method"], s.labels["route"]): s.value
              for s in samples(families, "meedenken_http_request_duration_seconds",
                               "meedenken_http_request_duration_seconds_count")}
    assert counts[("GET", "/api/v1/topics/{topic_id}")] >= 2
    buckets = samples(families, "meedenken_http_request_duration_seconds", "meedenken_http_request_duration_seconds_bucket")
    assert any(s.labels["le"] == "+Inf" for s in buckets)
    # the gateway's own outbox (accounts) and what its relay published, over all its workers
    assert any(s.labels["service"] == "gateway" for s in samples(families, "meedenken_outbox_pending"))
    published = samples(families, "meedenken_events_published", "meedenken_events_published_total")
    assert any(s.labels == {"service": "gateway", "type": "account.registered.v1"} and s.value >= 1 for s in published)

    # /metrics itself: counted as what it is, a 200 on its own route
    again = scrape(platform.metrics_url("gateway"))
    metrics_calls = [s for s in samples(again, "meedenken_http_requests", "meedenken_http_requests_total")
                     if s.labels["route"] == "/metrics"]
    assert metrics_calls and {s.labels["status"] for s in metrics_calls} == {"200"}


def test_metrics_route_is_documented_open_and_plain_text(platform, api):
    document = api.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/metrics"]["get"]
    assert "text/plain" in operation["responses"]["200"]["content"]
    assert "security" not in operation and operation["x-auth"] == "anonymous"
    answer = api.get("/metrics", headers={"Authorization": ""})
    assert answer.status_code == 200 and "# TYPE meedenken_http_requests_total counter" in answer.text


@pytest.mark.parametrize("service, entrypoint", [
    ("topics", "get_topic"), ("topics", "change_phase"), ("votes", "topic_votes"), ("notifications", "follow"),
])
def test_service_metrics_after_the_journey(platform, people, service, entrypoint):
    families = scrape(platform.metrics_url(service))
    calls = samples(families, "meedenken_worker_calls", "meedenken_worker_calls_total")
    ours = [s for s in calls if s.labels["service"] == service and s.labels["entrypoint"] == entrypoint]
    assert ours and sum(s.value for s in ours if s.labels["outcome"] == "ok") >= 1, ours
    assert {s.labels["outcome"] for s in calls} <= {"ok", "expected_error", "error"}
    durations = samples(families, "meedenken_worker_duration_seconds", "meedenken_worker_duration_seconds_count")
    assert any(s.labels == {"service": service, "entrypoint": entrypoint} and s.value >= 1 for s in durations)
    pending = samples(families, "meedenken_outbox_pending")
    assert [s.labels["service"] for s in pending] == [service] and pending[0].value >= 0


def test_service_metrics_count_expected_errors_and_event_handlers(platform, api, people):
    assert api.get(f"/api/v1/topics/{'1' * 24}").status_code == 404  # topics raises NotFound
    calls = {(s.labels["entrypoint"], s.labels["outcome"]): s.value
             for s in samples(scrape(platform.metrics_url("topics")), "meedenken_worker_calls",
                              "meedenken_worker_calls_total")}
    assert calls.get(("topic_page", "expected_error"), 0) >= 1
    # the notifications service handled the publication of the topic (an event)
    def handled():
        calls = samples(scrape(platform.metrics_url("notifications")), "meedenken_worker_calls",
                        "meedenken_worker_calls_total")
        return [s for s in calls if s.labels["entrypoint"] == "on_phase_changed" and s.labels["outcome"] == "ok"]
    assert eventually(handled)
    published = samples(scrape(platform.metrics_url("topics")), "meedenken_events_published",
                        "meedenken_events_published_total")
    assert any(s.labels == {"service": "topics", "type": "topic.phase_changed.v1"} and s.value >= 1 for s in published)


# ---------------------------------------------------------------------------------------------
# correlation id and logs

def test_one_request_id_from_the_gateway_through_topics_an_event_and_its_handler(platform, api, people, event_tap):
    request_id = f"obs-{uuid.uuid4().hex}"
    moved = api.post(f"/api/v1/topics/{people['topic_id']}/phase", {"phase": "consult", "note": "Denk mee"},
                     token=people["official"], headers={"X-Request-Id": request_id})
    assert moved.status_code == 200, moved.text
    assert moved.headers["X-Request-Id"] == request_id

    # the event topics emitted carries it as the CloudEvents extension attribute, and validates
    def phase_event():
        return next((e for e in platform_events(event_tap) if e["body"]["type"] == "nl.meedenken.topic.phase_changed.v1"
                     and e["body"]["subject"] == people["topic_id"] and e["body"]["data"]["to_phase"] == "consult"), None)
    event = eventually(phase_event)["body"]
    assert event["correlationid"] == request_id
    jsonschema.Draft202012Validator(json.loads((SCHEMAS / "topic.phase_changed.v1.json").read_text())).validate(event)
    jsonschema.Draft202012Validator(json.loads((SCHEMAS / "envelope.json").read_text())).validate(event)

    # the notifications handler adopted it: the notification it created for the follower carries it
    def notification_events():
        return [e["body"] for e in platform_events(event_tap)
                if e["body"]["type"] == "nl.meedenken.notification.created.v1"
                and e["body"]["data"]["topic_id"] == people["topic_id"] and e["body"]["data"]["type"] == "topic.phase_changed"
                and e["body"].get("correlationid") == request_id]
    assert eventually(notification_events)

    # ... and so do the log lines of every process on the way
    def logged(name, **fields):
        return [line for line in log_lines(platform, name) if line.get("correlation_id") == request_id
                and all(line.get(key) == value for key, value in fields.items())]
    access = eventually(lambda: logged("gateway", logger="meedenken_gateway.access"))
    assert access[0]["route"] == "/api/v1/topics/{topic_id}/phase" and access[0]["status"] == 200
    assert access[0]["method"] == "POST" and access[0]["level"] == "info" and access[0]["service"] == "gateway"
    assert isinstance(access[0]["duration_ms"], (int, float))
    call = eventually(lambda: logged("topics", entrypoint="change_phase"))
    assert call[0]["kind"] == "rpc" and call[0]["outcome"] == "ok" and call[0]["service"] == "topics"
    handler = eventually(lambda: logged("notifications", entrypoint="on_phase_changed"))
    assert handler[0]["kind"] == "event" and handler[0]["outcome"] == "ok"
    assert handler[0]["event_id"] == event["id"] and handler[0]["service"] == "notifications"


def test_a_request_without_a_usable_request_id_gets_a_new_one(platform, api):
    made = api.get("/healthz").headers["X-Request-Id"]
    assert uuid.UUID(made)
    for unusable in ("", "bad id with spaces", "x" * 200, "<script>", "id\"quote"):
        answer = api.get("/api/v1/orgs", headers={"X-Request-Id": unusable})
        assert answer.status_code == 200
        assert answer.headers["X-Request-Id"] != unusable and uuid.UUID(answer.headers["X-Request-Id"])
    kept = api.get(f"/api/v1/topics/{'2' * 24}", headers={"X-Request-Id": "abc-123_DEF.4:5"})
    assert kept.status_code == 404 and kept.headers["X-Request-Id"] == "abc-123_DEF.4:5"  # errors carry it too


def test_every_log_line_of_every_process_is_json(platform, people):
    log_dir = Path(platform.processes.log_dir)
    logs = sorted(path for path in log_dir.glob("*.log") if not path.stem.startswith(NOT_JSON_LOGS))
    assert {"gateway", "topics", "votes", "notifications"} <= {path.stem for path in logs}
    for path in logs:
        lines = [line for line in path.read_text(encoding="utf-8", errors="replace").split("\n")[:-1] if line.strip()]
        assert lines, f"{path.name} is empty"
        for number, line in enumerate(lines, 1):
            try:
                entry = json.loads(line)
            except ValueError:
                pytest.fail(f"{path.name}:{number} is not JSON: {line[:300]}")
            assert isinstance(entry, dict), f"{path.name}:{number}"
            assert {"time", "level", "service", "logger", "message"} <= set(entry), f"{path.name}:{number}: {line[:300]}"
            assert entry["level"] in ("debug", "info", "warning", "error", "critical"), line
        services = {json.loads(line)["service"] for line in lines}
        expected = path.stem.split("-")[0]  # votes-2.log is a second votes instance
        assert services == {expected}, (path.name, services)


# ---------------------------------------------------------------------------------------------
# readiness

def test_readiness_follows_the_database(broker_uri, tmp_path):
    """A gateway of its own against a SecantusDB of its own (on disk, so it can be stopped and
    started again on the same port): /readyz 200, 503 problem+json without the database, 200 again."""
    processes = Processes(tmp_path / "logs")
    storage = tmp_path / "db"
    db_port = free_port()
    try:
        mongo_uri = start_secantus(processes, str(storage), port=db_port)
        gateway = Platform(processes, broker_uri, mongo_uri, free_port(), db_prefix=f"ready{uuid.uuid4().hex[:6]}_",
                           extra_env={"GATEWAY_WORKERS": "1"})
        gateway.start_gateway()

        def readyz(status, timeout):
            """The first /readyz answer with this status (a Response of an error status is falsy)."""
            def check():
                try:
                    answer = requests.get(gateway.url + "/readyz", timeout=30)
                except requests.ConnectionError:
                    return None
                return [answer] if answer.status_code == status else None
            return eventually(check, timeout=timeout)[0]

        ready = readyz(200, timeout=60)
        assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}

        processes.stop("secantusdb")
        down = readyz(503, timeout=60)
        assert down.headers["Content-Type"].startswith("application/problem+json")
        assert down.json()["status"] == 503 and "database" in down.json()["detail"]
        assert requests.get(gateway.url + "/healthz", timeout=10).status_code == 200  # alive all the same

        start_secantus(processes, str(storage), port=db_port)
        back = readyz(200, timeout=90)
        assert back.json()["checks"]["database"] == "ok"
        # the flips are counted by status on the readiness route
        families = scrape(gateway.metrics_url("gateway"))
        statuses = {s.labels["status"] for s in samples(families, "meedenken_http_requests", "meedenken_http_requests_total")
                    if s.labels["route"] == "/readyz"}
        assert {"200", "503"} <= statuses
    finally:
        processes.stop_all()


def test_a_queued_answer_carries_the_request_id_into_its_event(api, journey, event_tap):
    request_id = f"stem-{uuid.uuid4().hex[:10]}"
    answered = api.put(f"/api/v1/statements/{journey.ids['statement']}/response", {"choice": "pass"},
                       token=journey.tokens["carol"], headers={"X-Request-Id": request_id})
    assert answered.status_code == 200 and answered.headers["X-Request-Id"] == request_id
    recorded = eventually(lambda: [r for e in event_tap if e["routing_key"] == "statement.response.recorded.v2"
                                   for r in e["body"]["data"]["responses"] if r["correlation_id"] == request_id],
                          timeout=20)
    assert recorded[0]["choice"] == "pass"
