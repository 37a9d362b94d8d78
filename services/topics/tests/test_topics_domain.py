"""Unit tests of the participation ladder and permissions (meedenken_topics.domain): no broker, no database."""
import pytest

from meedenken_kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from meedenken_topics import domain

ORG = "utrecht"
OTHER_ORG = "amersfoort"

ALL_PHASES = ["draft", "inform", "consult", "advise", "co_create", "co_decide", "decided", "closed"]
LADDER = ALL_PHASES[:-1]
PUBLISHED_PHASES = ALL_PHASES[1:]

OFFICIAL = {"id": "off-1", "name": "Olga Official", "roles": {ORG: "official"}}
ADMIN = {"id": "adm-1", "name": "Ada Admin", "roles": {ORG: "admin"}}
CITIZEN = {"id": "cit-1", "name": "Cees Citizen", "roles": {ORG: "citizen"}}
NO_ROLES = {"id": "cit-2", "name": "Nina Nobody", "roles": {}}
OTHER_OFFICIAL = {"id": "off-2", "name": "Otto Other", "roles": {OTHER_ORG: "official", ORG: "citizen"}}


def topic(phase, org=ORG):
    return {"_id": "a" * 24, "org": org, "phase": phase, "title": "Park"}


# the ladder -------------------------------------------------------------------------------------

def test_phase_constants_match_the_product_ladder():
    assert domain.LADDER == LADDER
    assert domain.PHASES == ALL_PHASES
    assert domain.PUBLISHED == set(PUBLISHED_PHASES)


@pytest.mark.parametrize("current, target", [
    (current, target)
    for i, current in enumerate(LADDER) for target in LADDER[i + 1:]
])
def test_forward_transitions_are_allowed_including_skips(current, target):
    assert domain.check_transition(current, target) is None


@pytest.mark.parametrize("current, target", [
    (current, target)
    for i, current in enumerate(LADDER) for target in LADDER[1:i + 1]
])
def test_backward_or_same_phase_transitions_are_conflicts(current, target):
    with pytest.raises(Conflict) as exc:
        domain.check_transition(current, target)
    assert f"'{current}'" in exc.value.detail and f"'{target}'" in exc.value.detail


@pytest.mark.parametrize("current", PUBLISHED_PHASES[:-1])
def test_closing_is_allowed_from_every_published_phase(current):
    assert domain.check_transition(current, "closed") is None


def test_a_draft_cannot_be_closed():
    with pytest.raises(Conflict) as exc:
        domain.check_transition("draft", "closed")
    assert exc.value.detail == "A draft cannot be closed; publish it first."


@pytest.mark.parametrize("target", PUBLISHED_PHASES)
def test_nothing_moves_out_of_closed(target):
    with pytest.raises(Conflict) as exc:
        domain.check_transition("closed", target)
    assert "closed" in exc.value.detail


@pytest.mark.parametrize("current", ALL_PHASES)
@pytest.mark.parametrize("target", ["draft", "published", "", "CONSULT", None, "co-create"])
def test_unknown_or_draft_targets_are_invalid_input(current, target):
    with pytest.raises(InvalidInput) as exc:
        domain.check_transition(current, target)
    assert list(exc.value.errors) == ["phase"]
    assert exc.value.errors["phase"] == [
        "Must be one of: inform, consult, advise, co_create, co_decide, decided, closed."]


@pytest.mark.parametrize("target", PUBLISHED_PHASES)
def test_leaving_draft_is_a_publication(target):
    assert domain.is_publication("draft", target) is True


@pytest.mark.parametrize("current, target", [
    ("inform", "consult"), ("consult", "closed"), ("decided", "closed"), ("draft", "draft"), ("draft", "bogus"),
])
def test_other_moves_are_no_publication(current, target):
    assert domain.is_publication(current, target) is False


# officials ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("actor, org, expected", [
    (OFFICIAL, ORG, True),
    (ADMIN, ORG, True),
    (CITIZEN, ORG, False),
    (NO_ROLES, ORG, False),
    ({"id": "x", "name": "No roles key"}, ORG, False),
    (OFFICIAL, OTHER_ORG, False),
    (OTHER_OFFICIAL, ORG, False),
    (OTHER_OFFICIAL, OTHER_ORG, True),
    (None, ORG, False),
    ({}, ORG, False),
])
def test_is_official_counts_official_and_admin_roles_per_org(actor, org, expected):
    assert domain.is_official(actor, org) is expected


@pytest.mark.parametrize("actor", [OFFICIAL, ADMIN])
def test_require_official_passes_for_officials_and_admins(actor):
    assert domain.require_official(actor, ORG) is None


@pytest.mark.parametrize("actor", [CITIZEN, NO_ROLES, OTHER_OFFICIAL])
def test_require_official_forbids_citizens_and_other_orgs(actor):
    with pytest.raises(Forbidden) as exc:
        domain.require_official(actor, ORG)
    assert exc.value.detail == "Only officials of this organisation may do this."


@pytest.mark.parametrize("actor", [None, {}])
def test_require_official_asks_anonymous_people_to_log_in(actor):
    with pytest.raises(Forbidden) as exc:
        domain.require_official(actor, ORG)
    assert exc.value.detail == "Log in to do this."


def test_require_actor_returns_the_actor():
    assert domain.require_actor(CITIZEN) is CITIZEN


# visibility -------------------------------------------------------------------------------------

@pytest.mark.parametrize("phase", PUBLISHED_PHASES)
@pytest.mark.parametrize("actor", [None, CITIZEN, NO_ROLES, OFFICIAL, OTHER_OFFICIAL])
def test_published_topics_are_visible_to_everyone(phase, actor):
    t = topic(phase)
    assert domain.visible(t, actor) is True
    assert domain.require_visible(t, actor) is t


@pytest.mark.parametrize("actor, expected", [
    (OFFICIAL, True), (ADMIN, True), (CITIZEN, False), (NO_ROLES, False), (OTHER_OFFICIAL, False), (None, False),
])
def test_drafts_are_visible_only_to_officials_of_that_org(actor, expected):
    assert domain.visible(topic("draft"), actor) is expected


@pytest.mark.parametrize("actor", [None, CITIZEN, OTHER_OFFICIAL])
def test_require_visible_hides_drafts_as_not_found(actor):
    with pytest.raises(NotFound) as exc:
        domain.require_visible(topic("draft"), actor)
    assert exc.value.detail == "Topic not found."


def test_require_visible_returns_the_draft_for_its_official():
    t = topic("draft")
    assert domain.require_visible(t, OFFICIAL) is t


@pytest.mark.parametrize("actor", [None, CITIZEN, OFFICIAL])
def test_require_visible_of_missing_topic_is_not_found(actor):
    with pytest.raises(NotFound):
        domain.require_visible(None, actor)


# what citizens may do ---------------------------------------------------------------------------

# Written out literally (product.md) rather than derived from domain.CITIZEN_MAY.
CITIZEN_TABLE = {
    "react": {"consult", "advise", "co_create", "co_decide"},
    "answer_statement": {"consult", "advise", "co_create", "co_decide"},
    "propose_statement": {"consult", "advise", "co_create", "co_decide"},
    "propose_solution": {"advise", "co_create"},
    "vote": {"co_decide"},
}


def test_citizen_actions_are_exactly_the_known_ones():
    assert set(domain.CITIZEN_MAY) == set(CITIZEN_TABLE)


@pytest.mark.parametrize("action, phase", [
    (action, phase) for action in CITIZEN_TABLE for phase in ALL_PHASES
])
def test_require_citizen_may_per_action_and_phase(action, phase):
    if phase in CITIZEN_TABLE[action]:
        assert domain.require_citizen_may(action, topic(phase), CITIZEN) is None
    else:
        with pytest.raises(Conflict) as exc:
            domain.require_citizen_may(action, topic(phase), CITIZEN)
        assert exc.value.detail == f"Not possible while the topic is in phase '{phase}'."
        allowed = [p for p in ALL_PHASES if p in CITIZEN_TABLE[action]]
        assert exc.value.errors == {"phase": [f"Allowed in: {', '.join(allowed)}."]}


def test_require_citizen_may_lists_allowed_phases_in_ladder_order():
    with pytest.raises(Conflict) as exc:
        domain.require_citizen_may("react", topic("inform"), CITIZEN)
    assert exc.value.errors == {"phase": ["Allowed in: consult, advise, co_create, co_decide."]}


@pytest.mark.parametrize("action", sorted(CITIZEN_TABLE))
def test_require_citizen_may_needs_a_login_even_in_an_open_phase(action):
    with pytest.raises(Forbidden):
        domain.require_citizen_may(action, topic("co_decide"), None)


# new statements ---------------------------------------------------------------------------------

@pytest.mark.parametrize("phase", LADDER)
@pytest.mark.parametrize("actor", [OFFICIAL, ADMIN])
def test_officials_statements_are_published_in_every_open_phase(phase, actor):
    assert domain.new_statement_status(topic(phase), actor) == "published"


@pytest.mark.parametrize("actor", [OFFICIAL, ADMIN])
def test_officials_cannot_post_statements_in_a_closed_topic(actor):
    with pytest.raises(Conflict) as exc:
        domain.new_statement_status(topic("closed"), actor)
    assert exc.value.detail == "This topic is closed."


@pytest.mark.parametrize("phase", ALL_PHASES)
def test_citizen_statements_wait_for_moderation_in_consult_to_co_decide(phase):
    if phase in {"consult", "advise", "co_create", "co_decide"}:
        assert domain.new_statement_status(topic(phase), CITIZEN) == "pending"
    else:
        with pytest.raises(Conflict):
            domain.new_statement_status(topic(phase), CITIZEN)


def test_official_of_another_org_posts_as_a_citizen():
    assert domain.new_statement_status(topic("consult"), OTHER_OFFICIAL) == "pending"
    with pytest.raises(Conflict):
        domain.new_statement_status(topic("inform"), OTHER_OFFICIAL)


@pytest.mark.parametrize("phase", ALL_PHASES)
def test_anonymous_people_cannot_post_statements(phase):
    with pytest.raises(Forbidden):
        domain.new_statement_status(topic(phase), None)


# reactions --------------------------------------------------------------------------------------

@pytest.mark.parametrize("phase", ["inform", "consult", "advise", "co_create", "co_decide", "decided"])
@pytest.mark.parametrize("actor", [OFFICIAL, ADMIN])
def test_official_reactions_are_official_answers(phase, actor):
    assert domain.check_reaction(topic(phase), actor) is True


@pytest.mark.parametrize("phase", ["draft", "closed"])
def test_officials_cannot_react_on_drafts_or_closed_topics(phase):
    with pytest.raises(Conflict) as exc:
        domain.check_reaction(topic(phase), OFFICIAL)
    assert exc.value.detail == "Reactions are not possible in this phase."


@pytest.mark.parametrize("phase", ALL_PHASES)
def test_citizen_reactions_are_not_official_and_only_in_reaction_phases(phase):
    if phase in {"consult", "advise", "co_create", "co_decide"}:
        assert domain.check_reaction(topic(phase), CITIZEN) is False
        assert domain.check_reaction(topic(phase), OTHER_OFFICIAL) is False
    else:
        with pytest.raises(Conflict):
            domain.check_reaction(topic(phase), CITIZEN)


@pytest.mark.parametrize("phase", ["consult", "decided"])
def test_anonymous_people_cannot_react(phase):
    with pytest.raises(Forbidden):
        domain.check_reaction(topic(phase), None)


# moderation -------------------------------------------------------------------------------------

def pending(author="cit-1"):
    return {"_id": "b" * 24, "status": "pending", "author_id": author, "text": "Meer bomen"}


@pytest.mark.parametrize("actor", [OFFICIAL, ADMIN])
def test_officials_approve_pending_statements(actor):
    assert domain.check_moderation(pending(), topic("consult"), actor, "approve", "") == "published"


def test_approval_needs_no_reason():
    assert domain.check_moderation(pending(), topic("consult"), OFFICIAL, "approve", None) == "published"


def test_rejection_with_a_reason_rejects():
    assert domain.check_moderation(pending(), topic("consult"), OFFICIAL, "reject", "Off topic") == "rejected"


@pytest.mark.parametrize("reason", ["", "   ", "\n\t", None])
def test_rejection_needs_a_reason(reason):
    with pytest.raises(InvalidInput) as exc:
        domain.check_moderation(pending(), topic("consult"), OFFICIAL, "reject", reason)
    assert exc.value.errors == {"reason": ["Required when rejecting."]}


@pytest.mark.parametrize("status", ["published", "rejected"])
@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_only_pending_statements_can_be_moderated(status, decision):
    statement = dict(pending(), status=status)
    with pytest.raises(Conflict) as exc:
        domain.check_moderation(statement, topic("consult"), OFFICIAL, decision, "reason")
    assert exc.value.detail == f"This statement was already moderated ({status})."


@pytest.mark.parametrize("actor", [None, CITIZEN, NO_ROLES, OTHER_OFFICIAL])
def test_only_officials_of_the_org_moderate(actor):
    with pytest.raises(Forbidden):
        domain.check_moderation(pending(), topic("consult"), actor, "approve", "")


# statement visibility ---------------------------------------------------------------------------

@pytest.mark.parametrize("actor", [None, CITIZEN, NO_ROLES, OFFICIAL, OTHER_OFFICIAL])
def test_published_statements_are_visible_to_everyone(actor):
    statement = dict(pending(author="someone-else"), status="published")
    assert domain.statement_visible(statement, topic("consult"), actor) is True


@pytest.mark.parametrize("status", ["pending", "rejected"])
@pytest.mark.parametrize("actor, expected", [
    (OFFICIAL, True),
    (ADMIN, True),
    ({"id": "author-1", "name": "Auteur", "roles": {}}, True),
    (CITIZEN, False),
    (OTHER_OFFICIAL, False),
    (None, False),
])
def test_unpublished_statements_are_visible_to_officials_and_the_author(status, actor, expected):
    statement = dict(pending(author="author-1"), status=status)
    assert domain.statement_visible(statement, topic("consult"), actor) is expected


# ambassadors (decision 0013) --------------------------------------------------------------------

AMBASSADOR = {"id": "amb-1", "name": "Anna Ambassador", "roles": {ORG: "ambassador"}}


@pytest.mark.parametrize("actor,org,expected", [
    (AMBASSADOR, ORG, True), (AMBASSADOR, OTHER_ORG, False), (CITIZEN, ORG, False), (OFFICIAL, ORG, False),
    (NO_ROLES, ORG, False), (None, ORG, False),
])
def test_only_an_ambassador_of_the_organisation_is_marked(actor, org, expected):
    assert domain.is_ambassador(actor, org) is expected


def test_an_ambassador_has_a_citizens_rights_only():
    assert not domain.is_official(AMBASSADOR, ORG)
    assert domain.new_statement_status(topic("consult"), AMBASSADOR) == "pending"
    assert domain.check_reaction(topic("consult"), AMBASSADOR) is False
    with pytest.raises(Forbidden):
        domain.require_official(AMBASSADOR, ORG)
