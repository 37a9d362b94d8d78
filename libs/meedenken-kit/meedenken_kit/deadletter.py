"""The dead-letter exchange and queue every Meedenken consumer rejects into."""
from kombu import Connection, Exchange, Queue

DEAD_LETTER_EXCHANGE = Exchange("meedenken.dead-letter", type="topic", durable=True)
DEAD_LETTER_QUEUE = Queue("meedenken.dead-letter", exchange=DEAD_LETTER_EXCHANGE, routing_key="#", durable=True)


def dead_letter_arguments(queue_name):
    return {"x-dead-letter-exchange": DEAD_LETTER_EXCHANGE.name, "x-dead-letter-routing-key": queue_name}


def declare_dead_letter_queue(channel_or_uri):
    if isinstance(channel_or_uri, str):
        with Connection(channel_or_uri) as connection:
            DEAD_LETTER_QUEUE(connection.default_channel).declare()
    else:
        DEAD_LETTER_QUEUE(channel_or_uri).declare()
