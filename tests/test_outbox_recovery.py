"""A state change and its event are never separated by a crash: what a process committed with its
outbox entry, and then died before publishing, is published by any other relay of the service."""
import uuid
from datetime import datetime, timezone
from types import SimpleNamespace

from bson import ObjectId
from pymongo import MongoClient, monitoring

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
        # and, once the broker confirmed it, it leaves the outbox (which keeps only what is unpublished)
        assert eventually(lambda: outbox.find_one({"_id": entry_id}) is None)


def relay_fixture(mongo_uri, amqp_uri, **client_options):
    from meedenken_kit.outbox import OutboxRelay, ensure_outbox_indexes
    client = MongoClient(mongo_uri, **client_options)
    db = client[f"outbox-relay-{uuid.uuid4().hex[:6]}"]
    ensure_outbox_indexes(db)
    return client, db, OutboxRelay(db, "outboxtest", amqp_uri)


def test_the_relay_publishes_pending_and_abandoned_entries_then_deletes_them_and_leaves_live_claims(
        mongo_uri, broker_uri):
    from datetime import timedelta
    from kombu import Connection, Queue
    from meedenken_kit.outbox import add_events, event_exchange
    client, db, relay = relay_fixture(mongo_uri, broker_uri)
    events = [new_event("outboxtest", "thing.happened.v1", str(n), {"n": n}) for n in range(4)]
    add_events(db, None, events[:2])                                  # committed, not yet published
    now = datetime.now(timezone.utc)
    db.outbox.insert_one({"_id": ObjectId(), "state": "claimed", "claim": "dead", "event": events[2],
                          "claimed_at": now - timedelta(minutes=5)})  # its relay died mid-round
    live = db.outbox.insert_one({"_id": ObjectId(), "state": "claimed", "claim": "busy", "event": events[3],
                                 "claimed_at": now}).inserted_id       # another relay is publishing it now
    with Connection(broker_uri) as connection:
        queue = Queue(f"outboxtest-{uuid.uuid4().hex[:6]}", exchange=event_exchange("outboxtest"),
                      routing_key="#", auto_delete=True)
        with connection.SimpleQueue(queue) as received:
            assert relay.publish_pending() == 2 and relay.publish_pending() == 0  # entries: one holds two events
            ids = [received.get(timeout=5).payload["id"] for _ in range(3)]
            assert ids == [e["id"] for e in events[:3]]
            assert [e["_id"] for e in db.outbox.find()] == [live]
    relay._close()
    client.drop_database(db.name)
    client.close()


def test_when_the_broker_cannot_be_reached_the_claimed_entries_are_pending_again_at_once(mongo_uri):
    from meedenken_kit.outbox import add_event
    client, db, relay = relay_fixture(mongo_uri, "amqp://guest:guest@127.0.0.1:1/")
    add_event(db, None, new_event("outboxtest", "thing.happened.v1", "x", {}))
    try:
        relay.publish_pending()
    except Exception:
        pass
    else:
        raise AssertionError("publishing without a broker fails")
    assert [e["state"] for e in db.outbox.find()] == ["pending"]
    client.drop_database(db.name)
    client.close()


def test_a_worker_that_added_events_has_the_relay_look_at_once_and_a_reading_worker_does_not(mongo_uri, broker_uri):
    from meedenken_kit.store import Store
    client, db, relay = relay_fixture(mongo_uri, broker_uri)
    store = Store()
    store.container = SimpleNamespace(service_name="outboxtest")
    store.client, store.db, store.relay, store._units = client, db, relay, {}
    reading, writing = object(), object()
    store.get_dependency(reading).db.outbox.find_one({})
    unit = store.get_dependency(writing)
    unit.transaction(lambda session: unit.emit(session, "thing.happened.v1", "1", {"n": 1}))
    store.worker_teardown(reading)
    assert not relay._wake.is_set()
    store.worker_teardown(writing)
    assert relay._wake.is_set() and store._units == {}
    assert relay.publish_pending() == 1
    relay._close()
    client.drop_database(db.name)
    client.close()


class Commands(monitoring.CommandListener):
    """The database commands a client sent (name, collection), for counting what a round costs."""

    def __init__(self):
        self.sent = []

    def started(self, event):
        self.sent.append((event.command_name, event.command.get(event.command_name)))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def test_a_relay_round_costs_three_database_commands_and_an_idle_look_one(mongo_uri, broker_uri):
    from meedenken_kit.outbox import add_event
    commands = Commands()
    client, db, relay = relay_fixture(mongo_uri, broker_uri, event_listeners=[commands])
    relay.release_stale_claims(datetime.now(timezone.utc))  # looked for once in a while, not every round
    add_event(db, None, new_event("outboxtest", "thing.happened.v1", "1", {"n": 1}))
    commands.sent.clear()
    assert relay.publish_pending() == 1
    assert commands.sent == [("find", "outbox"), ("update", "outbox"), ("delete", "outbox")]
    commands.sent.clear()
    assert relay.publish_pending() == 0
    assert commands.sent == [("find", "outbox")]
    relay._close()
    client.drop_database(db.name)
    client.close()


def test_a_relay_publishes_only_the_entries_it_claimed_when_another_relay_took_some_meanwhile(mongo_uri, broker_uri):
    from kombu import Connection, Queue
    from meedenken_kit.outbox import add_event, event_exchange
    client, db, relay = relay_fixture(mongo_uri, broker_uri)
    events = [new_event("outboxtest", "thing.happened.v1", str(n), {"n": n}) for n in range(3)]
    for event in events:
        add_event(db, None, event)
    outbox = db.outbox

    class Racing:
        """The outbox, with another relay claiming the second entry between this relay's read and claim."""
        def __getattr__(self, name):
            return getattr(outbox, name)

        def update_many(self, query, change, **kwargs):
            if "$in" in str(query.get("_id")):
                second = outbox.find().sort("_id", 1).skip(1).limit(1).next()["_id"]
                outbox.update_one({"_id": second}, {"$set": {"state": "claimed", "claim": "other",
                                                             "claimed_at": datetime.now(timezone.utc)}})
            return outbox.update_many(query, change, **kwargs)

    relay.db = SimpleNamespace(outbox=Racing())
    with Connection(broker_uri) as connection:
        queue = Queue(f"outboxtest-{uuid.uuid4().hex[:6]}", exchange=event_exchange("outboxtest"),
                      routing_key="#", auto_delete=True)
        with connection.SimpleQueue(queue) as received:
            assert relay.publish_pending() == 2
            assert [received.get(timeout=5).payload["id"] for _ in range(2)] == [events[0]["id"], events[2]["id"]]
            assert [(e["claim"], e["event"]["id"]) for e in outbox.find()] == [("other", events[1]["id"])]
    relay._close()
    client.drop_database(db.name)
    client.close()


def test_a_woken_relay_goes_on_while_it_publishes_full_batches_and_then_waits(mongo_uri, broker_uri):
    import threading
    from meedenken_kit.outbox import BATCH, add_event
    client, db, relay = relay_fixture(mongo_uri, broker_uri)
    relay.poll_seconds = 600  # only a wake, or a full batch just published, makes it look again
    for n in range(BATCH + 3):
        add_event(db, None, new_event("outboxtest", "thing.happened.v1", str(n), {"n": n}))
    stop = threading.Event()
    running = threading.Thread(target=relay.run, args=(stop,))
    running.start()
    try:
        assert eventually(lambda: db.outbox.count_documents({}) == 0, timeout=60)
        add_event(db, None, new_event("outboxtest", "thing.happened.v1", "late", {}))
        relay.wake()  # what a worker that committed events does
        assert eventually(lambda: db.outbox.count_documents({}) == 0, timeout=20)
    finally:
        stop.set()
        relay.wake()
        running.join(timeout=10)
    client.drop_database(db.name)
    client.close()


def test_held_entries_wait_for_their_release(mongo_uri, broker_uri):
    from kombu import Connection, Queue
    from prometheus_client import REGISTRY
    from meedenken_kit.outbox import add_events, event_exchange, release
    client, db, relay = relay_fixture(mongo_uri, broker_uri)
    events = [new_event("outboxtest", "thing.happened.v1", str(n), {"n": n}) for n in range(3)]
    add_events(db, None, events[:1], hold="fan-out-1")
    add_events(db, None, events[1:2], hold="fan-out-2")

    def backlog():
        relay.report_backlog(force=True)
        return [REGISTRY.get_sample_value(f"meedenken_outbox_{state}", {"service": "outboxtest"})
                for state in ("pending", "held")]
    assert backlog() == [0, 2]
    with Connection(broker_uri) as connection:
        queue = Queue(f"outboxtest-{uuid.uuid4().hex[:6]}", exchange=event_exchange("outboxtest"),
                      routing_key="#", auto_delete=True)
        with connection.SimpleQueue(queue) as received:
            assert relay.publish_pending() == 0
            release(db, None, "fan-out-1")
            add_events(db, None, events[2:])
            assert relay.publish_pending() == 2
            assert [received.get(timeout=5).payload["id"] for _ in range(2)] == [events[0]["id"], events[2]["id"]]
            assert [(e["state"], e["hold"]) for e in db.outbox.find()] == [("held", "fan-out-2")]
            assert backlog() == [0, 1]
    relay._close()
    client.drop_database(db.name)
    client.close()
