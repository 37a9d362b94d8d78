"""nameko entry points of the votes service."""
from meedenken_kit import entrypoints
from meedenken_kit.entrypoints import event_handler, rpc
from meedenken_kit.observability import CallLog, Metrics
from meedenken_kit.store import Store
from nameko import config
from nameko.timer import timer

from . import usecases
from .ballot_box import BallotBox
from .poll_clock import PollClock
from .events import STATEMENT_RESPONSE_RECORDED
from .opinions import Settings
from .repository import ensure_indexes


class VotesService(entrypoints.PersonalDataEntrypoints):
    name = "votes"
    personal_data = usecases.PERSONAL_DATA
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
        return self.ballot_box.support(payload)

    @rpc
    def proposal_supports(self, query):
        return usecases.proposal_supports(self.store, query)

    @rpc
    def participants_of_topic(self, topic_id):
        return usecases.participants_of_topic(self.store, topic_id)
    # polls (docs/secret-ballot.md); the poll clock opens and closes them on time
    poll_clock = PollClock()

    @rpc
    def create_poll(self, actor, topic, rules):
        return usecases.create_poll(self.store, actor, topic, rules)

    @rpc
    def update_poll(self, actor, poll_id, changes):
        return usecases.update_poll(self.store, actor, poll_id, changes)

    @rpc
    def cancel_poll(self, actor, poll_id):
        return usecases.cancel_poll(self.store, actor, poll_id)

    @rpc
    def get_poll(self, query):
        return usecases.get_poll(self.store, query)

    @rpc
    def topic_polls(self, query):
        return usecases.topic_polls(self.store, query)

    @rpc
    def cast_poll_ballot(self, actor, poll_id, ballot):
        return usecases.cast_ballot(self.store, actor, poll_id, ballot)

    @rpc
    def check_receipt(self, query):
        return usecases.check_receipt(self.store, query)

    @rpc
    def poll_results(self, query):
        return usecases.poll_results(self.store, query)

    @event_handler("votes", STATEMENT_RESPONSE_RECORDED)
    def on_responses_recorded(self, event):
        usecases.on_responses_recorded(self.store, event)

    @timer(interval=1)
    def recompute_opinion_groups(self):
        usecases.recompute_opinion_groups(self.store, opinion_settings())

    @rpc
    def opinion_groups(self, topic_id):
        return usecases.opinion_groups(self.store, topic_id)


def opinion_settings():
    return Settings(min_group_size=int(config.get("OPINION_MIN_GROUP_SIZE", 5)),
                    min_participants=int(config.get("OPINION_MIN_PARTICIPANTS", 10)),
                    interval_seconds=float(config.get("OPINION_INTERVAL_SECONDS", 10)),
                    max_busy_share=float(config.get("OPINION_MAX_BUSY_SHARE", 0.05)))
