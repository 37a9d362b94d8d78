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


def dead_letter_items(amqp_uri, queue, message, items):
    """Put some items of a consumed pack into the dead-letter queue on their own (the rest of the
    pack was applied). They carry an ``x-death`` record like the one the broker writes when it
    dead-letters a rejected message, so listing and replaying treat both alike."""
    info = message.delivery_info
    death = {"queue": queue, "exchange": info.get("exchange"), "routing-keys": [info.get("routing_key")],
             "reason": "rejected", "count": 1}
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        connection.Producer().publish({"items": items}, serializer="json", exchange=DEAD_LETTER_EXCHANGE,
                                      routing_key=queue, delivery_mode=2, headers={"x-death": [death]},
                                      declare=[DEAD_LETTER_QUEUE])
