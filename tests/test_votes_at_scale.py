"""Votes at scale keep their guarantees, against the real processes: every answer a client was
told is recorded is counted exactly once, tallies always equal a recount of the stored answers,
also when the votes service is killed mid-stream or runs as two competing instances, and a ballot
that cannot be counted goes to the dead-letter queue."""
import json
import os
import random
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from kombu import Connection, Exchange
from pymongo import MongoClient

from conftest import eventually
from journey import PASSWORD, register_and_login
from stored_votes import stored_tallies
from test_dead_letters import dead_letters
from test_observability import log_lines

CHOICES = ("agree", "disagree", "pass")


@pytest.fixture(scope="module")
def arena(api, cli, platform):
    """A topic in consult with five statements, twenty citizens, and the votes database."""
    run = uuid.uuid4().hex[:6]
    org = f"stemdorp-{run}"
    assert cli("create-org", org, "Stemdorp").returncode == 0
    email = f"official-{run}@example.nl"
    assert cli("create-user", "--org", org, "--email", email, "--password", PASSWORD, "--role", "official").returncode == 0
    official = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).json()["token"]
    topic = api.post("/api/v1/topics", {"org": org, "title": "Stemmen", "summary": "s"}, token=official).json()
    assert api.post(f"/api/v1/topics/{topic['id']}/phase", {"phase": "consult"}, token=official).status_code == 200
    statements = [api.post(f"/api/v1/topics/{topic['id']}/statements", {"text": f"Stelling nummer {n}"},
                           token=official).json()["id"] for n in range(5)]
    with ThreadPoolExecutor(8) as pool:
        citizens = list(pool.map(lambda n: register_and_login(api, f"Kiezer {n}", f"kiezer{n}-{run}@example.nl"),
                                 range(20)))
    mongo = MongoClient(platform.mongo_uri)
    yield {"topic": topic["id"], "statements": statements, "citizens": [(a["id"], t) for a, t in citizens],
           "db": mongo[f"{platform.db_prefix}votes"]}
    mongo.close()


def cast(api, token, statement, choice):
    try:
        return api.put(f"/api/v1/statements/{statement}/response", {"choice": choice}, token=token).status_code
    except Exception:
        return None


def recount(db, statements):
    """statement -> Counter of choices, from the stored answers; and the stored tallies."""
    counted = {s: Counter() for s in statements}
    for answer in db.responses.find({"statement_id": {"$in": statements}}):
        counted[answer["statement_id"]][answer["choice"]] += 1
    tallies = {s: Counter({c: t.get(c, 0) for c in CHOICES}) for s, t in stored_tallies(db, statements).items()}
    return counted, tallies


def assert_counted_exactly(arena, told):
    """``told``: (account, statement) -> the choice of the last answer the client was told is recorded."""
    expected = {s: Counter() for s in arena["statements"]}
    for (_, statement), choice in told.items():
        expected[statement][choice] += 1

    def settled():
        counted, tallies = recount(arena["db"], arena["statements"])
        stored = {(a["account_id"], a["statement_id"]): a["choice"]
                  for a in arena["db"].responses.find({"statement_id": {"$in": arena["statements"]}})}
        return (counted, tallies, stored) if counted == expected and {s: +tallies.get(s, Counter()) for s in expected} == \
            {s: +c for s, c in counted.items()} and all(stored.get(k) == v for k, v in told.items()) else None
    eventually(settled, timeout=60, interval=0.5)


def test_concurrent_answers_and_changes_are_counted_exactly(api, arena):
    rng = random.Random(7)
    plan = [(account, token, statement, rng.choice(CHOICES))
            for account, token in arena["citizens"] for statement in arena["statements"] for _ in range(3)]
    by_key = {}
    for account, token, statement, choice in plan:  # per key in order, keys in parallel
        by_key.setdefault((account, statement), []).append((token, choice))
    told = {}

    def vote_in_order(item):
        key, votes = item
        for token, choice in votes:
            if cast(api, token, key[1], choice) == 200:
                told[key] = choice
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(vote_in_order, by_key.items()))
    assert len(told) == len(by_key)
    assert_counted_exactly(arena, told)


class AnswerStream:
    """Citizens answering at random from a few threads while a test breaks something. Each
    citizen-statement key belongs to one thread, so "the last answer the client was told is
    recorded" is well defined. An answer that is not confirmed is retried, as a client would (the
    natural key makes that safe); ``failures`` counts the refusals, ``unconfirmed`` the answers
    still refused after ``retry_seconds``."""

    def __init__(self, api, keys, seed, threads=4, retry_seconds=90):
        self.api, self.retry_seconds = api, retry_seconds
        self.told, self.failures, self.unconfirmed = {}, Counter(), 0
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.voter, args=(keys[n::threads],)) for n in range(threads)]

    def voter(self, mine):
        while not self.stop.is_set():
            account, token, statement = self.rng.choice(mine)
            choice = self.rng.choice(CHOICES)
            status = cast(self.api, token, statement, choice)
            deadline = time.monotonic() + self.retry_seconds
            while status != 200 and time.monotonic() < deadline:
                self.failures[status] += 1
                time.sleep(0.1)
                status = cast(self.api, token, statement, choice)
            if status == 200:
                self.told[(account, statement)] = choice
            else:
                self.unconfirmed += 1

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def keys_of(citizens, statements):
    return [(account, token, statement) for account, token in citizens for statement in statements]


def test_no_answer_is_lost_or_counted_twice_when_votes_is_killed(api, arena, platform):
    with AnswerStream(api, keys_of(arena["citizens"], arena["statements"]), seed=11) as stream:
        time.sleep(1.5)
        platform.processes.kill("votes")  # kill -9 in the middle of counting
        time.sleep(1.5)  # answers keep being accepted: they wait in the durable queues
        platform.start_service("votes")
        platform.wait_ready(60)
        time.sleep(1.0)
    assert stream.told and stream.failures == Counter() and stream.unconfirmed == 0, stream.failures
    assert_counted_exactly(arena, stream.told)


def test_answers_survive_a_gateway_worker_killed_mid_stream(api, arena, platform):
    """A gateway worker dies (kill -9) while answers flow: answers it confirmed are counted, answers
    whose request failed were never confirmed and are retried; gunicorn starts a new worker."""
    with AnswerStream(api, keys_of(arena["citizens"], arena["statements"]), seed=5) as stream:
        time.sleep(1.0)
        master = platform.processes.children["gateway"].pid
        workers = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
        assert workers, "no gunicorn workers found"
        os.kill(int(workers[0]), signal.SIGKILL)
        time.sleep(2.0)
    assert stream.told and stream.unconfirmed == 0
    assert_counted_exactly(arena, {**previous_answers(arena), **stream.told})
    platform.wait_ready(30)


def test_two_competing_instances_share_the_work(api, arena, platform):
    platform.processes.start("votes-2", platform.service_command("votes"), env=platform.env("votes"))
    try:
        time.sleep(3)
        told = {}
        rng = random.Random(3)

        def vote(item):
            (account, token), statement = item
            choice = rng.choice(CHOICES)
            if cast(api, token, statement, choice) == 200:
                told[(account, statement)] = choice
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(vote, [(c, s) for c in arena["citizens"] for s in arena["statements"]]))
        assert_counted_exactly(arena, {**previous_answers(arena), **told})
    finally:
        platform.processes.stop("votes-2")


def previous_answers(arena):
    return {(a["account_id"], a["statement_id"]): a["choice"]
            for a in arena["db"].responses.find({"statement_id": {"$in": arena["statements"]}})}


def test_a_ballot_that_cannot_be_counted_is_dead_lettered(broker_uri, arena):
    """A pack holding one poison item among good ballots: the good ones are counted, the poison
    one goes to the dead-letter queue on its own (saying where it came from); a message that is
    not a pack at all is dead-lettered whole."""
    marker, garbage = uuid.uuid4().hex, uuid.uuid4().hex
    account, statement = f"poison-test-{marker[:8]}", arena["statements"][0]
    good = {"ballot_id": uuid.uuid4().hex, "statement_id": statement, "topic_id": arena["topic"], "account_id": account,
            "choice": "agree", "cast_at": "2026-11-25T12:00:00.000000Z"}
    exchange = Exchange("votes.answers", type="direct", durable=True)
    with Connection(broker_uri, transport_options={"confirm_publish": True}) as connection:
        producer = connection.Producer()
        producer.publish({"items": [good, {"ballot_id": marker, "choice": "maybe"}]}, serializer="json",
                         exchange=exchange, routing_key="p0", delivery_mode=2)
        producer.publish({"ballot_id": garbage}, serializer="json", exchange=exchange, routing_key="p1", delivery_mode=2)
    eventually(lambda: arena["db"].responses.find_one({"account_id": account, "statement_id": statement}), timeout=30)
    letters = eventually(lambda: [(body, h) for body, h in dead_letters(broker_uri) if marker in json.dumps(body)],
                         timeout=30)
    body, headers = letters[0]
    assert body == {"items": [{"ballot_id": marker, "choice": "maybe"}]}
    assert headers["x-death"][0]["queue"] == "votes.answers.p0"
    whole = eventually(lambda: [h for body, h in dead_letters(broker_uri) if garbage in json.dumps(body)], timeout=30)
    assert whole[0]["x-death"][0]["queue"] == "votes.answers.p1"


def test_supports_sent_at_once_are_counted_together_each_once(api, cli, arena, event_tap, platform):
    """Supports arriving together are counted in one transaction between batches of answers: every
    citizen once (the repeat is answered, not counted), each counted support with a count of its own,
    the threshold announced exactly once; the gateway asked topics for the proposal once per worker."""
    from conftest import platform_events
    run = uuid.uuid4().hex[:6]
    org = f"steunstad-{run}"
    assert cli("create-org", org, "Steunstad", "--support-threshold", "10").returncode == 0
    author = arena["citizens"][0][1]
    proposal = api.post("/api/v1/agenda-proposals", {"org": org, "title": "Een speeltuin aan het water",
                                                     "motivation": "Er is geen plek om te spelen."}, token=author)
    assert proposal.status_code == 201, proposal.text
    proposal_id = proposal.json()["id"]
    tokens = [token for _, token in arena["citizens"]] * 2
    random.Random(3).shuffle(tokens)
    request_ids = [f"steun-{run}-{n}" for n in range(len(tokens))]
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda token, request_id: api.post(
            f"/api/v1/agenda-proposals/{proposal_id}/support", token=token, headers={"X-Request-Id": request_id}),
            tokens, request_ids))
    assert [a.status_code for a in answers] == [200] * 40
    asked = [line for line in log_lines(platform, "topics")
             if line.get("entrypoint") == "get_agenda_proposal" and line.get("correlation_id") in request_ids]
    assert 1 <= len(asked) <= 2  # GATEWAY_WORKERS=2, each with its own few seconds' copy
    counts = [a.json()["supports"] for a in answers]
    assert max(counts) == 20 and set(range(1, 21)) <= set(counts)
    assert api.get(f"/api/v1/agenda-proposals/{proposal_id}", token=author).json()["supports"] == 20
    assert arena["db"].supports.count_documents({"proposal_id": proposal_id}) == 20

    def events(kind):
        return [e["body"]["data"] for e in platform_events(event_tap)
                if e["routing_key"] == kind and e["body"]["data"]["proposal_id"] == proposal_id]
    recorded = eventually(lambda: (lambda found: found if len(found) >= 20 else None)(events("support.recorded.v1")))
    assert sorted(e["supports"] for e in recorded) == list(range(1, 21))
    reached = eventually(lambda: events("agenda_proposal.threshold_reached.v1"))
    time.sleep(1)
    assert len(events("agenda_proposal.threshold_reached.v1")) == 1 and reached[0]["supports"] == 10
