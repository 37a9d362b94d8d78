"""nameko entry points of the votes service."""
from meedenken_kit.entrypoints import rpc
from meedenken_kit.store import Store

from . import usecases
from .repository import ensure_indexes


class VotesService:
    name = "votes"
    store = Store(ensure_indexes)

    @rpc
    def record_response(self, payload):
        return usecases.record_response(self.store, payload)

    @rpc
    def topic_votes(self, query):
        return usecases.topic_votes(self.store, query)

    @rpc
    def support_proposal(self, payload):
        return usecases.support_proposal(self.store, payload)

    @rpc
    def proposal_supports(self, query):
        return usecases.proposal_supports(self.store, query)
