"""meedenken_gateway.ratelimit against the session's database server: the count is shared by
every process that uses the same database, per key and window, and the hit over the limit says
when to try again."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from pymongo import MongoClient

from meedenken_gateway.problems import Problem
from meedenken_gateway.ratelimit import BatchedRateLimit, LocalCounts, RateLimit, ensure_indexes


@pytest.fixture(scope="module")
def db(mongo_uri):
    database = MongoClient(mongo_uri)[f"ratelimit_{uuid.uuid4().hex[:6]}"]
    ensure_indexes(database)
    return database


def test_the_hit_over_the_limit_is_refused_with_retry_after(db):
    limit = RateLimit("test", limit=2, window_seconds=60)
    now = datetime(2026, 11, 25, 12, 0, 10, tzinfo=timezone.utc)
    limit.hit(db, "a", now)
    limit.hit(db, "a", now)
    limit.hit(db, "b", now)  # another key counts apart
    with pytest.raises(Problem) as refused:
        limit.hit(db, "a", now + timedelta(seconds=5))
    assert refused.value.status == 429 and refused.value.headers == {"Retry-After": "45"}


def test_a_new_window_starts_afresh(db):
    limit = RateLimit("fresh", limit=1, window_seconds=60)
    now = datetime(2026, 11, 25, 12, 0, 59, tzinfo=timezone.utc)
    limit.hit(db, "a", now)
    limit.hit(db, "a", now + timedelta(seconds=1))
    assert db.rate_limits.count_documents({"_id": {"$regex": "^fresh:a:"}}) == 2


def test_batched_counts_are_shared_at_each_flush(db):
    ends = datetime.now(timezone.utc) + timedelta(minutes=1)
    first, second = LocalCounts(flush_seconds=3600), LocalCounts(flush_seconds=3600)  # two processes, flushed by hand
    assert [first.admit(db, "shared", 3, ends) for _ in range(4)] == [True, True, True, False]  # alone: the limit
    assert second.admit(db, "shared", 3, ends)  # it has not heard of the first's hits yet
    first.flush(db)
    second.flush(db)
    assert db.rate_limits.find_one({"_id": "shared"})["hits"] == 4  # every admitted hit is counted
    assert not second.admit(db, "shared", 3, ends)
    first.flush(db)  # nothing new of its own, but a flush of other keys ...
    assert first.admit(db, "other", 3, ends)
    first.flush(db)
    assert not first.admit(db, "shared", 3, ends)  # ... and its own last reading keep it refused
    assert db.rate_limits.find_one({"_id": "shared"})["hits"] == 4  # refusals are not counted


def test_a_batched_limit_refuses_with_retry_after(db):
    limit = BatchedRateLimit(f"batched-{uuid.uuid4().hex[:6]}", limit=1, window_seconds=60)
    now = datetime(2026, 11, 25, 12, 0, 20, tzinfo=timezone.utc)
    limit.hit(db, "a", now)
    with pytest.raises(Problem) as refused:
        limit.hit(db, "a", now)
    assert refused.value.status == 429 and refused.value.headers == {"Retry-After": "40"}
