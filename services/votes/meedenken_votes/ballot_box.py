"""The ballot box: consumes the answers the gateway queued (partitioned by statement) and counts
them in batches, in a managed thread of the votes service; between those batches it counts the
supports of agenda proposals that RPC workers handed in (supports.py). Also the in-memory answer
cache the RPC path shares."""
import logging
import threading

from meedenken_kit import correlation
from meedenken_kit.errors import load_or_raise
from meedenken_kit.partitioned import BatchConsumer, PartitionedQueue
from meedenken_kit.store import Store, UnitOfWork
from nameko import config
from nameko.extensions import DependencyProvider

from . import ballots, supports
from .schemas import SupportIn

log = logging.getLogger(__name__)

QUEUE_NAME = "votes.answers"


def ballot_queue():
    return PartitionedQueue(QUEUE_NAME, int(config.get("VOTE_PARTITIONS", 4)))


class BallotBox(DependencyProvider):
    """Workers get the answer cache; the consumer thread counts queued ballots with it."""

    def setup(self):
        self.store = next(d for d in self.container.extensions if isinstance(d, Store))
        self.cache = ballots.AnswerCache()
        self.lock = threading.Lock()
        self.waiting_supports = supports.WaitingSupports()
        self.consumer = BatchConsumer(config["AMQP_URI"], ballot_queue(), self.count,
                                      max_batch=int(config.get("VOTE_BATCH", 500)),
                                      max_wait=float(config.get("VOTE_BATCH_WAIT_SECONDS", 0.02)),
                                      idle=self.count_supports)
        self.support_timeout = float(config.get("RPC_TIMEOUT_SECONDS", 10))
        self._stop = threading.Event()

    def start(self):
        self.container.spawn_managed_thread(lambda: self.consumer.run(self._stop), identifier="ballot-box")

    def stop(self):
        self._stop.set()

    def kill(self):
        self._stop.set()

    def support(self, payload):
        """Called by an RPC worker: waits until the support is counted; returns its result."""
        future = self.waiting_supports.add(load_or_raise(SupportIn, payload), correlation.current())
        return future.result(self.support_timeout)

    def count_supports(self):
        try:
            counted = supports.count_waiting(self.uow(), self.waiting_supports)
        except Exception:
            log.exception("counting supports failed; their citizens were told and may try again")
        else:
            if counted:
                self.store.relay.wake()

    def count(self, items):
        self.count_supports()  # first: a failing batch of answers must not hold them up
        valid, refused = ballots.parse(items)
        if valid:
            with self.lock:
                ballots.apply_ballots(self.uow(), self.cache, valid)
            self.store.relay.wake()
        return refused

    def uow(self):
        return UnitOfWork(self.store.client, self.store.db, self.container.service_name)

    def get_dependency(self, worker_ctx):
        return self
