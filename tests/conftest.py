"""One real platform per test session: SecantusDB (in memory, own port), an own RabbitMQ vhost,
the three nameko services and the gunicorn gateway as processes, driven over HTTP."""
import email
import email.policy
import os
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
from kombu import Connection, Exchange, Queue, binding
from pymongo import MongoClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from stack import (Platform, Processes, amqp_address, free_port, isolated_vhost, port_open,  # noqa: E402
                   start_secantus, start_smtp_sink)

EVENT_SOURCES = ("topics", "votes", "notifications", "gateway")
INJECTED = "x-meedenken-test-injected"  # header of events a test publishes itself


def platform_events(event_tap):
    """The events the platform published (not those a test injected)."""
    return [e for e in event_tap if INJECTED not in e["headers"]]


@pytest.fixture(scope="session")
def broker_uri():
    base = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    if not port_open(*amqp_address(base)):
        pytest.fail(f"No RabbitMQ answers at {amqp_address(base)}: start one (.ci/run does) or set AMQP_URI.")
    if os.environ.get("TEST_AMQP_URI"):
        yield os.environ["TEST_AMQP_URI"]
        return
    uri, cleanup = isolated_vhost(base)
    yield uri
    cleanup()


@pytest.fixture(scope="session")
def processes(tmp_path_factory):
    processes = Processes(ROOT / ".run" / "test-logs" / time.strftime("%Y%m%d-%H%M%S"))
    yield processes
    processes.stop_all()


@pytest.fixture(scope="session")
def mongo_uri(processes):
    return os.environ.get("TEST_MONGO_URI") or start_secantus(processes, ":memory:")


@pytest.fixture
def service_uow(mongo_uri):
    """``service_uow(repository, service, **client_options)``: that service's unit of work on a
    database of its own, its indexes made (no broker, no service); dropped afterwards."""
    from meedenken_kit.store import UnitOfWork
    made = []

    def make(repository, service, **client_options):
        client = MongoClient(mongo_uri, **client_options)
        db = client[f"{service}_{uuid.uuid4().hex[:8]}"]
        repository.ensure_indexes(db)
        made.append((client, db.name))
        return UnitOfWork(client, db, service)
    yield make
    for client, name in made:
        client.drop_database(name)
        client.close()


@pytest.fixture
def notifications_uow(service_uow):
    from meedenken_notifications import repository
    return service_uow(repository, "notifications")


@pytest.fixture(scope="session")
def event_tap(broker_uri):
    """A plain kombu consumer (no nameko), bound the way an integration would: its own queue on
    every service's events exchange, routing key '#'. Collects every event body."""
    events, stop = [], threading.Event()
    queue_name = f"integration-test-{uuid.uuid4().hex[:8]}"
    ready = threading.Event()

    def consume():
        with Connection(broker_uri) as connection:
            channel = connection.channel()
            bindings = []
            for source in EVENT_SOURCES:
                exchange = Exchange(f"{source}.events", type="topic", durable=True)
                exchange(channel).declare()
                bindings.append(binding(exchange, routing_key="#"))
            queues = [Queue(queue_name, bindings=bindings, durable=False, auto_delete=True)]
            with connection.Consumer(queues, callbacks=[lambda body, message: (events.append(
                    {"body": body, "routing_key": message.delivery_info["routing_key"],
                     "exchange": message.delivery_info["exchange"], "properties": message.properties, "headers": message.headers or {}}),
                    message.ack())], accept=["json"]):
                ready.set()
                while not stop.is_set():
                    try:
                        connection.drain_events(timeout=0.5)
                    except TimeoutError:
                        pass

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    assert ready.wait(15), "the test's event consumer could not start"
    yield events
    stop.set()
    thread.join(5)


# the suite registers, posts and answers far more from one address than a person would;
# tests/test_abuse_limits.py checks the limits on a gateway of its own
GENEROUS_LIMITS = ",".join(f"{name}=100000/100000/60" for name in ("register", "login", "post", "answer", "support", "ballot",
                                                                             "export"))


class Mailbox:
    """The mails a real SMTP server (scripts/smtp_sink.py, started for the session) accepted, one
    .eml file each, parsed as ``email.message.EmailMessage`` with ``X-Sink-To`` naming the recipient."""

    def __init__(self, directory):
        self.directory = Path(directory)

    def messages(self, to=None):
        found = []
        for path in sorted(self.directory.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if to is None or to.lower() in [r.lower() for r in message.get_all("X-Sink-To", [])]:
                found.append(message)
        return found

    def wait_for(self, to, subject_contains="", count=1, timeout=20):
        """The mails to ``to`` whose subject contains the text, once there are at least ``count``."""
        return eventually(lambda: (lambda found: found if len(found) >= count else None)(
            [m for m in self.messages(to) if subject_contains in m["Subject"]]), timeout=timeout)


@pytest.fixture(scope="session")
def mailbox(processes):
    return Mailbox(ROOT / ".run" / "test-mail" / uuid.uuid4().hex[:8])


@pytest.fixture(scope="session")
def smtp_port(processes, mailbox):
    return start_smtp_sink(processes, mailbox.directory)


@pytest.fixture(scope="session")
def platform(processes, broker_uri, mongo_uri, event_tap, smtp_port):
    platform = Platform(processes, broker_uri, mongo_uri, free_port(), db_prefix=f"t{uuid.uuid4().hex[:6]}_",
                        extra_env={"GATEWAY_WORKERS": "2", "RATE_LIMITS": GENEROUS_LIMITS,
                                   "WEBHOOK_RETRY_SCHEDULE": "1 1", "WEBHOOK_DISABLE_AFTER": "2",
                                   "MAIL_RETRY_SCHEDULE": "1 1", "MAIL_POLL_SECONDS": "0.2"},
                        smtp_port=smtp_port)
    platform.start(timeout=90)
    return platform


class Api:
    """A tiny HTTP client for the gateway's JSON API."""

    def __init__(self, base_url, token=None):
        self.base_url = base_url
        self.token = token
        self.session = requests.Session()

    def request(self, method, path, json=None, token=None, **kwargs):
        headers = kwargs.pop("headers", {})
        token = token or self.token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.session.request(method, self.base_url + path, json=json, headers=headers, timeout=30, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path, json=None, **kwargs):
        return self.request("PUT", path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def as_user(self, token):
        return Api(self.base_url, token)


@pytest.fixture(scope="session")
def api(platform):
    return Api(platform.url)


def admin_cli(platform, *args):
    """Run the `meedenken` CLI against the test platform."""
    import subprocess
    env = {**os.environ, "AMQP_URI": platform.amqp_uri, "MONGO_URI": platform.mongo_uri,
           "MONGO_DB": f"{platform.db_prefix}gateway"}
    return subprocess.run([str(Path(sys.executable).parent / "meedenken"), *args], env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture(scope="session")
def cli(platform):
    return lambda *args: admin_cli(platform, *args)


def clear_of_window_end(window_seconds, needed=30):
    """Rate limits count in fixed windows aligned to the clock: when fewer than ``needed`` seconds
    are left of this one, sleep into the next, so a sequence of counted requests is not split by a
    window that starts afresh (``needed=window_seconds``: always start at a window's beginning)."""
    left = window_seconds - time.time() % window_seconds
    if left < needed:
        time.sleep(left + 0.05)


def eventually(check, timeout=20, interval=0.2):
    """Poll ``check`` until it returns something truthy; returns it (asserting it arrived)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            assert result, "condition not met in time"
            return result
        time.sleep(interval)


@pytest.fixture(scope="session")
def journey(api, cli):
    from journey import run_journey
    return run_journey(api, cli)
