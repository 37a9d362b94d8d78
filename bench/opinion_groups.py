"""Opinion groups at scale: 10,000 participants × 200 statements (three planted camps, 20 % of the
answers missing) recomputed the way the votes service does it — the answer matrix built from the
stored (account, statement, choice) answers, then PCA, k-means with k by silhouette,
representative and consensus statements. Prints the seconds. Then, on its own in-memory
SecantusDB, how fast the service's query reads stored answers back (BENCH_DB_ANSWERS of them,
0: skip), and what that means for the whole set."""
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from pymongo import MongoClient

from meedenken_votes import repository
from meedenken_votes.opinions import answer_matrix, opinion_groups

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from stack import Processes, start_secantus  # noqa: E402

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", 10_000))
DB_ANSWERS = int(os.environ.get("BENCH_DB_ANSWERS", 200_000))
STATEMENTS = int(os.environ.get("BENCH_STATEMENTS", 200))
CHOICES = np.array(["disagree", "pass", "agree"])


def answers(seed=1):
    rng = np.random.default_rng(seed)
    camps = rng.integers(3, size=PARTICIPANTS)
    leaning = rng.uniform(-1, 1, size=(3, STATEMENTS))  # each camp's mean answer per statement
    raw = np.clip(np.rint(leaning[camps] + rng.normal(0, 0.6, size=(PARTICIPANTS, STATEMENTS))), -1, 1).astype(int)
    rows, cols = np.nonzero(rng.random((PARTICIPANTS, STATEMENTS)) > 0.2)
    accounts = [f"account-{n}" for n in range(PARTICIPANTS)]
    statements = [f"{n:024x}" for n in range(STATEMENTS)]
    return [(accounts[r], statements[c], choice) for r, c, choice in
            zip(rows.tolist(), cols.tolist(), CHOICES[raw[rows, cols] + 1].tolist())]


def main():
    stored = answers()
    started = time.perf_counter()
    statement_ids, matrix = answer_matrix(stored)
    built = time.perf_counter()
    result = opinion_groups(statement_ids, matrix)
    done = time.perf_counter()
    print(f"{len(stored):,} answers of {PARTICIPANTS:,} participants on {STATEMENTS} statements: "
          f"matrix {built - started:.2f} s, groups {done - built:.2f} s, total {done - started:.2f} s; "
          f"groups {[g['size'] for g in result['groups']]}, {len(result['consensus'])} consensus statements")
    if DB_ANSWERS:
        read_back(stored[:DB_ANSWERS], len(stored))


def read_back(answers, total):
    processes = Processes(Path(tempfile.mkdtemp(prefix="bench-opinions-")))
    try:
        client = MongoClient(start_secantus(processes, ":memory:"))
        db = client.bench_votes
        repository.ensure_indexes(db)
        topic_id = "0" * 24
        for start in range(0, len(answers), 5000):
            db.responses.insert_many([{"_id": f"{s}:{a}", "statement_id": s, "topic_id": topic_id, "account_id": a,
                                       "choice": c} for a, s, c in answers[start:start + 5000]], ordered=False)
        started = time.perf_counter()
        answer_matrix(repository.answers_of_topic(db, topic_id))
        seconds = time.perf_counter() - started
        print(f"reading {len(answers):,} stored answers of a topic back into the matrix: {seconds:.2f} s "
              f"({len(answers) / seconds:,.0f} answers/s; all {total:,}: ~{total / len(answers) * seconds:.0f} s)")
        client.close()
    finally:
        processes.stop_all()


if __name__ == "__main__":
    main()
