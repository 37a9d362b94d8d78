"""make bench: votes at scale, measured on this machine.

Starts its own stack (own vhost, SecantusDB on disk in a temp folder, the real processes), seeds a
topic in consult with BENCH_STATEMENTS statements and BENCH_CITIZENS citizens (accounts written
straight into the gateway's database with one shared password hash; tokens signed with the dev
secret), measures the raw baselines of the same servers (pymongo insert_one loop, kombu publish
with confirms), then drives PUT /api/v1/statements/{id}/response with wrk for BENCH_SECONDS
(every request a different citizen-statement pair), waits until every answer a client was told is
recorded has been counted, and recounts the tallies from the stored answers. Loopback only,
bounded in time. The last line printed is one JSON object."""
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from kombu import Connection, Exchange, Queue
from pymongo import MongoClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from stack import Platform, free_port, own_broker_and_processes, start_secantus  # noqa: E402

import cpu  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
CITIZENS = int(os.environ.get("BENCH_CITIZENS", "5000"))
STATEMENTS = int(os.environ.get("BENCH_STATEMENTS", "50"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "2"))
RAW_SECONDS = 3
CHOICES = ("agree", "disagree", "pass")


def say(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


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


def seed(platform, amqp_uri, mongo_uri):
    sys.path.insert(0, str(ROOT / "services" / "gateway"))
    os.environ.update({"AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri, "MONGO_DB": f"{platform.db_prefix}gateway"})
    from meedenken_gateway import accounts
    from meedenken_gateway.app import Gateway
    from meedenken_gateway.importer import Importer
    from meedenken_gateway.settings import Settings
    gateway = Gateway(Settings.from_env())
    importer = Importer(gateway, say=lambda _: None)
    gateway.rpc.call("topics", "create_org", {"slug": "bench", "name": "Gemeente Bench"})
    importer.account("official@bench.nl", "bench-password-123", "Bench Official", {"bench": "official"})
    topic = importer.topic({"org": "bench", "title": "Stemmen op schaal", "summary": "Bench",
                            "author": "official@bench.nl", "phases": [{"phase": "inform"}, {"phase": "consult"}],
                            "statements": [{"text": f"Stelling {n}"} for n in range(STATEMENTS)]})
    statements = [s["_id"] for s in MongoClient(mongo_uri)[f"{platform.db_prefix}topics"].statements.find(
        {"topic_id": topic["id"]}).sort("_id", 1)]
    shared_hash = accounts._hasher.hash("bench-password-123")
    now = datetime.now(timezone.utc)
    docs = [{"_id": f"{n:024x}", "email": f"c{n}@bench.nl", "password_hash": shared_hash,
             "display_name": f"Burger {n}", "roles": {}, "created_at": now} for n in range(1, CITIZENS + 1)]
    gateway.db.accounts.insert_many(docs, ordered=False)
    tokens = [accounts.issue_token(gateway.settings, doc["_id"]) for doc in docs]
    gateway.close()
    return topic["id"], statements, tokens


def counted(votes_db, statements):
    return sum(t.get(c, 0) for t in votes_db.tallies.find({"_id": {"$in": statements}}) for c in CHOICES)


def recount(votes_db, statements):
    stored = {}
    for answer in votes_db.responses.find({"statement_id": {"$in": statements}}, {"statement_id": 1, "choice": 1}):
        key = (answer["statement_id"], answer["choice"])
        stored[key] = stored.get(key, 0) + 1
    tallies = {(t["_id"], c): t.get(c, 0) for t in votes_db.tallies.find({"_id": {"$in": statements}}) for c in CHOICES}
    mismatched = sum(abs(tallies.get(k, 0) - stored.get(k, 0)) for k in set(stored) | set(tallies))
    return sum(stored.values()), mismatched


def main():
    storage = tempfile.mkdtemp(prefix="meedenken-bench-")
    with own_broker_and_processes(ROOT / ".run" / "bench-logs") as (processes, amqp_uri):
        mongo_uri = start_secantus(processes, storage)
        raw_insert = raw_insert_rate(mongo_uri)
        raw_publish = raw_publish_rate(amqp_uri)
        say(f"raw insert_one {raw_insert:.0f}/s, raw confirmed publish {raw_publish:.0f}/s")
        platform = Platform(processes, amqp_uri, mongo_uri, free_port(), db_prefix="bench_")
        platform.start(timeout=90)
        topic_id, statements, tokens = seed(platform, amqp_uri, mongo_uri)
        say(f"seeded {len(statements)} statements and {len(tokens)} citizens")
        data = Path(storage) / "wrk-data.txt"
        data.write_text("".join(f"token {t}\n" for t in tokens) + "".join(f"statement {s}\n" for s in statements))
        votes_db = MongoClient(mongo_uri)[f"{platform.db_prefix}votes"]
        children = processes.children
        parts = {"gateway": children["gateway"].pid, "votes": children["votes"].pid, "database": children["secantusdb"].pid,
                 "broker": "beam.smp", "topics": children["topics"].pid, "notifications": children["notifications"].pid}
        cpu_before = {**cpu.snapshot(parts), "load_generator": cpu.children_seconds()}
        started = time.monotonic()
        wrk = subprocess.run(["wrk", "-t", str(WRK_THREADS), "-c", str(CONNECTIONS), "-d", f"{SECONDS}s",
                              "--latency", "-s", str(ROOT / "bench" / "votes.lua"), platform.url, "--", str(data),
                              str(WRK_THREADS)], capture_output=True, text=True, timeout=SECONDS + 60)
        load_seconds = time.monotonic() - started
        line = next((l for l in wrk.stdout.splitlines() if l.startswith("WRK ")), None)
        if line is None:
            raise SystemExit(f"wrk failed: {wrk.stdout}\n{wrk.stderr}")
        result = json.loads(line[4:])
        ok = result["ok"]
        deadline = time.monotonic() + 300
        while counted(votes_db, statements) < ok and time.monotonic() < deadline:
            time.sleep(0.1)
        applied_seconds = time.monotonic() - started
        cpu_after = {**cpu.snapshot(parts), "load_generator": cpu.children_seconds()}
        time.sleep(1)  # answers in flight when wrk stopped get counted too before the recount
        stored, mismatched = recount(votes_db, statements)
        applied = counted(votes_db, statements)
        figures = {
            "votes_per_s": round(ok / result["duration_s"], 1),
            "applied_per_s": round(applied / applied_seconds, 1),
            "p50_ms": result["p50_ms"], "p95_ms": result["p95_ms"], "p99_ms": result["p99_ms"],
            "raw_insert_per_s": round(raw_insert, 1),
            "ratio_to_raw_insert": round(applied / applied_seconds / raw_insert, 3),
            "raw_publish_per_s": round(raw_publish, 1),
            "lost": max(0, ok - stored),
            # every request is a new citizen-statement pair, so an answer cannot be stored twice
            # (natural key); counting twice would show as tallies that differ from the recount
            "double_counted": mismatched,
            # answers recorded whose responses wrk never read: in flight when the load stopped
            "in_flight_at_stop": max(0, stored - ok),
            "errors": result["failed"] + result["socket_errors"],
            "votes_told_recorded": ok, "votes_stored": stored, "backlog_s": round(applied_seconds - load_seconds, 2),
            "cpu_ms_per_vote": cpu.per_unit_ms(cpu_before, cpu_after, ok),
            "seconds": SECONDS, "connections": CONNECTIONS, "citizens": CITIZENS, "statements": STATEMENTS,
        }
        print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
