"""Opinion groups at scale: 10,000 participants × 200 statements (three planted camps, 20 % of the
answers missing) recomputed the way the votes service does it — the answer matrix built from the
stored (account, statement, choice) answers, then PCA, k-means with k by silhouette,
representative and consensus statements. Prints the seconds; reading the answers from the
database is not included (see bench/README.md)."""
import os
import time

import numpy as np

from meedenken_votes.opinions import answer_matrix, opinion_groups

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", 10_000))
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


if __name__ == "__main__":
    main()
