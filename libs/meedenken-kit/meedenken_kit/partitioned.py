"""Partitioned work queues for hot paths (casting votes).

A producer sends items, durably and with publisher confirms, in packs (one message, one broker
operation and one confirm for many items) to N queues in turn, spreading the load over N broker
queues. Every instance of the consuming service
consumes every queue, so instances compete for items and share the work; one that dies leaves its
unacknowledged items to the others. The consumer takes items in batches, hands a batch to the
service, and acknowledges it only after the service has committed it: an item a client was told is
recorded is never lost. Items may therefore arrive twice or out of order across instances; the
service makes applying them idempotent and order-independent (natural keys, last-cast-wins)."""
import logging
import socket
import threading
import time
import uuid
from concurrent.futures import Future

from kombu import Connection, Exchange, Producer, Queue

from .confirms import release_quietly
from .deadletter import dead_letter_arguments, dead_letter_items, declare_dead_letter_queue
from .mongo import is_transient

log = logging.getLogger(__name__)


class Unroutable(Exception):
    """The broker has no queue for the item (the topology was never declared)."""


class PartitionedQueue:
    def __init__(self, name, partitions):
        self.name = name
        self.partitions = partitions
        self.exchange = Exchange(name, type="direct", durable=True)

    def queue_name(self, routing_key):
        return f"{self.name}.{routing_key}"

    def queues(self):
        return [Queue(self.queue_name(f"p{n}"), exchange=self.exchange, routing_key=f"p{n}", durable=True,
                      queue_arguments=dead_letter_arguments(self.queue_name(f"p{n}")))
                for n in range(self.partitions)]

    def declare(self, channel):
        declare_dead_letter_queue(channel)
        self.exchange(channel).declare()
        for queue in self.queues():
            queue(channel).declare()


class PackingPublisher:
    """Sends items in packs: the items waiting in this process go out together as one message
    (``{"items": [...]}``), durably and publisher-confirmed, from one publishing thread, to the
    partitions in turn; ``send`` returns once the broker has confirmed the pack holding the item
    (raising if it could not). The thread lets items gather for ``linger`` seconds before it
    sends: one broker operation and one confirm then serve many requests. With ``declare=False``
    only the exchange is declared: the consuming service owns its queues, and a pack for a queue
    that does not exist is refused (``Unroutable``)."""

    def __init__(self, amqp_uri, queue, declare=True, max_items=500, linger=0.005, timeout=10.0):
        self.amqp_uri = amqp_uri
        self.queue = queue
        self.declare_queues = declare
        self.max_items = max_items
        self.linger = linger
        self.timeout = timeout
        self._waiting = []  # (item, future)
        self._wake = threading.Condition()
        self._thread = None
        self._closed = False
        self._connection = None
        self._sent = 0

    def send(self, item):
        future = Future()
        with self._wake:
            if self._closed:
                raise RuntimeError("publisher closed")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=f"pack-{self.queue.name}", daemon=True)
                self._thread.start()
            self._waiting.append((item, future))
            self._wake.notify()
        future.result(self.timeout)

    def _run(self):
        while True:
            with self._wake:
                while not self._waiting and not self._closed:
                    self._wake.wait()
                if self._closed and not self._waiting:
                    return
            if not self._closed:
                time.sleep(self.linger)
            with self._wake:
                waiting, self._waiting = self._waiting, []
            for start in range(0, len(waiting), self.max_items):
                self._sent += 1
                self._publish(f"p{self._sent % self.queue.partitions}", waiting[start:start + self.max_items])

    def _publish(self, routing_key, pack):
        try:
            producer, returned = self._producer()
            returned.clear()
            producer.publish({"items": [item for item, _ in pack]}, serializer="json", exchange=self.queue.exchange,
                             routing_key=routing_key, delivery_mode=2, mandatory=True, message_id=uuid.uuid4().hex,
                             retry=True, retry_policy={"max_retries": 2})
            outcome = Unroutable(self.queue.name) if returned else None
        except Exception as exc:
            self._drop()
            outcome = exc
        for _, future in pack:
            if outcome is None:
                future.set_result(True)
            else:
                future.set_exception(outcome)

    def _producer(self):
        if self._connection is None:
            connection = Connection(self.amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=3)
            connection.ensure_connection(max_retries=2)
            channel = connection.channel()
            if self.declare_queues:
                self.queue.declare(channel)
            else:
                self.queue.exchange(channel).declare()
            returned = []
            producer = Producer(channel, on_return=lambda exc, exchange, routing_key, message: returned.append(routing_key))
            self._connection, self._producer_state = connection, (producer, returned)
        return self._producer_state

    def _drop(self):
        connection, self._connection = self._connection, None
        release_quietly(connection)

    def close(self):
        """Sends what is waiting, then closes the connection."""
        with self._wake:
            self._closed = True
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join(self.timeout)
        self._drop()


class BatchConsumer:
    """Consumes every partition; calls ``handle(items)`` with the items of the packs that arrived
    (up to about ``max_batch`` items, or what arrived within ``max_wait`` seconds) and
    acknowledges the packs after it returns. ``handle`` returns the indexes of items it refuses
    (invalid): they go to the dead-letter queue (a pack refused whole is rejected into it; refused
    items of a pack whose other items were applied are put there on their own). When a batch fails
    for any other reason than a database outage, its items are tried one by one, so a poison item
    is dead-lettered and the rest are applied. ``idle()``, when given, is called whenever no pack is
    waiting (at least every ``max_wait`` seconds): for work of the service's own that joins the
    batches' rhythm."""

    def __init__(self, amqp_uri, queue, handle, max_batch=500, max_wait=0.02, prefetch=200, retry_delay=1.0,
                 idle=None):
        self.amqp_uri = amqp_uri
        self.queue = queue
        self.handle = handle
        self.idle = idle
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
        pending = []  # (items or None when the body is not a pack, message)
        with Connection(self.amqp_uri, heartbeat=30, connect_timeout=3) as connection:
            channel = connection.channel()
            self.queue.declare(channel)
            queues = [queue(channel) for queue in self.queue.queues()]
            with connection.Consumer(queues, callbacks=[lambda body, message: pending.append((_items(body), message))],
                                     accept=["json"], prefetch_count=self.prefetch):
                self.ready.set()
                first_at, size = None, 0
                while not stop.is_set():
                    try:
                        connection.drain_events(timeout=self.max_wait)
                    except socket.timeout:
                        pass
                    connection.heartbeat_check()  # also when packs keep arriving
                    if not pending:
                        if self.idle is not None:
                            self.idle()
                        continue
                    if first_at is None:
                        first_at = time.monotonic()
                    size = sum(len(items or ()) for items, _ in pending)
                    if size >= self.max_batch or time.monotonic() - first_at >= self.max_wait:
                        batch, pending[:] = list(pending), []
                        self._process(batch, stop)
                        first_at = None

    def _process(self, batch, stop):
        items, owners = [], []
        for index, (pack, _) in enumerate(batch):
            for item in pack or ():
                items.append(item)
                owners.append(index)
        while not stop.is_set():
            try:
                refused = set(self.handle(items) or ()) if items else set()
                break
            except Exception as exc:
                if is_transient(exc):
                    log.warning("database busy or away (%s); batch of %d kept, retrying", exc, len(items))
                    stop.wait(self.retry_delay)
                    continue
                log.exception("a batch of %d failed; applying its items one by one", len(items))
                refused = self._one_by_one(items)
                break
        else:
            return  # stopping: unacknowledged packs go back to their queue
        refused_of = {}
        for index in refused:
            refused_of.setdefault(owners[index], []).append(items[index])
        for index, (pack, message) in enumerate(batch):
            if pack is None or len(refused_of.get(index, ())) == len(pack):
                message.reject(requeue=False)
                continue
            if index in refused_of:
                dead_letter_items(self.amqp_uri, self.queue.queue_name(message.delivery_info["routing_key"]), message,
                                  refused_of[index])
            message.ack()

    def _one_by_one(self, items):
        refused = set()
        for index, item in enumerate(items):
            try:
                if self.handle([item]):
                    refused.add(index)
            except Exception as exc:
                if is_transient(exc):
                    raise
                log.exception("dead-lettering an item of %s that cannot be applied", self.queue.name)
                refused.add(index)
        return refused


def _items(body):
    """The items of a pack; None when the body is not one."""
    items = body.get("items") if isinstance(body, dict) else None
    return items if isinstance(items, list) and items else None
