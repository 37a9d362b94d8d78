"""The services' RPC replies (nameko's Responder with the kit's ReplyPublisher) against the real
broker: they go over one connection the process keeps, say what was answered (typed values
included), and a broken connection is made again for the next reply."""
import socket
import time
import uuid
from datetime import datetime, timezone

import pytest
from kombu import Connection, Exchange, Queue
from nameko.rpc import Responder

from meedenken_kit.consumers import ReplyPublisher

RPC_EXCHANGE = Exchange("nameko-rpc", type="topic", durable=True)


@pytest.fixture
def reply_queue(broker_uri):
    """A caller's reply queue; yields (connection, queue)."""
    name = f"rpc.reply-test-{uuid.uuid4().hex[:8]}"
    with Connection(broker_uri) as connection:
        queue = Queue(name, exchange=RPC_EXCHANGE, routing_key=name, auto_delete=False)
        queue(connection.channel()).declare()
        yield connection, queue
        queue(connection.channel()).delete()


class Request:
    def __init__(self, reply_to, correlation_id):
        self.properties = {"content_type": "application/json", "reply_to": reply_to, "correlation_id": correlation_id}


def answer(broker_uri, queue, correlation_id, result):
    return Responder(broker_uri, RPC_EXCHANGE, Request(queue.name, correlation_id)).send_response(result, None)


def replies(connection, queue, count, timeout=10):
    got = []

    def take(body, message):
        got.append((message.properties["correlation_id"], body))
        message.ack()

    with connection.Consumer(queue, callbacks=[take], accept=["json"]):
        deadline = time.monotonic() + timeout
        while len(got) < count and time.monotonic() < deadline:
            try:
                connection.drain_events(timeout=0.2)
            except socket.timeout:
                pass
    return got


def kept_connections(broker_uri):
    return [connection for (uri, _, _), (connection, _) in ReplyPublisher._connections.items() if uri == broker_uri]


def test_replies_go_over_one_kept_connection_and_say_what_was_answered(broker_uri, reply_queue):
    connection, queue = reply_queue
    when = datetime(2026, 11, 26, 20, 0, tzinfo=timezone.utc)
    for n in range(3):
        result = {"n": n, "title": "Ærø aan zee", "closes_at": when}
        assert answer(broker_uri, queue, f"call-{n}", result) == (result, None)
    assert replies(connection, queue, 3) == [
        (f"call-{n}", {"result": {"n": n, "title": "Ærø aan zee", "closes_at": when}, "error": None}) for n in range(3)]
    assert len(kept_connections(broker_uri)) == 1


def test_a_broken_reply_connection_is_made_again_for_the_next_reply(broker_uri, reply_queue):
    connection, queue = reply_queue
    answer(broker_uri, queue, "before", {"n": 1})
    [broken] = kept_connections(broker_uri)
    broken.connection.sock.shutdown(socket.SHUT_RDWR)
    answer(broker_uri, queue, "after", {"n": 2})
    assert replies(connection, queue, 2) == [("before", {"result": {"n": 1}, "error": None}),
                                             ("after", {"result": {"n": 2}, "error": None})]
    [kept] = kept_connections(broker_uri)
    assert kept is not broken


def test_a_reply_the_broker_cannot_take_is_lost_not_the_service(reply_queue):
    _, queue = reply_queue
    nowhere = f"amqp://guest:guest@127.0.0.1:{_free_port()}/"
    assert answer(nowhere, queue, "lost", {"n": 1}) == ({"n": 1}, None)  # logged; the caller times out


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
