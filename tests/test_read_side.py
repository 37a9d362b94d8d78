"""The read side of a busy topic, against the real Mongo-wire server (no platform needed): the
reactions page costs two queries whatever its number of threads, a topic's content copies are
served only while its content version is unchanged, and the inbox keeps one index so a fan-out
to every follower writes less."""
import threading

import pytest
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, MongoClient, monitoring

from meedenken_notifications import repository as notifications_repo
from meedenken_topics import repository as topics_repo
from meedenken_topics.content import TopicContent


class Commands(monitoring.CommandListener):
    """Counts the commands the client sends while ``watching`` (per command name)."""

    def __init__(self):
        self.counts, self.watching = {}, False
        self._lock = threading.Lock()

    def started(self, event):
        if self.watching:
            with self._lock:
                self.counts[event.command_name] = self.counts.get(event.command_name, 0) + 1

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


@pytest.fixture(scope="module")
def commands():
    return Commands()


@pytest.fixture(scope="module")
def db(mongo_uri, commands):
    client = MongoClient(mongo_uri, event_listeners=[commands])
    name = f"read_side_{ObjectId()}"
    yield client[name]
    client.drop_database(name)
    client.close()


def reaction(topic_id, parent_id=None, _id=None):
    return {"_id": _id or str(ObjectId()), "topic_id": topic_id, "org": "o", "parent_id": parent_id, "body": "b",
            "author_id": "a" * 24, "author_name": "A", "official_answer": False, "reply_count": 0,
            "answered_by_official": False, "hidden": None}


def post(db, topic_id, parent_id=None, _id=None):
    """What post_reaction writes (its transaction aside)."""
    doc = reaction(topic_id, parent_id, _id)
    db.reactions.insert_one(doc)
    if parent_id:
        topics_repo.add_reply(db, None, parent_id, doc["_id"])
    return doc["_id"]


def test_a_reaction_page_takes_two_queries_whatever_its_number_of_threads(db, commands):
    topics_repo.ensure_indexes(db)
    topic_id = str(ObjectId())
    threads = [post(db, topic_id) for _ in range(25)]
    replies = {thread: [post(db, topic_id, thread) for _ in range(n % 6)] for n, thread in enumerate(threads)}
    commands.counts.clear()
    commands.watching = True
    page, cursor = topics_repo.reaction_page(db, topic_id, limit=20)
    commands.watching = False
    assert commands.counts == {"find": 2}
    assert [t["_id"] for t in page] == threads[:20] and cursor == threads[19]
    assert {t["_id"]: [r["_id"] for r in t["replies"]] for t in page} == {t: replies[t][:3] for t in threads[:20]}
    assert all(t["reply_count"] == len(replies[t["_id"]]) for t in page)
    rest, cursor = topics_repo.reaction_page(db, topic_id, after=cursor, limit=20)
    assert [t["_id"] for t in rest] == threads[20:] and cursor is None


def test_a_thread_keeps_its_oldest_replies_when_they_are_committed_out_of_order(db):
    topic_id = str(ObjectId())
    thread = post(db, topic_id)
    ids = sorted(str(ObjectId()) for _ in range(5))
    for reply_id in (ids[4], ids[2], ids[3], ids[0], ids[1]):  # concurrent replies commit in any order
        post(db, topic_id, thread, reply_id)
    page, _ = topics_repo.reaction_page(db, topic_id)
    assert [r["_id"] for r in page[0]["replies"]] == ids[:3] and page[0]["reply_count"] == 5


def test_threads_stored_before_they_kept_their_first_replies_get_them_at_start(db):
    topic_id = str(ObjectId())
    thread = reaction(topic_id)
    thread["reply_count"] = 4
    db.reactions.insert_one(thread)
    replies = sorted(str(ObjectId()) for _ in range(4))
    db.reactions.insert_many([reaction(topic_id, thread["_id"], r) for r in replies])
    topics_repo.ensure_indexes(db)
    topics_repo.ensure_indexes(db)  # idempotent
    page, _ = topics_repo.reaction_page(db, topic_id)
    assert [r["_id"] for r in page[0]["replies"]] == replies[:3]


def test_a_topic_content_copy_is_served_only_while_the_content_version_is_unchanged(db):
    topic_id = str(ObjectId())
    db.topics.insert_one({"_id": topic_id, "reaction_count": 0})
    content, loads = TopicContent(), []

    def page():
        topic = db.topics.find_one({"_id": topic_id})
        return content.get_or_load(topic, "reactions", lambda: loads.append(1) or topic["reaction_count"])

    assert page() == 0 and page() == 0 and len(loads) == 1
    topics_repo.topic_activity(db, None, topic_id, "reaction_count")  # a reaction is posted
    assert page() == 1 and len(loads) == 2
    topics_repo.content_changed(db, None, topic_id)  # e.g. one is hidden
    page()
    assert len(loads) == 3


def test_readers_of_a_part_being_loaded_wait_for_that_load():
    content, started, release, loads = TopicContent(), threading.Event(), threading.Event(), []

    def slow():
        loads.append(1)
        started.set()
        release.wait(30)
        return "page"

    topic = {"_id": "t", "content_version": 3}
    results = []
    first = threading.Thread(target=lambda: results.append(content.get_or_load(topic, "reactions", slow)))
    first.start()
    started.wait(30)
    second = threading.Thread(target=lambda: results.append(content.get_or_load(topic, "reactions", slow)))
    second.start()
    release.set()
    first.join(30)
    second.join(30)
    assert results == ["page", "page"] and len(loads) == 1
    assert content.get_or_load({"_id": "t", "content_version": 4}, "reactions", lambda: "newer") == "newer"


def test_the_content_copies_are_bounded():
    content = TopicContent(max_items=2)
    for n in range(3):
        content.get_or_load({"_id": f"t{n}"}, "statements", lambda: n)
    assert content.get_or_load({"_id": "t0"}, "statements", lambda: "reloaded") == "reloaded"
    assert content.get_or_load({"_id": "t2"}, "statements", lambda: "reloaded") == 2


def test_the_inbox_keeps_one_index_and_drops_the_unread_one_of_earlier_versions(db):
    db.notifications.create_index([("account_id", ASCENDING), ("read", ASCENDING)])
    notifications_repo.ensure_indexes(db)
    notifications_repo.ensure_indexes(db)
    keys = [index["key"] for index in db.notifications.index_information().values()]
    assert sorted(keys) == sorted([[("_id", 1)], [("account_id", ASCENDING), ("_id", DESCENDING)]])
