"""What the votes service does, one function per act (entry points in service.py call these)."""
import logging
from datetime import timedelta

from eventlet import tpool
from meedenken_kit.errors import load_or_raise

from . import domain, opinions, repository as repo
from .ballots import apply_ballots, cast_now
from .events import OPINION_GROUPS_COMPUTED, SUPPORT_RECORDED, THRESHOLD_REACHED
from .schemas import OpinionGroupsOut, ResponseIn, SupportIn, SupportsQuery, TopicVotesQuery

log = logging.getLogger(__name__)


def record_response(uow, cache, payload):
    """One answer, counted at once (the same counting as the batches): one answer per citizen per
    statement, changeable; repeating it changes nothing."""
    response = load_or_raise(ResponseIn(), payload)
    tally = apply_ballots(uow, cache, [{**response, "cast_at": cast_now()}])[response["statement_id"]]
    return {"statement_id": response["statement_id"], "choice": response["choice"], "tally": tally}


def topic_votes(uow, query):
    q = load_or_raise(TopicVotesQuery(), query)
    tallies = {t["_id"]: domain.tally_of(t) for t in repo.tallies_of_topic(uow.db, q["topic_id"])}
    mine = {}
    if q["account_id"]:
        mine = {r["statement_id"]: r["choice"] for r in repo.responses_of(uow.db, q["topic_id"], q["account_id"])}
    return {"tallies": tallies, "mine": mine}


def support_proposal(uow, payload):
    """One support per citizen; the support that reaches the threshold announces it, once."""
    support = load_or_raise(SupportIn(), payload)

    def txn(session):
        if repo.has_supported(uow.db, support["proposal_id"], support["account_id"], session):
            return repo.get_proposal(uow.db, support["proposal_id"], session), False
        proposal = repo.add_support(uow.db, session, support)
        uow.emit(session, SUPPORT_RECORDED, proposal["_id"], {
            "proposal_id": proposal["_id"], "org": proposal["org"], "supports": proposal["supports"]})
        if domain.reaches_threshold(proposal["supports"], proposal["threshold"], proposal["reached"]) \
                and repo.mark_reached(uow.db, session, proposal["_id"]):
            uow.emit(session, THRESHOLD_REACHED, proposal["_id"], {
                "proposal_id": proposal["_id"], "org": proposal["org"], "supports": proposal["supports"],
                "threshold": proposal["threshold"], "author_id": proposal["author_id"], "title": proposal["title"],
                "actor_id": support["account_id"]})
            proposal["reached"] = True
        return proposal, True

    proposal, counted = uow.transaction(txn)
    return {"proposal_id": proposal["_id"], "supports": proposal["supports"], "counted": counted,
            "threshold_reached": proposal["reached"], "supported": True}


def proposal_supports(uow, query):
    q = load_or_raise(SupportsQuery(), query)
    ids = q["proposal_ids"]
    found = repo.proposals(uow.db, ids) if ids else {}
    mine = repo.supported_among(uow.db, ids, q["account_id"]) if ids and q["account_id"] else set()
    return {pid: {"supports": found[pid]["supports"] if pid in found else 0, "supported": pid in mine}
            for pid in ids}


def participants_of_topic(uow, topic_id):
    """Who answered the topic's statements (the notifications service asks when a topic is decided)."""
    q = load_or_raise(TopicVotesQuery(), {"topic_id": topic_id})
    return repo.participants_of_topic(uow.db, q["topic_id"])


# opinion groups -------------------------------------------------------------------------------------

def on_responses_recorded(uow, event):
    """A topic's answers changed: its opinion groups are due for a recompute. Marking twice is
    harmless, so a redelivered event needs no deduplication."""
    repo.mark_opinions_stale(uow.db, event["data"]["topic_id"])


def recompute_opinion_groups(uow, settings, interval_seconds, limit=5):
    """Recompute the stale topics whose interval passed; each result is stored with its event.
    The computation runs in an OS thread (numpy releases the GIL) so the service keeps answering."""
    for topic_id, changes in repo.due_opinion_topics(uow.db, limit):
        try:
            _recompute(uow, topic_id, changes, settings, interval_seconds)
        except Exception:  # one topic that fails must not hold up the others; it is tried again
            log.exception("recomputing the opinion groups of topic %s failed", topic_id)


def _recompute(uow, topic_id, changes, settings, interval_seconds):
    statement_ids, matrix = opinions.answer_matrix(repo.answers_of_topic(uow.db, topic_id))
    result = tpool.execute(opinions.opinion_groups, statement_ids, matrix, settings)
    result["computed_at"] = repo.now()

    def txn(session):
        repo.save_opinion_groups(uow.db, session, topic_id, result, changes,
                                 result["computed_at"] + timedelta(seconds=interval_seconds))
        uow.emit(session, OPINION_GROUPS_COMPUTED, topic_id, {
            "topic_id": topic_id, "participants": result["participants"],
            "group_sizes": [g["size"] for g in result["groups"]],
            "consensus": [c["statement_id"] for c in result["consensus"]], "reason": result["reason"]})
    uow.transaction(txn)


def opinion_groups(uow, topic_id):
    q = load_or_raise(TopicVotesQuery(), {"topic_id": topic_id})
    found = repo.get_opinion_groups(uow.db, q["topic_id"])
    return OpinionGroupsOut().dump(found or {"computed_at": None, **opinions.empty("not_computed")})
