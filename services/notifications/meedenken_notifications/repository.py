"""The only module of the notifications service that knows collections, indexes and queries."""
from datetime import datetime, timezone

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING

BATCH = 500


def now():
    return datetime.now(timezone.utc)


def ensure_indexes(db):
    db.follows.create_index([("topic_id", ASCENDING), ("account_id", ASCENDING)])
    db.follows.create_index([("account_id", ASCENDING), ("topic_id", ASCENDING)])
    db.notifications.create_index([("account_id", ASCENDING), ("_id", DESCENDING)])
    db.notifications.create_index([("account_id", ASCENDING), ("read", ASCENDING)])


def follow_key(topic_id, account_id):
    return f"{topic_id}:{account_id}"


def add_follow(db, session, topic_id, account_id):
    """False when already following. (Checked first: a failed insert would abort the transaction.)"""
    if is_following(db, topic_id, account_id, session):
        return False
    db.follows.insert_one({"_id": follow_key(topic_id, account_id), "topic_id": topic_id,
                           "account_id": account_id, "at": now()}, session=session)
    db.follow_counts.update_one({"_id": topic_id}, {"$inc": {"followers": 1}}, upsert=True, session=session)
    return True


def remove_follow(db, session, topic_id, account_id):
    """False when not following."""
    result = db.follows.delete_one({"_id": follow_key(topic_id, account_id)}, session=session)
    if not result.deleted_count:
        return False
    db.follow_counts.update_one({"_id": topic_id}, {"$inc": {"followers": -1}}, session=session)
    return True


def is_following(db, topic_id, account_id, session=None):
    return db.follows.find_one({"_id": follow_key(topic_id, account_id)}, {"_id": 1}, session=session) is not None


def follower_count(db, topic_id, session=None):
    doc = db.follow_counts.find_one({"_id": topic_id}, session=session)
    return int(doc["followers"]) if doc else 0


def followers(db, topic_id, session=None):
    return [f["account_id"] for f in db.follows.find({"topic_id": topic_id}, {"account_id": 1},
                                                     session=session).batch_size(BATCH)]


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
