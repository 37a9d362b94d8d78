"""``event_handler``: nameko's handler for CloudEvents with a dead-letter queue.

The method receives the validated envelope. A message that is not a valid CloudEvent, or whose
handling fails for any reason but a transient outage (of the database, or of a service the
handler asks over RPC), is rejected into the ``meedenken.dead-letter`` queue (with RabbitMQ's
x-death headers saying where it came from), never dropped; a transient failure puts it back on
its queue to try again.

The worker adopts the event's ``correlationid`` (or, for an event without one, its ``id``) as its
correlation id (nameko context data, see meedenken_kit.correlation and observability.CallLog), so
what it logs and the events it emits join the chain of the action that caused the event.
"""
import functools
import logging
import sys

import amqp.exceptions
import eventlet
import eventlet.semaphore
import kombu
import kombu.exceptions
import kombu.serialization
from marshmallow import ValidationError
from nameko import config
from nameko.amqp.consume import Consumer
from nameko.rpc import Responder
from nameko.events import EventHandler
from nameko.exceptions import RpcTimeout, UnknownService, UnserializableValueError, serialize

from . import correlation
from .confirms import release_quietly
from .deadletter import dead_letter_arguments, declare_dead_letter_queue
from .envelope import CORRELATION_ATTRIBUTE, parse_event
from .metrics import EVENTS_DEAD_LETTERED, EVENTS_RETRIED
from .mongo import is_transient

log = logging.getLogger(__name__)
RETRY_DELAY_SECONDS = 1.0


# What a dropped broker connection raises when a message is settled (acked, requeued, rejected) on
# it: socket errors (OSError) or AMQP's connection errors. nameko's consumer catches only the latter,
# so a broker restart while a worker finished made the error escape and stop the whole service. The
# broker hands every unsettled message of a dropped connection out again, and handlers dedupe on
# the event id: nothing to do but note it.
BROKER_DROPS = (OSError, amqp.exceptions.ConnectionError)


def settle(action, message, what):
    try:
        action()
    except BROKER_DROPS as exc:
        log.warning("the broker connection dropped before message %s was %s (%s); the broker delivers it again",
                    (message.properties or {}).get("message_id"), what, exc)


def _tolerating_broker_drops(method, what):
    @functools.wraps(method)
    def settling(self, message):
        settle(lambda: method(self, message), message, what)
    return settling


# every nameko entry point (RPC, events) settles its messages through these two
Consumer.ack_message = _tolerating_broker_drops(Consumer.ack_message, "acknowledged")
Consumer.requeue_message = _tolerating_broker_drops(Consumer.requeue_message, "requeued")


def _replying_unless_broker_gone(send_response):
    """An RPC reply that cannot be published because the broker is away (kombu gives up after its
    retries) is lost, like the caller's wait: the caller times out and may ask again. nameko would let
    the error stop the whole service instead."""
    @functools.wraps(send_response)
    def send(self, result, exc_info):
        try:
            return send_response(self, result, exc_info)
        except (kombu.exceptions.OperationalError, *BROKER_DROPS) as exc:
            log.warning("the reply to RPC %s was not sent: the broker is away (%s)",
                        self.message.properties.get("correlation_id"), exc)
            return result, exc_info
    return send


def _send_response(self, result, exc_info):
    """nameko's ``Responder.send_response``, with the reply serialized once: nameko serializes the
    result a first time only to find out whether it can, then the whole reply again to publish it
    (a third of the topics service's CPU for a topic page, whose reply is ~50 kB of JSON)."""
    error = serialize(exc_info[1]) if exc_info is not None else None
    serializer = kombu.serialization.registry.type_to_name[self.message.properties["content_type"]]
    try:
        content_type, encoding, body = kombu.serialization.dumps({"result": result, "error": error}, serializer)
    except Exception:
        exc_info = sys.exc_info()
        result, error = None, serialize(UnserializableValueError(result))  # this one always serializes
        content_type, encoding, body = kombu.serialization.dumps({"result": None, "error": error}, serializer)
    publisher = self.publisher_cls(self.amqp_uri, ssl=self.ssl, login_method=self.login_method)
    publisher.publish(body, content_type=content_type, content_encoding=encoding, exchange=self.exchange,
                      routing_key=self.message.properties["reply_to"],
                      correlation_id=self.message.properties.get("correlation_id"))
    return result, exc_info


Responder.send_response = _replying_unless_broker_gone(_send_response)


class ReplyPublisher:
    """RPC replies over one channel the process keeps (per broker address), without publisher
    confirms: a reply goes to the caller's own transient queue, so a confirm tells the service
    nothing it could act on (a reply lost with the broker times out at the caller either way),
    while waiting for it costs every call a round trip. nameko's publisher took a connection from
    its pool, built a producer and wrapped the publish in kombu's retry policy for every reply
    (0.20 ms of CPU per reply, against 0.055 ms on a kept channel; decision 22). A broken
    connection is made again once; when that fails too the reply is lost (``OperationalError``),
    as with nameko's."""

    use_confirms = False
    _connections = {}  # (broker address, ssl, login method) -> (connection, channel)
    _lock = eventlet.semaphore.Semaphore()  # the workers of a service are green threads of one thread

    def __init__(self, amqp_uri, ssl=None, login_method=None):
        self._key = (amqp_uri, repr(ssl), login_method)
        self._options = {"ssl": ssl, "login_method": login_method}

    def publish(self, body, exchange, routing_key, **properties):
        message = amqp.Message(body, **properties)
        exchange = getattr(exchange, "name", exchange)
        with self._lock:
            for attempt in (1, 2):
                try:
                    self._channel().basic_publish(message, exchange=exchange, routing_key=routing_key)
                    return
                except (*BROKER_DROPS, kombu.exceptions.OperationalError) as exc:
                    connection, _ = self._connections.pop(self._key, (None, None))
                    release_quietly(connection)
                    if attempt == 2:
                        raise kombu.exceptions.OperationalError(f"the reply could not be published ({exc})") from exc

    def _channel(self):
        if self._key not in self._connections:
            connection = kombu.Connection(self._key[0], connect_timeout=3, **self._options)
            connection.connect()
            self._connections[self._key] = (connection, connection.channel())
        return self._connections[self._key][1]


Responder.publisher_cls = ReplyPublisher


class CloudEventHandler(EventHandler):
    def setup(self):
        super().setup()
        self.queue.queue_arguments = dead_letter_arguments(self.queue.name)
        declare_dead_letter_queue(config["AMQP_URI"])

    def handle_message(self, body, message):
        try:
            event = parse_event(body)
        except ValidationError as exc:
            log.error("dead-lettering a message that is no valid event on %s: %s", self.queue.name, exc.messages)
            EVENTS_DEAD_LETTERED.labels(self.container.service_name, self.queue.name).inc()
            settle(lambda: message.reject(requeue=False), message, "dead-lettered")
            return
        # nameko reads a worker's context data from the message's headers
        message.headers = {**(message.headers or {}),
                           correlation.AMQP_HEADER: event.get(CORRELATION_ATTRIBUTE) or event["id"]}
        super().handle_message(event, message)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            self.consumer.ack_message(message)
        elif retryable(exc_info[1]):
            EVENTS_RETRIED.labels(self.container.service_name, self.queue.name).inc()
            eventlet.sleep(RETRY_DELAY_SECONDS)
            self.consumer.requeue_message(message)
        else:
            log.error("dead-lettering event %s on %s after %r", message.properties.get("message_id"),
                      self.queue.name, exc_info[1])
            EVENTS_DEAD_LETTERED.labels(self.container.service_name, self.queue.name).inc()
            settle(lambda: message.reject(requeue=False), message, "dead-lettered")


def retryable(exc):
    """An outage that passes: of the database, or of a service asked over RPC (not running, or
    not answering in time)."""
    return is_transient(exc) or isinstance(exc, (UnknownService, RpcTimeout))


event_handler = CloudEventHandler.decorator
