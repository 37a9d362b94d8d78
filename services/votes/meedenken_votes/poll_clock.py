"""The poll clock: a managed thread of the votes service that opens and closes polls on time, no
request needed. Every instance runs one; each state change is claimed by a conditional update in
the transaction that publishes its event, so it happens exactly once (usecases.advance_polls)."""
import logging
import threading

from meedenken_kit.store import Store
from nameko import config
from nameko.extensions import DependencyProvider

from . import repository as repo, usecases

log = logging.getLogger(__name__)


class PollClock(DependencyProvider):
    """Looks every ``POLL_CLOCK_SECONDS`` (default 1)."""

    def setup(self):
        self.store = next(d for d in self.container.extensions if isinstance(d, Store))
        self.interval = float(config.get("POLL_CLOCK_SECONDS", 1.0))
        self._stop = threading.Event()

    def start(self):
        repo.ensure_poll_indexes(self.store.db)
        self.container.spawn_managed_thread(self.run, identifier="poll-clock")

    def run(self):
        while not self._stop.wait(self.interval):
            try:
                if usecases.advance_polls(self.store.get_dependency(None), repo.now()):
                    self.store.relay.wake()
            except Exception:  # the database away, say: look again at the next tick
                log.exception("poll clock: opening or closing polls failed; trying again")

    def stop(self):
        self._stop.set()

    def kill(self):
        self._stop.set()
