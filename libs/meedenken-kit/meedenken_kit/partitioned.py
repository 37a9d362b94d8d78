"""Partitioned work queues for hot paths (casting votes).

A producer sends each item, durably and with publisher confirms, to one of N queues chosen by the
hash of a key (spreading the load over N broker queues). Every instance of the consuming service
consumes every queue, so instances compete for items and share the work; one that dies leaves its
unacknowledged items to the others. The consumer takes items in batches, hands a batch to the
service, and acknowledges it only after the service has committed it: an item a client was told is
recorded is never lost. Items may therefore arrive twice or out of order across instances; the
service makes applying them idempotent and order-independent (natural keys, last-cast-wins)."""
import logging
import socket
import threading
import time
import zlib

from kombu import Connection, Exchange, Producer, Queue

from .deadletter import dead_letter_arguments, declare_dead_letter_queue
from .mongo import is_transient

log = logging.getLogger(__name__)


class Unroutable(Exception):
    """The broker has no queue for the item (the topology was never declared)."""


class PartitionedQueue:
    def __init__(self, name, partitions):
        self.name = name
        self.partitions = partitions
        self.exchange = Exchange(name, type="direct", durable=True)

    def routing_key(self, key):
        return f"p{zlib.crc32(key.encode('utf-8')) % self.partitions}"

    def queues(self):
        return [Queue(f"{self.name}.p{n}", exchange=self.exchange, routing_key=f"p{n}", durable=True,
                      queue_arguments=dead_letter_arguments(f"{self.name}.p{n}"))
                for n in range(self.partitions)]

    def declare(self, channel):
        declare_dead_letter_queue(channel)
        self.exchange(channel).declare()
        for queue in self.queues():
            queue(channel).declare()


class PartitionPublisher:
    """Publishes items with confirms; one connection per thread (kombu channels are not
    thread-safe). ``publish`` returns once the broker has the item in its durable queue. With
    ``declare=False`` only the exchange is declared: the consuming service owns its queues, and
    an item for a queue that does not exist is refused (``Unroutable``), never silently dropped."""

    def __init__(self, amqp_uri, queue, declare=True):
        self.amqp_uri = amqp_uri
        self.queue = queue
        self.declare_queues = declare
        self._local = threading.local()
        self._declared = False
        self._lock = threading.Lock()
        self._connections = []

    def publish(self, key, body, message_id):
        producer, returned = self._producer()
        returned.clear()
        try:
            producer.publish(body, serializer="json", exchange=self.queue.exchange,
                             routing_key=self.queue.routing_key(key), delivery_mode=2, mandatory=True,
                             message_id=message_id, retry=True, retry_policy={"max_retries": 2})
        except Exception:
            self._drop()
            raise
        if returned:
            raise Unroutable(self.queue.name)

    def _producer(self):
        state = getattr(self._local, "state", None)
        if state is None:
            connection = Connection(self.amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=3)
            connection.ensure_connection(max_retries=2)
            channel = connection.channel()
            with self._lock:
                if not self._declared:
                    if self.declare_queues:
                        self.queue.declare(channel)
                    else:
                        self.queue.exchange(channel).declare()
                    self._declared = True
                self._connections.append(connection)
            returned = []
            producer = Producer(channel, on_return=lambda exc, exchange, routing_key, message: returned.append(routing_key))
            state = self._local.state = (producer, returned, connection)
        return state[0], state[1]

    def _drop(self):
        state = getattr(self._local, "state", None)
        self._local.state = None
        if state is not None:
            try:
                state[2].release()
            except Exception:
                pass

    def close(self):
        with self._lock:
            for connection in self._connections:
                try:
                    connection.release()
                except Exception:
                    pass
            self._connections.clear()


class BatchConsumer:
    """Consumes every partition; calls ``handle(bodies)`` with up to ``max_batch`` items, or what
    arrived within ``max_wait`` seconds, and acknowledges them after it returns. ``handle``
    returns the indexes of items it refuses (invalid): those go to the dead-letter queue. When a
    batch fails for any other reason than a database outage, its items are tried one by one, so a
    poison item is dead-lettered and the rest are applied."""

    def __init__(self, amqp_uri, queue, handle, max_batch=500, max_wait=0.02, prefetch=2000, retry_delay=1.0):
        self.amqp_uri = amqp_uri
        self.queue = queue
        self.handle = handle
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.prefetch = prefetch
        self.retry_delay = retry_delay
        self.ready = threading.Event()

    def run(self, stop):
        while not stop.is_set():
            try:
                self._consume(stop)
            except Exception as exc:
                if not stop.is_set():
                    log.warning("batch consumer of %s lost its connection (%s); reconnecting", self.queue.name, exc)
                    stop.wait(self.retry_delay)
            finally:
                self.ready.clear()

    def _consume(self, stop):
        pending = []
        with Connection(self.amqp_uri, heartbeat=30, connect_timeout=3) as connection:
            channel = connection.channel()
            self.queue.declare(channel)
            queues = [queue(channel) for queue in self.queue.queues()]
            with connection.Consumer(queues, callbacks=[lambda body, message: pending.append((body, message))],
                                     accept=["json"], prefetch_count=self.prefetch):
                self.ready.set()
                first_at = None
                while not stop.is_set():
                    try:
                        connection.drain_events(timeout=self.max_wait)
                    except socket.timeout:
                        connection.heartbeat_check()
                    if pending and first_at is None:
                        first_at = time.monotonic()
                    if pending and (len(pending) >= self.max_batch or time.monotonic() - first_at >= self.max_wait):
                        batch, pending[:] = list(pending[:self.max_batch]), pending[self.max_batch:]
                        self._process(batch, stop)
                        first_at = time.monotonic() if pending else None

    def _process(self, batch, stop):
        while not stop.is_set():
            try:
                refused = set(self.handle([body for body, _ in batch]) or ())
                break
            except Exception as exc:
                if is_transient(exc):
                    log.warning("database busy or away (%s); batch of %d kept, retrying", exc, len(batch))
                    stop.wait(self.retry_delay)
                    continue
                log.exception("a batch of %d failed; applying its items one by one", len(batch))
                refused = self._one_by_one(batch)
                break
        else:
            return  # stopping: unacknowledged items go back to their queue
        for index, (_, message) in enumerate(batch):
            if index in refused:
                message.reject(requeue=False)
            else:
                message.ack()

    def _one_by_one(self, batch):
        refused = set()
        for index, (body, _) in enumerate(batch):
            try:
                if self.handle([body]):
                    refused.add(index)
            except Exception as exc:
                if is_transient(exc):
                    raise
                log.exception("dead-lettering an item of %s that cannot be applied", self.queue.name)
                refused.add(index)
        return refused
