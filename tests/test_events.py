"""Events are the public API for integrations: every event the journey causes reaches a plain kombu
consumer (no nameko) bound the way docs/events/README.md tells integrators to, on the documented
exchange and routing key, and validates against the schema the AsyncAPI document names for it."""
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import eventually, platform_events

DOCS = Path(__file__).resolve().parent.parent / "docs" / "events"
ASYNCAPI = yaml.safe_load((DOCS / "asyncapi.yaml").read_text(encoding="utf-8"))


def documented():
    """(short type, exchange) -> JSON schema from the AsyncAPI document (a type published by
    several services, account.erasure_confirmed.v1, has a channel per exchange)."""
    result = {}
    for name, channel in ASYNCAPI["channels"].items():
        message_ref = next(iter(channel["messages"].values()))["$ref"].rsplit("/", 1)[1]
        schema_file = ASYNCAPI["components"]["messages"][message_ref]["payload"]["$ref"]
        schema = json.loads((DOCS / schema_file).read_text(encoding="utf-8"))
        result[(channel["address"], channel["bindings"]["amqp"]["exchange"]["name"])] = schema
    return result


DOCUMENTED = documented()


def published_by_the_code():
    from meedenken_notifications import events as notifications
    from meedenken_topics import events as topics
    from meedenken_votes import events as votes
    from meedenken_gateway import accounts, erasure, residency
    gateway = (accounts.ACCOUNT_REGISTERED, accounts.ACCOUNT_ROLE_GRANTED, residency.RESIDENCY_VERIFIED,
               erasure.ERASURE_REQUESTED_TYPE, erasure.ERASURE_COMPLETED)
    return {*((t, "topics.events") for t in topics.PUBLISHED), *((t, "votes.events") for t in votes.PUBLISHED),
            *((t, "notifications.events") for t in notifications.PUBLISHED), *((t, "gateway.events") for t in gateway)}


def test_every_event_the_code_publishes_is_documented_on_its_exchange():
    assert set(DOCUMENTED) == published_by_the_code()


def test_every_schema_is_a_valid_json_schema():
    for schema in DOCUMENTED.values():
        jsonschema.Draft202012Validator.check_schema(schema)


def seen(events):
    return {(e["routing_key"], e["exchange"]) for e in events}


@pytest.fixture(scope="module")
def journey_events(journey, event_tap):
    expected = set(DOCUMENTED)
    eventually(lambda: expected <= seen(event_tap), timeout=30)
    return platform_events(event_tap)


def test_the_journey_publishes_every_documented_event(journey_events):
    assert seen(journey_events) == set(DOCUMENTED)


def test_every_event_validates_against_its_documented_schema(journey_events):
    for event in journey_events:
        schema = DOCUMENTED[(event["routing_key"], event["exchange"])]
        jsonschema.validate(event["body"], schema, cls=jsonschema.Draft202012Validator)
        assert event["body"]["type"] == "nl.meedenken." + event["routing_key"]
        assert event["properties"]["message_id"] == event["body"]["id"]


def test_event_ids_are_unique(journey_events):
    ids = [e["body"]["id"] for e in journey_events]
    assert len(ids) == len(set(ids))


def test_one_threshold_event_per_proposal(journey, journey_events):
    reached = [e for e in journey_events if e["routing_key"] == "agenda_proposal.threshold_reached.v1"
               and e["body"]["subject"] == journey.ids["proposal"]]
    assert len(reached) == 1 and reached[0]["body"]["data"]["supports"] == 2
