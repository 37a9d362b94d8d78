"""Rate limits kept in the gateway's database, so every worker and instance shares the count.

A limit allows ``limit`` hits per key in a fixed window of ``window_seconds``; the hit after that
is answered 429 with ``Retry-After`` (the seconds until the window ends). One document per key and
window (``rate_limits``), removed by a TTL index once its window is over. Usage::

    RESIDENCY = RateLimit("residency", limit=5, window_seconds=900)
    RESIDENCY.hit(db, account_id)   # raises Problem(429) when over the limit

That costs one database write per hit. For the hottest route (answering statements) a
``BatchedRateLimit`` counts in the process and adds its counts to the same shared documents in one
bulk write every ``FLUSH_SECONDS``, only for keys that come near their limit (``LocalCounts``);
between two flushes a process decides from the shared total it read at the last flush plus its own
new hits, so all processes together may let a key pass its limit by a bounded amount
(``LocalCounts`` says how much).
"""
import logging
import math
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pymongo import UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError, PyMongoError

from .problems import Problem


def ensure_indexes(db):
    db.rate_limits.create_index("expires_at", expireAfterSeconds=0)


log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.5


def too_many(ends, now):
    retry_after = max(1, math.ceil((ends - now) / timedelta(seconds=1)))
    return Problem(429, f"Too many attempts; try again in {retry_after} seconds.",
                   headers={"Retry-After": str(retry_after)})


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int
    window_seconds: int

    def _window(self, key, now):
        """The id of ``key``'s counter document for the window ``now`` is in, and when it ends."""
        window = math.floor(now.timestamp() / self.window_seconds) * self.window_seconds
        return f"{self.name}:{key}:{window}", datetime.fromtimestamp(window + self.window_seconds, timezone.utc)

    def hit(self, db, key, now=None):
        """Count one hit for ``key``; raise a 429 Problem when it is over the limit."""
        now = now or datetime.now(timezone.utc)
        doc_id, ends = self._window(key, now)
        try:
            # one round trip: counts while under the limit; over it the filter matches nothing and
            # the upsert collides with the existing document
            db.rate_limits.update_one({"_id": doc_id, "hits": {"$lt": self.limit}},
                                      {"$inc": {"hits": 1}, "$setOnInsert": {"expires_at": ends}}, upsert=True)
        except DuplicateKeyError:
            # two first hits of a window raced to insert the document: count this one if still under
            if db.rate_limits.update_one({"_id": doc_id, "hits": {"$lt": self.limit}}, {"$inc": {"hits": 1}}).modified_count:
                return
            raise too_many(ends, now) from None


class BatchedRateLimit(RateLimit):
    def hit(self, db, key, now=None):
        now = now or datetime.now(timezone.utc)
        doc_id, ends = self._window(key, now)
        if not LOCAL_COUNTS.admit(db, doc_id, self.limit, ends):
            raise too_many(ends, now)


class LocalCounts:
    """This process's hits not yet in the shared counters, and the shared totals it last read.

    A counter is written only once this process holds a share of its limit unwritten (a tenth,
    ``SHARE``), or once it was written before in its window: the many accounts that answer at a
    citizen's pace cost no write at all; the few that come near their limit are shared at every
    flush. So, with P processes, a key may pass its limit by at most P × (share − 1) plus what the
    processes admit for it within one flush interval."""

    SHARE = 0.1

    def __init__(self, flush_seconds=FLUSH_SECONDS):
        self.flush_seconds = flush_seconds
        self._lock = threading.Lock()
        self._pending = {}  # counter id -> [hits not written yet, window end, hits that make it worth a write]
        self._shared = {}   # counter id -> (hits of all processes at the last flush, window end)
        self._flusher_pid = None

    def admit(self, db, doc_id, limit, ends):
        with self._lock:
            pending = self._pending.setdefault(doc_id, [0, ends, max(1, int(limit * self.SHARE))])
            if self._shared.get(doc_id, (0,))[0] + pending[0] >= limit:
                return False
            pending[0] += 1
            if self._flusher_pid != os.getpid():  # the first hit in a (forked) worker starts its flusher
                self._flusher_pid = os.getpid()
                threading.Thread(target=self._flush_forever, args=(db,), name="rate-limit-flush", daemon=True).start()
        return True

    def _flush_forever(self, db):
        while True:
            time.sleep(self.flush_seconds)
            try:
                self.flush(db)
            except PyMongoError:
                log.warning("rate-limit counts not flushed; they are kept for the next try", exc_info=True)

    def flush(self, db, now=None):
        now = now or datetime.now(timezone.utc)
        with self._lock:
            batch = {}
            for doc_id, (hits, ends, worth) in list(self._pending.items()):
                if ends <= now:
                    del self._pending[doc_id]  # its window is over: nothing left to limit
                elif hits and (hits >= worth or doc_id in self._shared):
                    batch[doc_id] = (hits, ends)
                    del self._pending[doc_id]
            self._shared = {k: v for k, v in self._shared.items() if v[1] > now}
        if not batch:
            return
        try:
            self._add(db, batch)
        except PyMongoError as error:
            if isinstance(error, BulkWriteError):
                raise  # some counts were added: adding them all again would count them twice
            with self._lock:
                for doc_id, (hits, ends) in batch.items():
                    self._pending.setdefault(doc_id, [0, ends, 1])[0] += hits
            raise
        shared = {d["_id"]: d["hits"] for d in db.rate_limits.find({"_id": {"$in": list(batch)}}, {"hits": 1})}
        with self._lock:
            self._shared.update((doc_id, (shared.get(doc_id, hits), ends)) for doc_id, (hits, ends) in batch.items())

    @staticmethod
    def _add(db, batch):
        ids = list(batch)
        try:
            db.rate_limits.bulk_write([UpdateOne({"_id": doc_id}, {"$inc": {"hits": batch[doc_id][0]},
                                                                   "$setOnInsert": {"expires_at": batch[doc_id][1]}},
                                                 upsert=True) for doc_id in ids], ordered=False)
        except BulkWriteError as error:
            # another process inserted the same new counter at the same moment: add to it
            raced = [ids[e["index"]] for e in error.details["writeErrors"] if e["code"] == 11000]
            if len(raced) != len(error.details["writeErrors"]):
                raise
            for doc_id in raced:
                db.rate_limits.update_one({"_id": doc_id}, {"$inc": {"hits": batch[doc_id][0]}})


LOCAL_COUNTS = LocalCounts()
