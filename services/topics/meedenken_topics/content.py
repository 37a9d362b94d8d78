"""What a topic page shows of a topic besides the topic itself (its statements, first solutions,
reaction pages), kept per process while the topic's ``content_version`` is unchanged.

Every write to a topic's statements, solutions or reactions bumps that version in its own
transaction, and the topic document is read on every request anyway, so a copy is never served
after a change committed — in any instance — without a time to live. On the development database
(SecantusDB) a page of a topic with 10,000 reactions costs ~130 ms of server time to read (it
decodes every thread of the topic to sort them); a hot topic is read far more often than written."""
import threading
from collections import OrderedDict

from .locks import KeyedLocks


class TopicContent:
    def __init__(self, max_items=512):
        self.max_items = max_items
        self._items = OrderedDict()
        self._lock = threading.Lock()
        self._loading = KeyedLocks()  # loads of one part run one at a time; readers wait for the result

    def get_or_load(self, topic, part, load):
        """``load()``'s result for ``(topic, part)`` at the topic's current content version or
        later. The topic is read before the content, so what is loaded is never older than that."""
        key, version = (topic["_id"], part), topic.get("content_version", 0)
        found = self._current(key, version)
        if found is not None:
            return found[0]
        with self._loading.of(key):
            found = self._current(key, version)  # loaded meanwhile by the reader we waited for
            if found is not None:
                return found[0]
            value = load()
            with self._lock:
                self._items[key] = (version, value)
                self._items.move_to_end(key)
                while len(self._items) > self.max_items:
                    self._items.popitem(last=False)
            return value

    def _current(self, key, version):
        with self._lock:
            hit = self._items.get(key)
            if hit is None or hit[0] < version:
                return None
            self._items.move_to_end(key)
            return (hit[1],)
