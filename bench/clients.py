"""Load for the bench: wrk for the throughput figures (one citizen-statement pair per request,
every pair at most once), Python readers for the topic page, and Python voters that remember
exactly which answers they were told are recorded (for the fault scenarios)."""
import http.client
import json
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent


def percentile(values, p):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))], 1) if ordered else None


def wrk(url, data_file, seconds, connections, threads, offset, support_every):
    """Answers (and every ``support_every``-th request a support) for ``seconds``; the pairs start
    at ``offset`` so runs never repeat one. Returns wrk's figures (see votes.lua)."""
    run = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
                          "-s", str(HERE / "votes.lua"), url, "--", str(data_file), str(threads), str(offset),
                          str(support_every)], capture_output=True, text=True, timeout=seconds + 60)
    line = next((l for l in run.stdout.splitlines() if l.startswith("WRK ")), None)
    if line is None:
        raise SystemExit(f"wrk failed: {run.stdout}\n{run.stderr}")
    return json.loads(line[4:])


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, url, token):
        self.address = urlparse(url)
        self.token = token
        self.connection = None

    def request(self, method, path, body=None):
        headers = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.address.hostname, self.address.port, timeout=30)
                self.connection.request(method, path, body=json.dumps(body) if body is not None else None,
                                        headers=headers)
                answer = self.connection.getresponse()
                answer.read()
                return answer.status
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    return None
        return None

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Readers:
    """``count`` citizens reading a topic page over and over: the topic (statements, tallies, my
    answers, follow state) with the first page of its reactions, one request; times each."""

    def __init__(self, url, topic_id, tokens, count):
        self.topic_id = topic_id
        self.clients = [Client(url, tokens[n % len(tokens)]) for n in range(count)]
        self.timings, self.failed = [], 0
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.read, args=(client,)) for client in self.clients]

    def read(self, client):
        while not self.stop.is_set():
            started = time.perf_counter()
            if client.request("GET", f"/api/v1/topics/{self.topic_id}") == 200:
                self.timings.append((time.perf_counter() - started) * 1000)
            else:
                self.failed += 1

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()
        for client in self.clients:
            client.close()


class Voters:
    """Citizens answering their own citizen-statement pairs (each pair once) from ``count``
    threads while something breaks. ``told`` holds the pairs a client was told are recorded;
    an answer that failed is retried for a while (safe: the natural key), as a client would."""

    def __init__(self, url, pairs, count, retry_seconds=60):
        self.url, self.retry_seconds = url, retry_seconds
        self.told, self.failures, self.unconfirmed = {}, 0, 0
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.vote, args=(pairs[n::count],)) for n in range(count)]

    def vote(self, mine):
        clients = {}
        for account_id, token, statement, choice in mine:
            if self.stop.is_set():
                break
            client = clients.setdefault(token, Client(self.url, token))
            deadline = time.monotonic() + self.retry_seconds
            while True:
                status = client.request("PUT", f"/api/v1/statements/{statement}/response", {"choice": choice})
                if status == 200:
                    self.told[(account_id, statement)] = choice
                    break
                self.failures += 1
                if time.monotonic() > deadline:
                    self.unconfirmed += 1
                    break
                time.sleep(0.2)
            if len(clients) > 8:
                for old in clients.values():
                    old.close()
                clients.clear()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()
