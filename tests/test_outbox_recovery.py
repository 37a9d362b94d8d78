"""A state change and its event are never separated by a crash: what a process committed with its
outbox entry, and then died before publishing, is published by any other relay of the service."""
import uuid

from bson import ObjectId
from pymongo import MongoClient

from conftest import eventually, platform_events
from meedenken_kit.envelope import new_event


def test_an_event_committed_by_a_process_that_died_is_still_published(platform, event_tap, journey):
    # what a topics process leaves behind when it is killed right after its commit: a pending entry
    marker = f"crashed-{uuid.uuid4().hex[:8]}"
    event = new_event("topics", "topic.updated.v1", journey.ids["topic"], {
        "topic_id": journey.ids["topic"], "org": journey.org, "title": marker, "changed": ["title"],
        "actor_id": journey.accounts["official"]["id"]})
    with MongoClient(platform.mongo_uri) as client:
        outbox = client[f"{platform.db_prefix}topics"].outbox
        entry_id = outbox.insert_one({"_id": ObjectId(), "state": "pending", "event": event}).inserted_id
        # the running topics service's relay finds it on its next look and publishes it, once
        published = eventually(lambda: [e for e in platform_events(event_tap) if e["body"]["id"] == event["id"]],
                               timeout=20)
        assert len(published) == 1 and published[0]["routing_key"] == "topic.updated.v1"
        assert eventually(lambda: outbox.find_one({"_id": entry_id})["state"] == "sent")
