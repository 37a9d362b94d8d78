"""Correlation ids, JSON log lines and the metrics exposition, without a broker or database."""
import json
import logging
import threading
from types import SimpleNamespace

import pytest

from meedenken_kit import correlation
from meedenken_kit.envelope import new_event, parse_event
from meedenken_kit.logs import JsonFormatter
from meedenken_kit.metrics import WORKER_CALLS, exposition
from meedenken_kit.observability import CallLog, outcome
from meedenken_kit.store import UnitOfWork


@pytest.mark.parametrize("value", ["abc", "0b8f6a52-3c1e-4d7a-9f1e-2a6c5b4d3e21", "Root=1-5e1b4151-5ac6c58f",
                                   "a" * 128, "x.y_z:1/2+3"])
def test_sane_ids_are_kept(value):
    assert correlation.sane(value) == value


@pytest.mark.parametrize("value", [None, "", "a" * 129, "with space", "-leading", "new\nline", "é", "<x>",
                                   "quo\"te", 42])
def test_unusable_ids_are_refused(value):
    assert correlation.sane(value) is None


def test_the_current_id_is_per_thread_and_resets():
    assert correlation.current() is None
    token = correlation.bind("request-1")
    seen = []
    thread = threading.Thread(target=lambda: seen.append(correlation.current()))
    thread.start()
    thread.join()
    assert correlation.current() == "request-1" and seen == [None]
    correlation.reset(token)
    assert correlation.current() is None


def test_new_event_carries_the_correlation_id_only_when_given():
    plain = new_event("topics", "topic.created.v1", "1", {})
    assert "correlationid" not in plain
    traced = new_event("topics", "topic.created.v1", "1", {}, correlation_id="req-7")
    assert traced["correlationid"] == "req-7"
    assert parse_event(traced)["correlationid"] == "req-7" and parse_event(plain) == plain


def test_parse_event_never_refuses_an_event_for_its_correlation_id():
    event = {**new_event("topics", "topic.created.v1", "1", {}), "correlationid": 12}
    assert parse_event(event)["correlationid"] == 12  # the worker makes its own id instead


class FakeDb:
    def __init__(self):
        self.outbox = SimpleNamespace(inserted=[])
        self.outbox.insert_one = lambda doc, session=None: self.outbox.inserted.append(doc)
        self.outbox.insert_many = lambda docs, session=None: self.outbox.inserted.extend(docs)


def test_unit_of_work_emits_with_the_workers_correlation_id():
    uow = UnitOfWork(None, FakeDb(), "topics")
    assert "correlationid" not in uow.emit(None, "topic.created.v1", "1", {})
    token = correlation.bind("req-9")
    try:
        assert uow.emit(None, "topic.created.v1", "1", {})["correlationid"] == "req-9"
        assert {e["correlationid"] for e in uow.emit_many(None, "topic.created.v1", [("1", {}), ("2", {})])} == {"req-9"}
        explicit = UnitOfWork(None, FakeDb(), "votes", correlation_id="batch-1")
        assert explicit.emit(None, "support.recorded.v1", "1", {})["correlationid"] == "batch-1"
    finally:
        correlation.reset(token)


def _record(message="hello", **extra):
    record = logging.LogRecord("meedenken.test", logging.WARNING, __file__, 1, message, (), None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_log_lines_carry_service_level_message_and_the_correlation_id():
    formatter = JsonFormatter(service="topics")
    line = json.loads(formatter.format(_record()))
    assert line["service"] == "topics" and line["level"] == "warning" and line["message"] == "hello"
    assert "correlation_id" not in line
    token = correlation.bind("req-3")
    try:
        line = json.loads(formatter.format(_record(fields={"route": "/x/{id}", "status": 200, "service": "no"})))
    finally:
        correlation.reset(token)
    assert line["correlation_id"] == "req-3" and line["route"] == "/x/{id}" and line["status"] == 200
    assert line["service"] == "topics"  # fields cannot overwrite the standard keys


def test_outcome_of_a_worker():
    ctx = SimpleNamespace(entrypoint=SimpleNamespace(expected_exceptions=(KeyError,)))
    assert outcome(ctx, None) == "ok"
    assert outcome(ctx, (KeyError, KeyError("x"), None)) == "expected_error"
    assert outcome(ctx, (ValueError, ValueError("x"), None)) == "error"


def test_call_log_takes_a_sane_id_from_the_context_data_or_makes_one():
    given = SimpleNamespace(data={"correlation_id": "req-5"})
    assert CallLog._correlation_id(given) == "req-5"
    for data in ({}, {"correlation_id": "no good"}):
        ctx = SimpleNamespace(data=dict(data))
        made = CallLog._correlation_id(ctx)
        assert made != data.get("correlation_id") and ctx.data["correlation_id"] == made  # passed on


def test_exposition_in_prometheus_text_format():
    WORKER_CALLS.labels("kit-test", "ping", "ok").inc()
    body, content_type = exposition()
    assert content_type.startswith("text/plain")
    assert 'meedenken_worker_calls_total{entrypoint="ping",outcome="ok",service="kit-test"}' in body.decode()
