"""Locks of this process picked by a key: whatever holds the same key runs one at a time. A fixed
number of stripes, so two keys may share one (they then wait for each other needlessly, rarely)."""
import threading


class KeyedLocks:
    def __init__(self, stripes=64):
        self._locks = [threading.Lock() for _ in range(stripes)]

    def of(self, key):
        return self._locks[hash(key) % len(self._locks)]
