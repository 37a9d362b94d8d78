"""CloudEvents 1.0 envelope and typed errors of meedenken_kit."""
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from marshmallow import Schema, ValidationError, fields

from meedenken_kit.envelope import new_event, parse_event, rfc3339, short_type, source_of
from meedenken_kit.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError, load_or_raise

AT = datetime(2026, 11, 25, 8, 35, 16, 123456, tzinfo=timezone.utc)


def event(**overrides):
    body = new_event("votes", "statement.response.recorded.v1", "0123456789abcdef01234567", {"choice": "agree"}, now=AT)
    body.update(overrides)
    return body


# new_event --------------------------------------------------------------------------------------

def test_new_event_builds_a_cloudevents_1_0_envelope():
    body = event()
    assert set(body) == {"specversion", "id", "source", "type", "time", "subject", "datacontenttype", "data"}
    assert body["specversion"] == "1.0"
    assert uuid.UUID(body["id"]).version == 4
    assert body["source"] == "/meedenken/votes"
    assert body["type"] == "nl.meedenken.statement.response.recorded.v1"
    assert body["time"] == "2026-11-25T08:35:16.123Z"
    assert body["subject"] == "0123456789abcdef01234567"
    assert body["datacontenttype"] == "application/json"
    assert body["data"] == {"choice": "agree"}


def test_new_event_is_accepted_by_parse_event():
    body = event()
    assert parse_event(body) == body


def test_new_event_ids_are_unique_and_time_defaults_to_now_in_utc():
    first = new_event("topics", "topic.created.v1", "t", {})
    second = new_event("topics", "topic.created.v1", "t", {})
    assert first["id"] != second["id"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["time"])
    moment = datetime.strptime(first["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert abs(datetime.now(timezone.utc) - moment) < timedelta(minutes=1)


def test_new_event_stringifies_the_subject():
    assert new_event("topics", "topic.created.v1", 42, {})["subject"] == "42"


def test_time_is_converted_to_utc_and_ends_in_z():
    amsterdam = timezone(timedelta(hours=1))
    assert rfc3339(datetime(2026, 11, 25, 9, 35, 16, 5000, tzinfo=amsterdam)) == "2026-11-25T08:35:16.005Z"


def test_short_type_and_source():
    assert short_type(event()) == "statement.response.recorded.v1"
    assert source_of("notifications") == "/meedenken/notifications"


@pytest.mark.parametrize("name", [
    "statement.response.recorded", "topic.created.V1", "topic.created.v", "Topic.created.v1",
    "nl.meedenken.topic.created", "topic-created.v1", "", ".v1", "topic..created.v1",
])
def test_new_event_rejects_unversioned_or_malformed_names(name):
    with pytest.raises(ValueError, match="not a versioned event name"):
        new_event("topics", name, "s", {})


def test_new_event_rejects_a_name_with_a_trailing_newline():
    with pytest.raises(ValueError):
        new_event("topics", "topic.created.v1\n", "s", {})


# parse_event ------------------------------------------------------------------------------------

@pytest.mark.parametrize("missing", ["specversion", "id", "source", "type", "time", "subject",
                                     "datacontenttype", "data"])
def test_parse_event_rejects_missing_attributes(missing):
    body = event()
    del body[missing]
    with pytest.raises(ValidationError) as exc:
        parse_event(body)
    assert exc.value.messages == {missing: ["Missing data for required field."]}


@pytest.mark.parametrize("attribute, value", [
    ("specversion", "0.3"),
    ("specversion", 1.0),
    ("id", ""),
    ("id", "x" * 129),
    ("source", "/other/votes"),
    ("source", "meedenken/votes"),
    ("source", "/meedenken/Votes"),
    ("type", "statement.response.recorded.v1"),
    ("type", "com.example.statement.response.recorded.v1"),
    ("type", "nl.meedenken.statement.response.recorded"),
    ("datacontenttype", "text/plain"),
    ("data", "not an object"),
    ("data", ["a"]),
    ("subject", None),
])
def test_parse_event_rejects_invalid_attributes(attribute, value):
    with pytest.raises(ValidationError) as exc:
        parse_event(event(**{attribute: value}))
    assert list(exc.value.messages) == [attribute]


@pytest.mark.parametrize("time", ["gisteren", "25-11-2026 08:35"])
def test_parse_event_rejects_a_time_that_is_no_timestamp(time):
    with pytest.raises(ValidationError):
        parse_event(event(time=time))


@pytest.mark.parametrize("body", [None, "{}", ["specversion"], 42, b"{}"])
def test_parse_event_rejects_non_objects(body):
    with pytest.raises(ValidationError) as exc:
        parse_event(body)
    assert exc.value.messages == ["event body is not an object"]


def test_parse_event_keeps_unknown_extension_attributes():
    body = event(traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", partitionkey="t1")
    parsed = parse_event(body)
    assert parsed["traceparent"] == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    assert parsed["partitionkey"] == "t1"
    assert parsed["type"] == "nl.meedenken.statement.response.recorded.v1"


# errors -----------------------------------------------------------------------------------------

class Sample(Schema):
    name = fields.String(required=True)
    count = fields.Integer()


def test_load_or_raise_returns_loaded_data():
    assert load_or_raise(Sample, {"name": "x", "count": "3"}) == {"name": "x", "count": 3}


def test_load_or_raise_raises_invalid_input_with_field_errors():
    with pytest.raises(InvalidInput) as exc:
        load_or_raise(Sample, {"count": "many", "extra": 1})
    assert exc.value.detail == "Invalid input."
    assert exc.value.errors == {"name": ["Missing data for required field."], "count": ["Not a valid integer."],
                                "extra": ["Unknown field."]}


@pytest.mark.parametrize("payload", [None, [], ["name"], "name=x", 1])
def test_load_or_raise_rejects_non_dict_payloads(payload):
    with pytest.raises(InvalidInput) as exc:
        load_or_raise(Sample, payload)
    assert exc.value.detail == "Payload must be an object."
    assert exc.value.errors == {}


@pytest.mark.parametrize("cls", [InvalidInput, NotFound, Forbidden, Conflict])
def test_service_errors_carry_detail_and_errors(cls):
    exc = cls("Nope.", {"field": ["bad"]})
    assert isinstance(exc, ServiceError)
    assert str(exc) == "Nope."
    assert exc.detail == "Nope."
    assert exc.errors == {"field": ["bad"]}
    assert exc.args == ("Nope.", {"field": ["bad"]})
    assert cls("Only detail.").errors == {}


def test_production_refuses_the_default_broker_account():
    import pytest
    from meedenken_kit.production import refuse_development_defaults
    refuse_development_defaults("development", "amqp://guest:guest@127.0.0.1:5672/")
    refuse_development_defaults("production", "amqp://meedenken:s3cret@rabbitmq:5672/prod")
    for uri in ("amqp://guest:guest@rabbitmq:5672/", "amqp://rabbitmq:5672/", ""):
        with pytest.raises(SystemExit, match="guest"):
            refuse_development_defaults("production", uri)
