"""``event_handler``: nameko's handler for CloudEvents with a dead-letter queue.

The method receives the validated envelope. A message that is not a valid CloudEvent, or whose
handling fails for any reason but a transient outage of the database, is rejected into the
``meedenken.dead-letter`` queue (with RabbitMQ's x-death headers saying where it came from), never
dropped; a transient failure puts it back on its queue to try again.
"""
import logging

import eventlet
from marshmallow import ValidationError
from nameko import config
from nameko.events import EventHandler

from .deadletter import dead_letter_arguments, declare_dead_letter_queue
from .envelope import parse_event
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
            message.reject(requeue=False)
            return
        super().handle_message(event, message)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            self.consumer.ack_message(message)
        elif is_transient(exc_info[1]):
            eventlet.sleep(RETRY_DELAY_SECONDS)
            self.consumer.requeue_message(message)
        else:
            log.error("dead-lettering event %s on %s after %r", message.properties.get("message_id"),
                      self.queue.name, exc_info[1])
            message.reject(requeue=False)


event_handler = CloudEventHandler.decorator
