"""A bad event is dead-lettered, never silently dropped: a message that is no CloudEvent, and a
CloudEvent whose data a consumer cannot use, both end up in the ``meedenken.dead-letter`` queue
with RabbitMQ's record of the queue they came from."""
import json
import uuid

from kombu import Connection, Exchange, Queue

from conftest import INJECTED, eventually

DEAD_LETTERS = Queue("meedenken.dead-letter", exchange=Exchange("meedenken.dead-letter", type="topic", durable=True),
                     routing_key="#", durable=True)


def publish(broker_uri, source, routing_key, body):
    with Connection(broker_uri, transport_options={"confirm_publish": True}) as connection:
        producer = connection.Producer()
        producer.publish(body, exchange=Exchange(f"{source}.events", type="topic", durable=True),
                         routing_key=routing_key, serializer="json", delivery_mode=2,
                         headers={INJECTED: "dead-letter-test"})


def dead_letters(broker_uri):
    """Read every dead letter without taking it: unacknowledged, they return to the queue for
    operators when the connection closes."""
    found = []
    with Connection(broker_uri) as connection:
        queue = DEAD_LETTERS(connection.channel())
        queue.declare()
        while (message := queue.get(no_ack=False)) is not None:
            found.append((json.loads(message.body), message.headers))
    return found


def test_bad_events_go_to_the_dead_letter_queue(platform, broker_uri):
    marker = uuid.uuid4().hex
    publish(broker_uri, "topics", "statement.published.v1", {"not": "a cloudevent", "marker": marker})
    envelope = {"specversion": "1.0", "id": marker, "source": "/meedenken/topics",
                "type": "nl.meedenken.statement.published.v1", "time": "2026-11-25T08:00:00.000Z",
                "subject": "x", "datacontenttype": "application/json", "data": {"statement_id": "only this"}}
    publish(broker_uri, "topics", "statement.published.v1", envelope)
    publish(broker_uri, "votes", "agenda_proposal.threshold_reached.v1", {**envelope, "id": marker + "-votes",
            "source": "/meedenken/votes", "type": "nl.meedenken.agenda_proposal.threshold_reached.v1"})

    def arrived():
        letters = [(body, headers) for body, headers in dead_letters(broker_uri)
                   if marker in json.dumps(body)]
        return letters if len(letters) == 5 else None
    letters = eventually(arrived, timeout=30, interval=0.5)
    origins = sorted(headers["x-death"][0]["queue"] for _, headers in letters)
    assert origins == sorted([
        "evt-topics-statement.published.v1--notifications.on_statement_published",
        "evt-topics-statement.published.v1--notifications.on_statement_published",
        "evt-webhooks-org-events--notifications.on_org_event",  # the message that is no CloudEvent
        "evt-votes-agenda_proposal.threshold_reached.v1--notifications.on_threshold_reached",
        "evt-votes-agenda_proposal.threshold_reached.v1--topics.on_threshold_reached"])


def test_operators_list_replay_and_drop_dead_letters(platform, broker_uri, cli):
    marker = uuid.uuid4().hex
    envelope = {"specversion": "1.0", "id": marker, "source": "/meedenken/topics",
                "type": "nl.meedenken.reaction.posted.v1", "time": "2026-11-25T08:00:00.000Z",
                "subject": "x", "datacontenttype": "application/json", "data": {"reaction_id": "incomplete"}}
    publish(broker_uri, "topics", "reaction.posted.v1", envelope)

    def listed():
        out = cli("dlq", "list", "--limit", "1000")
        assert out.returncode == 0, out.stderr
        return [json.loads(line) for line in out.stdout.splitlines() if marker in line]
    letter = eventually(listed, timeout=30)[0]
    assert letter["queue"] == "evt-topics-reaction.posted.v1--notifications.on_reaction_posted"
    assert letter["count"] == 1 and letter["body"]["id"] == marker
    out = cli("dlq", "replay", "--id", letter["id"])
    assert out.returncode == 0 and "replay: 1 dead letter(s)" in out.stdout, out.stdout + out.stderr
    # replayed to its queue, it fails again (the data is still incomplete) and comes back, counted twice
    again = eventually(lambda: [entry for entry in listed() if entry["count"] == 2], timeout=30)
    assert again[0]["id"] == letter["id"]
    out = cli("dlq", "drop", "--id", letter["id"])
    assert out.returncode == 0 and "drop: 1 dead letter(s)" in out.stdout
    assert listed() == []
    assert cli("dlq", "drop").returncode != 0  # nothing named: refuses rather than dropping everything
