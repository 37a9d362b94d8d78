"""What the votes service does, one function per act (entry points in service.py call these)."""
import base64
import hashlib
import logging
import secrets
import time
from datetime import timedelta, timezone

from bson import ObjectId
from eventlet import tpool
from meedenken_kit.cache import TTLCache
from meedenken_kit.envelope import rfc3339
from meedenken_kit.errors import Conflict, Forbidden, InvalidInput, NotFound, load_or_raise
from meedenken_kit.personal_data import Part, PersonalData, either_way
from pymongo.errors import DuplicateKeyError

from . import domain, opinions, polls, repository as repo
from .ballots import apply_ballots, cast_now
from .events import BALLOT_CAST, OPINION_GROUPS_COMPUTED, POLL_CANCELLED, POLL_CLOSED, POLL_OPENED, POLL_SCHEDULED
from .schemas import (ID_PATTERN, ActorIn, BallotChoiceIn, OpinionGroupsOut, PollQuery, PollRulesIn, ReceiptQuery,
                      ResponseIn, SupportsQuery, TopicPollsQuery, TopicRef, TopicVotesQuery)

log = logging.getLogger(__name__)

topic_tallies = TTLCache(seconds=1.0)


def record_response(uow, cache, payload):
    """One answer, counted at once (the same counting as the batches): one answer per citizen per
    statement, changeable; repeating it changes nothing."""
    response = load_or_raise(ResponseIn, payload)
    tally = apply_ballots(uow, cache, [{**response, "cast_at": cast_now()}])[response["statement_id"]]
    topic_tallies.forget(response["topic_id"])  # the page shown next to this citizen counts it
    return {"statement_id": response["statement_id"], "choice": response["choice"], "tally": tally}


def topic_votes(uow, query):
    """What a topic page shows of the votes, in one call: the topic's tallies (read at most once a
    second per process: a busy topic's page is read by many while its tallies change with every
    batch, and they follow the answers by moments anyway), the citizen's own answers and the
    topic's polls with the citizen's participation (always read)."""
    q = load_or_raise(TopicVotesQuery, query)
    tallies = topic_tallies.get_or_load(q["topic_id"], lambda: {
        statement_id: domain.tally_of(t) for statement_id, t in repo.statement_tallies(uow.db, q["topic_id"]).items()})
    mine = {}
    if q["account_id"]:
        mine = {r["statement_id"]: r["choice"] for r in repo.responses_of(uow.db, q["topic_id"], q["account_id"])}
    return {"tallies": tallies, "mine": mine, "polls": _polls_of_topic(uow, q["topic_id"], q["account_id"])}


def proposal_supports(uow, query):
    q = load_or_raise(SupportsQuery, query)
    ids = q["proposal_ids"]
    found = repo.proposals(uow.db, ids) if ids else {}
    mine = repo.supported_among(uow.db, ids, q["account_id"]) if ids and q["account_id"] else set()
    return {pid: {"supports": found[pid]["supports"] if pid in found else 0, "supported": pid in mine}
            for pid in ids}


def participants_of_topic(uow, topic_id):
    """Who answered the topic's statements (the notifications service asks when a topic is decided)."""
    q = load_or_raise(TopicVotesQuery, {"topic_id": topic_id})
    return repo.participants_of_topic(uow.db, q["topic_id"])
# polls ------------------------------------------------------------------------------------------

def _actor(payload):
    return load_or_raise(ActorIn, payload) if payload is not None else None


def _require_official(actor, org):
    if not actor or actor["roles"].get(org) not in ("official", "admin"):
        raise Forbidden("Only an official of this organisation may do this.")


def _poll(uow, poll_id, session=None):
    poll = repo.get_poll(uow.db, poll_id, session) if ID_PATTERN.match(poll_id or "") else None
    if poll is None:
        raise NotFound("Poll not found.")
    return poll


def _rules(data):
    """The rules as stored: UTC times, options numbered o1, o2, ..."""
    rules = {**data, "opens_at": data["opens_at"].astimezone(timezone.utc),
             "closes_at": data["closes_at"].astimezone(timezone.utc)}
    if "options" in data:
        rules["options"] = [{"id": f"o{n}", "label": o["label"].strip(), "cost": o.get("cost")}
                            for n, o in enumerate(data["options"], 1)]
    return rules


def _check_rules(poll, now):
    problems = polls.rules_problems(poll, now)
    if problems:
        raise InvalidInput("The poll's rules do not fit together.", problems)


def _scheduled_event(poll, actor_id):
    return {"poll_id": poll["_id"], "topic_id": poll["topic_id"], "org": poll["org"], "question": poll["question"],
            "kind": poll["kind"], "options": poll["options"], "max_choices": poll["max_choices"],
            "budget": poll["budget"], "opens_at": rfc3339(poll["opens_at"]), "closes_at": rfc3339(poll["closes_at"]),
            "quorum": poll["quorum"], "binding": poll["binding"], "secret": poll["secret"],
            "electorate": poll["electorate"], "actor_id": actor_id}


def create_poll(uow, actor, topic, rules):
    """An official of the topic's organisation schedules a poll (it may open at once)."""
    actor, topic = _actor(actor), load_or_raise(TopicRef, topic)
    _require_official(actor, topic["org"])
    now = repo.now()
    data = _rules(load_or_raise(PollRulesIn, rules))
    # "now" as the client meant it arrives a moment late: opening up to a minute ago is opening now
    if data["opens_at"] < now - timedelta(minutes=1):
        raise InvalidInput("The poll's rules do not fit together.", {"opens_at": ["A poll opens now or later."]})
    poll = {"_id": str(ObjectId()), "topic_id": topic["id"], "org": topic["org"], "topic_title": topic["title"],
            **data, "state": polls.SCHEDULED, "turnout": 0, "ballot_writes": 0, "result": None,
            "created_by": actor["id"], "created_at": now}
    _check_rules(poll, now)

    def txn(session):
        repo.insert_poll(uow.db, session, poll)
        uow.emit(session, POLL_SCHEDULED, poll["_id"], _scheduled_event(poll, actor["id"]))
    uow.transaction(txn)
    return poll_out(poll, now)


def _frozen(poll, now):
    state = polls.status(poll, now)
    if state != polls.SCHEDULED:
        raise Conflict({polls.CANCELLED: "The poll was cancelled.",
                        polls.OPEN: "The poll is open: its rules can no longer change.",
                        polls.CLOSED: "The poll is closed: its rules can no longer change."}[state])


def update_poll(uow, actor, poll_id, changes):
    """Change a scheduled poll's rules; frozen once it opens."""
    actor = _actor(actor)
    poll = _poll(uow, poll_id)
    _require_official(actor, poll["org"])
    now = repo.now()
    _frozen(poll, now)
    data = _rules(load_or_raise(PollRulesIn(partial=True), {
        "opens_at": rfc3339(poll["opens_at"]), "closes_at": rfc3339(poll["closes_at"]), **changes}))
    if "kind" in data and data["kind"] != poll["kind"]:
        raise InvalidInput("Invalid input.", {
            "kind": ["The kind of a poll cannot change; cancel it and make another."]})
    changed = {**poll, **data}
    if data["opens_at"] != poll["opens_at"] and data["opens_at"] < now:
        raise InvalidInput("The poll's rules do not fit together.", {"opens_at": ["A poll opens now or later."]})
    _check_rules(changed, now)

    def txn(session):
        if not repo.update_scheduled_poll(uow.db, session, poll["_id"], {k: changed[k] for k in polls.EDITABLE}):
            raise Conflict("The poll is no longer scheduled: its rules can no longer change.")
        uow.emit(session, POLL_SCHEDULED, poll["_id"], _scheduled_event(changed, actor["id"]))
    uow.transaction(txn)
    return poll_out(changed, now)


def cancel_poll(uow, actor, poll_id):
    actor = _actor(actor)
    poll = _poll(uow, poll_id)
    _require_official(actor, poll["org"])
    _frozen(poll, repo.now())

    def txn(session):
        if not repo.claim_state(uow.db, session, poll["_id"], [polls.SCHEDULED], polls.CANCELLED,
                                {"cancelled_at": repo.now()}):
            raise Conflict("The poll is no longer scheduled: it can no longer be cancelled.")
        uow.emit(session, POLL_CANCELLED, poll["_id"], {"poll_id": poll["_id"], "topic_id": poll["topic_id"],
                                                         "org": poll["org"], "actor_id": actor["id"]})
    uow.transaction(txn)


def _participation(poll, mine):
    """Whether the account voted (``mine``: its ballot, or roll entry for a secret poll, or None),
    and its choice when the poll is not secret."""
    ballot = {polls.FIELD_OF_KIND[poll["kind"]]: mine["options"]} if mine and not poll["secret"] else None
    return {"voted": mine is not None, "ballot": ballot}


def poll_out(poll, now, participation=None):
    out = {"id": poll["_id"], "topic_id": poll["topic_id"], "org": poll["org"], "topic_title": poll["topic_title"],
           "question": poll["question"], "kind": poll["kind"], "options": poll["options"],
           "max_choices": poll["max_choices"], "budget": poll["budget"], "opens_at": rfc3339(poll["opens_at"]),
           "closes_at": rfc3339(poll["closes_at"]), "quorum": poll["quorum"], "binding": poll["binding"],
           "secret": poll["secret"], "electorate": poll["electorate"], "status": polls.status(poll, now),
           "turnout": poll["turnout"], "created_at": rfc3339(poll["created_at"])}
    out["participation"] = participation or {"voted": False, "ballot": None}
    return out


def _mine(uow, polls_found, account_id):
    if not account_id or not polls_found:
        return {}
    return repo.voted_among(uow.db, [poll["_id"] for poll in polls_found], account_id)


def get_poll(uow, query):
    q = load_or_raise(PollQuery, query)
    poll = _poll(uow, q["poll_id"])
    return poll_out(poll, repo.now(), _participation(poll, _mine(uow, [poll], q["account_id"]).get(poll["_id"])))


def topic_polls(uow, query):
    q = load_or_raise(TopicPollsQuery, query)
    return _polls_of_topic(uow, q["topic_id"], q["account_id"])


def _polls_of_topic(uow, topic_id, account_id):
    found = repo.polls_of_topic(uow.db, topic_id)
    mine = _mine(uow, found, account_id)
    now = repo.now()
    return [poll_out(poll, now, _participation(poll, mine.get(poll["_id"]))) for poll in found]


def _may_vote(poll, actor, now):
    state = polls.status(poll, now)
    if state == polls.SCHEDULED:
        raise Conflict("The poll is not open yet.")
    if state == polls.CLOSED:
        raise Conflict("The poll is closed.")
    if state == polls.CANCELLED:
        raise Conflict("The poll was cancelled.")
    if poll["electorate"] == "residents" and poll["org"] not in actor["residencies"]:
        raise Forbidden("Only verified residents may vote in this poll: verify your address on your profile first.")


def cast_ballot(uow, actor, poll_id, ballot):
    """A ballot: changeable until the close in an open poll; once only, with a receipt, in a
    secret one (docs/secret-ballot.md)."""
    actor = _actor(actor)
    poll = _poll(uow, poll_id)
    _may_vote(poll, actor, repo.now())
    ballot = load_or_raise(BallotChoiceIn, ballot)
    problems = polls.ballot_problems(poll, ballot)
    if problems:
        raise InvalidInput("This ballot is not valid for this poll.", problems)
    options = polls.ballot_options(poll, ballot)
    return (_cast_secret if poll["secret"] else _cast_open)(uow, actor, poll, options)


def _ballot_cast(uow, session, poll, new_voter):
    if not repo.count_ballot(uow.db, session, poll["_id"], new_voter):
        raise Conflict("The poll is closed.")
    uow.emit(session, BALLOT_CAST, poll["_id"], {
        "poll_id": poll["_id"], "topic_id": poll["topic_id"], "org": poll["org"],
        "turnout": repo.get_poll(uow.db, poll["_id"], session)["turnout"]})


def _cast_open(uow, actor, poll, options):
    def txn(session):
        mine = repo.get_open_ballot(uow.db, poll["_id"], actor["id"], session)
        repo.save_open_ballot(uow.db, session, poll["_id"], actor["id"], options, exists=mine is not None)
        _ballot_cast(uow, session, poll, new_voter=mine is None)
    uow.transaction(txn)
    return {"poll_id": poll["_id"], "ballot": {polls.FIELD_OF_KIND[poll["kind"]]: options}}


def _cast_secret(uow, actor, poll, options):
    receipt = new_receipt()

    def txn(session):
        if repo.has_voted(uow.db, poll["_id"], actor["id"], session):
            raise Conflict("You have already voted in this secret poll; a secret ballot cannot be changed.")
        repo.put_in_box(uow.db, session, poll["_id"], actor["id"], box_id(receipt), options)
        _ballot_cast(uow, session, poll, new_voter=True)
    try:
        uow.transaction(txn)
    except DuplicateKeyError:  # the same voter twice at once: one of them got in
        raise Conflict("You have already voted in this secret poll; a secret ballot cannot be changed.") from None
    return {"poll_id": poll["_id"], "receipt": receipt}


def new_receipt():
    """A receipt code: 128 random bits in base32 (26 letters and digits)."""
    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=")


def box_id(receipt):
    """A box document's id: the hash of its receipt (random, and found again only with the code)."""
    return hashlib.sha256(receipt.encode("ascii")).hexdigest()


def check_receipt(uow, query):
    q = load_or_raise(ReceiptQuery, query)
    poll = _poll(uow, q["poll_id"])
    found = repo.box_ballot(uow.db, box_id(q["code"])) if poll["secret"] else None
    if found is None or found["poll_id"] != poll["_id"]:
        raise NotFound("No ballot with this receipt is in this poll's box.")
    closed = polls.status(poll, repo.now()) == polls.CLOSED
    return {"poll_id": poll["_id"], "receipt": q["code"], "in_box": True,
            "ballot": {polls.FIELD_OF_KIND[poll["kind"]]: found["options"]} if closed else None}


def poll_results(uow, query):
    """The result of a closed poll; of an open one that is not secret, the count so far."""
    poll = _poll(uow, load_or_raise(PollQuery, query)["poll_id"])
    state = polls.status(poll, repo.now())
    if state in (polls.SCHEDULED, polls.CANCELLED):
        raise Conflict("The poll is not open yet." if state == polls.SCHEDULED else "The poll was cancelled.")
    if state == polls.OPEN and poll["secret"]:
        raise Conflict("This poll is secret: its result is known only after it closes.")
    result = poll["result"] or polls.result(poll, repo.ballots_of_poll(uow.db, poll))
    return {"poll_id": poll["_id"], "final": state == polls.CLOSED and poll["result"] is not None, **result}


def advance_polls(uow, now):
    """Open and close the polls whose time has come, each exactly once whatever the number of
    instances doing this: the state change is claimed by a conditional update, and the events go
    out in the same transaction. Returns how many polls changed."""
    changed = 0
    for poll in repo.polls_due(uow.db, "opens_at", [polls.SCHEDULED], now):
        if poll["closes_at"] > now:
            changed += uow.transaction(lambda session, poll=poll: _open(uow, session, poll))
    for poll in repo.polls_due(uow.db, "closes_at", [polls.SCHEDULED, polls.OPEN], now):
        changed += uow.transaction(lambda session, poll=poll: _close(uow, session, poll))
    return changed


def _opened_event(poll):
    return {"poll_id": poll["_id"], "topic_id": poll["topic_id"], "org": poll["org"],
            "topic_title": poll["topic_title"], "question": poll["question"],
            "opens_at": rfc3339(poll["opens_at"]), "closes_at": rfc3339(poll["closes_at"])}


def _open(uow, session, poll):
    if not repo.claim_state(uow.db, session, poll["_id"], [polls.SCHEDULED], polls.OPEN):
        return False
    uow.emit(session, POLL_OPENED, poll["_id"], _opened_event(poll))
    return True


def _close(uow, session, poll):
    current = repo.get_poll(uow.db, poll["_id"], session)
    if current["state"] not in (polls.SCHEDULED, polls.OPEN):
        return False
    result = polls.result(current, repo.ballots_of_poll(uow.db, current, session))
    if not repo.claim_state(uow.db, session, poll["_id"], [current["state"]], polls.CLOSED, {"result": result}):
        return False
    if current["state"] == polls.SCHEDULED:  # opened and closed between two looks: both are told
        uow.emit(session, POLL_OPENED, poll["_id"], _opened_event(current))
    uow.emit(session, POLL_CLOSED, poll["_id"], {**_opened_event(current), "binding": current["binding"],
                                                 "secret": current["secret"], "result": result})
    return True




# opinion groups -------------------------------------------------------------------------------------

def on_responses_recorded(uow, event):
    """A topic's answers changed: its opinion groups are due for a recompute. Marking twice is
    harmless, so a redelivered event needs no deduplication."""
    repo.mark_opinions_stale(uow.db, event["data"]["topic_id"])


def recompute_opinion_groups(uow, settings, limit=5):
    """Recompute the stale topics that are due; each result is stored with its event.
    The computation runs in an OS thread (numpy releases the GIL) so the service keeps answering."""
    for topic_id, changes in repo.due_opinion_topics(uow.db, limit):
        try:
            _recompute(uow, topic_id, changes, settings)
        except Exception:  # one topic that fails must not hold up the others; it is tried again
            log.exception("recomputing the opinion groups of topic %s failed", topic_id)


def _recompute(uow, topic_id, changes, settings):
    started = time.monotonic()
    statement_ids, matrix = opinions.answer_matrix(repo.answers_of_topic(uow.db, topic_id))
    result = tpool.execute(opinions.opinion_groups, statement_ids, matrix, settings)
    result["computed_at"] = repo.now()

    def txn(session):
        repo.save_opinion_groups(uow.db, session, topic_id, result, changes,
                                 opinions.next_due(result["computed_at"], time.monotonic() - started, settings))
        uow.emit(session, OPINION_GROUPS_COMPUTED, topic_id, {
            "topic_id": topic_id, "participants": result["participants"],
            "group_sizes": [g["size"] for g in result["groups"]],
            "consensus": [c["statement_id"] for c in result["consensus"]], "reason": result["reason"]})
    uow.transaction(txn)


def opinion_groups(uow, topic_id):
    q = load_or_raise(TopicVotesQuery, {"topic_id": topic_id})
    found = repo.get_opinion_groups(uow.db, q["topic_id"])
    return OpinionGroupsOut().dump(found or {"computed_at": None, **opinions.empty("not_computed")})


# personal data (docs/privacy.md) ----------------------------------------------------------------

PERSONAL_DATA = PersonalData(
    Part("statement_answers", repo.answers_by, either_way(repo.forget_answers)),
    Part("agenda_proposal_supports", repo.supports_by, either_way(repo.forget_supports)),
    Part("poll_ballots", repo.open_ballots_by, either_way(repo.unlink_open_ballots)),
    Part("secret_polls_voted_in", repo.secret_polls_voted_in, either_way(repo.strike_from_rolls)),
)


