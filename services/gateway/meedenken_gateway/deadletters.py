"""Operators' view of the dead-letter queue: list what is in it, replay messages to where they
came from (after fixing the cause), or drop them. Messages not chosen stay in the queue."""
import hashlib
import json

from kombu import Connection
from meedenken_kit.deadletter import DEAD_LETTER_QUEUE


def raw_body(message):
    return message.body if isinstance(message.body, bytes) else message.body.encode("utf-8")


def letter_id(message):
    """The message id when it has one, else a short hash of its body."""
    return message.properties.get("message_id") or hashlib.sha1(raw_body(message)).hexdigest()[:12]


def origin(message):
    death = (message.headers or {}).get("x-death") or [{}]
    first = death[0]
    return {"queue": first.get("queue"), "exchange": first.get("exchange"),
            "routing_key": (first.get("routing-keys") or [None])[0], "reason": first.get("reason"),
            "count": first.get("count")}


def _each(amqp_uri, decide):
    """Fetch every dead letter (unacknowledged); ``decide(message)`` returns "keep", "ack" or
    ("replay", exchange, routing key). Kept ones return to the queue when the connection closes."""
    done = []
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        queue = DEAD_LETTER_QUEUE(channel)
        queue.declare()
        waiting = queue.queue_declare(passive=True).message_count  # letters replayed now may come back
        producer = connection.Producer(connection.channel())
        for _ in range(waiting):
            message = queue.get(no_ack=False)
            if message is None:
                break
            action = decide(message)
            if action == "keep":
                continue
            if action != "ack":
                _, exchange, routing_key = action
                producer.publish(message.body, exchange=exchange or "", routing_key=routing_key, delivery_mode=2,
                                 content_type=message.content_type, content_encoding=message.content_encoding,
                                 message_id=message.properties.get("message_id"), declare=[],
                                 headers=message.headers)  # keeps x-death: how often it failed
            message.ack()
            done.append(message)
    return done


def list_letters(amqp_uri, limit=50):
    found = []

    def look(message):
        if len(found) < limit:
            try:
                body = json.loads(raw_body(message))
            except ValueError:
                body = raw_body(message)[:200].decode("utf-8", "replace")
            found.append({"id": letter_id(message), **origin(message), "body": body})
        return "keep"
    _each(amqp_uri, look)
    return found


def replay(amqp_uri, ids=None):
    """Publish the chosen letters (all when ``ids`` is None) to their original exchange again."""
    def choose(message):
        if ids is not None and letter_id(message) not in ids:
            return "keep"
        where = origin(message)
        return ("replay", where["exchange"], where["routing_key"])
    return [letter_id(m) for m in _each(amqp_uri, choose)]


def drop(amqp_uri, ids=None):
    return [letter_id(m) for m in _each(amqp_uri, lambda m: "ack" if ids is None or letter_id(m) in ids else "keep")]
