"""The votes service's storage against the real database: tallies in one document per topic
(moved there from one document per statement at start), the answers to one statement, and the
in-memory answers a batch counts against."""
import uuid

import pytest
from pymongo import MongoClient
from pymongo.errors import OperationFailure

from meedenken_kit.store import UnitOfWork
from meedenken_votes import repository as repo
from meedenken_votes.ballots import AnswerCache, apply_ballots

T1, T2 = "a" * 24, "b" * 24
S1, S2, S3 = "1" * 24, "2" * 24, "3" * 24


@pytest.fixture
def db(mongo_uri):
    client = MongoClient(mongo_uri)
    database = client[f"votes-storage-{uuid.uuid4().hex[:6]}"]
    yield database
    client.drop_database(database.name)
    client.close()


def test_tallies_of_one_document_per_statement_are_moved_into_one_per_topic_once(db):
    db.tallies.insert_many([
        {"_id": S1, "topic_id": T1, "agree": 3, "pass": 1, "version": 4},
        {"_id": S2, "topic_id": T1, "disagree": 2, "version": 1},
        {"_id": S3, "topic_id": T2, "agree": 1, "version": 1}])
    repo.ensure_indexes(db)
    repo.ensure_indexes(db)  # a second start finds nothing to move
    assert "tallies" not in db.list_collection_names()
    assert repo.statement_tallies(db, T1) == {S1: {"agree": 3, "pass": 1, "version": 4},
                                              S2: {"disagree": 2, "version": 1}}
    assert repo.statement_tallies(db, T2) == {S3: {"agree": 1, "version": 1}}
    # counting goes on in the topic's document
    before = repo.tallies_of(db, {T1, T2})
    after = repo.apply_tallies(db, None, {S1: (T1, {"agree": 1}), S3: (T2, {}), "4" * 24: (T2, {"pass": 1})}, before)
    assert after == {S1: {"agree": 4, "pass": 1, "version": 5}, S3: {"agree": 1, "version": 2},
                     "4" * 24: {"pass": 1, "version": 1}}
    assert repo.tallies_of(db, {T1, T2}) == {**after, S2: {"disagree": 2, "version": 1}}


def test_the_answers_to_one_statement_are_exactly_its_own(db):
    ballots = [{"statement_id": statement, "topic_id": T1, "account_id": account, "choice": "agree", "cast_at": "t"}
               for statement in (S1, S2, S3) for account in ("c1", "c2")]
    repo.save_answers(db, None, ballots, [])
    assert repo.answers_of(db, S2) == {"c1": ("agree", "t"), "c2": ("agree", "t")}
    assert repo.answers_of(db, "4" * 24) == {}


def test_tallies_written_whole_never_overwrite_a_concurrent_batch(db):
    """apply_tallies writes each statement's tally after the batch (derived from what the same
    transaction read): when another batch changed it meanwhile, the write conflicts (a transient
    error: the batch is counted again on the new tallies) instead of overwriting that change."""
    db.topic_tallies.insert_one({"_id": T1, "statements": {S1: {"agree": 1, "version": 1}}})
    first, second = db.client.start_session(), db.client.start_session()
    first.start_transaction()
    second.start_transaction()
    seen_first, seen_second = repo.tallies_of(db, {T1}, first), repo.tallies_of(db, {T1}, second)
    repo.apply_tallies(db, second, {S1: (T1, {"agree": 1})}, seen_second)
    second.commit_transaction()
    with pytest.raises(OperationFailure) as conflict:
        repo.apply_tallies(db, first, {S1: (T1, {"disagree": 1})}, seen_first)
    assert conflict.value.has_error_label("TransientTransactionError")
    first.abort_transaction()
    assert repo.statement_tallies(db, T1) == {S1: {"agree": 2, "version": 2}}
    first.end_session()
    second.end_session()


class RetriedOnce(UnitOfWork):
    """Runs a transaction's work once and throws that attempt away (as after a transient write
    conflict), then runs it again for real."""

    def transaction(self, work):
        with self.client.start_session() as session:
            session.start_transaction()
            work(session)
            session.abort_transaction()
        return super().transaction(work)


def test_a_batch_tried_twice_counts_once_and_leaves_the_cached_answers_equal_to_the_stored_ones(db):
    cache = AnswerCache()

    def answer(account, choice, at):
        return {"ballot_id": f"{account}-{at}", "statement_id": S1, "topic_id": T1, "account_id": account,
                "choice": choice, "cast_at": f"2026-11-26T10:00:0{at}.000000Z"}

    first = apply_ballots(UnitOfWork(db.client, db, "votes"), cache, [answer("c1", "agree", 1), answer("c2", "disagree", 1)])
    assert first == {S1: {"agree": 1, "disagree": 1, "pass": 0}}
    # the second batch's first attempt is aborted: what it saw must not count as stored
    second = apply_ballots(RetriedOnce(db.client, db, "votes"), cache, [answer("c1", "disagree", 2), answer("c3", "pass", 2)])
    assert second == {S1: {"agree": 0, "disagree": 2, "pass": 1}}
    version = repo.statement_tallies(db, T1)[S1]["version"]
    assert cache.get(S1, version) == repo.answers_of(db, S1) == {
        "c1": ("disagree", "2026-11-26T10:00:02.000000Z"), "c2": ("disagree", "2026-11-26T10:00:01.000000Z"),
        "c3": ("pass", "2026-11-26T10:00:02.000000Z")}
    # a ballot seen before changes nothing, and the cache still answers for the stored version
    assert apply_ballots(UnitOfWork(db.client, db, "votes"), cache, [answer("c3", "pass", 2)]) == second
    assert repo.statement_tallies(db, T1)[S1]["version"] == version
