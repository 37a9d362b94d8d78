"""Unit tests of solutions and the decision: domain rules, schemas and entry points (no broker, no database)."""
from unittest import mock

import pytest
from marshmallow import ValidationError
from nameko.testing.services import worker_factory

from meedenken_kit.errors import Conflict, Forbidden, InvalidInput
from meedenken_topics import domain
from meedenken_topics.schemas import DecisionIn, SolutionIn
from meedenken_topics.service import TopicsService

ORG = "utrecht"
TOPIC_ID = "a" * 24
OFFICIAL = {"id": "off-1", "name": "Olga Official", "roles": {ORG: "official"}}
CITIZEN = {"id": "cit-1", "name": "Cees Citizen", "roles": {}}
OTHER_OFFICIAL = {"id": "off-2", "name": "Otto Other", "roles": {"amersfoort": "official"}}
ALL_PHASES = ["draft", "inform", "consult", "advise", "co_create", "co_decide", "decided", "closed"]


def topic(phase):
    return {"_id": TOPIC_ID, "org": ORG, "phase": phase, "title": "Park"}


@pytest.mark.parametrize("phase", ALL_PHASES)
def test_solutions_are_proposed_and_supported_in_advise_and_co_create_only(phase):
    if phase in ("advise", "co_create"):
        assert domain.require_citizen_may("propose_solution", topic(phase), CITIZEN) is None
    else:
        with pytest.raises(Conflict) as exc:
            domain.require_citizen_may("propose_solution", topic(phase), CITIZEN)
        assert f"'{phase}'" in exc.value.detail and exc.value.errors == {"phase": ["Allowed in: advise, co_create."]}


def test_anonymous_people_cannot_propose_solutions():
    with pytest.raises(Forbidden):
        domain.require_citizen_may("propose_solution", topic("advise"), None)


@pytest.mark.parametrize("phase", ALL_PHASES)
def test_officials_take_solutions_into_the_vote_from_advise_to_co_decide(phase):
    if phase in ("advise", "co_create", "co_decide"):
        assert domain.check_take_into_vote(topic(phase), OFFICIAL) is None
    else:
        with pytest.raises(Conflict):
            domain.check_take_into_vote(topic(phase), OFFICIAL)


@pytest.mark.parametrize("actor", [CITIZEN, OTHER_OFFICIAL])
def test_only_the_organisations_officials_take_solutions_into_the_vote_or_decide(actor):
    with pytest.raises(Forbidden):
        domain.check_take_into_vote(topic("co_create"), actor)
    with pytest.raises(Forbidden):
        domain.check_decision(topic("co_decide"), actor)


@pytest.mark.parametrize("phase", ALL_PHASES)
def test_a_decision_is_published_from_any_published_phase_before_decided(phase):
    if phase in ("inform", "consult", "advise", "co_create", "co_decide"):
        assert domain.check_decision(topic(phase), OFFICIAL) is None
    else:
        with pytest.raises(Conflict):
            domain.check_decision(topic(phase), OFFICIAL)


STATEMENT = {"_id": "b" * 24, "topic_id": TOPIC_ID, "org": ORG, "status": "published", "text": "Meer bomen"}
SOLUTION = {"_id": "c" * 24, "topic_id": TOPIC_ID, "org": ORG, "title": "Een speeltuin"}
PROPOSAL = {"_id": "d" * 24, "org": ORG, "title": "Bankjes"}


def item(kind, doc):
    return {"kind": kind, "id": doc["_id"], "what_was_done": "Overgenomen"}


def found(*pairs):
    return {(kind, doc["_id"]): doc for kind, doc in pairs}


def test_decision_input_of_this_topic_and_organisation_is_accepted():
    pairs = [("statement", STATEMENT), ("solution", SOLUTION), ("agenda_proposal", PROPOSAL)]
    assert domain.check_decision_input(topic("co_decide"), [item(*p) for p in pairs], found(*pairs)) is None


@pytest.mark.parametrize("kind, doc", [
    ("statement", {**STATEMENT, "topic_id": "e" * 24}),
    ("solution", {**SOLUTION, "topic_id": "e" * 24}),
    ("agenda_proposal", {**PROPOSAL, "org": "amersfoort"}),
    ("statement", {**STATEMENT, "status": "rejected"}),
])
def test_decision_input_of_another_topic_or_organisation_is_refused(kind, doc):
    with pytest.raises(InvalidInput) as exc:
        domain.check_decision_input(topic("co_decide"), [item(kind, doc)], found((kind, doc)))
    assert list(exc.value.errors["input"]) == ["0"]


def test_missing_or_twice_named_input_is_refused():
    items = [item("solution", SOLUTION), item("statement", STATEMENT), item("solution", SOLUTION)]
    with pytest.raises(InvalidInput) as exc:
        domain.check_decision_input(topic("co_decide"), items, found(("solution", SOLUTION)))
    assert exc.value.errors["input"] == {"1": {"id": ["No statement with this id on this topic."]},
                                         "2": {"id": ["Named twice."]}}


def test_a_solution_id_is_not_accepted_as_a_statement():
    with pytest.raises(InvalidInput):
        domain.check_decision_input(topic("co_decide"), [item("statement", SOLUTION)], found(("solution", SOLUTION)))


@pytest.mark.parametrize("method, args", [
    ("propose_solution", (OFFICIAL, TOPIC_ID, {"title": "t"})), ("list_solutions", (None, TOPIC_ID, {})),
    ("support_solution", (CITIZEN, "c" * 24, {"supported": True})), ("take_into_vote", (OFFICIAL, "c" * 24, {})),
    ("decide", (OFFICIAL, TOPIC_ID, {"summary": "s"})), ("participants_of_topic", (TOPIC_ID,)),
])
def test_entry_points_delegate_to_their_usecase_with_the_store(method, args):
    service = worker_factory(TopicsService)
    with mock.patch(f"meedenken_topics.usecases.{method}", return_value="done") as usecase:
        assert getattr(service, method)(*args) == "done"
    usecase.assert_called_once_with(service.store, *args)


def test_decision_input_names_a_known_kind_with_an_id_and_what_was_done():
    loaded = DecisionIn().load({"summary": "Besloten.", "input": [{"kind": "solution", "id": "c" * 24,
                                                                  "what_was_done": "Overgenomen"}]})
    assert loaded["body"] == "" and loaded["input"][0]["kind"] == "solution"
    with pytest.raises(ValidationError) as exc:
        DecisionIn().load({"summary": "Besloten.", "input": [{"kind": "reaction", "id": "x", "what_was_done": ""}]})
    assert set(exc.value.messages["input"][0]) == {"kind", "id", "what_was_done"}


def test_a_solution_needs_a_title_and_an_explanation():
    with pytest.raises(ValidationError) as exc:
        SolutionIn().load({"title": "Ja", "body": "kort"})
    assert set(exc.value.messages) == {"title", "body"}
