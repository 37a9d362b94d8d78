"""nameko entry points of the topics service: a line or two each, the work is in usecases.py."""
from meedenken_kit import entrypoints
from meedenken_kit.entrypoints import event_handler, rpc
from meedenken_kit.observability import CallLog, Metrics
from meedenken_kit.store import Store

from . import moderation_usecases, usecases
from .events import VOTES_THRESHOLD_REACHED
from .repository import ensure_indexes


class TopicsService(entrypoints.PersonalDataEntrypoints):
    name = "topics"
    personal_data = usecases.PERSONAL_DATA
    store = Store(ensure_indexes)
    metrics = Metrics()
    call_log = CallLog()

    @rpc
    def create_org(self, payload):
        return usecases.create_org(self.store, payload)

    @rpc
    def get_org(self, slug):
        return usecases.get_org(self.store, slug)

    @rpc
    def list_orgs(self):
        return usecases.list_orgs(self.store)

    @rpc
    def create_topic(self, actor, payload):
        return usecases.create_topic(self.store, actor, payload)

    @rpc
    def update_topic(self, actor, topic_id, payload):
        return usecases.update_topic(self.store, actor, topic_id, payload)

    @rpc
    def change_phase(self, actor, topic_id, payload):
        return usecases.change_phase(self.store, actor, topic_id, payload)

    @rpc
    def get_topic(self, actor, topic_id):
        return usecases.get_topic(self.store, actor, topic_id)

    @rpc
    def topic_page(self, actor, topic_id):
        return usecases.topic_page(self.store, actor, topic_id)

    @rpc
    def list_topics(self, actor, query):
        return usecases.list_topics(self.store, actor, query)

    @rpc
    def add_statement(self, actor, topic_id, payload):
        return usecases.add_statement(self.store, actor, topic_id, payload)

    @rpc
    def get_statement(self, actor, statement_id):
        return usecases.get_statement(self.store, actor, statement_id)

    @rpc
    def check_may_answer(self, actor, statement_id):
        return usecases.check_may_answer(self.store, actor, statement_id)

    @rpc
    def moderate_statement(self, actor, statement_id, payload):
        return usecases.moderate_statement(self.store, actor, statement_id, payload)

    @rpc
    def post_reaction(self, actor, topic_id, payload):
        return usecases.post_reaction(self.store, actor, topic_id, payload)

    @rpc
    def list_reactions(self, actor, topic_id, query):
        return usecases.list_reactions(self.store, actor, topic_id, query)

    @rpc
    def moderate_reaction(self, actor, reaction_id, payload):
        return usecases.moderate_reaction(self.store, actor, reaction_id, payload)

    @rpc
    def moderation_queue(self, actor, query):
        return usecases.moderation_queue(self.store, actor, query)

    @rpc
    def answer_agenda_proposal(self, actor, proposal_id, payload):
        return usecases.answer_agenda_proposal(self.store, actor, proposal_id, payload)

    @rpc
    def submit_agenda_proposal(self, actor, payload):
        return usecases.submit_agenda_proposal(self.store, actor, payload)

    @rpc
    def outreach_topic(self, actor, topic_id):
        return usecases.outreach_topic(self.store, actor, topic_id)

    @rpc
    def record_campaign_visit(self, payload):
        return usecases.record_campaign_visit(self.store, payload)

    @rpc
    def campaign_figures(self, actor, topic_id):
        return usecases.campaign_figures(self.store, actor, topic_id)

    @rpc
    def get_agenda_proposal(self, proposal_id, actor=None):
        return usecases.get_agenda_proposal(self.store, proposal_id, actor)

    @rpc
    def list_agenda_proposals(self, query, actor=None):
        return usecases.list_agenda_proposals(self.store, query, actor)

    @rpc
    def contributions(self, actor):
        return usecases.contributions(self.store, actor)

    @rpc
    def propose_solution(self, actor, topic_id, payload):
        return usecases.propose_solution(self.store, actor, topic_id, payload)

    @rpc
    def list_solutions(self, actor, topic_id, query):
        return usecases.list_solutions(self.store, actor, topic_id, query)

    @rpc
    def support_solution(self, actor, solution_id, payload):
        return usecases.support_solution(self.store, actor, solution_id, payload)

    @rpc
    def take_into_vote(self, actor, solution_id, payload):
        return usecases.take_into_vote(self.store, actor, solution_id, payload)

    @rpc
    def decide(self, actor, topic_id, payload):
        return usecases.decide(self.store, actor, topic_id, payload)

    @rpc
    def participants_of_topic(self, topic_id):
        return usecases.participants_of_topic(self.store, topic_id)

    @event_handler("votes", VOTES_THRESHOLD_REACHED)
    def on_threshold_reached(self, event):
        usecases.on_threshold_reached(self.store, event)

    @rpc
    def create_election_match(self, actor, payload):
        return usecases.create_election_match(self.store, actor, payload)

    @rpc
    def get_election_match(self, actor, match_id):
        return usecases.get_election_match(self.store, actor, match_id)

    @rpc
    def list_election_matches(self, actor, query):
        return usecases.list_election_matches(self.store, actor, query)

    @rpc
    def add_election_party(self, actor, match_id, payload):
        return usecases.add_election_party(self.store, actor, match_id, payload)

    @rpc
    def publish_election_match(self, actor, match_id):
        return usecases.publish_election_match(self.store, actor, match_id)

    @rpc
    def election_match_result(self, actor, match_id, payload):
        return usecases.election_match_result(self.store, actor, match_id, payload)

    # moderation of reactions, statements, solutions and agenda proposals

    @rpc
    def report(self, actor, payload):
        return moderation_usecases.report(self.store, actor, payload)

    @rpc
    def moderation_case(self, actor, kind, item_id):
        return moderation_usecases.case(self.store, actor, kind, item_id)

    @rpc
    def moderation_queue_items(self, actor, query):
        return moderation_usecases.queue(self.store, actor, query)

    @rpc
    def hide(self, actor, kind, item_id, payload):
        return moderation_usecases.hide(self.store, actor, kind, item_id, payload)

    @rpc
    def reinstate(self, actor, kind, item_id, payload):
        return moderation_usecases.reinstate(self.store, actor, kind, item_id, payload)

    @rpc
    def dismiss_reports(self, actor, kind, item_id, payload):
        return moderation_usecases.dismiss(self.store, actor, kind, item_id, payload)

    @rpc
    def approve(self, actor, kind, item_id):
        return moderation_usecases.approve(self.store, actor, kind, item_id)

    @rpc
    def object_to(self, actor, kind, item_id, payload):
        return moderation_usecases.object_to(self.store, actor, kind, item_id, payload)

    @rpc
    def decide_objection(self, actor, kind, item_id, payload):
        return moderation_usecases.decide_objection(self.store, actor, kind, item_id, payload)

    @rpc
    def moderation_audit(self, actor, query):
        return moderation_usecases.audit(self.store, actor, query)
