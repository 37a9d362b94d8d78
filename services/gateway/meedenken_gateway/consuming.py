"""The gateway's own broker consumers (RPC replies, erasure confirmations, revocations): one loop
that consumes a queue until told to stop and reconnects when the broker goes away."""
import logging
import socket

from kombu import Connection
from meedenken_kit.deadletter import declare_dead_letter_queue

log = logging.getLogger(__name__)


def consume(amqp_uri, stop, queue, on_message, what, exchanges=(), dead_letters=False, no_ack=False,
            on_connect=None, on_disconnect=None, connect_timeout=5):
    """Consume ``queue()`` until ``stop`` is set. Declares ``exchanges`` (and the dead-letter queue
    when ``dead_letters``) first; ``on_connect`` runs once consuming, ``on_disconnect`` once it
    stopped, each time."""
    while not stop.is_set():
        try:
            with Connection(amqp_uri, connect_timeout=connect_timeout, heartbeat=30) as connection:
                channel = connection.channel()
                if dead_letters:
                    declare_dead_letter_queue(channel)
                for exchange in exchanges:
                    exchange(channel).declare()
                with connection.Consumer(queue(), callbacks=[on_message], accept=["json"], no_ack=no_ack):
                    if on_connect:
                        on_connect()
                    while not stop.is_set():
                        try:
                            connection.drain_events(timeout=1)
                        except socket.timeout:
                            pass
                        # also while messages keep coming: with no_ack the broker hears nothing
                        # else from this connection and closes it after two missed heartbeats
                        connection.heartbeat_check()
        except Exception as exc:
            if not stop.is_set():
                log.warning("%s: lost the broker (%s); reconnecting", what, exc)
        finally:
            if on_disconnect:
                on_disconnect()
        stop.wait(1)
