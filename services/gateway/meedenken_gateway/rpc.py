"""A thread-safe nameko-protocol RPC client that keeps its connections open.

nameko 3's standalone client opens a connection and declares a reply queue for every call
(~100 calls/s, stack-notes.md). This one keeps one sending thread and one reply consumer thread
per process, and hands replies to ``Future``s by correlation id, so a page can send its calls at
once and wait for all (``call_async``). The sender publishes every request waiting at that moment
back to back over one channel with publisher confirms and then waits for the broker once for all
of them (``mandatory``: a call to a service nobody serves fails at once): the calls of a page, and
of all requests in the process, go out together instead of each waiting for its own confirm
before the next is sent. Requests are transient: one that a broker restart loses cannot be
answered anyway (its reply queue goes with the connection), so the broker need not write it to
disk before confirming. It reconnects when the broker drops it; calls whose replies were lost
time out.

Each call carries the current request's correlation id (meedenken_kit.correlation) as nameko
context data, the AMQP header ``nameko.correlation_id``; the service's worker finds it in
``worker_ctx.context_data["correlation_id"]``. (The AMQP ``correlation_id`` property is another
thing: it pairs a reply with its request.)
"""
import logging
import threading
import uuid
from concurrent.futures import Future, InvalidStateError, TimeoutError as FutureTimeout

from kombu import Exchange, Queue
from meedenken_kit import correlation
from meedenken_kit.confirms import ConfirmedPublisher

from .consuming import consume

log = logging.getLogger(__name__)


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


def _fail(future, error):
    try:
        future.set_exception(error)
    except InvalidStateError:  # its reply came first
        pass


class _Sender:
    """Publishes the requests of every thread of the process from one thread, over one channel in
    confirm mode: all requests waiting when it wakes are sent back to back, then confirmed together.
    A request's ``Future`` fails with ``ServiceUnavailable`` when it cannot be sent; otherwise it
    is left for its reply."""

    RETRIES = 1  # what a broken connection left unconfirmed is sent again once, on a new connection

    def __init__(self, amqp_uri, exchange, timeout):
        self.exchange = exchange
        self.timeout = timeout
        self._waiting = []  # (service, future, body, options)
        self._wake = threading.Condition()
        self._thread = None
        self._closed = False
        self.publisher = ConfirmedPublisher(amqp_uri, connect_timeout=3)

    def send(self, service, future, body, options):
        with self._wake:
            if self._closed:
                raise ServiceUnavailable(service, "the client is closed")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="rpc-sender", daemon=True)
                self._thread.start()
            self._waiting.append((service, future, body, options))
            self._wake.notify()

    def close(self):
        with self._wake:
            self._closed = True
            self._wake.notify()

    def _run(self):
        while True:
            with self._wake:
                while not self._waiting and not self._closed:
                    self._wake.wait()
                burst, self._waiting = self._waiting, []
            if burst:
                try:
                    self._send(burst)
                except Exception as exc:  # the sender must go on: every call of the process goes through it
                    log.exception("rpc sender: a burst of %d requests failed", len(burst))
                    for service, future, _, _ in burst:
                        _fail(future, ServiceUnavailable(service, f"could not send the request ({exc})"))
            elif self._closed:
                self.publisher.close()
                return

    def _send(self, burst):
        for attempt in range(self.RETRIES + 1):
            try:
                unroutable = self.publisher.publish_all([
                    (body, {**options, "serializer": "json", "exchange": self.exchange, "mandatory": True,
                            "delivery_mode": 1, "message_id": future.correlation_id})
                    for _, future, body, options in burst], self.timeout)
            except Exception as exc:
                # what the broker confirmed went through (its reply comes as usual); the rest is sent
                # again on a new connection (as a publish that kombu retries would be)
                burst = [burst[position] for position in sorted(self.publisher.unconfirmed.values())]
                self.publisher.close()
                if attempt == self.RETRIES:
                    for service, future, _, _ in burst:
                        _fail(future, ServiceUnavailable(service, f"could not send the request ({exc})"))
                continue
            for service, future, _, _ in burst:
                if future.correlation_id in unroutable:
                    _fail(future, ServiceUnavailable(service, "no instance of the service is running"))
            return


class RpcClient:
    def __init__(self, amqp_uri, timeout=10.0, exchange="nameko-rpc"):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self.exchange = Exchange(exchange, type="topic", durable=True)
        self.reply_to = f"rpc.reply-gateway-{uuid.uuid4().hex}"
        self._pending = {}
        self._pending_lock = threading.Lock()
        self._sender = _Sender(amqp_uri, self.exchange, timeout)
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._consumer = threading.Thread(target=self._consume_replies, name="rpc-replies", daemon=True)
        self._consumer.start()

    # calls ------------------------------------------------------------------------------------

    def call(self, service, method, *args, **kwargs):
        return self.result(service, self.call_async(service, method, *args, **kwargs))

    def call_async(self, service, method, *args, **kwargs):
        """Hand the request to the sender; ``result(service, future)`` waits for the answer (or
        raises what kept the request from being sent)."""
        if not self._listening.wait(self.timeout):
            raise ServiceUnavailable(service, "no connection to the message broker")
        future = Future()
        future.correlation_id = uuid.uuid4().hex
        request_id = correlation.current()
        with self._pending_lock:
            self._pending[future.correlation_id] = future
        self._sender.send(service, future, {"args": args, "kwargs": kwargs}, {
            "routing_key": f"{service}.{method}", "reply_to": self.reply_to, "correlation_id": future.correlation_id,
            "headers": {correlation.AMQP_HEADER: request_id} if request_id else {}})
        return future

    def result(self, service, future):
        try:
            response = future.result(self.timeout)
        except FutureTimeout:
            raise ServiceUnavailable(service, "no answer in time") from None
        finally:  # answered (the reply consumer took it out), timed out or never sent: not pending
            with self._pending_lock:
                self._pending.pop(future.correlation_id, None)
        error = response.get("error")
        if error:
            raise RemoteError(service, error.get("exc_type"), error.get("value"), error.get("exc_args") or [])
        return response.get("result")

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
        self._sender.close()
        self._consumer.join(timeout=3)
