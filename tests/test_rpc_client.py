"""The gateway's RPC client against the real broker, with a plain kombu consumer standing in for a
service that speaks nameko's RPC protocol: requests of many threads sent together each get their
own reply, a call nobody serves fails at once, and a broken connection is made again."""
import socket
import threading
import time
import uuid

import pytest
from kombu import Connection, Exchange, Producer, Queue

from meedenken_gateway.rpc import RpcClient, ServiceUnavailable

RPC_EXCHANGE = Exchange("nameko-rpc", type="topic", durable=True)


@pytest.fixture
def echo(broker_uri):
    """A service named ``echo-<random>`` whose method ``twice`` answers its argument doubled; it
    records the delivery mode of every request it takes."""
    name = f"echo-{uuid.uuid4().hex[:6]}"
    modes, stop, ready = [], threading.Event(), threading.Event()

    def serve():
        with Connection(broker_uri) as connection:
            channel = connection.channel()
            producer = Producer(channel)
            queue = Queue(f"rpc-{name}", exchange=RPC_EXCHANGE, routing_key=f"{name}.*", auto_delete=True)

            def answer(body, message):
                modes.append(message.properties.get("delivery_mode"))
                producer.publish({"result": body["args"][0] * 2, "error": None}, exchange=RPC_EXCHANGE,
                                 routing_key=message.properties["reply_to"],
                                 correlation_id=message.properties["correlation_id"], serializer="json")
                message.ack()

            with connection.Consumer(queue, callbacks=[answer], accept=["json"]):
                ready.set()
                while not stop.is_set():
                    try:
                        connection.drain_events(timeout=0.2)
                    except socket.timeout:
                        pass

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    assert ready.wait(10)
    yield name, modes
    stop.set()
    server.join(5)


@pytest.fixture
def client(broker_uri):
    rpc = RpcClient(broker_uri, timeout=5)
    yield rpc
    rpc.close()


def test_calls_of_many_threads_sent_together_each_get_their_own_reply(client, echo):
    name, modes = echo
    results = {}

    def caller(n):
        futures = [client.call_async(name, "twice", n * 10 + k) for k in range(3)]  # a page's calls at once
        results[n] = [client.result(name, future) for future in futures]

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == {n: [2 * (n * 10 + k) for k in range(3)] for n in range(20)}
    assert client._pending == {}
    # requests are transient: the broker confirms them without writing them to disk
    assert set(modes) == {1} and len(modes) == 60


def test_a_call_to_a_service_nobody_serves_fails_at_once(client):
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="no instance of the service is running"):
        client.call(f"nobody-{uuid.uuid4().hex[:6]}", "anything")
    assert time.monotonic() - started < client.timeout  # told by the broker, not by waiting for a reply
    assert client._pending == {}


def test_a_sender_whose_connection_broke_connects_again_for_the_next_call(client, echo):
    name, _ = echo
    assert client.call(name, "twice", 1) == 2
    client._sender.publisher._connection.connection.transport.sock.shutdown(socket.SHUT_RDWR)  # as when the broker drops it
    assert client.call(name, "twice", 2) == 4
