"""The ballot box: consumes the answers the gateway queued (partitioned by statement) and counts
them in batches, in a managed thread of the votes service. Also the in-memory answer cache the
RPC path shares."""
import threading

from meedenken_kit.partitioned import BatchConsumer, PartitionedQueue
from meedenken_kit.store import Store, UnitOfWork
from nameko import config
from nameko.extensions import DependencyProvider

from . import ballots

QUEUE_NAME = "votes.answers"


def ballot_queue():
    return PartitionedQueue(QUEUE_NAME, int(config.get("VOTE_PARTITIONS", 4)))


class BallotBox(DependencyProvider):
    """Workers get the answer cache; the consumer thread counts queued ballots with it."""

    def setup(self):
        self.store = next(d for d in self.container.extensions if isinstance(d, Store))
        self.cache = ballots.AnswerCache()
        self.lock = threading.Lock()
        self.consumer = BatchConsumer(config["AMQP_URI"], ballot_queue(), self.count,
                                      max_batch=int(config.get("VOTE_BATCH", 500)),
                                      max_wait=float(config.get("VOTE_BATCH_WAIT_SECONDS", 0.02)))
        self._stop = threading.Event()

    def start(self):
        self.container.spawn_managed_thread(lambda: self.consumer.run(self._stop), identifier="ballot-box")

    def stop(self):
        self._stop.set()

    def kill(self):
        self._stop.set()

    def count(self, items):
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
