"""The Mongo dependency of a nameko service: one client per process, transactions, the outbox
(and its relay, run as a managed thread) and the idempotent-consumer guard."""
import bisect
import threading
from datetime import datetime, timezone

from nameko import config
from nameko.extensions import DependencyProvider
from pymongo.errors import DuplicateKeyError

from . import correlation
from .envelope import new_event
from .mongo import connect, in_transaction
from .production import refuse_development_defaults
from .outbox import OutboxRelay, add_event, add_events, ensure_outbox_indexes, release

KEEP_PROCESSED_SECONDS = 30 * 24 * 3600


class UnitOfWork:
    """What a worker gets: the service's database and the ways to change it safely."""

    def __init__(self, client, db, service, correlation_id=None):
        self.client = client
        self.db = db
        self.service = service
        self._correlation_id = correlation_id
        self.emitted = False  # an event was added to the outbox (its transaction may still abort)
        self._hold = None  # while an event is applied in chunks: what they emit is held until the last

    @property
    def correlation_id(self):
        """What the events emitted here carry as ``correlationid``: the id given, else the current
        worker's (meedenken_kit.correlation), else none."""
        return self._correlation_id or correlation.current()

    def transaction(self, work):
        """``work(session)`` runs in one transaction; returns its result."""
        return in_transaction(self.client, work)

    def emit(self, session, short_type, subject, data):
        """Record an event in the outbox, committed with the caller's transaction."""
        event = new_event(self.service, short_type, subject, data, correlation_id=self.correlation_id)
        add_event(self.db, session, event, self._hold)
        self.emitted = True
        return event

    def emit_many(self, session, short_type, items):
        """Record one event per ``(subject, data)`` — or ``(subject, data, correlation id)`` when
        the items of one batch come from different requests — with one database round trip."""
        default = self.correlation_id
        events = [new_event(self.service, short_type, item[0], item[1],
                            correlation_id=(item[2] if len(item) > 2 else None) or default)
                  for item in items]
        add_events(self.db, session, events, self._hold)
        self.emitted = True
        return events

    def apply_once(self, event_id, work):
        """Run ``work(session)`` in a transaction unless the event with this id was applied before.
        Returns True when applied now, False for a redelivery."""
        processed = self.db.processed_events

        def txn(session):
            if processed.find_one({"_id": event_id}, {"_id": 1}, session=session):
                return False
            processed.insert_one({"_id": event_id, "at": datetime.now(timezone.utc)}, session=session)
            work(session)
            return True

        try:
            return self.transaction(txn)
        except DuplicateKeyError:
            if processed.find_one({"_id": event_id}, {"_id": 1}):
                return False
            raise

    def apply_once_in_chunks(self, event_id, items, size, work):
        """``work(session, chunk)`` for the distinct ``items`` (strings), in order, ``size`` at a
        time, each chunk in its own transaction that also records how far the event got: a
        redelivery goes on after the last chunk committed, an event applied before (in chunks or
        by ``apply_once``) changes nothing, and no transaction grows with the number of items (an
        event may reach every follower of a topic). What the chunks emit is published once the
        last one commits, as if it were one transaction: consumers of those events do not compete
        with the chunks still to come. Returns how many items were applied now."""
        processed = self.db.processed_events
        items = sorted(set(items))

        def next_chunk(session):
            mark = processed.find_one({"_id": event_id}, session=session)
            if mark is not None and mark.get("done", True):  # apply_once's marks have no "done"
                return None
            start = bisect.bisect_right(items, mark["after"]) if mark is not None else 0
            chunk, done = items[start:start + size], start + size >= len(items)
            if chunk:
                work(session, chunk)
            if done:
                release(self.db, session, event_id)
            processed.update_one({"_id": event_id}, {"$set": {
                "at": datetime.now(timezone.utc), "after": chunk[-1] if chunk else None, "done": done}},
                upsert=True, session=session)
            return len(chunk), done

        applied, self._hold = 0, event_id
        try:
            while True:
                try:
                    step = self.transaction(next_chunk)
                except DuplicateKeyError:
                    if processed.find_one({"_id": event_id}, {"_id": 1}):  # a concurrent delivery was first
                        continue
                    raise
                if step is None:
                    return applied
                applied += step[0]
                if step[1]:
                    return applied
        finally:
            self._hold = None


class Store(DependencyProvider):
    """``store = Store(ensure_indexes)``; config keys MONGO_URI, MONGO_DB, AMQP_URI."""

    def __init__(self, ensure_indexes=None):
        self.ensure_indexes = ensure_indexes

    def setup(self):
        refuse_development_defaults(config.get("MEEDENKEN_ENV", "development"), config["AMQP_URI"])
        service = self.container.service_name
        self.client = connect(config["MONGO_URI"], app_name=f"meedenken-{service}")
        self.db = self.client[config["MONGO_DB"]]
        ensure_outbox_indexes(self.db)
        self.db.processed_events.create_index("at", expireAfterSeconds=KEEP_PROCESSED_SECONDS)
        if self.ensure_indexes:
            self.ensure_indexes(self.db)
        self.relay = OutboxRelay(self.db, service, config["AMQP_URI"])
        self._stop = threading.Event()
        self._units = {}  # worker -> its unit of work

    def start(self):
        self.container.spawn_managed_thread(lambda: self.relay.run(self._stop), identifier="outbox-relay")

    def stop(self):
        self._stop.set()
        self.relay.wake()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        unit = self._units[worker_ctx] = UnitOfWork(self.client, self.db, self.container.service_name)
        return unit

    def worker_teardown(self, worker_ctx):
        """A worker that added events has the relay look at once (a read, most calls, does not:
        a relay round costs three database commands)."""
        unit = self._units.pop(worker_ctx, None)
        if unit is not None and unit.emitted:
            self.relay.wake()
