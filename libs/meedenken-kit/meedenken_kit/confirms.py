"""Publishing a batch of messages with publisher confirms, waiting for the broker once.

kombu's ``confirm_publish`` transport option waits for each message's confirm before the next is
sent; ``ConfirmedPublisher`` sends a whole batch back to back on one channel in confirm mode and
then waits until the broker confirmed every message of it (acks may come out of order, one ack
may confirm several). Used by the outbox relay and the gateway's RPC client.
"""
import time

from kombu import Connection, Producer

from . import fastjson

# the JSON of every message through orjson: every kit module that talks to the broker (consumers,
# partitioned, outbox) and the gateway's RPC client import this one
fastjson.install()


def release_quietly(connection):
    """Close a connection that may already be broken (what it raises then is of no use)."""
    if connection is not None:
        try:
            connection.release()
        except Exception:
            pass


class ConfirmedPublisher:
    """One connection, made when first needed and again after ``close()``. Not thread-safe: one
    thread publishes through it."""

    def __init__(self, amqp_uri, connect_timeout=5):
        self.amqp_uri = amqp_uri
        self.connect_timeout = connect_timeout
        self.unconfirmed = {}  # delivery tag -> position in the batch, until the broker confirmed it
        self._connection = None

    def publish_all(self, messages, timeout):
        """``messages``: ``(body, publish options)`` in order, each with a ``message_id``. Returns
        the message ids of those the broker returned (``mandatory`` ones nobody's queue took).
        Raises when the connection fails, the broker refuses one or does not confirm all in
        ``timeout`` seconds; ``unconfirmed`` then holds the positions of those it did not confirm."""
        self.unconfirmed = {position: position for position in range(len(messages))}  # none sent yet
        if self._connection is None:
            self._open()
        first_tag = self._published + 1
        self.unconfirmed = {first_tag + position: position for position in range(len(messages))}
        self._returned, self._nacked = set(), False
        for body, options in messages:
            self._producer.publish(body, **options)
            self._published += 1
        deadline = time.monotonic() + timeout
        while self.unconfirmed:
            if self._nacked:
                raise RuntimeError("the broker refused (nacked) a message")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the broker did not confirm the published messages in time")
            self._connection.drain_events(timeout=remaining)
        return self._returned

    def close(self):
        connection, self._connection = self._connection, None
        release_quietly(connection)

    def _open(self):
        connection = Connection(self.amqp_uri, connect_timeout=self.connect_timeout)
        connection.ensure_connection(max_retries=3)
        channel = connection.channel()
        channel.confirm_select()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        self._producer = Producer(channel, on_return=lambda exc, exchange, routing_key, message:
                                  self._returned.add(message.properties.get("message_id")))
        self._connection, self._published = connection, 0

    def _on_ack(self, delivery_tag, multiple):
        for tag in [tag for tag in self.unconfirmed if tag <= delivery_tag] if multiple else [delivery_tag]:
            self.unconfirmed.pop(tag, None)

    def _on_nack(self, delivery_tag, multiple):
        self._nacked = True
