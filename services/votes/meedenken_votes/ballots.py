"""Counting answers to statements in batches.

Answers arrive as ballots (in packs from the gateway's partitioned queue, or one at a time over
RPC). A batch is applied in one transaction: the answers are stored by their natural key
(statement + citizen; inserted when new), each statement's tally gets the net change of the batch
and its version goes up, and one ``statement.response.recorded.v2`` per topic (listing the answers
that changed) goes into the outbox. The ballot cast last wins (``cast_at``), whatever order ballots arrive in: instances compete for queued ballots, and a
ballot redelivered after a crash is older than or equal to what is stored, so it changes nothing.
To know each citizen's previous answer without reading it back per ballot, the applier keeps the
answers of the statements it counts in memory, valid only while the statement's tally version is
the one it saw (another instance, or the RPC path, may have counted since). A batch reads those
answers without copying them and adds its own only after its transaction committed (callers hold
the ballot box's lock, so no other batch of the process reads them meanwhile): the cost of a batch
follows its size, not the number of answers its statements already have."""
from collections import OrderedDict, defaultdict
from datetime import datetime, timezone

from meedenken_kit.envelope import rfc3339
from meedenken_kit.errors import load_or_raise

from . import domain, repository as repo
from .events import STATEMENT_RESPONSE_RECORDED
from .schemas import BallotIn

_ballot = BallotIn()


def cast_now():
    """When a ballot is cast: UTC to the microsecond, as text that sorts in time order."""
    return rfc3339(datetime.now(timezone.utc), timespec="microseconds")


class AnswerCache:
    """statement id -> (tally version, {account id: (choice, cast_at)}), least recently used
    dropped first. ``get`` gives the cached answers themselves: read them, change them only after
    a commit, and ``put`` them back with the version that commit made."""

    def __init__(self, max_statements=5000):
        self.max_statements = max_statements
        self._entries = OrderedDict()

    def get(self, statement_id, version):
        entry = self._entries.get(statement_id)
        if entry is None or entry[0] != version:
            return None
        self._entries.move_to_end(statement_id)
        return entry[1]

    def forget(self, statement_ids):
        for statement_id in statement_ids:
            self._entries.pop(statement_id, None)

    def put(self, statement_id, version, answers):
        self._entries[statement_id] = (version, answers)
        self._entries.move_to_end(statement_id)
        while len(self._entries) > self.max_statements:
            self._entries.popitem(last=False)


def parse(items):
    """Valid ballots in arrival order, and the indexes of the items that are not ballots."""
    ballots, refused = [], []
    for index, item in enumerate(items):
        try:
            ballots.append(load_or_raise(_ballot, item))
        except Exception:
            refused.append(index)
    return ballots, refused


def recorded_events(changed, tallies):
    """One event per topic for the answers of a batch that changed (a new time alone is no
    change), with the tallies after the batch; the correlation id of the request when all its
    answers came from one."""
    per_topic = defaultdict(list)
    for ballot, previous in changed:
        if ballot["choice"] != previous:
            per_topic[ballot["topic_id"]].append((ballot, previous))
    events = []
    for topic_id, answers in per_topic.items():
        correlation_ids = {ballot.get("correlation_id") for ballot, _ in answers}
        events.append((topic_id, {
            "topic_id": topic_id,
            "responses": [{"statement_id": ballot["statement_id"], "choice": ballot["choice"], "previous_choice": previous,
                           "correlation_id": ballot.get("correlation_id")} for ballot, previous in answers],
            "tallies": {ballot["statement_id"]: domain.tally_of(tallies[ballot["statement_id"]]) for ballot, _ in answers},
        }, correlation_ids.pop() if len(correlation_ids) == 1 else None))
    return events


def apply_ballots(uow, cache, ballots):
    """Count the ballots (per citizen and statement the one cast last wins); returns statement id
    -> tally after the batch for every statement in it."""
    final = {}
    for ballot in ballots:
        key = (ballot["statement_id"], ballot["account_id"])
        if key not in final or ballot["cast_at"] >= final[key]["cast_at"]:
            final[key] = ballot
    topic_of = {statement_id: ballot["topic_id"] for (statement_id, _), ballot in final.items()}
    statement_ids = set(topic_of)

    def txn(session):
        stored = repo.tallies_of(uow.db, set(topic_of.values()), session)
        answers = {}
        for statement_id in statement_ids:
            version = (stored.get(statement_id) or {}).get("version", 0)
            answers[statement_id] = cache.get(statement_id, version)
            if answers[statement_id] is None:
                answers[statement_id] = repo.answers_of(uow.db, statement_id, session)
        changed = {}
        deltas = defaultdict(lambda: defaultdict(int))
        for (statement_id, account_id), ballot in final.items():  # one ballot per key: no need to see the batch's own
            previous, previous_cast_at = answers[statement_id].get(account_id, (None, ""))
            if ballot["cast_at"] <= previous_cast_at:
                continue  # an older ballot (or the same one again): the stored answer stands
            for choice, by in domain.tally_change(previous, ballot["choice"]).items():
                deltas[statement_id][choice] += by
            changed[(statement_id, account_id)] = (ballot, previous)
        tallies = {}
        if changed:
            repo.save_answers(uow.db, session, [b for b, previous in changed.values() if previous is None],
                              [b for b, previous in changed.values() if previous is not None])
            tallies = repo.apply_tallies(uow.db, session, {
                statement_id: (topic_of[statement_id], {k: v for k, v in deltas[statement_id].items() if v})
                for statement_id in {b["statement_id"] for b, _ in changed.values()}}, stored)
            uow.emit_many(session, STATEMENT_RESPONSE_RECORDED, recorded_events(changed.values(), tallies))
        for statement_id in statement_ids - set(tallies):
            tallies[statement_id] = stored.get(statement_id)
        return answers, changed, tallies

    try:
        answers, changed, tallies = uow.transaction(txn)
    except Exception:
        cache.forget(statement_ids)  # whatever went wrong, the next try reads the stored answers
        raise
    for (statement_id, account_id), (ballot, _) in changed.items():
        answers[statement_id][account_id] = (ballot["choice"], ballot["cast_at"])
    for statement_id, tally in tallies.items():
        cache.put(statement_id, (tally or {}).get("version", 0), answers[statement_id])
    return {statement_id: domain.tally_of(tally) for statement_id, tally in tallies.items()}
