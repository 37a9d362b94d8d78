"""One durable queue bound to many event types on several exchanges (the kit's ``event_handler``
binds one), with the same validation, retry and dead-lettering."""
from kombu import binding
from meedenken_kit.consumers import CloudEventHandler
from nameko.events import get_event_exchange


class ManyEventsHandler(CloudEventHandler):
    """``@many_events_handler({"topics": ("topic.published.v1", ...), ...}, name="org-events")``:
    queue ``evt-webhooks-{name}--{service}.{method}``."""

    def __init__(self, types_by_source, name, **kwargs):
        super().__init__("webhooks", name, **kwargs)
        self.types_by_source = types_by_source

    def setup(self):
        super().setup()
        self.queue.exchange = None
        self.queue.routing_key = ""
        self.queue.bindings = {binding(get_event_exchange(source), routing_key=event_type)
                               for source, types in self.types_by_source.items() for event_type in types}


many_events_handler = ManyEventsHandler.decorator
