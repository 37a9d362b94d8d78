"""Co-decide end to end (tests/journey.py's co_decide part): solutions, the decision and who hears
what was done with their input."""
import time

from kombu import Connection, Exchange

from conftest import INJECTED, eventually, platform_events


def test_everyone_who_took_part_hears_of_the_decision_once(journey):
    for name in ("alice", "bob", "carol"):
        notifications = journey.answers[f"decided_{name}"]
        assert len(notifications) == 1, name
        assert notifications[0]["subject_id"] == journey.ids["decided_topic"]
        assert notifications[0]["title"] == "Wat is er met uw inbreng gedaan: ‘Een speelplek bij de school’"


def test_the_decision_maker_is_not_notified_of_their_own_decision(journey):
    assert journey.answers["decided_official"] == []


def test_followers_get_no_separate_phase_change_for_a_decision(journey, api):
    carol = api.get("/api/v1/me/notifications", token=journey.tokens["carol"]).json()["items"]
    mine = [n["type"] for n in carol if n["topic_id"] == journey.ids["decided_topic"]]
    assert mine.count("topic.decided") == 1 and "besloten" not in " ".join(
        n["title"] for n in carol if n["type"] == "topic.phase_changed")


def test_the_decision_in_english(journey, api):
    items = api.get("/api/v1/me/notifications?lang=en", token=journey.tokens["bob"]).json()["items"]
    assert "What was done with your input: ‘Een speelplek bij de school’" in [n["title"] for n in items]


def test_solutions_wait_for_a_decided_topic(journey, api):
    solution_id = journey.ids["solution"]
    assert api.post(f"/api/v1/solutions/{solution_id}/support", token=journey.tokens["carol"]).status_code == 409
    assert api.post(f"/api/v1/solutions/{solution_id}/taken", {"taken": False},
                    token=journey.tokens["official"]).status_code == 409
    assert api.post(f"/api/v1/solutions/{'0' * 24}/support", token=journey.tokens["carol"]).status_code == 404
    assert api.post(f"/api/v1/topics/{journey.ids['decided_topic']}/solutions", {"title": "Nog een idee",
                    "body": "Een zandbak erbij."}, token=journey.tokens["alice"]).status_code == 409


def test_the_events_carry_supports_and_the_decision(journey, event_tap):
    events = platform_events(event_tap)
    supported = [e["body"]["data"] for e in events if e["routing_key"] == "solution.supported.v1"
                 and e["body"]["subject"] == journey.ids["solution"]]
    assert [(d["supported"], d["supports"]) for d in supported] == [(True, 1), (True, 2), (False, 1)]
    decided = eventually(lambda: [e for e in platform_events(event_tap) if e["routing_key"] == "topic.decided.v1"
                                  and e["body"]["subject"] == journey.ids["decided_topic"]])
    assert len(decided) == 1 and [i["kind"] for i in decided[0]["body"]["data"]["input"]] == ["statement", "solution", "agenda_proposal"]


def test_a_redelivered_decision_notifies_nobody_twice(journey, event_tap, broker_uri, api):
    decided = eventually(lambda: [e for e in platform_events(event_tap) if e["routing_key"] == "topic.decided.v1"
                                  and e["body"]["subject"] == journey.ids["decided_topic"]])
    with Connection(broker_uri, transport_options={"confirm_publish": True}) as connection:
        connection.Producer().publish(decided[0]["body"], exchange=Exchange("topics.events", type="topic", durable=True),
                                      routing_key="topic.decided.v1", serializer="json",
                                      message_id=decided[0]["body"]["id"], headers={INJECTED: "1"})
    time.sleep(2)  # the duplicate is handled (or dead-lettered) well within this on an idle queue
    for name in ("alice", "bob", "carol"):
        items = api.get("/api/v1/me/notifications", token=journey.tokens[name]).json()["items"]
        assert [n["type"] for n in items].count("topic.decided") == 1, name


def test_the_new_routes_are_in_the_openapi_document(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    decision = paths["/api/v1/topics/{topic_id}/decision"]["post"]
    assert {"409", "422"} <= set(decision["responses"]) and "requestBody" in decision
    assert {"post", "get"} <= set(paths["/api/v1/topics/{topic_id}/solutions"])
    assert {"post", "delete"} <= set(paths["/api/v1/solutions/{solution_id}/support"])
    assert "post" in paths["/api/v1/solutions/{solution_id}/taken"]
