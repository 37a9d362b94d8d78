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
import logging

import eventlet
from marshmallow import ValidationError
from nameko import config
from nameko.events import EventHandler
from nameko.exceptions import RpcTimeout, UnknownService

from . import correlation
from .deadletter import dead_letter_arguments, declare_dead_letter_queue
from .envelope import CORRELATION_ATTRIBUTE, parse_event
from .metrics import EVENTS_DEAD_LETTERED, EVENTS_RETRIED
from .mongo import is_transient

log = logging.getLogger(__name__)
RETRY_DELAY_SECONDS = 1.0


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
            message.reject(requeue=False)
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
            message.reject(requeue=False)


def retryable(exc):
    """An outage that passes: of the database, or of a service asked over RPC (not running, or
    not answering in time)."""
    return is_transient(exc) or isinstance(exc, (UnknownService, RpcTimeout))


event_handler = CloudEventHandler.decorator
