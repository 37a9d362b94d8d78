"""The only module of the notifications service that knows collections, indexes and queries."""
import zlib
from datetime import datetime, timezone

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError, OperationFailure

BATCH = 500
FOLLOW_COUNT_SHARDS = 8


def now():
    return datetime.now(timezone.utc)


def ensure_indexes(db):
    db.follows.create_index([("topic_id", ASCENDING), ("account_id", ASCENDING)])
    db.follows.create_index([("account_id", ASCENDING), ("topic_id", ASCENDING)])
    # one index per inbox: a phase change writes a notification for every follower, and each
    # index costs as much per write as the document (unread counts use the account prefix)
    db.notifications.create_index([("account_id", ASCENDING), ("_id", DESCENDING)])
    if "account_id_1_read_1" in db.notifications.index_information():  # made by earlier versions
        try:
            db.notifications.drop_index("account_id_1_read_1")
        except OperationFailure:  # another instance dropped it meanwhile
            pass


def follow_key(topic_id, account_id):
    return f"{topic_id}:{account_id}"


def add_follow(db, session, topic_id, account_id):
    """False when already following. (Checked first: a failed insert would abort the transaction.)"""
    if is_following(db, topic_id, account_id, session):
        return False
    db.follows.insert_one({"_id": follow_key(topic_id, account_id), "topic_id": topic_id,
                           "account_id": account_id, "at": now()}, session=session)
    _count_follow(db, session, topic_id, account_id, 1)
    return True


def remove_follow(db, session, topic_id, account_id):
    """False when not following."""
    result = db.follows.delete_one({"_id": follow_key(topic_id, account_id)}, session=session)
    if not result.deleted_count:
        return False
    _count_follow(db, session, topic_id, account_id, -1)
    return True


def is_following(db, topic_id, account_id, session=None):
    return db.follows.find_one({"_id": follow_key(topic_id, account_id)}, {"_id": 1}, session=session) is not None


def _count_follow(db, session, topic_id, account_id, by):
    """A topic's follower count is kept in FOLLOW_COUNT_SHARDS documents, each account always in
    the same one: with a single document every two follows of a busy topic at the same time
    conflicted and one transaction started again (24 follows/s with 16 at once, 60/s one by one)."""
    shard = zlib.crc32(account_id.encode()) % FOLLOW_COUNT_SHARDS
    db.follow_counts.update_one({"_id": f"{topic_id}:{shard:02d}"}, {"$inc": {"followers": by}}, upsert=True,
                                session=session)


def follower_count(db, topic_id, session=None):
    """The sum of the topic's shards and of the single document (``_id`` the topic id) of counts kept
    before the shards. Named one by one: SecantusDB scans the whole collection for a range of ids
    (55 ms with 200 topics), where it looks up the 9 ids in about 0.7 ms (one id: 0.45 ms)."""
    ids = [topic_id] + [f"{topic_id}:{shard:02d}" for shard in range(FOLLOW_COUNT_SHARDS)]
    docs = db.follow_counts.find({"_id": {"$in": ids}}, {"followers": 1}, session=session)
    return sum(int(doc["followers"]) for doc in docs)


def followers(db, topic_id):
    return [f["account_id"] for f in db.follows.find({"topic_id": topic_id}, {"account_id": 1}).batch_size(BATCH)]


def insert_notifications(db, session, notifications):
    for notification in notifications:
        notification["_id"] = str(ObjectId())
    if notifications:
        db.notifications.insert_many(notifications, session=session)
    return notifications


def inbox(db, account_id, after=None, limit=50):
    query = {"account_id": account_id}
    if after:
        query["_id"] = {"$lt": after}
    return list(db.notifications.find(query).sort("_id", DESCENDING).limit(limit + 1))


def unread_count(db, account_id):
    return db.notifications.count_documents({"account_id": account_id, "read": False})


def mark_read(db, session, account_id, notification_id):
    """None when the notification is not this account's; else whether it changed."""
    doc = db.notifications.find_one({"_id": notification_id, "account_id": account_id}, {"read": 1},
                                    session=session)
    if doc is None:
        return None
    if doc["read"]:
        return False
    db.notifications.update_one({"_id": notification_id}, {"$set": {"read": True, "read_at": now()}},
                                session=session)
    return True


# webhooks: registrations, one delivery per (webhook, event), the admins of each organisation
def ensure_webhook_indexes(db):
    db.webhooks.create_index([("org", ASCENDING), ("active", ASCENDING)])
    db.webhook_deliveries.create_index([("state", ASCENDING), ("next_attempt_at", ASCENDING)])
    db.webhook_deliveries.create_index([("webhook_id", ASCENDING), ("event_id", ASCENDING)], unique=True)
    db.webhook_deliveries.create_index([("webhook_id", ASCENDING), ("_id", DESCENDING)])
    db.org_roles.create_index([("org", ASCENDING), ("role", ASCENDING)])


def insert_webhook(db, session, webhook):
    webhook["_id"] = str(ObjectId())
    db.webhooks.insert_one(webhook, session=session)
    return webhook


def webhooks_of(db, org):
    return list(db.webhooks.find({"org": org}, {"secret": 0}).sort("_id", ASCENDING))


def webhook(db, webhook_id, session=None):
    return db.webhooks.find_one({"_id": webhook_id}, session=session)


def delete_webhook(db, session, org, webhook_id):
    """False when there is no such webhook of this organisation."""
    if not db.webhooks.delete_one({"_id": webhook_id, "org": org}, session=session).deleted_count:
        return False
    fail_pending(db, session, webhook_id, "webhook deleted")
    return True


def fail_pending(db, session, webhook_id, why):
    db.webhook_deliveries.update_many({"webhook_id": webhook_id, "state": "pending"},
                                      {"$set": {"state": "failed", "last_error": why, "next_attempt_at": None}},
                                      session=session)


def subscribed_webhooks(db, org, short_type, session=None):
    return list(db.webhooks.find({"org": org, "active": True, "types": short_type}, {"_id": 1}, session=session))


def insert_deliveries(db, session, deliveries):
    """One per webhook and event id (unique; the caller guards against redelivery with apply_once)."""
    for delivery in deliveries:
        delivery["_id"] = str(ObjectId())
    if deliveries:
        db.webhook_deliveries.insert_many(deliveries, session=session)


def deliveries(db, webhook_id, after=None, limit=50):
    query = {"webhook_id": webhook_id}
    if after:
        query["_id"] = {"$lt": after}
    return list(db.webhook_deliveries.find(query, {"body": 0}).sort("_id", DESCENDING).limit(limit + 1))


def due_deliveries(db, at, limit):
    return list(db.webhook_deliveries.find({"state": "pending", "next_attempt_at": {"$lte": at}})
                .sort("next_attempt_at", ASCENDING).limit(limit))


def claim_delivery(db, delivery, lease_until):
    """Moves the next attempt past the lease; only one instance succeeds (a crash retries it then)."""
    return db.webhook_deliveries.update_one(
        {"_id": delivery["_id"], "state": "pending", "next_attempt_at": delivery["next_attempt_at"]},
        {"$set": {"next_attempt_at": lease_until}}).modified_count == 1


def record_attempt(db, session, delivery_id, changes):
    db.webhook_deliveries.update_one({"_id": delivery_id}, {"$set": changes, "$inc": {"attempts": 1}},
                                     session=session)


def webhook_succeeded(db, session, webhook_id):
    db.webhooks.update_one({"_id": webhook_id}, {"$set": {"consecutive_failures": 0}}, session=session)


def webhook_failed(db, session, webhook_id):
    """The webhook after one more failed delivery."""
    db.webhooks.update_one({"_id": webhook_id}, {"$inc": {"consecutive_failures": 1}}, session=session)
    return webhook(db, webhook_id, session)


def disable_webhook(db, session, webhook_id, at):
    """True when it was active (only one caller disables it); what is still pending fails."""
    if not db.webhooks.update_one({"_id": webhook_id, "active": True},
                                  {"$set": {"active": False, "disabled_at": at}}, session=session).modified_count:
        return False
    fail_pending(db, session, webhook_id, "webhook disabled")
    return True


def set_org_role(db, session, org, account_id, role):
    db.org_roles.update_one({"_id": f"{org}:{account_id}"},
                            {"$set": {"org": org, "account_id": account_id, "role": role}}, upsert=True,
                            session=session)


def org_admins(db, org, session=None):
    return [r["account_id"] for r in db.org_roles.find({"org": org, "role": "admin"}, {"account_id": 1},
                                                       session=session)]


# mail: a recipient per account (the confirmed address, the language, how often), the mail jobs
# (meedenken_kit.mail.MailQueue) and the notifications that wait for a digest ("mail": daily/weekly)
def ensure_mail_indexes(db):
    db.notifications.create_index([("mail", ASCENDING), ("account_id", ASCENDING)], sparse=True)
    db.mail_jobs.create_index([("account_id", ASCENDING)])


def mail_recipient(db, account_id, session=None):
    return db.mail_recipients.find_one({"_id": account_id}, session=session)


def update_mail_recipient(db, session, account_id, changes):
    db.mail_recipients.update_one({"_id": account_id}, {"$set": {**changes, "updated_at": now()}}, upsert=True,
                                  session=session)


def followed_topics(db, account_id):
    return [f["topic_id"] for f in db.follows.find({"account_id": account_id}, {"topic_id": 1}).sort("at", ASCENDING)]


def notification(db, notification_id, session=None):
    return db.notifications.find_one({"_id": notification_id}, session=session)


def mark_for_digest(db, session, notification_id, frequency):
    db.notifications.update_one({"_id": notification_id}, {"$set": {"mail": frequency}}, session=session)


def accounts_awaiting_digest(db, frequency):
    return db.notifications.distinct("account_id", {"mail": frequency})


def awaiting_digest(db, session, account_id, frequency, limit):
    return list(db.notifications.find({"mail": frequency, "account_id": account_id}, session=session)
                .sort("_id", ASCENDING).limit(limit))


def digested(db, session, account_id, frequency, last_id):
    db.notifications.update_many({"mail": frequency, "account_id": account_id, "_id": {"$lte": last_id}},
                                 {"$unset": {"mail": ""}}, session=session)


def claim_digest_period(db, frequency, period):
    """True for the one caller that claims this period first (several instances run the timer)."""
    try:
        result = db.digest_runs.update_one({"_id": frequency, "period": {"$ne": period}},
                                           {"$set": {"period": period, "at": now()}}, upsert=True)
    except DuplicateKeyError:
        return False
    return result.modified_count == 1 or result.upserted_id is not None


def mail_jobs_of(db, account_id):
    return list(db.mail_jobs.find({"account_id": account_id}).sort("created_at", ASCENDING))


def erase_mail_data(db, session, account_id):
    db.mail_recipients.delete_one({"_id": account_id}, session=session)
    db.mail_jobs.delete_many({"account_id": account_id}, session=session)
    db.notifications.update_many({"account_id": account_id, "mail": {"$exists": True}}, {"$unset": {"mail": ""}},
                                 session=session)
# personal data (docs/privacy.md) ----------------------------------------------------------------

def follows_of(db, account_id):
    return list(db.follows.find({"account_id": account_id}, {"_id": 0}).batch_size(BATCH))


def forget_follows(db, session, account_id):
    for follow in db.follows.find({"account_id": account_id}, {"topic_id": 1}, session=session):
        _count_follow(db, session, follow["topic_id"], account_id, -1)
    db.follows.delete_many({"account_id": account_id}, session=session)


def notifications_of(db, account_id):
    return list(db.notifications.find({"account_id": account_id}).sort("_id", ASCENDING).batch_size(BATCH))


def forget_notifications(db, session, account_id):
    db.notifications.delete_many({"account_id": account_id}, session=session)


def webhooks_registered_by(db, account_id):
    """The organisation's webhooks this account registered (without their secrets)."""
    return list(db.webhooks.find({"created_by": account_id}, {"secret": 0}))


def forget_webhook_registrant(db, session, account_id):
    """The webhook stays the organisation's; who registered it is forgotten."""
    db.webhooks.update_many({"created_by": account_id}, {"$set": {"created_by": None}}, session=session)


def org_roles_of(db, account_id):
    return list(db.org_roles.find({"account_id": account_id}, {"_id": 0}))


def forget_org_roles(db, session, account_id):
    db.org_roles.delete_many({"account_id": account_id}, session=session)
