"""Topics, their statements and reactions, answers to statements, follows."""
import uuid
from datetime import datetime, timezone

from meedenken_kit import correlation
from meedenken_kit.envelope import rfc3339

from ..routing import Route, require_id
from ..rpc import RpcError, ServiceUnavailable
from ..schemas import (CursorQuery, ModerationIn, PhaseIn, ReactionIn, ReactionList, Reaction, ReactionModerationIn,
                       ResponseIn,
                       ResponseResult, Statement, StatementIn, Topic, TopicIn, TopicList, TopicListQuery,
                       TopicPage, TopicPatchIn)

EMPTY_TALLY = {"agree": 0, "disagree": 0, "pass": 0}


def list_topics(call):
    return call.rpc.call("topics", "list_topics", call.actor, call.query)


def create_topic(call):
    return call.rpc.call("topics", "create_topic", call.actor, call.body)


def topic_page(call, topic_id):
    """The topic with its statements, their tallies, my answers, its polls, the follow state and
    the first page of its reactions (``reactions``, as ``GET .../reactions`` without a cursor
    answers it), so a client shows the page after one request. The three services are asked at
    once (one call each); when votes or notifications do not answer, the page says so in
    ``missing`` and shows the rest."""
    require_id(topic_id, "Topic")
    rpc = call.rpc
    topic_call = rpc.call_async("topics", "topic_page", call.actor, topic_id)
    parts = {}
    for part, service, method, query in (
            ("votes", "votes", "topic_votes", {"topic_id": topic_id, "account_id": call.account_id}),
            ("follows", "notifications", "follow_info", {"topic_id": topic_id, "account_id": call.account_id})):
        try:
            parts[part] = (service, rpc.call_async(service, method, query))
        except RpcError:
            parts[part] = (service, None)
    page = rpc.result("topics", topic_call)
    answers = {}
    for part, (service, future) in parts.items():
        try:
            answers[part] = rpc.result(service, future) if future is not None else None
        except RpcError:
            answers[part] = None
    votes, follows = answers["votes"], answers["follows"]
    missing = []
    if votes is None:
        missing += ["tallies", "my_responses", "polls"]
    if follows is None:
        missing += ["follower_count", "following"]
    for statement in page["statements"]:
        statement["tally"] = votes["tallies"].get(statement["id"], dict(EMPTY_TALLY)) if votes else None
        statement["my_response"] = votes["mine"].get(statement["id"]) if votes else None
    page["follower_count"] = follows["follower_count"] if follows else None
    page["following"] = bool(follows and follows["following"])
    page["polls"] = votes["polls"] if votes else []
    page["missing"] = missing
    return page


def update_topic(call, topic_id):
    return call.rpc.call("topics", "update_topic", call.actor, require_id(topic_id, "Topic"), call.body)


def change_phase(call, topic_id):
    return call.rpc.call("topics", "change_phase", call.actor, require_id(topic_id, "Topic"),
                         {"note": "", **call.body})


def add_statement(call, topic_id):
    return call.rpc.call("topics", "add_statement", call.actor, require_id(topic_id, "Topic"), call.body)


def moderate_statement(call, statement_id):
    return call.rpc.call("topics", "moderate_statement", call.actor, require_id(statement_id, "Statement"),
                         {"reason": "", **call.body})


def answerable(call, statement_id):
    """The statement, when citizens may answer it now: asked of topics at most every few seconds
    per statement (its phase changes rarely; answers come in thousands per second)."""
    require_id(statement_id, "Statement")
    return call.gateway.answerable.get_or_load(
        statement_id, lambda: call.rpc.call("topics", "check_may_answer", call.actor, statement_id))


def answer_statement(call, statement_id):
    """Queue the answer durably (publisher-confirmed into the votes service's partitioned queue)
    and say so; the votes service counts queued answers in batches within milliseconds."""
    statement = answerable(call, statement_id)
    ballot = {"ballot_id": uuid.uuid4().hex, "correlation_id": correlation.current(),
              "statement_id": statement["id"], "topic_id": statement["topic"]["id"],
              "account_id": call.account_id, "choice": call.body["choice"],
              # the ballot cast last wins, so cast_at sorts in time order (UTC, to the microsecond)
              "cast_at": rfc3339(datetime.now(timezone.utc), timespec="microseconds")}
    try:
        call.gateway.ballots.send(ballot)
    except Exception as exc:
        raise ServiceUnavailable("votes", f"the answer could not be queued ({exc})") from None
    return {"statement_id": statement["id"], "choice": ballot["choice"], "recorded": True}


def answer_statement_now(call, statement_id):
    """Count the answer before answering (the web page shows the tally right after)."""
    statement = answerable(call, statement_id)
    return call.rpc.call("votes", "record_response", {
        "account_id": call.account_id, "statement_id": statement["id"], "topic_id": statement["topic"]["id"],
        "choice": call.body["choice"]})


def moderate_reaction(call, reaction_id):
    return call.rpc.call("topics", "moderate_reaction", call.actor, require_id(reaction_id, "Reaction"),
                         {"reason": "", **call.body})


def post_reaction(call, topic_id):
    return call.rpc.call("topics", "post_reaction", call.actor, require_id(topic_id, "Topic"),
                         {"parent_id": None, **call.body})


def list_reactions(call, topic_id):
    return call.rpc.call("topics", "list_reactions", call.actor, require_id(topic_id, "Topic"), call.query)


def _set_follow(call, topic_id, method):
    call.rpc.call("topics", "get_topic", call.actor, require_id(topic_id, "Topic"))
    call.rpc.call("notifications", method, {"account_id": call.account_id, "topic_id": topic_id})
    return 204, None


def follow(call, topic_id):
    return _set_follow(call, topic_id, "follow")


def unfollow(call, topic_id):
    return _set_follow(call, topic_id, "unfollow")


T = ("topics",)
ROUTES = [
    Route("GET", "/api/v1/topics", list_topics, "Published topics, newest first", query=TopicListQuery,
          answer=TopicList, errors=(400, 422), tags=T),
    Route("POST", "/api/v1/topics", create_topic, "Create a topic (in draft)", auth="official", body=TopicIn,
          status=201, answer=Topic, errors=(400, 401, 403, 404, 422), tags=T),
    Route("GET", "/api/v1/topics/{topic_id}", topic_page,
          "The topic page: statements with tallies, my answers, follow state, the first reactions",
          answer=TopicPage,
          errors=(404,), tags=T),
    Route("PATCH", "/api/v1/topics/{topic_id}", update_topic, "Edit a topic", auth="official",
          body=TopicPatchIn, answer=Topic, errors=(400, 401, 403, 404, 409, 422), tags=T),
    Route("POST", "/api/v1/topics/{topic_id}/phase", change_phase, "Move a topic along the participation ladder",
          auth="official", body=PhaseIn, answer=Topic, errors=(400, 401, 403, 404, 409, 422), tags=T),
    Route("POST", "/api/v1/topics/{topic_id}/statements", add_statement,
          "Add a statement (an official's is published, a citizen's awaits moderation)", auth="citizen",
          body=StatementIn, status=201, answer=Statement, errors=(400, 401, 403, 404, 409, 422), tags=T),
    Route("PUT", "/api/v1/statements/{statement_id}/response", answer_statement,
          "Answer a statement: agree, disagree or pass (idempotent, changeable). 200 once the answer is "
          "durably queued; the tally follows within moments", auth="citizen",
          body=ResponseIn, answer=ResponseResult, errors=(400, 401, 404, 409, 422), tags=T),
    Route("POST", "/api/v1/statements/{statement_id}/moderation", moderate_statement,
          "Approve or reject a citizen's statement", auth="official", body=ModerationIn, answer=Statement,
          errors=(400, 401, 403, 404, 409, 422), tags=T),
    Route("POST", "/api/v1/topics/{topic_id}/reactions", post_reaction,
          "React, or reply to a reaction (an official's reaction is an official answer)", auth="citizen",
          body=ReactionIn, status=201, answer=Reaction, errors=(400, 401, 403, 404, 409, 422), tags=T),
    Route("POST", "/api/v1/reactions/{reaction_id}/moderation", moderate_reaction,
          "Hide a reaction (with a reason shown in its place) or restore it", auth="official",
          body=ReactionModerationIn, answer=Reaction, errors=(400, 401, 403, 404, 409, 422), tags=T),
    Route("GET", "/api/v1/topics/{topic_id}/reactions", list_reactions,
          "Top-level reactions with their first replies, oldest first", query=CursorQuery, answer=ReactionList,
          errors=(404, 422), tags=T),
    Route("POST", "/api/v1/topics/{topic_id}/follow", follow, "Follow a topic", auth="citizen", status=204,
          errors=(401, 404), tags=T),
    Route("DELETE", "/api/v1/topics/{topic_id}/follow", unfollow, "Stop following a topic", auth="citizen",
          status=204, errors=(401, 404), tags=T),
]
