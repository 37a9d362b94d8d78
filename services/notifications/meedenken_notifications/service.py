"""nameko entry points of the notifications service."""
from meedenken_kit import entrypoints
from meedenken_kit.entrypoints import event_handler, rpc
from meedenken_kit.observability import CallLog, Metrics
from meedenken_kit.store import Store
from nameko.rpc import ServiceRpc

from . import mail_service, usecases, webhook_service
from .events import (CONTENT_HIDDEN, OBJECTION_DECIDED, POLL_CLOSED, POLL_OPENED, PROPOSAL_ANSWERED, REACTION_POSTED,
                     STATEMENT_PUBLISHED, THRESHOLD_REACHED, TOPIC_DECIDED, TOPIC_PHASE_CHANGED)
from .repository import ensure_indexes


# nameko runs every service class it imports by name: the entry points of webhooks and mail are mixins
class NotificationsService(webhook_service.WebhookEntrypoints, mail_service.MailEntrypoints,
                           entrypoints.PersonalDataEntrypoints):
    name = "notifications"
    personal_data = usecases.PERSONAL_DATA
    store = Store(ensure_indexes)
    metrics = Metrics()
    call_log = CallLog()
    topics = ServiceRpc("topics")
    votes = ServiceRpc("votes")

    @rpc
    def follow(self, payload):
        return usecases.follow(self.store, payload)

    @rpc
    def unfollow(self, payload):
        return usecases.unfollow(self.store, payload)

    @rpc
    def follow_info(self, query):
        return usecases.follow_info(self.store, query)

    @rpc
    def inbox(self, query):
        return usecases.inbox(self.store, query)

    @rpc
    def mark_read(self, payload):
        return usecases.mark_read(self.store, payload)

    @event_handler(*STATEMENT_PUBLISHED)
    def on_statement_published(self, event):
        usecases.on_statement_published(self.store, event)

    @event_handler(*TOPIC_PHASE_CHANGED)
    def on_phase_changed(self, event):
        usecases.on_phase_changed(self.store, event)

    @event_handler(*REACTION_POSTED)
    def on_reaction_posted(self, event):
        usecases.on_reaction_posted(self.store, event)

    @event_handler(*THRESHOLD_REACHED)
    def on_threshold_reached(self, event):
        usecases.on_threshold_reached(self.store, event)

    @event_handler(*PROPOSAL_ANSWERED)
    def on_proposal_answered(self, event):
        usecases.on_proposal_answered(self.store, event)

    @event_handler(*TOPIC_DECIDED)
    def on_topic_decided(self, event):
        usecases.on_topic_decided(self.store, event, [self.topics, self.votes])

    @event_handler(*POLL_OPENED)
    def on_poll_opened(self, event):
        usecases.on_poll_opened(self.store, event)

    @event_handler(*POLL_CLOSED)
    def on_poll_closed(self, event):
        usecases.on_poll_closed(self.store, event)

    @event_handler(*CONTENT_HIDDEN)
    def on_content_hidden(self, event):
        usecases.on_content_hidden(self.store, event)

    @event_handler(*OBJECTION_DECIDED)
    def on_objection_decided(self, event):
        usecases.on_objection_decided(self.store, event)

