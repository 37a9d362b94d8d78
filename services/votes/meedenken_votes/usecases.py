"""What the votes service does, one function per act (entry points in service.py call these)."""
from meedenken_kit.errors import load_or_raise

from . import domain, repository as repo
from .ballots import apply_ballots, cast_now
from .events import SUPPORT_RECORDED, THRESHOLD_REACHED
from .schemas import ResponseIn, SupportIn, SupportsQuery, TopicVotesQuery


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
