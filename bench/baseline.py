"""Baseline figures of the foundation (not the votes-at-scale design): starts its own stack (or
uses BENCH_URL with BENCH_AMQP_URI), then measures for BENCH_SECONDS each, with BENCH_CLIENTS threads:
  - sequential RPC round trips through the gateway's client (topics.get_org),
  - GET /api/v1/topics/{id} (three services asked at once) latency,
  - PUT /api/v1/statements/{id}/response through the whole synchronous path.
Prints one JSON object as its last line. Bounded in time and count; loopback only."""
import json
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "services" / "gateway"))
from stack import Platform, free_port, own_broker_and_processes, start_secantus  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
MAX_REQUESTS = 200_000
PASSWORD = "bench-password-123"


def percentile(values, p):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p / 100))] * 1000, 1) if values else None


def load(name, work, clients=CLIENTS):
    """Run ``work(i, session)`` from ``clients`` threads for SECONDS; returns rate and latencies."""
    latencies, errors, stop = [], [0], time.monotonic() + SECONDS
    lock = threading.Lock()

    def client(n):
        session = requests.Session()
        i = 0
        while time.monotonic() < stop and len(latencies) < MAX_REQUESTS:
            started = time.monotonic()
            ok = work(n * 1_000_000 + i, session)
            with lock:
                latencies.append(time.monotonic() - started)
                errors[0] += 0 if ok else 1
            i += 1
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return {f"{name}_per_s": round(len(latencies) / elapsed, 1), f"{name}_p50_ms": percentile(latencies, 50),
            f"{name}_p95_ms": percentile(latencies, 95), f"{name}_p99_ms": percentile(latencies, 99),
            f"{name}_errors": errors[0]}


def main():
    with own_broker_and_processes(ROOT / ".run" / "bench-logs") as (processes, amqp):
        mongo = os.environ.get("MONGO_URI") or start_secantus(processes, ":memory:")
        platform = Platform(processes, amqp, mongo, free_port(), db_prefix="bench_")
        platform.start(timeout=90)
        url = platform.url
        from meedenken_gateway.rpc import RpcClient
        from meedenken_gateway.app import Gateway
        from meedenken_gateway.settings import Settings
        from meedenken_gateway.importer import Importer
        os.environ.update({"AMQP_URI": amqp, "MONGO_URI": mongo, "MONGO_DB": "bench_gateway"})
        gateway = Gateway(Settings.from_env())
        importer = Importer(gateway, say=lambda _: None)
        gateway.rpc.call("topics", "create_org", {"slug": "bench", "name": "Bench"})
        importer.account("official@bench.nl", PASSWORD, "Official", {"bench": "official"})
        topic = importer.topic({"org": "bench", "title": "Bench", "summary": "s", "author": "official@bench.nl",
                                "phases": [{"phase": "inform"}, {"phase": "consult"}],
                                "statements": [{"text": f"Stelling {n}"} for n in range(5)]})
        page = requests.get(f"{url}/api/v1/topics/{topic['id']}").json()
        statement_ids = [s["id"] for s in page["statements"]]
        tokens = []
        for n in range(CLIENTS * 25):
            email = f"c{n}-{uuid.uuid4().hex[:4]}@bench.nl"
            importer.account(email, PASSWORD, f"Burger {n}")
            tokens.append(requests.post(f"{url}/api/v1/auth/login", json={"email": email, "password": PASSWORD})
                          .json()["token"])

        results = {}
        client = RpcClient(amqp)
        calls, started = 0, time.monotonic()
        while time.monotonic() - started < min(SECONDS, 5):
            client.call("topics", "get_org", "bench")
            calls += 1
        results["rpc_sequential_per_s"] = round(calls / (time.monotonic() - started), 1)
        client.close()
        results.update(load("topic_page", lambda i, s: s.get(f"{url}/api/v1/topics/{topic['id']}").status_code == 200))
        choices = ("agree", "disagree", "pass")
        results.update(load("answer", lambda i, s: s.put(
            f"{url}/api/v1/statements/{statement_ids[i % len(statement_ids)]}/response",
            json={"choice": choices[(i // 7) % 3]},
            headers={"Authorization": f"Bearer {tokens[i % len(tokens)]}"}).status_code == 200))
        gateway.close()
        results.update({"seconds_per_phase": SECONDS, "clients": CLIENTS})
        print(json.dumps(results))


if __name__ == "__main__":
    main()
