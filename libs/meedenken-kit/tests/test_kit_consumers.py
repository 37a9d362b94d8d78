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


class _MessageOnADroppedConnection:
    """What a consumer holds when the broker restarts while a worker runs: acking it fails."""
    properties = {"message_id": "m-1"}

    class channel:
        connection = object()

    def __init__(self):
        self.tried = []

    def ack(self):
        self.tried.append("ack")
        raise ConnectionResetError(104, "Connection reset by peer")

    def requeue(self):
        self.tried.append("requeue")
        raise BrokenPipeError(32, "Broken pipe")


def test_settling_a_message_on_a_dropped_connection_does_not_stop_the_service():
    from nameko.amqp.consume import Consumer
    import meedenken_kit.consumers  # noqa: F401  (makes nameko's consumer tolerate it)
    message = _MessageOnADroppedConnection()
    Consumer.ack_message(None, message)
    Consumer.requeue_message(None, message)
    assert message.tried == ["ack", "requeue"]  # tried, and the broker redelivers what was not settled


def test_an_rpc_reply_the_broker_cannot_take_is_dropped_not_the_service():
    import kombu.exceptions
    from nameko.rpc import Responder
    import meedenken_kit.consumers  # noqa: F401  (makes nameko's responder tolerate it)

    class BrokerAway:
        def __init__(self, *args, **kwargs):
            pass

        def publish(self, *args, **kwargs):
            raise kombu.exceptions.OperationalError("[Errno 111] ECONNREFUSED")

    class Request:
        properties = {"content_type": "application/json", "reply_to": "rpc.reply-x", "correlation_id": "c-1"}

    responder = Responder("amqp://nowhere/", None, Request())
    responder.publisher_cls = BrokerAway
    assert responder.send_response({"ok": True}, None) == ({"ok": True}, None)


def test_rpc_replies_are_sent_without_waiting_for_a_confirm():
    from nameko.rpc import Responder
    from meedenken_kit.consumers import ReplyPublisher
    assert Responder.publisher_cls is ReplyPublisher and ReplyPublisher("amqp://").use_confirms is False


class RecordingPublisher:
    sent = []

    def __init__(self, *args, **kwargs):
        pass

    def publish(self, body, **options):
        RecordingPublisher.sent.append((body, options))


class RpcRequest:
    properties = {"content_type": "application/json", "reply_to": "rpc.reply-x", "correlation_id": "c-1"}


def test_an_rpc_reply_is_serialized_once_and_says_what_nameko_s_says(monkeypatch):
    import json
    import sys
    import kombu.exceptions
    import kombu.serialization
    from nameko.rpc import Responder
    import meedenken_kit.consumers  # noqa: F401
    dumped = []
    real_dumps = kombu.serialization.dumps
    monkeypatch.setattr(kombu.serialization, "dumps", lambda data, serializer: dumped.append(data) or real_dumps(data, serializer))
    RecordingPublisher.sent.clear()
    responder = Responder("amqp://nowhere/", "the-exchange", RpcRequest())
    responder.publisher_cls = RecordingPublisher
    page = {"statements": [{"id": n, "text": f"Stelling {n}"} for n in range(50)]}
    assert responder.send_response(page, None) == (page, None)
    assert len(dumped) == 1
    [(body, options)] = RecordingPublisher.sent
    assert json.loads(body) == {"result": page, "error": None}
    assert options == {"content_type": "application/json", "content_encoding": "utf-8", "exchange": "the-exchange",
                       "routing_key": "rpc.reply-x", "correlation_id": "c-1"}
    # what cannot be serialized is answered as nameko's UnserializableValueError, and the worker is told
    RecordingPublisher.sent.clear()
    result, exc_info = responder.send_response({"when": object()}, None)
    assert result is None and exc_info[0] is kombu.exceptions.EncodeError
    [(body, _)] = RecordingPublisher.sent
    reply = json.loads(body)
    assert reply["result"] is None and reply["error"]["exc_type"] == "UnserializableValueError"
    # a raised error is sent as nameko serializes it
    RecordingPublisher.sent.clear()
    try:
        raise ValueError("nope")
    except ValueError:
        responder.send_response(None, sys.exc_info())
    [(body, _)] = RecordingPublisher.sent
    assert json.loads(body)["error"]["exc_type"] == "ValueError" and json.loads(body)["error"]["value"] == "nope"
