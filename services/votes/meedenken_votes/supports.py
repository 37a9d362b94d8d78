"""Supporting agenda proposals, counted together.

A support arrives over RPC (the citizen waits for its count). Instead of one transaction each
(which, on a busy database, waits behind the ballot box's batches and conflicts with other supports
of the same proposal), the RPC worker hands it to ``WaitingSupports`` and the ballot box counts
all supports waiting at that moment in one transaction between its batches of answers, then tells
each worker its result. One support per citizen and proposal (natural key): a repeat, in the same
batch or later, is answered with the count and not counted again. ``support.recorded.v1`` is emitted
for every counted support with the count it made; the support that brings a proposal to its
threshold first emits ``agenda_proposal.threshold_reached.v1``, once."""
import threading
from collections import defaultdict
from concurrent.futures import Future

from . import domain, repository as repo
from .events import SUPPORT_RECORDED, THRESHOLD_REACHED


class WaitingSupports:
    """Supports handed in by RPC workers, each with the future its worker waits on."""

    def __init__(self):
        self._waiting = []
        self._lock = threading.Lock()

    def add(self, support, correlation_id):
        future = Future()
        with self._lock:
            self._waiting.append((support, correlation_id, future))
        return future

    def take(self):
        with self._lock:
            taken, self._waiting = self._waiting, []
        return taken


def count_waiting(uow, waiting):
    """Count what ``waiting.take()`` gives in one transaction and answer every waiting worker (with
    its result, or with the error that stopped the transaction: the citizen may simply try again).
    Returns how many were counted."""
    taken = waiting.take()
    if not taken:
        return 0
    try:
        results = uow.transaction(lambda session: apply_supports(uow, session, [(s, c) for s, c, _ in taken]))
    except BaseException as exc:
        for _, _, future in taken:
            future.set_exception(exc)
        raise
    for (_, _, future), result in zip(taken, results):
        future.set_result(result)
    return len(taken)


def apply_supports(uow, session, supports):
    """``supports``: [(support, correlation id)]; returns one result per support, in order."""
    counted, fresh = [], set()
    for support, _ in supports:
        key = (support["proposal_id"], support["account_id"])
        new = key not in fresh and not repo.has_supported(uow.db, *key, session)
        if new:
            fresh.add(key)
        counted.append(new)
    new_supports = [support for (support, _), new in zip(supports, counted) if new]
    if new_supports:
        repo.add_supports(uow.db, session, new_supports)
    proposals = repo.proposals_in(uow.db, {support["proposal_id"] for support, _ in supports}, session)
    # the count each new support made: what the proposal had before the batch, plus one per support
    running = defaultdict(int)
    for support in new_supports:
        running[support["proposal_id"]] += 1
    running = {pid: proposals[pid]["supports"] - n for pid, n in running.items()}
    recorded, reached, results = [], [], []
    for (support, correlation_id), new in zip(supports, counted):
        proposal = proposals[support["proposal_id"]]
        if not new:
            results.append(_result(proposal, proposal["supports"], False))
            continue
        pid = proposal["_id"]
        running[pid] += 1
        recorded.append((pid, {"proposal_id": pid, "org": proposal["org"], "supports": running[pid]}, correlation_id))
        if domain.reaches_threshold(running[pid], proposal["threshold"], proposal["reached"]):
            proposal["reached"] = True
            reached.append((pid, {"proposal_id": pid, "org": proposal["org"], "supports": running[pid],
                                  "threshold": proposal["threshold"], "author_id": proposal["author_id"],
                                  "title": proposal["title"], "actor_id": support["account_id"]}, correlation_id))
        results.append(_result(proposal, running[pid], True))
    for pid, _, _ in reached:
        repo.mark_reached(uow.db, session, pid)
    uow.emit_many(session, SUPPORT_RECORDED, recorded)
    uow.emit_many(session, THRESHOLD_REACHED, reached)
    return results


def _result(proposal, supports, counted):
    return {"proposal_id": proposal["_id"], "supports": supports, "counted": counted,
            "threshold_reached": bool(proposal["reached"]), "supported": True}
