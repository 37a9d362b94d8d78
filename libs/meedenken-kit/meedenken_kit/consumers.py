"""``event_handler``: nameko's handler for CloudEvents with a dead-letter queue.

The method receives the validated envelope. A message that is not a valid CloudEvent, or whose
handling fails for any reason but a transient outage of the database, is rejected into the
``meedenken.dead-letter`` queue (with RabbitMQ's x-death headers saying where it came from), never
dropped; a transient failure puts it back on its queue to try again.
"""
import logging

import eventlet
from kombu import Connection, Exchange, Queue
from marshmallow import ValidationError
from nameko import config
from nameko.events import EventHandler

from .envelope import parse_event
from .mongo import TRANSIENT_ERRORS

log = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = Exchange("meedenken.dead-letter", type="topic", durable=True)
DEAD_LETTER_QUEUE = Queue("meedenken.dead-letter", exchange=DEAD_LETTER_EXCHANGE, routing_key="#", durable=True)
RETRY_DELAY_SECONDS = 1.0


def declare_dead_letter_queue(amqp_uri):
    with Connection(amqp_uri) as connection:
        DEAD_LETTER_QUEUE(connection.default_channel).declare()


class CloudEventHandler(EventHandler):
    def setup(self):
        super().setup()
        self.queue.queue_arguments = {
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE.name,
            "x-dead-letter-routing-key": self.queue.name,
        }
        declare_dead_letter_queue(config["AMQP_URI"])

    def handle_message(self, body, message):
        try:
            event = parse_event(body)
        except ValidationError as exc:
            log.error("dead-lettering a message that is no valid event on %s: %s", self.queue.name, exc.messages)
            message.reject(requeue=False)
            return
        super().handle_message(event, message)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            self.consumer.ack_message(message)
        elif isinstance(exc_info[1], TRANSIENT_ERRORS):
            eventlet.sleep(RETRY_DELAY_SECONDS)
            self.consumer.requeue_message(message)
        else:
            log.error("dead-lettering event %s on %s after %r", message.properties.get("message_id"),
                      self.queue.name, exc_info[1])
            message.reject(requeue=False)


event_handler = CloudEventHandler.decorator
