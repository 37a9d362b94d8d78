"""nameko entry points of the votes service."""
from meedenken_kit.entrypoints import rpc
from meedenken_kit.observability import CallLog, Metrics
from meedenken_kit.store import Store

from . import usecases
from .ballot_box import BallotBox
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
