"""meedenken_gateway.ratelimit against the session's database server: the count is shared by
every process that uses the same database, per key and window, and the hit over the limit says
when to try again."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from pymongo import MongoClient

from meedenken_gateway.problems import Problem
from meedenken_gateway.ratelimit import RateLimit, ensure_indexes


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
