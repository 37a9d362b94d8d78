"""Rate limits kept in the gateway's database, so every worker and instance shares the count.

A limit allows ``limit`` hits per key in a fixed window of ``window_seconds``; the hit after that
is answered 429 with ``Retry-After`` (the seconds until the window ends). One document per key and
window (``rate_limits``), removed by a TTL index once its window is over. Usage::

    RESIDENCY = RateLimit("residency", limit=5, window_seconds=900)
    RESIDENCY.hit(db, account_id)   # raises Problem(429) when over the limit
"""
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pymongo.errors import DuplicateKeyError

from .problems import Problem


def ensure_indexes(db):
    db.rate_limits.create_index("expires_at", expireAfterSeconds=0)


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int
    window_seconds: int

    def hit(self, db, key, now=None):
        """Count one hit for ``key``; raise a 429 Problem when it is over the limit."""
        now = now or datetime.now(timezone.utc)
        window = math.floor(now.timestamp() / self.window_seconds) * self.window_seconds
        ends = datetime.fromtimestamp(window + self.window_seconds, timezone.utc)
        doc_id = f"{self.name}:{key}:{window}"
        try:
            # one round trip: counts while under the limit; over it the filter matches nothing and
            # the upsert collides with the existing document
            db.rate_limits.update_one({"_id": doc_id, "hits": {"$lt": self.limit}},
                                      {"$inc": {"hits": 1}, "$setOnInsert": {"expires_at": ends}}, upsert=True)
        except DuplicateKeyError:
            # two first hits of a window raced to insert the document: count this one if still under
            if db.rate_limits.update_one({"_id": doc_id, "hits": {"$lt": self.limit}}, {"$inc": {"hits": 1}}).modified_count:
                return
            retry_after = max(1, math.ceil((ends - now) / timedelta(seconds=1)))
            raise Problem(429, f"Too many attempts; try again in {retry_after} seconds.",
                          headers={"Retry-After": str(retry_after)}) from None
