"""The only module of the topics service that knows collections, indexes and queries."""
from datetime import datetime, timezone

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from .moderation import KINDS as MODERATED

BATCH = 500
FIRST_REPLIES = 3  # replies shown under a thread on the reactions page


def now():
    return datetime.now(timezone.utc)


def new_id():
    return str(ObjectId())


def ensure_indexes(db):
    db.topics.create_index([("org", ASCENDING), ("phase", ASCENDING), ("_id", DESCENDING)])
    db.topics.create_index([("phase", ASCENDING), ("_id", DESCENDING)])
    db.topics.create_index([("tags", ASCENDING), ("_id", DESCENDING)])
    db.statements.create_index([("topic_id", ASCENDING), ("_id", ASCENDING)])
    db.reactions.create_index([("topic_id", ASCENDING), ("parent_id", ASCENDING), ("_id", ASCENDING)])
    db.agenda_proposals.create_index([("org", ASCENDING), ("_id", DESCENDING)])
    db.topics.create_index([("org", ASCENDING), ("last_activity_at", DESCENDING)])
    db.reactions.create_index([("org", ASCENDING), ("parent_id", ASCENDING), ("official_answer", ASCENDING),
                               ("answered_by_official", ASCENDING), ("_id", ASCENDING)])
    db.statements.create_index([("org", ASCENDING), ("status", ASCENDING), ("_id", ASCENDING)])
    db.agenda_proposals.create_index([("org", ASCENDING), ("status", ASCENDING), ("_id", ASCENDING)])
    for collection in ("statements", "reactions", "agenda_proposals", "solutions"):
        db[collection].create_index([("author_id", ASCENDING), ("_id", DESCENDING)])
    db.solutions.create_index([("topic_id", ASCENDING), ("_id", ASCENDING)])
    db.solution_supports.create_index([("topic_id", ASCENDING), ("account_id", ASCENDING)])
    db.campaign_visits.create_index([("topic_id", ASCENDING), ("day", ASCENDING)])
    db.reports.create_index([("kind", ASCENDING), ("item_id", ASCENDING), ("status", ASCENDING)])
    db.reports.create_index([("reporter_id", ASCENDING), ("_id", DESCENDING)])
    db.moderation_cases.create_index([("org", ASCENDING), ("queue_key", ASCENDING)])
    db.moderation_audit.create_index([("org", ASCENDING), ("_id", ASCENDING)])
    backfill_first_replies(db)


def backfill_first_replies(db):
    """Threads stored before they kept their first replies' ids get them (idempotent; a thread
    that has the field already is left alone)."""
    for thread in db.reactions.find({"parent_id": None, "reply_count": {"$gt": 0}, "first_replies": None},
                                    {"topic_id": 1}).batch_size(BATCH):
        first = [r["_id"] for r in db.reactions.find({"topic_id": thread["topic_id"], "parent_id": thread["_id"]},
                                                     {"_id": 1}).sort("_id", ASCENDING).limit(FIRST_REPLIES)]
        db.reactions.update_one({"_id": thread["_id"], "first_replies": None}, {"$set": {"first_replies": first}})


# organisations ----------------------------------------------------------------------------------

def insert_org(db, session, org):
    """Returns False when the slug is taken."""
    try:
        db.organisations.insert_one(org, session=session)
        return True
    except DuplicateKeyError:
        return False


def get_org(db, slug, session=None):
    return db.organisations.find_one({"_id": slug}, session=session)


def list_orgs(db):
    return list(db.organisations.find({}).sort("_id", ASCENDING).limit(1000))


# topics -----------------------------------------------------------------------------------------

def insert(db, session, collection, doc):
    db[collection].insert_one(doc, session=session)
    return doc


def get_topic(db, topic_id, session=None):
    return db.topics.find_one({"_id": topic_id}, session=session)


def update_topic(db, session, topic_id, changes):
    db.topics.update_one({"_id": topic_id}, {"$set": changes}, session=session)
    return get_topic(db, topic_id, session)


def record_phase(db, session, topic_id, from_phase, entry):
    """Compare-and-set on the phase so two officials cannot both move it; False if it moved."""
    result = db.topics.update_one(
        {"_id": topic_id, "phase": from_phase},
        {"$set": {"phase": entry["phase"], "updated_at": entry["at"], "last_activity_at": entry["at"]},
         "$push": {"phase_history": entry}},
        session=session,
    )
    return result.modified_count == 1


def bump(db, session, collection, doc_id, field, by=1):
    db[collection].update_one({"_id": doc_id}, {"$inc": {field: by}}, session=session)


def topic_activity(db, session, topic_id, counter):
    """Count a new statement, reaction or solution and mark the topic as active now."""
    db.topics.update_one({"_id": topic_id}, {"$inc": {counter: 1, "content_version": 1},
                                             "$set": {"last_activity_at": now()}}, session=session)


def content_changed(db, session, topic_id):
    """A statement, solution or reaction of the topic changed: copies of them are out of date
    (content.TopicContent)."""
    db.topics.update_one({"_id": topic_id}, {"$inc": {"content_version": 1}}, session=session)


def list_topics(db, phases, org=None, tag=None, after=None, limit=20, sort="newest"):
    """Newest first with an id cursor; or by latest activity (one page, no cursor)."""
    query = {"phase": {"$in": sorted(phases)}}
    if org:
        query["org"] = org
    if tag:
        query["tags"] = tag
    if sort == "activity":
        return list(db.topics.find(query, {"body": 0}).sort([("last_activity_at", DESCENDING), ("_id", DESCENDING)])
                    .limit(limit))
    if after:
        query["_id"] = {"$lt": after}
    return list(db.topics.find(query, {"body": 0}).sort("_id", DESCENDING).limit(limit + 1))


# statements -------------------------------------------------------------------------------------

def get_statement(db, statement_id, session=None):
    return db.statements.find_one({"_id": statement_id}, session=session)


def statements_of(db, topic_id):
    return list(db.statements.find({"topic_id": topic_id}).sort("_id", ASCENDING).batch_size(BATCH))


def set_statement_status(db, session, statement_id, status, moderation):
    result = db.statements.update_one(
        {"_id": statement_id, "status": "pending"},
        {"$set": {"status": status, "moderation": moderation}}, session=session)
    return result.modified_count == 1


# reactions --------------------------------------------------------------------------------------

def get_reaction(db, reaction_id, session=None):
    return db.reactions.find_one({"_id": reaction_id}, session=session)


def _unless_held(viewer):
    """Contributions held for pre-moderation only for their author (or everyone, for the
    organisation's officials: ``viewer`` None means no filter; a string is an account id)."""
    if viewer is None:
        return {}
    return {"$or": [{"held": {"$ne": True}}, {"author_id": viewer}]}


def reaction_page(db, topic_id, after=None, limit=20):
    """Top-level reactions oldest first after the cursor, each with its first replies: two
    queries whatever the number of threads (the thread keeps the ids of its first replies).
    Held ones too: the page is kept for every reader (content.TopicContent), who sees what
    moderation.shown lets them."""
    query = {"topic_id": topic_id, "parent_id": None}
    if after:
        query["_id"] = {"$gt": after}
    threads = list(db.reactions.find(query).sort("_id", ASCENDING).limit(limit + 1))
    more = len(threads) > limit
    threads = threads[:limit]
    reply_ids = sorted({reply_id for thread in threads for reply_id in thread.get("first_replies", ())})
    replies = {r["_id"]: r for r in db.reactions.find({"_id": {"$in": reply_ids}})} if reply_ids else {}
    for thread in threads:
        thread["replies"] = [replies[i] for i in thread.get("first_replies", ()) if i in replies]
    return threads, (threads[-1]["_id"] if more and threads else None)


def add_reply(db, session, parent_id, reply_id):
    """Count a reply on its thread; the thread keeps the ids of its FIRST_REPLIES oldest replies
    (ids grow with time; sorted, so replies committed out of order still keep the oldest)."""
    db.reactions.update_one({"_id": parent_id}, {
        "$inc": {"reply_count": 1},
        "$push": {"first_replies": {"$each": [reply_id], "$sort": 1, "$slice": FIRST_REPLIES}}}, session=session)


def mark_answered_by_official(db, session, reaction_id):
    db.reactions.update_one({"_id": reaction_id}, {"$set": {"answered_by_official": True}}, session=session)


def awaiting_answer(db, org, limit):
    """Citizens' top-level reactions no official has answered yet, oldest first."""
    return list(db.reactions.find({"org": org, "parent_id": None, "official_answer": False,
                                   "answered_by_official": {"$ne": True}, "hidden": None})
                .sort("_id", ASCENDING).limit(limit))


def pending_statements(db, org, limit):
    return list(db.statements.find({"org": org, "status": "pending"}).sort("_id", ASCENDING).limit(limit))


def proposals_to_answer(db, org, limit):
    return list(db.agenda_proposals.find({"org": org, "status": "threshold_reached"}).sort("_id", ASCENDING)
                .limit(limit))


def titles_of(db, topic_ids):
    return {t["_id"]: t["title"] for t in db.topics.find({"_id": {"$in": sorted(set(topic_ids))}}, {"title": 1})}


# agenda proposals -------------------------------------------------------------------------------

def get_proposal(db, proposal_id, session=None):
    return db.agenda_proposals.find_one({"_id": proposal_id}, session=session)


def list_proposals(db, org, after=None, limit=20):
    query = {"org": org}
    if after:
        query["_id"] = {"$lt": after}
    return list(db.agenda_proposals.find(query).sort("_id", DESCENDING).limit(limit + 1))


def set_proposal_answer(db, session, proposal_id, answer):
    result = db.agenda_proposals.update_one(
        {"_id": proposal_id, "status": "threshold_reached"},
        {"$set": {"status": "answered", "answer": answer}}, session=session)
    return result.modified_count == 1


def mark_threshold_reached(db, session, proposal_id, at):
    result = db.agenda_proposals.update_one(
        {"_id": proposal_id, "status": "open"},
        {"$set": {"status": "threshold_reached", "threshold_reached_at": at}}, session=session)
    return result.modified_count == 1


def contributions_of(db, author_id, limit=50):
    """What one person wrote, newest first, per kind."""
    return {collection: list(db[collection].find({"author_id": author_id}).sort("_id", DESCENDING).limit(limit))
            for collection in ("statements", "reactions", "agenda_proposals")}


# solutions --------------------------------------------------------------------------------------

def support_key(solution_id, account_id):
    return f"{solution_id}:{account_id}"


def get_solution(db, solution_id, session=None):
    return db.solutions.find_one({"_id": solution_id}, session=session)


def solution_page(db, topic_id, after=None, limit=20, viewer=None):
    """A topic's solutions oldest first after the cursor."""
    query = {"topic_id": topic_id, **_unless_held(viewer)}
    if after:
        query["_id"] = {"$gt": after}
    rows = list(db.solutions.find(query).sort("_id", ASCENDING).limit(limit + 1))
    return rows[:limit], (rows[limit - 1]["_id"] if len(rows) > limit else None)


def supported_among(db, solution_ids, account_id):
    keys = [support_key(sid, account_id) for sid in solution_ids]
    return {s["solution_id"] for s in db.solution_supports.find({"_id": {"$in": keys}}, {"solution_id": 1})}


def add_support(db, session, solution, account_id):
    """False when this account supports the solution already. (Checked first: a failed insert
    would abort the transaction.)"""
    key = support_key(solution["_id"], account_id)
    if db.solution_supports.find_one({"_id": key}, {"_id": 1}, session=session):
        return False
    db.solution_supports.insert_one({"_id": key, "solution_id": solution["_id"], "topic_id": solution["topic_id"],
                                     "account_id": account_id, "at": now()}, session=session)
    bump(db, session, "solutions", solution["_id"], "supports")
    return True


def remove_support(db, session, solution, account_id):
    """False when this account did not support the solution."""
    if not db.solution_supports.delete_one({"_id": support_key(solution["_id"], account_id)},
                                           session=session).deleted_count:
        return False
    bump(db, session, "solutions", solution["_id"], "supports", -1)
    return True


def set_taken_into_vote(db, session, solution_id, taken, by):
    """Compare-and-set; False when it already was so."""
    result = db.solutions.update_one(
        {"_id": solution_id, "taken_into_vote": not taken},
        {"$set": {"taken_into_vote": taken, "taken_by": by, "taken_at": now()}}, session=session)
    return result.modified_count == 1


# the decision -----------------------------------------------------------------------------------

def decision_input(db, items):
    """(kind, id) -> the statement, solution or agenda proposal a decision names, where it exists."""
    collections = {"statement": "statements", "solution": "solutions", "agenda_proposal": "agenda_proposals"}
    found = {}
    for kind, collection in collections.items():
        ids = sorted({item["id"] for item in items if item["kind"] == kind})
        if ids:
            found.update({(kind, doc["_id"]): doc for doc in db[collection].find({"_id": {"$in": ids}})})
    return found


def record_decision(db, session, topic_id, from_phase, decision, entry):
    """Compare-and-set on the phase, like record_phase; stores the decision with it."""
    result = db.topics.update_one(
        {"_id": topic_id, "phase": from_phase},
        {"$set": {"phase": entry["phase"], "decision": decision, "updated_at": entry["at"],
                  "last_activity_at": entry["at"]},
         "$push": {"phase_history": entry}},
        session=session)
    return result.modified_count == 1


def participants_of_topic(db, topic_id):
    """Account ids of everyone who wrote on the topic (statements, reactions, solutions) or
    supported one of its solutions."""
    found = set()
    for collection, field in (("statements", "author_id"), ("reactions", "author_id"),
                              ("solutions", "author_id"), ("solution_supports", "account_id")):
        found.update(doc[field] for doc in db[collection].find({"topic_id": topic_id}, {field: 1}).batch_size(BATCH))
    return sorted(found)


# election matches -----------------------------------------------------------------------------------

def get_match(db, match_id, session=None):
    return db.election_matches.find_one({"_id": match_id}, session=session)


def list_matches(db, org, statuses):
    return list(db.election_matches.find({"org": org, "status": {"$in": statuses}}).sort("_id", DESCENDING).limit(100))


def add_party(db, session, match_id, party):
    """Only while the match is a draft (compare-and-set on the status)."""
    result = db.election_matches.update_one({"_id": match_id, "status": "draft"}, {"$push": {"parties": party}},
                                            session=session)
    return result.modified_count == 1


def publish_match(db, session, match_id, at):
    result = db.election_matches.update_one({"_id": match_id, "status": "draft"},
                                            {"$set": {"status": "published", "published_at": at}}, session=session)
    return result.modified_count == 1


# campaign visits --------------------------------------------------------------------------------

def count_campaign_visit(db, topic_id, org, channel, day):
    """One counter per topic, channel and day: a single upsert with $inc."""
    key = {"_id": f"{topic_id}:{channel}:{day}"}
    change = {"$inc": {"visits": 1}, "$setOnInsert": {"topic_id": topic_id, "org": org, "channel": channel, "day": day}}
    try:
        db.campaign_visits.update_one(key, change, upsert=True)
    except DuplicateKeyError:  # two first visits of the day raced to insert it
        db.campaign_visits.update_one(key, {"$inc": {"visits": 1}})


def campaign_visits_of(db, topic_id):
    return list(db.campaign_visits.find({"topic_id": topic_id}).sort("day", ASCENDING).limit(10_000))
# moderation -------------------------------------------------------------------------------------
# The audit log (``moderation_audit``) is append-only: this module offers no update or delete on it.

def get_item(db, collection, item_id, session=None):
    return db[collection].find_one({"_id": item_id}, session=session)


def set_hidden(db, session, collection, item_id, hidden):
    """Compare-and-set: hide a visible item (``hidden`` given; it is no longer held) or reinstate a
    hidden one. False when it was changed meanwhile."""
    condition = {"hidden": None} if hidden else {"hidden": {"$ne": None}}
    change = {"hidden": hidden, "held": False} if hidden else {"hidden": None}
    result = db[collection].update_one({"_id": item_id, **condition}, {"$set": change}, session=session)
    return result.modified_count == 1


def release_held(db, session, collection, item_id):
    result = db[collection].update_one({"_id": item_id, "held": True}, {"$set": {"held": False}}, session=session)
    return result.modified_count == 1


def get_case(db, cid, session=None):
    return db.moderation_cases.find_one({"_id": cid}, session=session)


def open_case(db, session, case):
    """The item's case, created on first need (a report, pre-moderation, a hide)."""
    db.moderation_cases.update_one({"_id": case["_id"]}, {"$setOnInsert": case}, upsert=True, session=session)


def update_case(db, session, cid, changes, unset=()):
    update = {"$set": changes}
    if unset:
        update["$unset"] = {name: "" for name in unset}
    db.moderation_cases.update_one({"_id": cid}, update, session=session)


def count_report(db, session, cid, reason):
    db.moderation_cases.update_one({"_id": cid}, {"$inc": {"open_reports": 1, f"reasons.{reason}": 1}},
                                   session=session)


def has_open_report(db, session, kind, item_id, reporter_id):
    return db.reports.find_one({"kind": kind, "item_id": item_id, "status": "open", "reporter_id": reporter_id},
                               {"_id": 1}, session=session) is not None


def open_reports(db, kind, item_id, session=None, limit=200):
    return list(db.reports.find({"kind": kind, "item_id": item_id, "status": "open"}, session=session)
                .sort("_id", ASCENDING).limit(limit))


def close_reports(db, session, kind, item_id, status, by, at):
    """Close every open report on the item; returns how many."""
    result = db.reports.update_many({"kind": kind, "item_id": item_id, "status": "open"},
                                    {"$set": {"status": status, "closed_by": by, "closed_at": at}}, session=session)
    return result.modified_count


def queue_page(db, org, after=None, limit=20):
    """Cases that need an official, oldest first after the cursor (a queue key)."""
    query = {"org": org, "queue_key": {"$gt": after or ""}}
    rows = list(db.moderation_cases.find(query).sort("queue_key", ASCENDING).limit(limit + 1))
    return rows[:limit], (rows[limit - 1]["queue_key"] if len(rows) > limit else None)


def items_by_id(db, collection, ids):
    return {doc["_id"]: doc for doc in db[collection].find({"_id": {"$in": sorted(set(ids))}})} if ids else {}


def append_audit(db, session, entry):
    db.moderation_audit.insert_one(entry, session=session)


def audit_page(db, org, after=None, limit=50):
    """The organisation's moderation log in the order it was written, after the cursor (an entry id)."""
    query = {"org": org}
    if after:
        query["_id"] = {"$gt": after}
    rows = list(db.moderation_audit.find(query).sort("_id", ASCENDING).limit(limit + 1))
    return rows[:limit], (rows[limit - 1]["_id"] if len(rows) > limit else None)
# personal data (docs/privacy.md) ----------------------------------------------------------------

CONTRIBUTIONS = {"statements": "statement_count", "reactions": "reaction_count", "solutions": "solution_count",
                 "agenda_proposals": None}  # collection -> the topic's counter of it


def written_by(collection):
    """An export part: what one account wrote in ``collection``, oldest first."""
    def export(db, account_id):
        return list(db[collection].find({"author_id": account_id}).sort("_id", ASCENDING).batch_size(BATCH))
    return export


def solution_supports_of(db, account_id):
    return list(db.solution_supports.find({"account_id": account_id}, {"_id": 0}).batch_size(BATCH))


def official_acts_of(db, account_id):
    """Topics an official created or moved, and the answers, decisions and moderation they gave."""
    return {"topics": list(db.topics.find({"$or": [{"author_id": account_id}, {"phase_history.by": account_id}]},
                                          {"title": 1, "org": 1, "phase_history": 1, "decision": 1})),
            "agenda_proposal_answers": [p["answer"] for p in db.agenda_proposals.find({"answer.by": account_id})],
            "statement_moderation": [s["moderation"] for s in db.statements.find({"moderation.by": account_id})],
            "reaction_moderation": [r["hidden"] for r in db.reactions.find({"hidden.by": account_id})]}


def _topics_written_in(db, session, account_id):
    return {doc["topic_id"] for collection in CONTRIBUTIONS
            for doc in db[collection].find({"author_id": account_id}, {"topic_id": 1}, session=session)
            if doc.get("topic_id")}


def anonymise_contributions(db, session, account_id, erased_name):
    for topic_id in _topics_written_in(db, session, account_id):
        content_changed(db, session, topic_id)
    for collection in CONTRIBUTIONS:
        db[collection].update_many({"author_id": account_id}, {"$set": {"author_id": None, "author_name": erased_name}},
                                   session=session)


def remove_contributions(db, session, account_id, erased_name):
    """Deleted, with the counters they were in; a reaction others replied to stays as an empty
    placeholder under ``erased_name`` so the replies keep their thread."""
    for topic_id in _topics_written_in(db, session, account_id):
        content_changed(db, session, topic_id)
    kept = db.reactions.find({"author_id": account_id, "reply_count": {"$gt": 0}}, {"_id": 1}, session=session)
    db.reactions.update_many({"_id": {"$in": [r["_id"] for r in kept]}},
                             {"$set": {"body": "", "removed": True, "author_id": None, "author_name": erased_name}},
                             session=session)
    for collection, counter in CONTRIBUTIONS.items():
        gone = list(db[collection].find({"author_id": account_id}, {"topic_id": 1, "parent_id": 1, "status": 1},
                                        session=session))
        for doc in gone:
            counted = collection != "statements" or doc.get("status") == "published"  # only these were counted
            if counter and counted and doc.get("topic_id"):
                bump(db, session, "topics", doc["topic_id"], counter, -1)
            if doc.get("parent_id"):
                bump(db, session, "reactions", doc["parent_id"], "reply_count", -1)
        if collection == "solutions" and gone:
            db.solution_supports.delete_many({"solution_id": {"$in": [d["_id"] for d in gone]}}, session=session)
        db[collection].delete_many({"author_id": account_id}, session=session)


def _own_case_ids(db, account_id, session=None):
    """The moderation cases of what the account wrote (an objection is its author's)."""
    return [f"{kind}:{doc['_id']}" for kind, (collection, _) in MODERATED.items()
            for doc in db[collection].find({"author_id": account_id}, {"_id": 1}, session=session)]


def moderation_of(db, account_id):
    """The reports the account filed and its objections; the audit log names officials only."""
    return {"reports": list(db.reports.find({"reporter_id": account_id}).sort("_id", ASCENDING).batch_size(BATCH)),
            "objections": [case["objection"] for case in db.moderation_cases.find(
                {"_id": {"$in": _own_case_ids(db, account_id)}, "objection": {"$ne": None}})]}


def forget_moderation(db, session, account_id):
    """Reports stay for the moderation record without who filed them or what they wrote; so do
    objections (before the contributions lose their author: erase this part first)."""
    db.reports.update_many({"reporter_id": account_id}, {"$set": {"reporter_id": None, "text": ""}}, session=session)
    db.moderation_cases.update_many({"_id": {"$in": _own_case_ids(db, account_id, session)}, "objection": {"$ne": None}},
                                    {"$set": {"objection.text": ""}}, session=session)


def forget_supports(db, session, account_id):
    """The solutions keep their count; nothing says any more who supported them."""
    db.solution_supports.delete_many({"account_id": account_id}, session=session)


def anonymise_official_acts(db, session, account_id, erased_name):
    db.topics.update_many({"author_id": account_id}, {"$set": {"author_id": None}}, session=session)
    for topic in db.topics.find({"$or": [{"phase_history.by": account_id}, {"decision.by": account_id}]},
                                {"phase_history": 1, "decision": 1}, session=session):
        history = [{**entry, "by": None} if entry.get("by") == account_id else entry for entry in topic["phase_history"]]
        changes = {"phase_history": history}
        if (topic.get("decision") or {}).get("by") == account_id:
            changes["decision"] = {**topic["decision"], "by": None, "by_name": erased_name}
        db.topics.update_one({"_id": topic["_id"]}, {"$set": changes}, session=session)
    db.agenda_proposals.update_many({"answer.by": account_id},
                                    {"$set": {"answer.by": None, "answer.by_name": erased_name}}, session=session)
    for collection, field in (("statements", "moderation.by"), ("reactions", "hidden.by"), ("solutions", "hidden.by")):
        for topic_id in db[collection].distinct("topic_id", {field: account_id}, session=session):
            content_changed(db, session, topic_id)
    db.statements.update_many({"moderation.by": account_id}, {"$set": {"moderation.by": None}}, session=session)
    for collection in ("reactions", "statements", "solutions", "agenda_proposals"):
        db[collection].update_many({"hidden.by": account_id}, {"$set": {"hidden.by": None}}, session=session)
    db.solutions.update_many({"taken_by": account_id}, {"$set": {"taken_by": None}}, session=session)
