"""A small thread-safe cache with a time to live, per process, for what is read on every request
but may be a moment old (in the gateway: accounts behind tokens, whether a statement can be
answered, organisations and their themes; in votes: a busy topic's tallies)."""
import threading
import time


class TTLCache:
    def __init__(self, seconds, max_items=10_000):
        self.seconds = seconds
        self.max_items = max_items
        self._items = {}
        self._lock = threading.Lock()

    def get_or_load(self, key, load):
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit and hit[0] > now:
                return hit[1]
        value = load()
        with self._lock:
            if len(self._items) >= self.max_items:
                self._items.clear()
            self._items[key] = (now + self.seconds, value)
        return value

    def forget(self, key):
        with self._lock:
            self._items.pop(key, None)

    def clear(self):
        with self._lock:
            self._items.clear()
