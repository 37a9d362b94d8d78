"""Many citizens contributing to one topic at the same moment, against the real Mongo-wire server:
every reaction, statement and solution counts the topic's counters in the same transaction, so
the topics service lets its own contributions to one topic wait for each other instead of
conflicting on the topic document and starting their transactions over."""
import threading

import pytest
from bson import ObjectId
from pymongo import monitoring

from meedenken_topics import repository as repo
from meedenken_topics import usecases

WRITE_CONFLICT = 112


class Conflicts(monitoring.CommandListener):
    def __init__(self):
        self.count = 0

    def started(self, event):
        pass

    def succeeded(self, event):
        pass

    def failed(self, event):
        if event.failure.get("code") == WRITE_CONFLICT:
            self.count += 1


@pytest.fixture
def topics(service_uow):
    conflicts = Conflicts()
    return service_uow(repo, "topics", event_listeners=[conflicts]), conflicts


def test_contributions_to_one_topic_at_once_are_all_counted_without_a_conflict(topics):
    uow, conflicts = topics
    at = repo.now()
    topic_id = str(ObjectId())
    uow.db.topics.insert_one({"_id": topic_id, "org": "drukte", "title": "Het plein", "summary": "Wat wilt u?",
                              "phase": "co_create", "author_id": "f" * 24, "created_at": at, "updated_at": at,
                              "last_activity_at": at, "statement_count": 0, "reaction_count": 0})
    failures = []

    def contribute(n):
        actor = {"id": f"{n:024x}", "name": f"Inwoner {n}", "roles": {}}
        try:
            for k in range(4):
                usecases.post_reaction(uow, actor, topic_id, {"body": f"Reactie {k} van {n}."})
            usecases.add_statement(uow, actor, topic_id, {"text": f"Stelling van {n}."})
            usecases.propose_solution(uow, actor, topic_id, {"title": f"Idee {n}", "body": "Een bankje bij de vijver."})
        except Exception as exc:  # shown below: an assert in a thread would pass silently
            failures.append(exc)
    threads = [threading.Thread(target=contribute, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    topic = uow.db.topics.find_one({"_id": topic_id})
    assert (topic["reaction_count"], topic["solution_count"]) == (32, 8)
    assert uow.db.reactions.count_documents({"topic_id": topic_id}) == 32
    assert uow.db.statements.count_documents({"topic_id": topic_id, "status": "pending"}) == 8
    assert topic["content_version"] == 32 + 8 + 8  # each contribution once, none lost
    assert conflicts.count == 0
