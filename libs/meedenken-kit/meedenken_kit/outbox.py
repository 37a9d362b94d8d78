"""Transactional outbox and its relay.

A write and the events it causes commit together: ``add_event(db, session, event)`` inserts the
event into the service's ``outbox`` collection inside the caller's transaction. ``OutboxRelay``
publishes pending entries to ``{service}.events`` (routing key = short event type, the way nameko
event handlers bind) with publisher confirms, then marks them sent. Delivery is at least once:
several relays may run (one per process); each claims a batch before publishing, and consumers
dedupe on the CloudEvent id for the rare re-publish after a crash.
"""
import logging
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

from bson import ObjectId
from kombu import Connection, Exchange, Producer
from pymongo import ASCENDING

from .envelope import short_type
from .metrics import EVENTS_PUBLISHED, OUTBOX_FAILURES, OUTBOX_PENDING

log = logging.getLogger(__name__)

PENDING, CLAIMED, SENT = "pending", "claimed", "sent"
BATCH = 500
CLAIM_TIMEOUT = timedelta(seconds=60)
KEEP_SENT_SECONDS = 7 * 24 * 3600
BACKLOG_EVERY_SECONDS = 1.0  # how often the relay counts its backlog (meedenken_outbox_pending)


def event_exchange(service):
    # Must match the exchange nameko's @event_handler declares on the consumer side.
    return Exchange(f"{service}.events", type="topic", durable=True, delivery_mode=2)


def ensure_outbox_indexes(db):
    db.outbox.create_index([("state", ASCENDING), ("_id", ASCENDING)])
    db.outbox.create_index("claim", sparse=True)
    db.outbox.create_index("sent_at", expireAfterSeconds=KEEP_SENT_SECONDS)


def add_event(db, session, event):
    db.outbox.insert_one({"_id": ObjectId(), "state": PENDING, "event": event}, session=session)


def add_events(db, session, events):
    if events:
        db.outbox.insert_many([{"_id": ObjectId(), "state": PENDING, "event": event} for event in events],
                              session=session)


class OutboxRelay:
    """Publishes the outbox of one service database. ``run(stop)`` loops until ``stop`` is set;
    ``wake()`` makes it look at once (called after a transaction that added events commits).
    Metrics: ``meedenken_events_published_total``, ``meedenken_outbox_pending`` (counted at most
    once a second), ``meedenken_outbox_publish_failures_total``."""

    def __init__(self, db, service, amqp_uri, poll_seconds=1.0):
        self.db = db
        self.service = service
        self.exchange = event_exchange(service)
        self.amqp_uri = amqp_uri
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._connection = None
        self._backlog_counted_at = None

    def wake(self):
        self._wake.set()

    def run(self, stop):
        while not stop.is_set():
            try:
                while self.publish_pending() and not stop.is_set():
                    self.report_backlog()
                self.report_backlog()
            except Exception:  # broker or database away: keep the entries, try again later
                log.exception("outbox relay: publishing failed, will retry")
                OUTBOX_FAILURES.labels(self.service).inc()
                self._close()
                self.report_backlog()
                stop.wait(self.poll_seconds)
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
        self._close()

    def publish_pending(self):
        """Claim up to BATCH pending entries, publish them in order, mark them sent.
        Returns the number published."""
        now = datetime.now(timezone.utc)
        outbox = self.db.outbox
        outbox.update_many(
            {"state": CLAIMED, "claimed_at": {"$lt": now - CLAIM_TIMEOUT}},
            {"$set": {"state": PENDING}, "$unset": {"claim": ""}},
        )
        last = list(outbox.find({"state": PENDING}, {"_id": 1}).sort("_id", ASCENDING).skip(BATCH - 1).limit(1))
        claim = uuid.uuid4().hex
        upto = {"$lte": last[0]["_id"]} if last else {"$exists": True}
        outbox.update_many({"state": PENDING, "_id": upto},
                           {"$set": {"state": CLAIMED, "claim": claim, "claimed_at": now}})
        entries = list(outbox.find({"claim": claim}).sort("_id", ASCENDING).batch_size(BATCH))
        if not entries:
            return 0
        producer = Producer(self._channel(), exchange=self.exchange)
        published = None
        try:
            for entry in entries:
                event = entry["event"]
                producer.publish(
                    event, serializer="json", routing_key=short_type(event), delivery_mode=2,
                    message_id=event["id"], type=event["type"], declare=[self.exchange],
                    retry=True, retry_policy={"max_retries": 3},
                )
                published = entry["_id"]
                EVENTS_PUBLISHED.labels(self.service, short_type(event)).inc()
        finally:
            if published is not None:
                outbox.update_many({"claim": claim, "_id": {"$lte": published}},
                                   {"$set": {"state": SENT, "sent_at": datetime.now(timezone.utc)},
                                    "$unset": {"claim": ""}})
            outbox.update_many({"claim": claim}, {"$set": {"state": PENDING}, "$unset": {"claim": ""}})
        return len(entries)

    def report_backlog(self, force=False):
        """Set ``meedenken_outbox_pending`` to the entries not yet sent (at most once a second
        unless forced; a database that does not answer leaves the last value)."""
        now = time.monotonic()
        if not force and self._backlog_counted_at is not None and now - self._backlog_counted_at < BACKLOG_EVERY_SECONDS:
            return
        self._backlog_counted_at = now
        try:
            pending = self.db.outbox.count_documents({"state": {"$in": [PENDING, CLAIMED]}})
        except Exception as exc:
            log.debug("outbox relay: cannot count the backlog (%s)", exc)
            return
        OUTBOX_PENDING.labels(self.service).set(pending)

    def _channel(self):
        if self._connection is None:
            self._connection = Connection(self.amqp_uri, transport_options={"confirm_publish": True})
            self._connection.ensure_connection(max_retries=3)
        return self._connection.default_channel

    def _close(self):
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:
                pass
            self._connection = None
