"""A thread-safe nameko-protocol RPC client that keeps its connections open.

nameko 3's standalone client opens a connection and declares a reply queue for every call
(~100 calls/s, stack-notes.md). This one keeps a few publishing connections (publisher confirms,
``mandatory`` so a call to a service nobody serves fails at once; a call waits for its confirm on
a connection of its own, so calls of several threads do not queue behind each other's confirms)
and one reply consumer thread per process, and hands replies to ``Future``s by correlation id, so
a page can send its calls at once and wait for all (``call_async``). It reconnects when the
broker drops it; calls whose replies were lost time out.

Each call carries the current request's correlation id (meedenken_kit.correlation) as nameko
context data, the AMQP header ``nameko.correlation_id``; the service's worker finds it in
``worker_ctx.context_data["correlation_id"]``. (The AMQP ``correlation_id`` property is another
thing: it pairs a reply with its request.)
"""
import queue
import threading
import uuid
from concurrent.futures import Future, TimeoutError as FutureTimeout

from kombu import Connection, Exchange, Producer, Queue
from meedenken_kit import correlation

from .consuming import consume


class RpcError(Exception):
    """Base of what a call can raise besides the remote service's own error."""


class ServiceUnavailable(RpcError):
    """No service answers: none is running, or the broker is away, or the reply timed out."""

    def __init__(self, service, reason):
        super().__init__(f"{service}: {reason}")
        self.service = service


class RemoteError(RpcError):
    """The service raised. ``exc_type`` is its class name (e.g. ``NotFound``), ``detail`` its
    message, ``errors`` the field errors of an ``InvalidInput``."""

    def __init__(self, service, exc_type, value, exc_args):
        super().__init__(f"{service}: {exc_type}: {value}")
        self.service = service
        self.exc_type = exc_type
        self.detail = value
        self.errors = exc_args[1] if len(exc_args) > 1 and isinstance(exc_args[1], dict) else {}


class _Publisher:
    """One confirmed publishing connection, used by one call at a time (made when first needed)."""

    def __init__(self, amqp_uri):
        self.amqp_uri = amqp_uri
        self.producer = None
        self.returned = []

    def publish(self, payload, **options):
        if self.producer is None:
            connection = Connection(self.amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=3)
            connection.ensure_connection(max_retries=2)
            self.producer = Producer(connection.channel(),
                                     on_return=lambda exc, exchange, routing_key, message: self.returned.append(routing_key))
        self.returned.clear()
        self.producer.publish(payload, **options)
        return not self.returned

    def drop(self):
        if self.producer is not None:
            try:
                self.producer.channel.connection.client.release()
            except Exception:
                pass
            self.producer = None


class RpcClient:
    PUBLISHERS = 4  # calls of a process waiting for their confirms at once

    def __init__(self, amqp_uri, timeout=10.0, exchange="nameko-rpc"):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self.exchange = Exchange(exchange, type="topic", durable=True)
        self.reply_to = f"rpc.reply-gateway-{uuid.uuid4().hex}"
        self._pending = {}
        self._pending_lock = threading.Lock()
        self._publishers = queue.LifoQueue()  # the most recently used first: few connections when calm
        for _ in range(self.PUBLISHERS):
            self._publishers.put(_Publisher(amqp_uri))
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._consumer = threading.Thread(target=self._consume_replies, name="rpc-replies", daemon=True)
        self._consumer.start()

    # calls ------------------------------------------------------------------------------------

    def call(self, service, method, *args, **kwargs):
        return self.result(service, self.call_async(service, method, *args, **kwargs))

    def call_async(self, service, method, *args, **kwargs):
        """Send the request now; ``result(service, future)`` waits for the answer."""
        if not self._listening.wait(self.timeout):
            raise ServiceUnavailable(service, "no connection to the message broker")
        correlation_id = uuid.uuid4().hex
        future = Future()
        with self._pending_lock:
            self._pending[correlation_id] = future
        try:
            self._publish(service, method, correlation_id, {"args": args, "kwargs": kwargs})
        except BaseException:
            with self._pending_lock:
                self._pending.pop(correlation_id, None)
            raise
        future.correlation_id = correlation_id
        return future

    def result(self, service, future):
        try:
            response = future.result(self.timeout)
        except FutureTimeout:
            with self._pending_lock:
                self._pending.pop(future.correlation_id, None)
            raise ServiceUnavailable(service, "no answer in time") from None
        error = response.get("error")
        if error:
            raise RemoteError(service, error.get("exc_type"), error.get("value"), error.get("exc_args") or [])
        return response.get("result")

    def _publish(self, service, method, correlation_id, payload):
        request_id = correlation.current()
        headers = {correlation.AMQP_HEADER: request_id} if request_id else {}
        publisher = self._publishers.get()
        try:
            routed = publisher.publish(payload, serializer="json", exchange=self.exchange,
                                       routing_key=f"{service}.{method}", reply_to=self.reply_to,
                                       correlation_id=correlation_id, headers=headers, mandatory=True, retry=True,
                                       retry_policy={"max_retries": 2, "interval_start": 0.1})
        except Exception as exc:
            publisher.drop()
            raise ServiceUnavailable(service, f"could not send the request ({exc})") from None
        finally:
            self._publishers.put(publisher)
        if not routed:
            raise ServiceUnavailable(service, "no instance of the service is running")

    # replies ----------------------------------------------------------------------------------

    def _consume_replies(self):
        consume(self.amqp_uri, self._stop, lambda: Queue(self.reply_to, exchange=self.exchange,
                                                         routing_key=self.reply_to, exclusive=True, auto_delete=True),
                self._on_reply, "rpc reply consumer", no_ack=True, on_connect=self._listening.set,
                on_disconnect=self._listening.clear, connect_timeout=3)

    def _on_reply(self, body, message):
        with self._pending_lock:
            future = self._pending.pop(message.properties.get("correlation_id"), None)
        if future is not None and not future.done():
            future.set_result(body if isinstance(body, dict) else {"error": {"exc_type": "BadReply"}})

    def close(self):
        self._stop.set()
        self._consumer.join(timeout=3)
        while True:  # a publisher that a call still holds is dropped with its process
            try:
                self._publishers.get_nowait().drop()
            except queue.Empty:
                break
