"""The only module of the votes service that knows collections, indexes and queries."""
import secrets
from datetime import datetime, timezone

from pymongo import ASCENDING, InsertOne, UpdateOne
from pymongo.errors import CollectionInvalid, OperationFailure

BATCH = 500


def now():
    return datetime.now(timezone.utc)


def ensure_indexes(db):
    db.responses.create_index([("topic_id", ASCENDING), ("account_id", ASCENDING)])
    db.responses.create_index("statement_id")
    db.supports.create_index([("account_id", ASCENDING), ("proposal_id", ASCENDING)])
    move_statement_tallies(db)


def response_key(statement_id, account_id):
    return f"{statement_id}:{account_id}"


def answers_of(db, statement_id, session=None):
    """account id -> (choice, cast_at) for every answer to one statement."""
    return {doc["account_id"]: (doc["choice"], doc.get("cast_at", "")) for doc in db.responses.find(
        {"statement_id": statement_id}, {"account_id": 1, "choice": 1, "cast_at": 1}, session=session)
        .batch_size(BATCH)}


# tallies: one document per topic, ``{_id: topic id, statements: {statement id: {agree, disagree,
# pass, version}}}`` — a batch of answers reads a topic's tallies with one lookup and changes them
# with one write; ``version`` counts the batches that changed a statement's tally.

def tallies_of(db, topic_ids, session=None):
    """statement id -> stored tally (with its version) of every answered statement of these topics."""
    tallies = {}
    for topic_id in topic_ids:
        tallies.update(statement_tallies(db, topic_id, session))
    return tallies


def apply_tallies(db, session, changes, before):
    """``changes``: statement id -> (topic id, {choice: delta}) (the delta may be empty when only
    the time of an unchanged answer moved); ``before``: the stored tallies, read in the same
    transaction. Counts the changes and bumps each statement's version; returns statement id -> its
    tally after the batch. Each changed statement's tally is written whole (``$set``), not as
    ``$inc``s (SecantusDB took ~10 ms for one update of 200 incremented paths, ~1 ms to set 50
    tallies): a concurrent change makes the transaction conflict and start again, it is never
    overwritten."""
    per_topic, after = {}, {}
    for statement_id, (topic_id, delta) in changes.items():
        tally = dict(before.get(statement_id) or {})
        for key, by in {**delta, "version": 1}.items():
            tally[key] = tally.get(key, 0) + by
        per_topic.setdefault(topic_id, {})[f"statements.{statement_id}"] = after[statement_id] = tally
    db.topic_tallies.bulk_write([UpdateOne({"_id": topic_id}, {"$set": tallies}, upsert=True)
                                 for topic_id, tallies in per_topic.items()], ordered=False, session=session)
    return after


def statement_tallies(db, topic_id, session=None):
    """statement id -> tally (with its version) of every statement of the topic answered so far."""
    doc = db.topic_tallies.find_one({"_id": topic_id}, session=session)
    return (doc or {}).get("statements", {})


def move_statement_tallies(db):
    """Tallies were one document per statement (collection ``tallies``) before they were one per
    topic: each topic's are added into its document and removed, in one transaction per topic
    (run at start; nothing to do once moved)."""
    for topic_id in db.tallies.distinct("topic_id"):
        def move(session, topic_id=topic_id):
            old = list(db.tallies.find({"topic_id": topic_id}, session=session))
            increments = {f"statements.{doc['_id']}.{key}": doc[key] for doc in old
                          for key in ("agree", "disagree", "pass", "version") if doc.get(key)}
            if increments:
                db.topic_tallies.update_one({"_id": topic_id}, {"$inc": increments}, upsert=True, session=session)
            db.tallies.delete_many({"_id": {"$in": [doc["_id"] for doc in old]}}, session=session)
        with db.client.start_session() as session:
            session.with_transaction(move)
    if "tallies" in db.list_collection_names() and db.tallies.count_documents({}) == 0:
        db.drop_collection("tallies")


def save_answers(db, session, new, changed):
    """Store the batch's answers in one round trip: ``new`` ones are inserted (cheaper than an
    upsert), ``changed`` ones replace the stored answer (natural key: statement + citizen)."""
    at = now()
    requests = [InsertOne({"_id": response_key(b["statement_id"], b["account_id"]), **_answer(b, at), "created_at": at})
                for b in new]
    requests += [UpdateOne({"_id": response_key(b["statement_id"], b["account_id"])}, {"$set": _answer(b, at)})
                 for b in changed]
    db.responses.bulk_write(requests, ordered=False, session=session)


def _answer(ballot, at):
    return {"statement_id": ballot["statement_id"], "topic_id": ballot["topic_id"], "account_id": ballot["account_id"],
            "choice": ballot["choice"], "cast_at": ballot["cast_at"], "updated_at": at}


def responses_of(db, topic_id, account_id):
    return list(db.responses.find({"topic_id": topic_id, "account_id": account_id},
                                  {"statement_id": 1, "choice": 1}).batch_size(BATCH))


def support_key(proposal_id, account_id):
    return f"{proposal_id}:{account_id}"


def has_supported(db, proposal_id, account_id, session=None):
    return db.supports.find_one({"_id": support_key(proposal_id, account_id)}, {"_id": 1}, session=session) is not None


def add_supports(db, session, supports):
    """Insert new supports (one per citizen and proposal) and count them on their proposals."""
    at = now()
    db.supports.insert_many([{"_id": support_key(s["proposal_id"], s["account_id"]), "proposal_id": s["proposal_id"],
                              "account_id": s["account_id"], "at": at} for s in supports], session=session)
    per_proposal = {}
    for s in supports:
        per_proposal.setdefault(s["proposal_id"], [s, 0])[1] += 1
    db.proposals.bulk_write([UpdateOne(
        {"_id": proposal_id},
        {"$inc": {"supports": n},
         "$setOnInsert": {"org": s["org"], "threshold": s["support_threshold"], "author_id": s["author_id"],
                          "title": s["title"], "reached": False}},
        upsert=True) for proposal_id, (s, n) in per_proposal.items()], ordered=False, session=session)


def proposals_in(db, proposal_ids, session=None):
    """The counter documents of a few proposals, by id (one lookup each: cheaper than ``$in``)."""
    return {pid: get_proposal(db, pid, session) for pid in proposal_ids}


def get_proposal(db, proposal_id, session=None):
    return db.proposals.find_one({"_id": proposal_id}, session=session)


def mark_reached(db, session, proposal_id):
    result = db.proposals.update_one({"_id": proposal_id, "reached": False},
                                     {"$set": {"reached": True, "reached_at": now()}}, session=session)
    return result.modified_count == 1


def proposals(db, proposal_ids):
    return {p["_id"]: p for p in db.proposals.find({"_id": {"$in": proposal_ids}})}


def supported_among(db, proposal_ids, account_id):
    keys = [support_key(pid, account_id) for pid in proposal_ids]
    return {s["proposal_id"] for s in db.supports.find({"_id": {"$in": keys}}, {"proposal_id": 1})}


def participants_of_topic(db, topic_id):
    """Account ids that answered any statement of the topic."""
    return sorted({doc["account_id"] for doc in db.responses.find({"topic_id": topic_id}, {"account_id": 1})
                   .batch_size(BATCH)})


# polls ------------------------------------------------------------------------------------------
# A secret poll keeps who voted (poll_voters, the roll) apart from what was voted (poll_box): a box
# document has a random id (the hash of its receipt), the poll id and the options, nothing else.

def ensure_poll_indexes(db):
    db.polls.create_index([("topic_id", ASCENDING), ("opens_at", ASCENDING)])
    db.polls.create_index([("state", ASCENDING), ("opens_at", ASCENDING)])
    db.polls.create_index([("state", ASCENDING), ("closes_at", ASCENDING)])
    db.poll_ballots.create_index("poll_id")
    db.poll_voters.create_index("poll_id")
    if "poll_box" not in db.list_collection_names():
        # clustered by the random id where the server supports it, so the box's natural order is
        # not the order of arrival (docs/secret-ballot.md)
        try:
            db.create_collection("poll_box", clusteredIndex={"key": {"_id": 1}, "unique": True})
        except (CollectionInvalid, OperationFailure):  # another instance made it meanwhile
            if "poll_box" not in db.list_collection_names():
                raise
    db.poll_box.create_index("poll_id")


def insert_poll(db, session, poll):
    db.polls.insert_one(poll, session=session)
    return poll


def get_poll(db, poll_id, session=None):
    return db.polls.find_one({"_id": poll_id}, session=session)


def polls_of_topic(db, topic_id):
    # the (topic_id, opens_at) index serves the equality and the order; the few cancelled ones are
    # left out here (with the ``$ne`` in the query SecantusDB scanned the collection and sorted)
    return [poll for poll in db.polls.find({"topic_id": topic_id}).sort("opens_at", ASCENDING)
            if poll.get("state") != "cancelled"]


def update_scheduled_poll(db, session, poll_id, changes):
    """Change a poll's rules while it is still scheduled; False when it no longer is."""
    result = db.polls.update_one({"_id": poll_id, "state": "scheduled"}, {"$set": changes}, session=session)
    return result.modified_count == 1


def claim_state(db, session, poll_id, states, new_state, changes=None):
    """Move the poll from one of ``states`` to ``new_state``: True for the one caller that did it."""
    result = db.polls.update_one({"_id": poll_id, "state": {"$in": list(states)}},
                                 {"$set": {"state": new_state, **(changes or {})}}, session=session)
    return result.modified_count == 1


def polls_due(db, field, states, moment):
    return list(db.polls.find({"state": {"$in": list(states)}, field: {"$lte": moment}}).limit(BATCH))


def count_ballot(db, session, poll_id, new_voter):
    """Every ballot written touches its poll (so counting at close and casting serialise); False
    when the poll was closed meanwhile."""
    result = db.polls.update_one({"_id": poll_id, "state": {"$in": ["scheduled", "open"]}},
                                 {"$inc": {"turnout": 1 if new_voter else 0, "ballot_writes": 1}}, session=session)
    return result.modified_count == 1


def ballot_key(poll_id, account_id):
    return f"{poll_id}:{account_id}"


def get_open_ballot(db, poll_id, account_id, session=None):
    return db.poll_ballots.find_one({"_id": ballot_key(poll_id, account_id)}, session=session)


def save_open_ballot(db, session, poll_id, account_id, options, exists):
    at = now()
    if exists:
        db.poll_ballots.update_one({"_id": ballot_key(poll_id, account_id)},
                                   {"$set": {"options": options, "updated_at": at}}, session=session)
    else:
        db.poll_ballots.insert_one({"_id": ballot_key(poll_id, account_id), "poll_id": poll_id,
                                    "account_id": account_id, "options": options, "cast_at": at, "updated_at": at},
                                   session=session)


def has_voted(db, poll_id, account_id, session=None):
    return db.poll_voters.find_one({"_id": ballot_key(poll_id, account_id)}, {"_id": 1}, session=session) is not None


def put_in_box(db, session, poll_id, account_id, box_id, options):
    """The roll says who voted, the box what: two collections, one transaction."""
    db.poll_voters.insert_one({"_id": ballot_key(poll_id, account_id), "poll_id": poll_id, "account_id": account_id},
                              session=session)
    db.poll_box.insert_one({"_id": box_id, "poll_id": poll_id, "options": options}, session=session)


def box_ballot(db, box_id):
    return db.poll_box.find_one({"_id": box_id})


def ballots_of_poll(db, poll, session=None):
    """Every ballot's options (a list of option ids per ballot)."""
    collection = db.poll_box if poll["secret"] else db.poll_ballots
    return [doc["options"] for doc in collection.find({"poll_id": poll["_id"]}, {"options": 1}, session=session)
            .batch_size(BATCH)]


def voted_among(db, poll_ids, account_id):
    """poll id -> the account's ballot document (a roll entry for a secret poll)."""
    keys = [ballot_key(poll_id, account_id) for poll_id in poll_ids]
    found = {doc["poll_id"]: doc for doc in db.poll_ballots.find({"_id": {"$in": keys}})}
    found.update({doc["poll_id"]: doc for doc in db.poll_voters.find({"_id": {"$in": keys}})})
    return found
# opinion groups -------------------------------------------------------------------------------------

def mark_opinions_stale(db, topic_id):
    """The topic's answers changed; a topic seen for the first time is due at once."""
    at = now()
    db.opinion_topics.update_one({"_id": topic_id}, {"$set": {"stale": True}, "$inc": {"changes": 1},
                                                     "$setOnInsert": {"due_at": at}}, upsert=True)


def due_opinion_topics(db, limit):
    """(topic id, change count) of stale topics whose debounce interval has passed (one small
    document per topic: no index needed)."""
    return [(doc["_id"], doc["changes"]) for doc in db.opinion_topics.find(
        {"stale": True, "due_at": {"$lte": now()}}, {"changes": 1}).limit(limit)]


def answers_of_topic(db, topic_id):
    """(account id, statement id, choice) of every answer to the topic's statements."""
    for doc in db.responses.find({"topic_id": topic_id}, {"_id": 0, "account_id": 1, "statement_id": 1, "choice": 1}) \
            .batch_size(BATCH):
        yield doc["account_id"], doc["statement_id"], doc["choice"]


def save_opinion_groups(db, session, topic_id, result, changes, next_due):
    """Store the result; the topic stays stale when answers arrived during the computation."""
    db.opinion_groups.replace_one({"_id": topic_id}, {"_id": topic_id, **result}, upsert=True, session=session)
    db.opinion_topics.update_one({"_id": topic_id}, {"$set": {"due_at": next_due}}, session=session)
    db.opinion_topics.update_one({"_id": topic_id, "changes": changes}, {"$set": {"stale": False}}, session=session)


def get_opinion_groups(db, topic_id):
    return db.opinion_groups.find_one({"_id": topic_id}, {"_id": 0})


# personal data (docs/privacy.md) ----------------------------------------------------------------

def answers_by(db, account_id):
    return list(db.responses.find({"account_id": account_id}, {"_id": 0}).sort("statement_id", ASCENDING)
                .batch_size(BATCH))


def forget_answers(db, session, account_id):
    """The tallies keep counting the answers; nothing links them to the account any more."""
    db.responses.delete_many({"account_id": account_id}, session=session)


def supports_by(db, account_id):
    return list(db.supports.find({"account_id": account_id}, {"_id": 0}).batch_size(BATCH))


def forget_supports(db, session, account_id):
    """The proposals keep their support counts."""
    db.supports.delete_many({"account_id": account_id}, session=session)


def open_ballots_by(db, account_id):
    return list(db.poll_ballots.find({"account_id": account_id}, {"_id": 0}).batch_size(BATCH))


def unlink_open_ballots(db, session, account_id):
    """Each ballot of a non-secret poll stays in the count under a random key, without the account."""
    ballots = list(db.poll_ballots.find({"account_id": account_id}, session=session))
    if ballots:
        db.poll_ballots.insert_many([{"_id": f"{b['poll_id']}:erased-{secrets.token_hex(12)}", "poll_id": b["poll_id"],
                                      "options": b["options"]} for b in ballots], session=session)
        db.poll_ballots.delete_many({"account_id": account_id}, session=session)


def secret_polls_voted_in(db, account_id):
    """Only that the account voted (the roll): the box holds no link to it (docs/secret-ballot.md)."""
    return list(db.poll_voters.find({"account_id": account_id}, {"_id": 0, "poll_id": 1}))


def strike_from_rolls(db, session, account_id):
    """The turnout and the box stay as they are."""
    db.poll_voters.delete_many({"account_id": account_id}, session=session)
