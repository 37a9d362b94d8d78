"""Transactional outbox and its relay.

A write and the events it causes commit together: ``add_event(db, session, event)`` inserts the
event into the service's ``outbox`` collection inside the caller's transaction. ``OutboxRelay``
publishes pending entries to ``{service}.events`` (routing key = short event type, the way nameko
event handlers bind) with publisher confirms, then deletes them: the outbox holds only what is not
yet published, so it stays small and every relay query stays cheap. Delivery is at least once:
several relays may run (one per process); each claims a batch before publishing, and consumers
dedupe on the CloudEvent id for the rare re-publish after a crash.
"""
import logging
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

from bson import ObjectId
from kombu import Exchange
from pymongo import ASCENDING

from .confirms import ConfirmedPublisher
from .envelope import short_type
from .metrics import EVENTS_PUBLISHED, OUTBOX_FAILURES, OUTBOX_HELD, OUTBOX_PENDING

log = logging.getLogger(__name__)

PENDING, CLAIMED, SENT = "pending", "claimed", "sent"  # SENT: only in outboxes of earlier versions
HELD = "held"  # committed, published only once released (the chunks of one event, see add_events)
BATCH = 500
CLAIM_TIMEOUT = timedelta(seconds=60)
CONFIRM_TIMEOUT_SECONDS = 30.0
BACKLOG_EVERY_SECONDS = 1.0  # how often the relay counts its backlog (meedenken_outbox_pending)


def event_exchange(service):
    # Must match the exchange nameko's @event_handler declares on the consumer side.
    return Exchange(f"{service}.events", type="topic", durable=True, delivery_mode=2)


def ensure_outbox_indexes(db):
    db.outbox.create_index([("state", ASCENDING), ("_id", ASCENDING)])
    db.outbox.create_index("claim", sparse=True)
    # earlier versions kept sent entries for 7 days (TTL on sent_at): they are published, so they go
    if "sent_at_1" in db.outbox.index_information():
        db.outbox.drop_index("sent_at_1")
    db.outbox.delete_many({"state": SENT})


def _entry(hold):
    return {"_id": ObjectId(), "state": PENDING} if hold is None else {"_id": ObjectId(), "state": HELD, "hold": hold}


def add_event(db, session, event, hold=None):
    db.outbox.insert_one({**_entry(hold), "event": event}, session=session)


def add_events(db, session, events, hold=None):
    """Several events of one transaction as one outbox entry (one write, published in order).
    With ``hold``, the entry waits for ``release(db, session, hold)`` before it is published."""
    if events:
        db.outbox.insert_one({**_entry(hold), "events": events}, session=session)


def release(db, session, hold):
    """The entries held under ``hold`` are published from now on."""
    db.outbox.update_many({"state": HELD, "hold": hold}, {"$set": {"state": PENDING}, "$unset": {"hold": ""}},
                          session=session)


def events_of(entry):
    return entry["events"] if "events" in entry else [entry["event"]]


class OutboxRelay:
    """Publishes the outbox of one service database. ``run(stop)`` loops until ``stop`` is set;
    ``wake()`` makes it look at once (called after a transaction that added events commits).
    Metrics: ``meedenken_events_published_total``, ``meedenken_outbox_pending`` and
    ``meedenken_outbox_held`` (counted at most once a second), ``meedenken_outbox_publish_failures_total``."""

    def __init__(self, db, service, amqp_uri, poll_seconds=1.0):
        self.db = db
        self.service = service
        self.exchange = event_exchange(service)
        self.amqp_uri = amqp_uri
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._publisher = ConfirmedPublisher(amqp_uri)
        self._backlog_counted_at = None
        self._stale_claims_checked_at = None

    def wake(self):
        self._wake.set()

    def run(self, stop):
        while not stop.is_set():
            self._wake.clear()  # before the round: a wake() while it runs makes the next one start at once
            try:
                while self.publish_pending() == BATCH and not stop.is_set():  # a full batch: more may wait
                    self.report_backlog()
                self.report_backlog()
            except Exception:  # broker or database away: keep the entries, try again later
                log.exception("outbox relay: publishing failed, will retry")
                OUTBOX_FAILURES.labels(self.service).inc()
                self._close()
                self.report_backlog()
                stop.wait(self.poll_seconds)
            self._wake.wait(self.poll_seconds)
        self._close()

    def publish_pending(self):
        """Claim up to BATCH pending entries, publish them in order, delete them. Returns the
        number published. Three database commands when there is something to publish (read,
        claim, delete), one when there is not."""
        now = datetime.now(timezone.utc)
        outbox = self.db.outbox
        self.release_stale_claims(now)
        entries = list(outbox.find({"state": PENDING}).sort("_id", ASCENDING).limit(BATCH).batch_size(BATCH))
        if not entries:
            return 0
        claim = uuid.uuid4().hex
        claimed = outbox.update_many({"_id": {"$in": [entry["_id"] for entry in entries]}, "state": PENDING},
                                     {"$set": {"state": CLAIMED, "claim": claim, "claimed_at": now}})
        if claimed.modified_count != len(entries):  # another relay claimed some of them meanwhile
            entries = list(outbox.find({"claim": claim}).sort("_id", ASCENDING).batch_size(BATCH))
            if not entries:
                return 0
        sent = False
        try:
            self._publisher.publish_all([
                (event, {"serializer": "json", "exchange": self.exchange, "routing_key": short_type(event),
                         "delivery_mode": 2, "message_id": event["id"], "type": event["type"],
                         "declare": [self.exchange]})
                for entry in entries for event in events_of(entry)], CONFIRM_TIMEOUT_SECONDS)
            sent = True
            for entry in entries:
                for event in events_of(entry):
                    EVENTS_PUBLISHED.labels(self.service, short_type(event)).inc()
        finally:
            if sent:
                outbox.delete_many({"claim": claim})
            else:  # not all confirmed: publish the batch again later (consumers dedupe on the event id)
                outbox.update_many({"claim": claim}, {"$set": {"state": PENDING}, "$unset": {"claim": ""}})
        return len(entries)

    def release_stale_claims(self, now):
        """Entries claimed by a relay that died before publishing them become pending again (looked
        for at most every tenth of the claim timeout: a crash is rare, the relay's rounds are not)."""
        checked = time.monotonic()
        if self._stale_claims_checked_at is not None and \
                checked - self._stale_claims_checked_at < CLAIM_TIMEOUT.total_seconds() / 10:
            return
        self._stale_claims_checked_at = checked
        self.db.outbox.update_many({"state": CLAIMED, "claimed_at": {"$lt": now - CLAIM_TIMEOUT}},
                                   {"$set": {"state": PENDING}, "$unset": {"claim": ""}})

    def report_backlog(self, force=False):
        """Set ``meedenken_outbox_pending`` to the entries not yet sent and ``meedenken_outbox_held``
        to those waiting for their release (at most once a second unless forced; a database that
        does not answer leaves the last values)."""
        now = time.monotonic()
        if not force and self._backlog_counted_at is not None and now - self._backlog_counted_at < BACKLOG_EVERY_SECONDS:
            return
        self._backlog_counted_at = now
        try:
            pending = self.db.outbox.count_documents({"state": {"$in": [PENDING, CLAIMED]}})
            held = self.db.outbox.count_documents({"state": HELD})
        except Exception as exc:
            log.debug("outbox relay: cannot count the backlog (%s)", exc)
            return
        OUTBOX_PENDING.labels(self.service).set(pending)
        OUTBOX_HELD.labels(self.service).set(held)

    def _close(self):
        self._publisher.close()
