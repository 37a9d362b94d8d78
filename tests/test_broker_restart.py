"""RabbitMQ restarts while citizens answer: on a private broker node (so no other stack is
touched), the whole platform keeps its guarantees — every answer a client was told is recorded is
counted exactly once, answers refused while the broker was away were never confirmed (the client
retries them), and events queued in durable queues survive the restart."""
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from pymongo import MongoClient

from conftest import Api, eventually
from journey import PASSWORD, register_and_login
from stack import Platform, Processes, free_port, start_rabbitmq
from stored_votes import stored_tallies
from test_votes_at_scale import CHOICES, AnswerStream, keys_of


@pytest.fixture(scope="module")
def private(mongo_uri):
    base = tempfile.mkdtemp(prefix="meedenken-broker-")
    processes = Processes(f"{base}/logs")
    port = free_port()
    if not start_rabbitmq(processes, base, port=port, name="private-rabbitmq"):
        pytest.skip("rabbitmq-server is not installed")
    amqp = f"amqp://guest:guest@127.0.0.1:{port}/"
    platform = Platform(processes, amqp, mongo_uri, free_port(), db_prefix=f"r{uuid.uuid4().hex[:6]}_")
    platform.start(timeout=120)
    yield {"platform": platform, "base": base, "port": port}
    processes.stop_all()


def restart_broker(private):
    processes, port = private["platform"].processes, private["port"]
    processes.stop("private-rabbitmq", timeout=60)
    time.sleep(1)
    start_rabbitmq(processes, private["base"], port=port, name="private-rabbitmq")


def test_answers_are_counted_exactly_across_a_broker_restart(private):
    platform = private["platform"]
    api = Api(platform.url)
    run = uuid.uuid4().hex[:6]
    register_and_login(api, "Ambtenaar", f"a-{run}@example.nl")
    # the CLI against the private stack: its broker, its databases
    env = {**os.environ, "AMQP_URI": platform.amqp_uri, "MONGO_URI": platform.mongo_uri,
           "MONGO_DB": f"{platform.db_prefix}gateway"}
    meedenken = str(Path(sys.executable).parent / "meedenken")
    assert subprocess.run([meedenken, "create-org", f"o-{run}", "Herstart"], env=env).returncode == 0
    assert subprocess.run([meedenken, "create-user", "--org", f"o-{run}", "--email", f"a-{run}@example.nl",
                           "--password", PASSWORD, "--role", "official"], env=env).returncode == 0
    token = api.post("/api/v1/auth/login", {"email": f"a-{run}@example.nl", "password": PASSWORD}).json()["token"]
    topic = api.post("/api/v1/topics", {"org": f"o-{run}", "title": "Herstart", "summary": "s"}, token=token).json()
    assert api.post(f"/api/v1/topics/{topic['id']}/phase", {"phase": "consult"}, token=token).status_code == 200
    statements = [api.post(f"/api/v1/topics/{topic['id']}/statements", {"text": f"Stelling {n}"}, token=token)
                  .json()["id"] for n in range(3)]
    citizens = [register_and_login(api, f"K{n}", f"k{n}-{run}@example.nl") for n in range(8)]
    keys = keys_of([(account["id"], tok) for account, tok in citizens], statements)
    with AnswerStream(api, keys, seed=9, threads=3) as stream:
        time.sleep(1.5)
        before = platform.processes.children["private-rabbitmq"].pid
        restart_broker(private)
        assert platform.processes.children["private-rabbitmq"].pid != before
        platform.wait_ready(90)
        time.sleep(2)
    # answers sent while the broker was away waited in the gateway's publish retries or were refused
    # and retried by the client; either way only confirmed ones were told recorded
    assert stream.told and stream.unconfirmed == 0, stream.failures
    told = stream.told
    votes = MongoClient(platform.mongo_uri)[f"{platform.db_prefix}votes"]

    def settled():
        stored = {(a["account_id"], a["statement_id"]): a["choice"] for a in votes.responses.find({"statement_id": {"$in": statements}})}
        recount = Counter((s, c) for (_, s), c in stored.items())
        tallies = Counter({(s, c): t.get(c, 0) for s, t in stored_tallies(votes, statements).items() for c in CHOICES})
        return all(stored.get(k) == v for k, v in told.items()) and +tallies == +recount
    eventually(settled, timeout=90, interval=0.5)
