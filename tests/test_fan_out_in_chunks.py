"""An event that reaches many (a phase change reaches every follower of a topic) is applied in
chunks, each in its own transaction that records how far the event got, against the real
Mongo-wire server: every recipient gets one notification, a redelivery after a crash between two
chunks goes on where the last commit left off, two deliveries at once apply nothing twice, no
transaction or outbox entry grows with the audience (MongoDB refuses a document over 16 MB: one
outbox entry for 31,000 followers' events would be that), and what the chunks emit is published
only once the last one committed."""
import threading

import pytest
from bson import ObjectId

from meedenken_kit.envelope import new_event
from meedenken_notifications import repository as repo
from meedenken_notifications import usecases


@pytest.fixture
def uow(notifications_uow):
    return notifications_uow


def ids(count):
    return [str(ObjectId()) for _ in range(count)]


def applied_items(db):
    return [doc["item"] for doc in db.applied.find()]


def apply_to(uow, event_id, items, fail_on_chunk=None):
    """Records every item it is given in ``applied``, with an event each; raises when it gets chunk
    ``fail_on_chunk``."""
    chunks = []

    def work(session, chunk):
        chunks.append(chunk)
        if len(chunks) == fail_on_chunk:
            raise RuntimeError("the process died here")
        uow.db.applied.insert_many([{"item": item, "event": event_id} for item in chunk], session=session)
        uow.emit_many(session, "item.applied.v1", [(item, {"item": item}) for item in chunk])
    return uow.apply_once_in_chunks(event_id, items, 500, work), chunks


def test_items_are_applied_in_order_in_chunks_and_an_event_only_once(uow):
    items = ids(1234)
    count, chunks = apply_to(uow, "event-1", items + items[:10])  # duplicates count once
    assert count == 1234 and [len(chunk) for chunk in chunks] == [500, 500, 234]
    assert [item for chunk in chunks for item in chunk] == sorted(items)
    assert apply_to(uow, "event-1", items) == (0, [])
    assert sorted(applied_items(uow.db)) == sorted(items)


def test_a_redelivery_after_a_crash_between_chunks_applies_only_what_was_not_committed(uow):
    items = ids(1100)
    with pytest.raises(RuntimeError):
        apply_to(uow, "event-2", items, fail_on_chunk=2)
    assert sorted(applied_items(uow.db)) == sorted(items)[:500]  # the first chunk committed, the second did not
    assert [entry["state"] for entry in uow.db.outbox.find()] == ["held"]  # its events wait for the rest
    joined_meanwhile = ids(3)
    count, chunks = apply_to(uow, "event-2", items + joined_meanwhile)
    after_mark = [item for item in joined_meanwhile if item > sorted(items)[499]]
    assert count == 600 + len(after_mark)
    assert sorted(applied_items(uow.db)) == sorted(sorted(items) + after_mark)
    entries = list(uow.db.outbox.find().sort("_id"))
    assert [(entry["state"], "hold" in entry) for entry in entries] == [("pending", False)] * 3
    assert sorted(e["data"]["item"] for entry in entries for e in entry["events"]) == sorted(sorted(items) + after_mark)


def test_an_event_applied_whole_before_is_not_applied_again(uow):
    assert uow.apply_once("event-3", lambda session: None) is True
    assert apply_to(uow, "event-3", ids(10)) == (0, [])


def test_no_items_still_records_the_event(uow):
    assert apply_to(uow, "event-4", []) == (0, [])
    assert uow.db.processed_events.find_one({"_id": "event-4"})["done"] is True


def test_two_deliveries_at_once_apply_each_item_once(uow):
    items = ids(1500)
    threads = [threading.Thread(target=apply_to, args=(uow, "event-5", items)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(applied_items(uow.db)) == sorted(items)


def test_a_phase_change_notifies_every_follower_once_in_bounded_transactions_and_outbox_entries(uow):
    topic_id, official = str(ObjectId()), str(ObjectId())
    followers = ids(1234)
    for account in followers + [official]:
        uow.transaction(lambda session: repo.add_follow(uow.db, session, topic_id, account))
    event = new_event("topics", "topic.phase_changed.v1", topic_id, {
        "topic_id": topic_id, "title": "Een druk onderwerp", "to_phase": "advise", "actor_id": official})
    usecases.on_phase_changed(uow, event)
    usecases.on_phase_changed(uow, event)  # delivered again
    notified = [n["account_id"] for n in uow.db.notifications.find({"cause": event["id"]})]
    assert sorted(notified) == sorted(followers)  # each once, and not the official who changed it
    entries = list(uow.db.outbox.find().sort("_id"))
    assert [(len(entry["events"]), entry["state"]) for entry in entries] == [(500, "pending"), (500, "pending"),
                                                                             (234, "pending")]
    assert sorted(e["data"]["account_id"] for entry in entries for e in entry["events"]) == sorted(followers)


class Jobs:
    def __init__(self):
        self.added = []

    def add(self, job_id, payload, session=None):
        self.added.append(job_id)
        return True


def test_mail_looks_at_a_fan_outs_notification_once_and_records_nothing_for_who_gets_no_mail(uow):
    from meedenken_notifications import mail_usecases
    mailed, silent = str(ObjectId()), str(ObjectId())
    uow.transaction(lambda session: repo.update_mail_recipient(uow.db, session, mailed, {
        "email": "a@example.org", "confirmed_at": repo.now(), "frequency": "immediately"}))
    created = uow.transaction(lambda session: repo.insert_notifications(uow.db, session, [
        {"account_id": account, "type": "topic.phase_changed", "topic_id": None, "subject_id": None,
         "params": {}, "read": False, "created_at": repo.now()} for account in (mailed, silent)]))
    jobs = Jobs()
    for notification in created:
        event = new_event("notifications", "notification.created.v1", notification["_id"], {
            "notification_id": notification["_id"], "account_id": notification["account_id"]})
        mail_usecases.on_notification_created(uow, jobs, event)
        mail_usecases.on_notification_created(uow, jobs, event)  # delivered again
    assert jobs.added == [f"notification:{created[0]['_id']}"]
    assert [mark["_id"].split(":")[0] for mark in uow.db.processed_events.find()] == ["mail"]  # the mailed one's
