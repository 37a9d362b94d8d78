"""make bench: votes at scale, measured on this machine; bounded in time, loopback only.

Starts its own stack: a private RabbitMQ node (or, without rabbitmq-server, a fresh vhost on
AMQP_URI), SecantusDB on disk in a temp folder, the three services and the gateway. Then:

1. raw baselines of the same servers: pymongo ``insert_one`` loop, kombu publish with confirms;
2. votes: wrk answers statements (every request a new citizen-statement pair; every
   BENCH_SUPPORT_EVERY-th request supports an agenda proposal instead) for BENCH_SECONDS, then
   waits until every answer a client was told is recorded is counted;
3. read side: a topic with BENCH_REACTIONS threaded reactions and BENCH_STATEMENTS statements
   answered by BENCH_READ_CITIZENS citizens; BENCH_READERS citizens read its page (the topic with
   the first page of its reactions, one request) for BENCH_READ_SECONDS while wrk keeps answering;
4. fan-out: the topic, followed by BENCH_FOLLOWERS citizens, changes phase; time until every
   follower has the notification in the inbox;
5. faults: Python voters answer for BENCH_FAULT_SECONDS while the votes service is killed (-9)
   and restarted, a gateway worker is killed (-9), and the broker restarts (private node only);
6. recount: every tally against the stored answers, every support counter against the stored
   supports, every answer a client was told is recorded against what is stored.

The last line printed is one JSON object (bench/README.md explains each figure)."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from kombu import Connection, Exchange, Queue
from pymongo import MongoClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from stack import (Platform, Processes, free_port, isolated_vhost, start_rabbitmq,  # noqa: E402
                   start_secantus, wait_for)

import cpu  # noqa: E402
from arena import Arena, counted, recount, support_recount  # noqa: E402
from clients import Client, Readers, Voters, percentile, wrk  # noqa: E402


def setting(name, default):
    return int(os.environ.get(name, default))


SECONDS = setting("BENCH_SECONDS", 20)
CITIZENS = setting("BENCH_CITIZENS", 5000)
STATEMENTS = setting("BENCH_STATEMENTS", 50)
CONNECTIONS = setting("BENCH_CONNECTIONS", 32)
WRK_THREADS = setting("BENCH_WRK_THREADS", 2)
PROPOSALS = setting("BENCH_PROPOSALS", 100)
SUPPORT_EVERY = setting("BENCH_SUPPORT_EVERY", 50)
REACTIONS = setting("BENCH_REACTIONS", 10000)
READ_CITIZENS = setting("BENCH_READ_CITIZENS", 10000)
READ_ANSWERS = setting("BENCH_READ_ANSWERS", 5)  # answers per reading citizen (50: the whole matrix)
READERS = setting("BENCH_READERS", 20)
READ_SECONDS = setting("BENCH_READ_SECONDS", 15)
FOLLOWERS = setting("BENCH_FOLLOWERS", 10000)
FAULT_SECONDS = setting("BENCH_FAULT_SECONDS", 24)
RAW_SECONDS = 3
PHASES = os.environ.get("BENCH_PHASES", "votes,read,fanout,faults").split(",")  # votes always runs


def say(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def python_loop_ms():
    """A million additions in pure Python, best of three: how fast this machine runs Python, so
    runs on different machines can be set side by side (raw insert_one moved threefold between
    sessions)."""
    best = None
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for n in range(1_000_000):
            total += n
        took = (time.perf_counter() - started) * 1000
        best = took if best is None else min(best, took)
    return round(best, 1)


def raw_insert_rate(mongo_uri):
    client = MongoClient(mongo_uri)
    collection = client["bench_raw"]["inserts"]
    count, started = 0, time.monotonic()
    while time.monotonic() - started < RAW_SECONDS:
        collection.insert_one({"n": count, "at": datetime.now(timezone.utc)})
        count += 1
    rate = count / (time.monotonic() - started)
    client.drop_database("bench_raw")
    client.close()
    return rate


def raw_publish_rate(amqp_uri):
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        queue = Queue(f"bench-raw-{uuid.uuid4().hex[:6]}", exchange=Exchange("bench.raw", type="direct"),
                      routing_key="raw", auto_delete=False)
        channel = connection.channel()
        queue(channel).declare()
        producer = connection.Producer(channel)
        count, started = 0, time.monotonic()
        while time.monotonic() - started < RAW_SECONDS:
            producer.publish({"n": count}, exchange=queue.exchange, routing_key="raw", delivery_mode=2,
                             serializer="json")
            count += 1
        rate = count / (time.monotonic() - started)
        queue(channel).delete()
    return rate


class Bench:
    def __init__(self, processes, storage):
        self.processes = processes
        self.storage = Path(storage)
        self.figures = {}
        self.statements = []   # every statement answered in the run
        self.proposals = []
        self.private_broker = False

    # the stack ------------------------------------------------------------------------------------

    def start(self):
        self.figures["python_loop_ms"] = python_loop_ms()
        port = free_port()
        if start_rabbitmq(self.processes, self.storage / "rabbitmq", port=port):
            self.private_broker, self.amqp_uri = True, f"amqp://guest:guest@127.0.0.1:{port}/"
            self.broker_port = port
        else:
            self.amqp_uri, self.drop_vhost = isolated_vhost(os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"))
        self.mongo_uri = start_secantus(self.processes, self.storage / "db")
        raw_insert, raw_publish = raw_insert_rate(self.mongo_uri), raw_publish_rate(self.amqp_uri)
        say(f"raw insert_one {raw_insert:.0f}/s, raw confirmed publish {raw_publish:.0f}/s")
        self.figures.update(raw_insert_per_s=round(raw_insert, 1), raw_publish_per_s=round(raw_publish, 1))
        self.platform = Platform(self.processes, self.amqp_uri, self.mongo_uri, free_port(), db_prefix="bench_")
        self.platform.start(timeout=120)
        self.arena = Arena(self.platform, say)
        self.official = self.arena.organisation("bench", "Gemeente Bench")

    def cpu_parts(self):
        children = self.processes.children
        parts = {part: children[name].pid for part, name in (
            ("gateway", "gateway"), ("votes", "votes"), ("database", "secantusdb"), ("topics", "topics"),
            ("notifications", "notifications"))}
        parts["broker"] = children["rabbitmq"].pid if self.private_broker else "beam.smp"
        return parts

    def wrk_data(self, name, tokens, statements, proposals=()):
        path = self.storage / f"{name}.txt"
        path.write_text("".join(f"token {t}\n" for _, t in tokens) + "".join(f"statement {s}\n" for s in statements)
                        + "".join(f"proposal {p}\n" for p in proposals))
        return path

    # 2. votes -------------------------------------------------------------------------------------

    def votes(self):
        topic, statements = self.arena.topic("bench", self.official, "Stemmen op schaal", STATEMENTS)
        self.statements += statements
        self.proposals = self.arena.proposals("bench", self.official, PROPOSALS)
        self.citizens = self.arena.citizens(CITIZENS)
        self.vote_data = self.wrk_data("votes", self.citizens, statements, self.proposals)
        say(f"votes: {len(statements)} statements, {PROPOSALS} agenda proposals, {CITIZENS} citizens")
        before_counted = counted(self.arena.votes_db, self.statements)
        parts = self.cpu_parts()
        cpu_before = {**cpu.snapshot(parts), "load_generator": cpu.children_seconds()}
        started = time.monotonic()
        result = wrk(self.platform.url, self.vote_data, SECONDS, CONNECTIONS, WRK_THREADS, 0, SUPPORT_EVERY)
        load_seconds = time.monotonic() - started
        votes = result["ok"] + result["supports_ok"]
        deadline = time.monotonic() + 300
        while counted(self.arena.votes_db, self.statements) - before_counted < result["ok"] and time.monotonic() < deadline:
            time.sleep(0.05)
        applied_seconds = time.monotonic() - started
        cpu_after = {**cpu.snapshot(parts), "load_generator": cpu.children_seconds()}
        applied = counted(self.arena.votes_db, self.statements) - before_counted + result["supports_ok"]
        self.told_by_wrk = result["ok"]
        self.wrk_pairs = result["next_pair"]  # the next wrk run starts past every pair this one reached
        self.figures.update(
            votes_per_s=round(votes / result["duration_s"], 1), applied_per_s=round(applied / applied_seconds, 1),
            p50_ms=result["p50_ms"], p95_ms=result["p95_ms"], p99_ms=result["p99_ms"],
            ratio_to_raw_insert=round(applied / applied_seconds / self.figures["raw_insert_per_s"], 3),
            answers_told_recorded=result["ok"], supports_told_recorded=result["supports_ok"],
            errors=result["failed"] + result["socket_errors"], backlog_s=round(applied_seconds - load_seconds, 2),
            cpu_ms_per_vote=cpu.per_unit_ms(cpu_before, cpu_after, votes))
        say(f"votes: {self.figures['votes_per_s']}/s told recorded, {self.figures['applied_per_s']}/s applied")

    # 3. read side ---------------------------------------------------------------------------------

    def read_side(self):
        self.read_topic, statements = self.arena.topic("bench", self.official, "Een druk onderwerp", STATEMENTS)
        self.statements += statements
        readers = self.arena.citizens(READ_CITIZENS)
        started = time.monotonic()
        answered = self.arena.answers(self.read_topic["id"], statements, readers, READ_ANSWERS)
        say(f"read side: {answered} answers by {len(readers)} citizens counted in {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        replies = 4
        self.arena.reactions(self.read_topic["id"], readers, REACTIONS // (replies + 1), replies)
        say(f"read side: {REACTIONS} reactions posted in {time.monotonic() - started:.0f} s")
        self.followers = readers[:FOLLOWERS]
        started = time.monotonic()
        self.arena.followers(self.read_topic["id"], self.followers)
        say(f"read side: {len(self.followers)} followers in {time.monotonic() - started:.0f} s")
        before = counted(self.arena.votes_db, self.statements)
        reader_tokens = [token for _, token in readers[:READERS]]
        load = threading.Thread(target=lambda: setattr(self, "read_wrk", wrk(
            self.platform.url, self.vote_data, READ_SECONDS, CONNECTIONS // 2, WRK_THREADS, self.wrk_pairs, 0)))
        parts = self.cpu_parts()
        cpu_before = cpu.snapshot(parts)
        with Readers(self.platform.url, self.read_topic["id"], reader_tokens, READERS) as reading:
            load.start()
            load.join()
        cpu_after = cpu.snapshot(parts)
        self.told_by_wrk += self.read_wrk["ok"]
        while counted(self.arena.votes_db, self.statements) - before < self.read_wrk["ok"]:
            time.sleep(0.1)
        self.figures.update(
            topic_page_p50_ms=percentile(reading.timings, 50), topic_page_p95_ms=percentile(reading.timings, 95),
            topic_pages_read=len(reading.timings), topic_page_errors=reading.failed,
            votes_per_s_while_reading=round(self.read_wrk["ok"] / self.read_wrk["duration_s"], 1),
            # CPU of each part while reading, per second (answers keep flowing meanwhile)
            cpu_share_while_reading={part: round((cpu_after[part] - cpu_before[part]) / self.read_wrk["duration_s"], 3)
                                     for part in parts})
        say(f"read side: topic page p95 {self.figures['topic_page_p95_ms']} ms over {len(reading.timings)} reads")

    # 4. fan-out -----------------------------------------------------------------------------------

    def fan_out(self):
        notifications = self.arena.notifications_db.notifications
        query = {"topic_id": self.read_topic["id"], "type": "topic.phase_changed"}
        started = time.monotonic()
        status = Client(self.platform.url, self.official_token()).request(
            "POST", f"/api/v1/topics/{self.read_topic['id']}/phase", {"phase": "advise"})
        assert status == 200, f"phase change answered {status}"
        # polled through the inbox index: counting by topic scans the whole collection, and five scans
        # a second of a collection growing by 10,000 slowed the fan-out they measured twofold; the
        # inbox that the fan-out fills last (it goes in account order) first, then all of them once
        last = max(account_id for account_id, _ in self.followers)
        wait_for(lambda: notifications.find_one({**query, "account_id": last}, {"_id": 1}), 120, "the fan-out")
        wait_for(lambda: notifications.count_documents(query) >= len(self.followers), 120, "the fan-out")
        self.figures["fanout_10k_s" if len(self.followers) == 10000 else "fanout_s"] = round(time.monotonic() - started, 2)
        self.figures["fanout_followers"] = len(self.followers)
        say(f"fan-out: {len(self.followers)} inboxes in {time.monotonic() - started:.2f} s")

    def official_token(self):
        from meedenken_gateway import accounts
        account = accounts.find_by_email(self.arena.gateway.db, self.official)
        return accounts.issue_token(self.arena.gateway.settings, account["_id"])

    # 5. faults ------------------------------------------------------------------------------------

    def faults(self):
        topic, statements = self.arena.topic("bench", self.official, "Stemmen terwijl er iets misgaat", STATEMENTS)
        self.statements += statements
        choices = ("agree", "disagree", "pass")
        pairs = [(account_id, token, statement, choices[(n + k) % 3])
                 for n, (account_id, token) in enumerate(self.citizens) for k, statement in enumerate(statements)]
        broken = []

        def breaker():
            time.sleep(FAULT_SECONDS * 0.15)
            self.processes.kill("votes")
            broken.append("votes service killed (-9)")
            time.sleep(2)
            self.platform.start_service("votes")
            time.sleep(FAULT_SECONDS * 0.25)
            worker = gateway_worker(self.processes.children["gateway"].pid)
            if worker:
                os.kill(worker, signal.SIGKILL)
                broken.append("a gateway worker killed (-9)")
            time.sleep(FAULT_SECONDS * 0.2)
            if self.private_broker:
                self.processes.stop("rabbitmq")
                start_rabbitmq(self.processes, self.storage / "rabbitmq", port=self.broker_port)
                broken.append("the broker restarted")
        with Voters(self.platform.url, pairs, 16) as voters:
            chaos = threading.Thread(target=breaker)
            chaos.start()
            time.sleep(FAULT_SECONDS)
            chaos.join()
        say(f"faults: {', '.join(broken)}; {len(voters.told)} answers told recorded, {voters.failures} refusals")
        self.platform.wait_ready(120)
        stored = {}

        def settled():
            stored.clear()
            stored.update({(a["account_id"], a["statement_id"]): a["choice"] for a in self.arena.votes_db.responses.find(
                {"statement_id": {"$in": statements}}, {"account_id": 1, "statement_id": 1, "choice": 1})})
            return all(stored.get(k) == v for k, v in voters.told.items())
        try:
            wait_for(settled, 120, "the answers told recorded during the faults")
        except Exception:
            pass  # counted below as lost
        self.figures.update(
            faults=broken, fault_answers_told_recorded=len(voters.told), fault_refusals=voters.failures,
            fault_unconfirmed=voters.unconfirmed,
            fault_lost=sum(1 for k, v in voters.told.items() if stored.get(k) != v))

    # 6. recount -----------------------------------------------------------------------------------

    def recount(self):
        time.sleep(1)  # answers in flight when a load stopped get counted before the recount
        stored, mismatched = recount(self.arena.votes_db, self.statements)
        supports, support_mismatch = support_recount(self.arena.votes_db, self.proposals)
        wrk_stored, _ = recount(self.arena.votes_db, self.statements[:STATEMENTS])
        self.figures.update(
            # wrk's pairs are all different, so what it was told is recorded can only be missing
            # (lost) or be there once; counting twice shows as tallies that differ from a recount
            lost=max(0, self.told_by_wrk - wrk_stored) + self.figures.get("fault_lost", 0)
            + max(0, self.figures["supports_told_recorded"] - supports),
            double_counted=mismatched + support_mismatch,
            answers_stored=stored, supports_stored=supports)


def gateway_worker(master_pid):
    found = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    return int(found[0]) if found else None


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the stack on the way out
    storage = tempfile.mkdtemp(prefix="meedenken-bench-")
    os.chmod(storage, 0o755)  # the broker runs as the rabbitmq user and keeps its data in here
    processes = Processes(ROOT / ".run" / "bench-logs")
    bench = Bench(processes, storage)
    try:
        bench.start()
        bench.votes()
        if "read" in PHASES:
            bench.read_side()
            if "fanout" in PHASES:
                bench.fan_out()
        if "faults" in PHASES:
            bench.faults()
        bench.recount()
        bench.figures.update(seconds=SECONDS, connections=CONNECTIONS, citizens=CITIZENS, statements=STATEMENTS,
                             reactions=REACTIONS, read_citizens=READ_CITIZENS, readers=READERS,
                             private_broker=bench.private_broker)
        print(json.dumps(bench.figures), flush=True)
    finally:
        if getattr(bench, "arena", None):
            bench.arena.close()
        processes.stop_all()
        if getattr(bench, "drop_vhost", None):
            bench.drop_vhost()


if __name__ == "__main__":
    main()
