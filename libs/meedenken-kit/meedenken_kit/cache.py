"""A small thread-safe cache with a time to live, per process, for what is read on every request
but may be a moment old (in the gateway: accounts behind tokens, whether a statement can be
answered, organisations and their themes; in votes: a busy topic's tallies).

One load per key runs at a time: callers that miss while it runs wait for its result instead of
all reading the same thing (a citizen's answers arrive in bursts on several connections at once)."""
import threading
import time
from concurrent.futures import Future


class TTLCache:
    def __init__(self, seconds, max_items=10_000):
        self.seconds = seconds
        self.max_items = max_items
        self._items = {}
        self._loading = {}  # key -> Future of the load running for it
        self._lock = threading.Lock()

    def get_or_load(self, key, load):
        with self._lock:
            hit = self._items.get(key)
            if hit and hit[0] > time.monotonic():
                return hit[1]
            flight = self._loading.get(key)
            if flight is None:
                flight = self._loading[key] = Future()
                leader = True
            else:
                leader = False
        if not leader:
            return flight.result()
        try:
            value = load()
        except BaseException as exc:
            with self._lock:
                if self._loading.get(key) is flight:
                    del self._loading[key]
            flight.set_exception(exc)
            raise
        with self._lock:
            if self._loading.get(key) is flight:  # not forgotten while it loaded
                del self._loading[key]
                if len(self._items) >= self.max_items:
                    self._items.clear()
                self._items[key] = (time.monotonic() + self.seconds, value)
        flight.set_result(value)
        return value

    def forget(self, key):
        with self._lock:
            self._items.pop(key, None)
            self._loading.pop(key, None)

    def clear(self):
        with self._lock:
            self._items.clear()
            self._loading.clear()
