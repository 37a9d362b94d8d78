"""Opinion groups of a topic (in the manner of Polis). Pure computation: no broker, no database.

The answers form a participants × statements matrix: agree +1, disagree −1, pass 0, unanswered
missing. Each statement is centred on the mean of the answers it got and a missing answer counts as
that mean (0 after centring), so it pulls no one anywhere; a participant's row is scaled up by
sqrt(statements / answered) so that people who answered little are not all heaped in the middle.
The two main components (PCA) place every participant on a plane; k-means (k-means++ start, fixed
seed) groups them, with k from 2 to 5 chosen by the best silhouette among the k whose groups all
reach the minimum size. Per group, the statements that
set it apart are those whose agree share inside differs most from the share outside; consensus
statements are agreed with by a majority in every group shown. Results hold counts and shares,
never who is in which group.
"""
from array import array
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

VALUES = {"agree": 1.0, "disagree": -1.0, "pass": 0.0}
K_RANGE = range(2, 6)
SILHOUETTE_SAMPLE = 2000


@dataclass(frozen=True)
class Settings:
    min_group_size: int = 5  # smaller groups are not shown
    min_participants: int = 10  # fewer: an empty result with a reason
    min_answers: int = 3  # a participant counts once they answered this many statements (or all)
    min_count: int = 3  # answers needed in a group (and outside it) before a share is compared
    min_difference: float = 0.2  # group share vs outside share, for a representative statement
    consensus_share: float = 0.6  # agree share needed in every group for a consensus statement
    max_representative: int = 5
    seed: int = 7
    interval_seconds: float = 10.0  # a topic is recomputed at most this often
    max_busy_share: float = 0.05  # and a big one so that its recomputes take at most this share of the time


def next_due(computed_at, took_seconds, settings=Settings()):
    """When a topic whose recompute (reading its answers included) took ``took_seconds`` is due
    again: after the interval, or later for a topic so big that reading it again every interval
    would keep the database busy (a hot topic with 10,000 citizens: every ~20 s, not every 10)."""
    return computed_at + timedelta(seconds=max(settings.interval_seconds, took_seconds / settings.max_busy_share))


def answer_matrix(answers):
    """``answers``: iterable of (account id, statement id, choice). Returns (statement ids, matrix)
    with a row per participant (in no meaningful order) and NaN where unanswered."""
    accounts, statements = {}, {}
    rows, cols, values = array("l"), array("l"), array("d")  # compact: a topic may have millions
    for account_id, statement_id, choice in answers:
        rows.append(accounts.setdefault(account_id, len(accounts)))
        cols.append(statements.setdefault(statement_id, len(statements)))
        values.append(VALUES[choice])
    matrix = np.full((len(accounts), len(statements)), np.nan)
    matrix[np.frombuffer(rows, dtype=np.int_), np.frombuffer(cols, dtype=np.int_)] = np.frombuffer(values)
    return list(statements), matrix


def empty(reason, participants=0, answers=0):
    return {"participants": participants, "answers": answers, "groups": [], "consensus": [], "reason": reason}


def opinion_groups(statement_ids, matrix, settings=Settings()):
    """The groups, their representative statements and the consensus statements."""
    answered = ~np.isnan(matrix)
    if len(statement_ids) < 2:
        return empty("too_few_statements")
    counted = answered.sum(axis=1) >= min(settings.min_answers, len(statement_ids))
    matrix, answered = matrix[counted], answered[counted]
    participants, answers = len(matrix), int(answered.sum())
    if participants < settings.min_participants:
        return empty("too_few_participants", participants, answers)
    labels = cluster(project(matrix, answered), settings.seed, settings.min_group_size)
    sizes = np.bincount(labels)
    shown = [g for g in np.argsort(-sizes, kind="stable") if sizes[g] >= settings.min_group_size]
    if not shown:
        return empty("groups_too_small", participants, answers)
    members = np.eye(len(sizes))[labels]  # participants × groups, one-hot
    agree_in = members.T @ (matrix == 1.0)  # groups × statements
    seen_in = members.T @ answered
    agree_all, seen_all = agree_in.sum(axis=0), seen_in.sum(axis=0)
    groups = [{"id": number, "size": int(sizes[g]),
               "representative": representative(statement_ids, agree_in[g], seen_in[g], agree_all - agree_in[g],
                                                seen_all - seen_in[g], settings)}
              for number, g in enumerate(shown, start=1)]
    return {"participants": participants, "answers": answers, "groups": groups,
            "consensus": consensus(statement_ids, agree_in[shown], seen_in[shown], agree_all, seen_all, settings),
            "reason": None}


def project(matrix, answered):
    """Each participant's place on the two main components."""
    means = np.divide(np.nansum(matrix, axis=0), answered.sum(axis=0), out=np.zeros(matrix.shape[1]),
                      where=answered.any(axis=0))
    centred = np.where(answered, matrix - means, 0.0)
    centred *= np.sqrt(matrix.shape[1] / np.maximum(answered.sum(axis=1), 1))[:, None]
    _, vectors = np.linalg.eigh(centred.T @ centred)  # eigenvalues ascending
    return centred @ vectors[:, ::-1][:, :2]


def cluster(points, seed, min_size):
    """Labels 0..k-1 for the k among 2..5 with the best silhouette, preferring the k whose groups
    all reach ``min_size`` (a handful of outliers should not cost a real group); one group when
    everyone answers alike."""
    rng = np.random.default_rng(seed)
    distinct = len(np.unique(points.round(9), axis=0))
    sample = rng.choice(len(points), SILHOUETTE_SAMPLE, replace=False) if len(points) > SILHOUETTE_SAMPLE \
        else np.arange(len(points))
    best, best_key = np.zeros(len(points), dtype=int), None
    for k in K_RANGE:
        if k > distinct:
            break
        labels = kmeans(points, k, rng)
        key = (np.bincount(labels).min() >= min_size, round(silhouette(points[sample], labels[sample]), 9))
        if best_key is None or key > best_key:  # on a tie the fewer groups win
            best, best_key = labels, key
    return best


def kmeans(points, k, rng, tries=4, iterations=100):
    best, best_inertia = None, np.inf
    for _ in range(tries):
        centres = kmeans_pp(points, k, rng)
        for _ in range(iterations):
            distances = squared_distances(points, centres)
            labels = distances.argmin(axis=1)
            moved = np.array([points[labels == c].mean(axis=0) if (labels == c).any() else centres[c]
                              for c in range(k)])
            if np.allclose(moved, centres):
                break
            centres = moved
        inertia = distances[np.arange(len(points)), labels].sum()
        if inertia < best_inertia:
            best, best_inertia = labels, inertia
    return best


def kmeans_pp(points, k, rng):
    centres = [points[rng.integers(len(points))]]
    for _ in range(1, k):
        nearest = squared_distances(points, np.array(centres)).min(axis=1)
        centres.append(points[rng.choice(len(points), p=nearest / nearest.sum())])
    return np.array(centres)


def squared_distances(a, b):
    """Every row of ``a`` to every row of ``b``, as one matrix product."""
    return np.maximum((a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :] - 2 * a @ b.T, 0.0)


def silhouette(points, labels):
    """Mean silhouette coefficient (a point alone in its group scores 0)."""
    groups = np.unique(labels)
    if len(groups) < 2:
        return -1.0
    distances = np.sqrt(squared_distances(points, points))
    members = labels[:, None] == groups[None, :]  # points × groups
    sums, counts = distances @ members, members.sum(axis=0)
    own = members.argmax(axis=1)
    index = np.arange(len(points))
    alone = counts[own] == 1
    inside = sums[index, own] / np.maximum(counts[own] - 1, 1)
    others = sums / counts
    others[index, own] = np.inf
    nearest = others.min(axis=1)
    scores = np.where(alone, 0.0, (nearest - inside) / np.maximum(np.maximum(nearest, inside), 1e-12))
    return float(scores.mean())


def share(agree, seen):
    return np.divide(agree, seen, out=np.zeros_like(agree, dtype=float), where=seen > 0)


def representative(statement_ids, agree_in, seen_in, agree_out, seen_out, settings):
    inside, outside = share(agree_in, seen_in), share(agree_out, seen_out)
    difference = np.where((seen_in >= settings.min_count) & (seen_out >= settings.min_count),
                          np.abs(inside - outside), 0.0)
    order = [s for s in np.argsort(-difference, kind="stable") if difference[s] >= settings.min_difference]
    return [{"statement_id": statement_ids[s], "agree_share": round(float(outside[s]), 3),
             "group_agree_share": round(float(inside[s]), 3)} for s in order[:settings.max_representative]]


def consensus(statement_ids, agree_in, seen_in, agree_all, seen_all, settings):
    """Statements a majority agrees with in every group shown (each with enough answers)."""
    enough = (seen_in >= settings.min_count).all(axis=0)
    broad = (share(agree_in, seen_in) >= settings.consensus_share).all(axis=0) & enough
    overall = share(agree_all, seen_all)
    return [{"statement_id": statement_ids[s], "agree_share": round(float(overall[s]), 3)}
            for s in np.argsort(-overall, kind="stable") if broad[s]]
