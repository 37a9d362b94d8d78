"""The only module of the topics service that knows collections, indexes and queries."""
from datetime import datetime, timezone

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

BATCH = 500


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
    """Count a new statement or reaction and mark the topic as active now."""
    db.topics.update_one({"_id": topic_id}, {"$inc": {counter: 1}, "$set": {"last_activity_at": now()}},
                         session=session)


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


def reaction_page(db, topic_id, after=None, limit=20, replies_per_thread=3):
    """Top-level reactions oldest first after the cursor, each with its first replies."""
    query = {"topic_id": topic_id, "parent_id": None}
    if after:
        query["_id"] = {"$gt": after}
    threads = list(db.reactions.find(query).sort("_id", ASCENDING).limit(limit + 1))
    more = len(threads) > limit
    threads = threads[:limit]
    for thread in threads:
        if thread.get("reply_count"):
            thread["replies"] = list(
                db.reactions.find({"topic_id": topic_id, "parent_id": thread["_id"]})
                .sort("_id", ASCENDING).limit(replies_per_thread))
    return threads, (threads[-1]["_id"] if more and threads else None)


def set_reaction_hidden(db, session, reaction_id, hidden):
    """Compare-and-set: hide a visible reaction (``hidden`` given) or restore a hidden one."""
    condition = {"hidden": None} if hidden else {"hidden": {"$ne": None}}
    result = db.reactions.update_one({"_id": reaction_id, **condition}, {"$set": {"hidden": hidden}},
                                     session=session)
    return result.modified_count == 1


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


def solution_page(db, topic_id, after=None, limit=20):
    """A topic's solutions oldest first after the cursor."""
    query = {"topic_id": topic_id}
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


def anonymise_contributions(db, session, account_id, erased_name):
    for collection in CONTRIBUTIONS:
        db[collection].update_many({"author_id": account_id}, {"$set": {"author_id": None, "author_name": erased_name}},
                                   session=session)


def remove_contributions(db, session, account_id, erased_name):
    """Deleted, with the counters they were in; a reaction others replied to stays as an empty
    placeholder under ``erased_name`` so the replies keep their thread."""
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
    db.statements.update_many({"moderation.by": account_id}, {"$set": {"moderation.by": None}}, session=session)
    db.reactions.update_many({"hidden.by": account_id}, {"$set": {"hidden.by": None}}, session=session)
    db.solutions.update_many({"taken_by": account_id}, {"$set": {"taken_by": None}}, session=session)
