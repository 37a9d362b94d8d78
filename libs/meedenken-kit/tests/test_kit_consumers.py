"""Which failures of an event handler are retried (the event goes back on its queue) and which
dead-letter the event."""
from nameko.exceptions import RpcTimeout, UnknownService
from pymongo.errors import AutoReconnect, DuplicateKeyError

from meedenken_kit.consumers import retryable


def test_outages_that_pass_are_retried():
    assert retryable(AutoReconnect("database away"))
    assert retryable(UnknownService("votes"))
    assert retryable(RpcTimeout())


def test_other_failures_are_not():
    assert not retryable(ValueError("a bug or a bad event"))
    assert not retryable(DuplicateKeyError("E11000"))
