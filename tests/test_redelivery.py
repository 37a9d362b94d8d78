"""Consumers are idempotent: an event delivered again (a relay re-publishing after a crash, a
broker redelivery) changes nothing, because each handler records the CloudEvent id it applied in
the same transaction as its effect."""
import time

from kombu import Connection, Exchange

from conftest import eventually, platform_events


def test_a_redelivered_event_notifies_nobody_twice(journey, event_tap, broker_uri, api):
    alice = journey.tokens["alice"]
    before = eventually(lambda: api.get("/api/v1/me/notifications", token=alice).json()["items"])
    published = eventually(lambda: [e for e in platform_events(event_tap) if e["routing_key"] == "statement.published.v1"
                                    and e["body"]["data"]["topic_id"] == journey.ids["topic"]])
    with Connection(broker_uri, transport_options={"confirm_publish": True}) as connection:
        for event in published:
            connection.Producer().publish(event["body"], exchange=Exchange("topics.events", type="topic", durable=True),
                                          routing_key="statement.published.v1", serializer="json",
                                          message_id=event["body"]["id"])
    # a fresh event right after the duplicates: once its notification is there, the duplicates
    # (queued before it on the same queue) have been handled too
    marker = api.post(f"/api/v1/topics/{journey.ids['topic']}/statements", {"text": "Na de herhaling."},
                      token=journey.tokens["official"])
    assert marker.status_code == 201

    def marker_arrived():
        items = api.get("/api/v1/me/notifications", token=alice).json()["items"]
        return any("Na de herhaling" in n["title"] for n in items)
    eventually(marker_arrived)
    time.sleep(0.5)  # duplicates may be handled by a concurrent worker of the same queue
    after = api.get("/api/v1/me/notifications", token=alice).json()["items"]
    new = [n for n in after if n["id"] not in {b["id"] for b in before}]
    assert [n["type"] for n in new] == ["statement.published"] and "Na de herhaling" in new[0]["title"]
