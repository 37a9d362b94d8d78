"""A topic's follower count, against the real Mongo-wire server: kept in shards so that two citizens
following a busy topic at the same time do not make each other's transaction start again, and
summed exactly (with the single document of counts kept before the shards)."""
import threading
import zlib

import pytest
from bson import ObjectId
from pymongo.errors import OperationFailure

from meedenken_notifications import repository as repo
from meedenken_notifications import usecases


@pytest.fixture
def uow(notifications_uow):
    return notifications_uow


def shard_of(account_id):
    return zlib.crc32(account_id.encode()) % repo.FOLLOW_COUNT_SHARDS


def test_two_follows_of_one_topic_at_the_same_time_do_not_conflict(uow):
    topic_id = str(ObjectId())
    first = str(ObjectId())
    second = next(a for a in (str(ObjectId()) for _ in range(100)) if shard_of(a) != shard_of(first))
    usecases.follow(uow, {"topic_id": str(ObjectId()), "account_id": first})  # the collections exist
    with uow.client.start_session() as one, uow.client.start_session() as other:
        one.start_transaction()
        assert repo.add_follow(uow.db, one, topic_id, first)
        other.start_transaction()
        try:  # with one counter document this write conflicts with the uncommitted one above
            assert repo.add_follow(uow.db, other, topic_id, second)
        except OperationFailure as conflict:
            pytest.fail(f"the second follow conflicted with the first: {conflict}")
        one.commit_transaction()
        other.commit_transaction()
    assert repo.follower_count(uow.db, topic_id) == 2


def test_many_citizens_follow_and_unfollow_at_once_and_the_count_is_exact(uow):
    topic_id, elsewhere = str(ObjectId()), str(ObjectId())
    accounts = [str(ObjectId()) for _ in range(48)]
    usecases.follow(uow, {"topic_id": elsewhere, "account_id": accounts[0]})

    def follow(part):
        for account_id in part:
            assert usecases.follow(uow, {"topic_id": topic_id, "account_id": account_id})["following"]
    threads = [threading.Thread(target=follow, args=(accounts[n::8],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert repo.follower_count(uow.db, topic_id) == 48
    assert uow.db.follow_counts.count_documents({}) > 2  # spread over shards
    assert usecases.follow(uow, {"topic_id": topic_id, "account_id": accounts[1]})["follower_count"] == 48  # again
    for account_id in accounts[:10]:
        usecases.unfollow(uow, {"topic_id": topic_id, "account_id": account_id})
    info = usecases.follow_info(uow, {"topic_id": topic_id, "account_id": accounts[0]})
    assert info == {"follower_count": 38, "following": False}
    assert repo.follower_count(uow.db, elsewhere) == 1


def test_counts_kept_before_the_shards_still_add_up(uow):
    topic_id = str(ObjectId())
    earlier = [str(ObjectId()) for _ in range(3)]
    for account_id in earlier:  # how follows were counted before: one document per topic
        uow.db.follows.insert_one({"_id": repo.follow_key(topic_id, account_id), "topic_id": topic_id,
                                   "account_id": account_id, "at": repo.now()})
    uow.db.follow_counts.insert_one({"_id": topic_id, "followers": 3})
    usecases.follow(uow, {"topic_id": topic_id, "account_id": str(ObjectId())})
    assert repo.follower_count(uow.db, topic_id) == 4
    usecases.unfollow(uow, {"topic_id": topic_id, "account_id": earlier[0]})
    uow.transaction(lambda session: repo.forget_follows(uow.db, session, earlier[1]))
    assert repo.follower_count(uow.db, topic_id) == 2
