"""nameko entry points of the votes service."""
from meedenken_kit.entrypoints import event_handler, rpc
from meedenken_kit.observability import CallLog, Metrics
from meedenken_kit.store import Store
from nameko import config
from nameko.timer import timer

from . import usecases
from .ballot_box import BallotBox
from .events import STATEMENT_RESPONSE_RECORDED
from .opinions import Settings
from .repository import ensure_indexes


class VotesService:
    name = "votes"
    store = Store(ensure_indexes)
    metrics = Metrics()
    call_log = CallLog()
    ballot_box = BallotBox()

    @rpc
    def record_response(self, payload):
        with self.ballot_box.lock:
            return usecases.record_response(self.store, self.ballot_box.cache, payload)

    @rpc
    def topic_votes(self, query):
        return usecases.topic_votes(self.store, query)

    @rpc
    def support_proposal(self, payload):
        return usecases.support_proposal(self.store, payload)

    @rpc
    def proposal_supports(self, query):
        return usecases.proposal_supports(self.store, query)

    @rpc
    def participants_of_topic(self, topic_id):
        return usecases.participants_of_topic(self.store, topic_id)

    @event_handler("votes", STATEMENT_RESPONSE_RECORDED)
    def on_responses_recorded(self, event):
        usecases.on_responses_recorded(self.store, event)

    @timer(interval=1)
    def recompute_opinion_groups(self):
        usecases.recompute_opinion_groups(self.store, opinion_settings(),
                                          float(config.get("OPINION_INTERVAL_SECONDS", 10)))

    @rpc
    def opinion_groups(self, topic_id):
        return usecases.opinion_groups(self.store, topic_id)


def opinion_settings():
    return Settings(min_group_size=int(config.get("OPINION_MIN_GROUP_SIZE", 5)),
                    min_participants=int(config.get("OPINION_MIN_PARTICIPANTS", 10)))
