"""Webhooks against the real platform: a receiver on 127.0.0.1 started here gets the organisation's
events signed as Standard Webhooks says (verified with the standardwebhooks library), a 500 is
retried, another organisation's events never arrive, addresses that are not public are refused
(as literals: nothing is sent anywhere but loopback), only administrators register, and a webhook
that keeps failing is disabled with a notice in its administrators' inbox."""
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook

from conftest import eventually, platform_events
from journey import PASSWORD, inbox, register_and_login


class Receiver:
    """Records every POST; answers each path's queued statuses first, then 200."""

    def __init__(self):
        self.requests, self.statuses = [], {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                queued = receiver.statuses.get(self.path) or [200]
                self.send_response(queued.pop(0) if len(queued) > 1 else queued[0])
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def at(self, path):
        return [r for r in self.requests if r["path"] == path]


@pytest.fixture(scope="module")
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


class Org:
    def __init__(self, api, cli, label):
        run = uuid.uuid4().hex[:6]
        self.slug = f"{label}-{run}"
        assert cli("create-org", self.slug, f"Gemeente {label.title()}").returncode == 0
        self.tokens = {}
        for role in ("admin", "official"):
            email = f"{role}-{run}@example.nl"
            out = cli("create-user", "--org", self.slug, "--email", email, "--password", PASSWORD, "--role", role)
            assert out.returncode == 0, out.stderr
            self.tokens[role] = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).json()["token"]


@pytest.fixture(scope="module")
def orgs(api, cli):
    return Org(api, cli, "west"), Org(api, cli, "oost")


def register(api, org, token, url, types=("topic.created.v1", "topic.published.v1")):
    return api.post(f"/api/v1/orgs/{org.slug}/webhooks", {"url": url, "types": list(types)}, token=token)


def new_topic(api, org, title):
    created = api.post("/api/v1/topics", {"org": org.slug, "title": title, "summary": "Een samenvatting."},
                       token=org.tokens["official"])
    assert created.status_code == 201, created.text
    topic_id = created.json()["id"]
    assert api.post(f"/api/v1/topics/{topic_id}/phase", {"phase": "inform"},
                    token=org.tokens["official"]).status_code == 200
    return topic_id


def test_signed_events_of_the_organisation_arrive_and_a_500_is_retried(api, orgs, receiver, event_tap):
    west, oost = orgs
    receiver.statuses["/west"] = [500, 200]
    created = register(api, west, west.tokens["admin"], receiver.url + "/west")
    assert created.status_code == 201, created.text
    hook = created.json()
    assert hook["secret"].startswith("whsec_") and hook["active"] and hook["org"] == west.slug
    listed = api.get(f"/api/v1/orgs/{west.slug}/webhooks", token=west.tokens["official"])
    assert listed.status_code == 200 and [h["id"] for h in listed.json()["items"]] == [hook["id"]]
    assert "secret" not in listed.text and hook["secret"] not in listed.text
    # the other organisation has a webhook too, to another path
    assert register(api, oost, oost.tokens["admin"], receiver.url + "/oost").status_code == 201

    west_topic, oost_topic = new_topic(api, west, "Een speeltuin"), new_topic(api, oost, "Een brug")

    def delivered(path, count):
        ok = [r for r in receiver.at(path)]
        return ok if len({r["headers"]["webhook-id"] for r in ok}) >= count and len(ok) >= count + 1 else None
    requests = eventually(lambda: delivered("/west", 2), timeout=30)
    verifier = Webhook(hook["secret"])
    events = [verifier.verify(r["body"], r["headers"]) for r in requests]
    assert all(r["headers"]["content-type"] == "application/json" for r in requests)
    assert {e["type"] for e in events} == {"nl.meedenken.topic.created.v1", "nl.meedenken.topic.published.v1"}
    assert {e["data"]["org"] for e in events} == {west.slug}
    assert {e["data"]["topic_id"] for e in events} == {west_topic}
    assert all(r["headers"]["webhook-id"] == json.loads(r["body"])["id"] for r in requests)
    # the first request got a 500 and was sent again, with the same id and body
    first, retry = requests[0], next(r for r in requests[1:] if r["headers"]["webhook-id"] ==
                                     requests[0]["headers"]["webhook-id"])
    assert first["body"] == retry["body"]
    with pytest.raises(Exception):
        Webhook(hook["secret"]).verify(first["body"].replace("speeltuin", "sloot"), first["headers"])

    # oost's events reached oost's webhook, never west's
    eventually(lambda: len(receiver.at("/oost")) >= 2, timeout=30)
    assert all(json.loads(r["body"])["data"]["org"] == oost.slug for r in receiver.at("/oost"))
    assert oost_topic not in "".join(r["body"] for r in receiver.at("/west"))

    def deliveries():
        answer = api.get(f"/api/v1/orgs/{west.slug}/webhooks/{hook['id']}/deliveries", token=west.tokens["official"])
        assert answer.status_code == 200, answer.text
        items = answer.json()["items"]
        return items if len(items) == 2 and all(d["state"] == "delivered" for d in items) else None
    items = eventually(deliveries, timeout=30)
    first_id = json.loads(first["body"])["id"]
    assert {d["event_id"]: d["attempts"] for d in items}[first_id] == 2
    assert all(d["last_status"] == 200 and d["delivered_at"] for d in items)
    page = api.get(f"/api/v1/orgs/{west.slug}/webhooks/{hook['id']}/deliveries?limit=1",
                   token=west.tokens["official"]).json()
    assert len(page["items"]) == 1 and page["next"]
    rest = api.get(f"/api/v1/orgs/{west.slug}/webhooks/{hook['id']}/deliveries?limit=1&after={page['next']}",
                   token=west.tokens["official"]).json()
    assert [d["id"] for d in page["items"] + rest["items"]] == [d["id"] for d in items]

    registered = [e["body"] for e in platform_events(event_tap) if e["routing_key"] == "webhook.registered.v1"
                  and e["body"]["data"]["webhook_id"] == hook["id"]]
    assert registered and hook["secret"] not in json.dumps(registered)


@pytest.mark.parametrize("url", ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[fd00::1]/",
                                 "https://[::ffff:192.168.0.1]/", "ftp://127.0.0.1/", "https://u:p@127.0.0.1/"])
def test_addresses_that_are_not_public_are_refused(api, orgs, url):
    west, _ = orgs
    refused = register(api, west, west.tokens["admin"], url)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"]["url"]


def test_unknown_or_undeliverable_types_are_refused(api, orgs, receiver):
    west, _ = orgs
    for types in (["topic.nonsense.v1"], ["statement.response.recorded.v2"], ["notification.created.v1"], []):
        refused = register(api, west, west.tokens["admin"], receiver.url + "/x", types)
        assert refused.status_code == 422, refused.text


def test_only_administrators_of_the_organisation_register_and_delete(api, orgs, receiver):
    west, oost = orgs
    _, citizen = register_and_login(api, "Dirk", f"dirk-{uuid.uuid4().hex[:6]}@example.nl")
    assert register(api, west, west.tokens["official"], receiver.url + "/x").status_code == 403
    assert register(api, west, citizen, receiver.url + "/x").status_code == 403
    assert register(api, west, oost.tokens["admin"], receiver.url + "/x").status_code == 403
    assert register(api, west, None, receiver.url + "/x").status_code == 401
    assert api.get(f"/api/v1/orgs/{west.slug}/webhooks", token=citizen).status_code == 403
    hook = register(api, west, west.tokens["admin"], receiver.url + "/weg").json()
    path = f"/api/v1/orgs/{west.slug}/webhooks/{hook['id']}"
    assert api.delete(path, token=west.tokens["official"]).status_code == 403
    assert api.get(path + "/deliveries", token=oost.tokens["admin"]).status_code == 403
    assert api.get(f"/api/v1/orgs/{oost.slug}/webhooks/{hook['id']}/deliveries",
                   token=oost.tokens["admin"]).status_code == 404
    assert api.delete(path, token=west.tokens["admin"]).status_code == 204
    assert api.delete(path, token=west.tokens["admin"]).status_code == 404
    listed = api.get(f"/api/v1/orgs/{west.slug}/webhooks", token=west.tokens["admin"]).json()["items"]
    assert hook["id"] not in [h["id"] for h in listed]


def test_a_webhook_that_keeps_failing_is_disabled_and_its_administrator_told(api, journey, event_tap):
    """The journey's webhook points where nothing listens (journey.register_failing_webhook)."""
    hook_id, admin = journey.ids["failing_webhook"], journey.tokens["admin"]

    def disabled():
        items = api.get(f"/api/v1/orgs/{journey.org}/webhooks", token=admin).json()["items"]
        return next(h for h in items if h["id"] == hook_id)["active"] is False
    eventually(disabled, timeout=60)
    items = api.get(f"/api/v1/orgs/{journey.org}/webhooks/{hook_id}/deliveries", token=admin).json()["items"]
    # two deliveries failed for good (3 attempts each) and disabled it; how many of the journey's later
    # events were tried meanwhile depends on how fast the journey ran; the rest failed with the webhook
    tried = [d for d in items if d["attempts"]]
    failed_for_good = [d for d in tried if d["attempts"] == 3]
    assert len(failed_for_good) >= 2 and all("Connection" in d["last_error"] for d in failed_for_good)
    # (an attempt under way when it was disabled still records its own error)
    assert all(d["last_error"] == "webhook disabled" or "Connection" in d["last_error"] for d in tried)
    assert all(d["state"] == "failed" for d in items)
    notices = eventually(lambda: [n for n in inbox(api, admin) if n["type"] == "webhook.disabled"])
    assert len(notices) == 1 and notices[0]["subject_id"] == hook_id
    assert notices[0]["title"].startswith("Webhook uitgeschakeld")
    events = [e["body"] for e in platform_events(event_tap) if e["routing_key"] == "webhook.disabled.v1"]
    assert [e["data"]["webhook_id"] for e in events] == [hook_id]


def test_two_notifications_instances_send_each_event_once(api, orgs, receiver, platform):
    west, _ = orgs
    log = platform.processes.log_dir / "notifications-2.log"
    platform.processes.start("notifications-2", platform.service_command("notifications"),
                             env={**platform.env("notifications"), "WEBHOOK_POLL_SECONDS": "0.05", "METRICS_PORT": "0"})
    try:
        eventually(lambda: log.exists() and "Connected to" in log.read_text(encoding="utf-8"), timeout=30)
        hook = register(api, west, west.tokens["admin"], receiver.url + "/twee", ["topic.updated.v1"]).json()
        topic_id = new_topic(api, west, "Een fietspad")
        for n in range(8):
            assert api.patch(f"/api/v1/topics/{topic_id}", {"summary": f"Versie {n}."},
                             token=west.tokens["official"]).status_code == 200

        def delivered():  # the receiver sees a request before its delivery's attempt is recorded
            items = api.get(f"/api/v1/orgs/{west.slug}/webhooks/{hook['id']}/deliveries",
                            token=west.tokens["admin"]).json()["items"]
            return items if len(items) == 8 and all(d["state"] == "delivered" for d in items) else None
        items = eventually(delivered, timeout=30)
        ids = [r["headers"]["webhook-id"] for r in receiver.at("/twee")]
        assert len(ids) == len(set(ids)) == 8
        assert [d["attempts"] for d in items] == [1] * 8
    finally:
        platform.processes.stop("notifications-2")
