"""Polls of a topic (co-decide), ballots, receipts and results; the rules live in the votes
service, the gateway adds what votes may not read itself: the topic (from topics) and the voter's
verified residencies (its own accounts)."""
from .. import accounts, residency
from ..routing import Route, require_id
from ..schemas import BallotResult, Poll, PollBallotIn, PollIn, PollList, PollPatchIn, PollResult, Receipt


def _topic(call, topic_id):
    """The topic as this caller may see it (a draft only for its officials)."""
    return call.rpc.call("topics", "get_topic", call.actor, require_id(topic_id, "Topic"))


def _visible_poll(call, poll_id):
    poll = call.rpc.call("votes", "get_poll", {"poll_id": require_id(poll_id, "Poll"), "account_id": call.account_id})
    _topic(call, poll["topic_id"])
    return poll


def create_poll(call, topic_id):
    topic = _topic(call, topic_id)
    return call.rpc.call("votes", "create_poll", call.actor,
                         {"id": topic["id"], "org": topic["org"], "title": topic["title"]}, call.body)


def topic_polls(call, topic_id):
    _topic(call, topic_id)
    return {"items": call.rpc.call("votes", "topic_polls", {"topic_id": topic_id, "account_id": call.account_id})}


def get_poll(call, poll_id):
    return _visible_poll(call, poll_id)


def update_poll(call, poll_id):
    return call.rpc.call("votes", "update_poll", call.actor, require_id(poll_id, "Poll"), call.body)


def cancel_poll(call, poll_id):
    call.rpc.call("votes", "cancel_poll", call.actor, require_id(poll_id, "Poll"))
    return 204, None


def cast_ballot(call, poll_id):
    """The account is read fresh (not from the cache): a residency verified a moment ago counts."""
    poll = _visible_poll(call, poll_id)
    account = accounts.get(call.gateway.db, call.account_id) or call.account
    actor = {**call.actor, "residencies": [r["org"] for r in residency.residencies(account)]}
    return call.rpc.call("votes", "cast_poll_ballot", actor, poll["id"], call.body)


def check_receipt(call, poll_id, code):
    return call.rpc.call("votes", "check_receipt", {"poll_id": require_id(poll_id, "Poll"), "code": code.upper()})


def results(call, poll_id):
    poll = _visible_poll(call, poll_id)
    return call.rpc.call("votes", "poll_results", {"poll_id": poll["id"]})


P = ("polls",)
ERRORS = (400, 401, 403, 404, 409, 422)
ROUTES = [
    Route("POST", "/api/v1/topics/{topic_id}/polls", create_poll,
          "Schedule a poll on a topic (officials of its organisation); opens_at may be now", auth="official",
          body=PollIn, status=201, answer=Poll, errors=ERRORS, tags=P),
    Route("GET", "/api/v1/topics/{topic_id}/polls", topic_polls, "A topic's polls, by opening time", answer=PollList,
          errors=(404,), tags=P),
    Route("GET", "/api/v1/polls/{poll_id}", get_poll, "A poll: its rules, status and whether I voted (my choice "
          "only when it is not secret)", answer=Poll, errors=(404,), tags=P),
    Route("PATCH", "/api/v1/polls/{poll_id}", update_poll, "Change a poll's rules; only before it opens (409 after)",
          auth="official", body=PollPatchIn, answer=Poll, errors=ERRORS, tags=P),
    Route("DELETE", "/api/v1/polls/{poll_id}", cancel_poll, "Cancel a poll; only before it opens (409 after)",
          auth="official", status=204, errors=(401, 403, 404, 409), tags=P),
    Route("PUT", "/api/v1/polls/{poll_id}/ballot", cast_ballot,
          "Vote while the poll is open: {choices} (single, multiple), {ranking} (ranked, may be partial) or "
          "{allocation} (budget). Changeable until the close; in a secret poll once only, answered with a receipt",
          auth="citizen", body=PollBallotIn, answer=BallotResult, errors=ERRORS, tags=P),
    Route("GET", "/api/v1/polls/{poll_id}/receipts/{code}", check_receipt,
          "Check that the ballot of a receipt is in a secret poll's box (and, after the close, what it says)",
          answer=Receipt, errors=(404, 422), tags=P),
    Route("GET", "/api/v1/polls/{poll_id}/results", results,
          "The result after the close (of an open poll that is not secret: the count so far)", answer=PollResult,
          errors=(404, 409), tags=P),
]
