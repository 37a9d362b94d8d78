"""nameko entry points of webhooks (meedenken_notifications.webhook_usecases), mixed into the
notifications service."""
import socket

from meedenken_kit.entrypoints import event_handler, rpc

from . import delivery, webhook_usecases, webhooks
from .delivery import WebhookDelivery
from .events import ROLE_GRANTED
from .org_events import many_events_handler


class WebhookEntrypoints:
    webhook_delivery = WebhookDelivery()

    @rpc
    def register_webhook(self, actor, payload):
        return webhook_usecases.register(self.store, actor, payload, delivery.settings().development,
                                         socket.getaddrinfo)

    @rpc
    def list_webhooks(self, actor, org):
        return webhook_usecases.list_webhooks(self.store, actor, org)

    @rpc
    def delete_webhook(self, actor, payload):
        webhook_usecases.delete_webhook(self.store, actor, payload)

    @rpc
    def webhook_deliveries(self, actor, query):
        return webhook_usecases.deliveries(self.store, actor, query)

    @many_events_handler(webhooks.DELIVERABLE, name="org-events")
    def on_org_event(self, event):
        webhook_usecases.on_org_event(self.store, event)

    @event_handler(*ROLE_GRANTED)
    def on_role_granted(self, event):
        webhook_usecases.on_role_granted(self.store, event)

    @rpc
    def webhook_types(self):
        """The event types a webhook may receive (for the workspace's form)."""
        return sorted(webhooks.DELIVERABLE_TYPES)
