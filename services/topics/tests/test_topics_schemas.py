"""The topics service's marshmallow schemas refuse unknown fields and Mongo-operator-shaped input."""
import pytest
from marshmallow import ValidationError

from meedenken_kit.errors import InvalidInput, load_or_raise
from meedenken_topics.schemas import ActorSchema, CampaignVisitIn, OrganisationIn, PhaseChangeIn, ReactionIn, TopicIn

VALID_TOPIC = {"org": "utrecht", "title": "Meer groen in de wijk", "summary": "Waar planten we bomen?"}


def errors_of(schema, payload):
    with pytest.raises(ValidationError) as exc:
        schema.load(payload)
    return exc.value.messages


# TopicIn ----------------------------------------------------------------------------------------

def test_topic_in_accepts_a_valid_payload_and_fills_defaults():
    assert TopicIn().load(VALID_TOPIC) == dict(VALID_TOPIC, body="", tags=[], premoderation=False)


def test_topic_in_keeps_body_and_tags():
    payload = dict(VALID_TOPIC, body="Lange tekst", tags=["groen", "openbare ruimte", "co-2"], premoderation=True)
    assert TopicIn().load(payload) == payload


@pytest.mark.parametrize("field, value", [
    ("title", {"$gt": ""}),
    ("summary", {"$ne": None}),
    ("org", {"$regex": ".*"}),
    ("body", {"$where": "sleep(1000)"}),
    ("title", ["a", "b"]),
])
def test_topic_in_rejects_operator_shaped_values(field, value):
    errors = errors_of(TopicIn(), dict(VALID_TOPIC, **{field: value}))
    assert list(errors) == [field]


@pytest.mark.parametrize("key", ["$where", "a.b", "phase", "author_id", "_id"])
def test_topic_in_rejects_unknown_keys(key):
    errors = errors_of(TopicIn(), dict(VALID_TOPIC, **{key: "x"}))
    assert errors == {key: ["Unknown field."]}


@pytest.mark.parametrize("tags", [["$gt"], ["a.b"], [""], ["x" * 41], [f"t{i}" for i in range(11)], [{"$ne": 1}]])
def test_topic_in_rejects_bad_tags(tags):
    errors = errors_of(TopicIn(), dict(VALID_TOPIC, tags=tags))
    assert list(errors) == ["tags"]


@pytest.mark.parametrize("missing", ["org", "title", "summary"])
def test_topic_in_requires_org_title_summary(missing):
    payload = {k: v for k, v in VALID_TOPIC.items() if k != missing}
    assert errors_of(TopicIn(), payload) == {missing: ["Missing data for required field."]}


def test_topic_in_limits_title_length():
    assert TopicIn().load(dict(VALID_TOPIC, title="x" * 160))["title"] == "x" * 160
    assert list(errors_of(TopicIn(), dict(VALID_TOPIC, title="x" * 161))) == ["title"]
    assert list(errors_of(TopicIn(), dict(VALID_TOPIC, title=""))) == ["title"]


def test_load_or_raise_turns_schema_errors_into_invalid_input():
    with pytest.raises(InvalidInput) as exc:
        load_or_raise(TopicIn, dict(VALID_TOPIC, title={"$gt": ""}, **{"$where": "1"}))
    assert set(exc.value.errors) == {"title", "$where"}


# PhaseChangeIn ----------------------------------------------------------------------------------

def test_phase_change_in_accepts_known_phases_only():
    assert PhaseChangeIn().load({"phase": "consult"}) == {"phase": "consult", "note": ""}
    assert list(errors_of(PhaseChangeIn(), {"phase": {"$in": ["consult"]}})) == ["phase"]
    assert list(errors_of(PhaseChangeIn(), {"phase": "voting"})) == ["phase"]


# ReactionIn -------------------------------------------------------------------------------------

def test_reaction_in_accepts_a_reply_and_a_top_level_reaction():
    assert ReactionIn().load({"body": "Goed idee"}) == {"body": "Goed idee", "parent_id": None}
    assert ReactionIn().load({"body": "Eens", "parent_id": "0123456789abcdef01234567"}) == {
        "body": "Eens", "parent_id": "0123456789abcdef01234567"}
    assert ReactionIn().load({"body": "Eens", "parent_id": None}) == {"body": "Eens", "parent_id": None}


@pytest.mark.parametrize("parent_id", [
    {"$ne": None}, "0123456789ABCDEF01234567", "0123456789abcdef0123456", "0123456789abcdef012345678",
    "0123456789abcdef0123456g", 12345,
])
def test_reaction_in_rejects_bad_parent_ids(parent_id):
    assert list(errors_of(ReactionIn(), {"body": "x", "parent_id": parent_id})) == ["parent_id"]


@pytest.mark.parametrize("payload, field", [
    ({"body": {"$gt": ""}}, "body"),
    ({"body": ""}, "body"),
    ({"body": "x" * 5001}, "body"),
    ({}, "body"),
    ({"body": "x", "official_answer": True}, "official_answer"),
    ({"body": "x", "$where": "1"}, "$where"),
])
def test_reaction_in_rejects_bad_payloads(payload, field):
    assert list(errors_of(ReactionIn(), payload)) == [field]


# ActorSchema ------------------------------------------------------------------------------------

def test_actor_schema_accepts_roles_per_org():
    actor = {"id": "acc-1", "name": "Olga", "roles": {"utrecht": "official", "de-bilt": "admin", "zeist": "citizen",
                                                     "houten": "ambassador"}}
    assert ActorSchema().load(actor) == actor


def test_actor_schema_defaults_roles_to_empty():
    assert ActorSchema().load({"id": "acc-1", "name": "Olga"}) == {"id": "acc-1", "name": "Olga", "roles": {}}


@pytest.mark.parametrize("roles", [
    {"$where": "admin"},
    {"a.b": "admin"},
    {"Utrecht": "official"},
    {"utrecht": "superuser"},
    {"utrecht": {"$ne": None}},
])
def test_actor_schema_rejects_bad_role_maps(roles):
    assert list(errors_of(ActorSchema(), {"id": "acc-1", "name": "Olga", "roles": roles})) == ["roles"]


@pytest.mark.parametrize("payload, field", [
    ({"id": {"$gt": ""}, "name": "Olga"}, "id"),
    ({"id": "", "name": "Olga"}, "id"),
    ({"id": "x" * 65, "name": "Olga"}, "id"),
    ({"id": "acc-1"}, "name"),
    ({"id": "acc-1", "name": "Olga", "is_admin": True}, "is_admin"),
])
def test_actor_schema_rejects_bad_actors(payload, field):
    assert list(errors_of(ActorSchema(), payload)) == [field]


# OrganisationIn ---------------------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["utrecht", "a", "0", "de-bilt", "s-hertogenbosch", "x" * 64, "a1-b2"])
def test_organisation_slugs_that_are_accepted(slug):
    loaded = OrganisationIn().load({"slug": slug, "name": "Gemeente"})
    assert loaded.pop("theme")["primary_color"] == "#01689b"  # the default house style
    assert loaded == {"slug": slug, "name": "Gemeente", "kind": "municipality", "support_threshold": 50}


@pytest.mark.parametrize("theme, field", [
    ({"primary_color": "red"}, "primary_color"),
    ({"font_family": "x; } body { display: none"}, "font_family"),
    ({"logo_url": "javascript:alert(1)"}, "logo_url"),
    ({"logo_url": "https://tracker.example/logo.png"}, "logo_url"),
])
def test_organisation_themes_cannot_inject_css_or_external_urls(theme, field):
    assert list(errors_of(OrganisationIn(), {"slug": "x", "name": "X", "theme": theme})["theme"]) == [field]


@pytest.mark.parametrize("slug", [
    "", "Utrecht", "-utrecht", "utrecht-", "a.b", "$where", "de bilt", "x" * 65, "ütrecht", "a_b",
    {"$gt": ""},
])
def test_organisation_slugs_that_are_rejected(slug):
    assert list(errors_of(OrganisationIn(), {"slug": slug, "name": "Gemeente"})) == ["slug"]


def test_organisation_slug_with_trailing_newline_is_rejected():
    assert list(errors_of(OrganisationIn(), {"slug": "utrecht\n", "name": "Gemeente"})) == ["slug"]


@pytest.mark.parametrize("payload, field", [
    ({"slug": "utrecht", "name": "G", "kind": "country"}, "kind"),
    ({"slug": "utrecht", "name": "G", "support_threshold": 0}, "support_threshold"),
    ({"slug": "utrecht", "name": "G", "support_threshold": 1_000_001}, "support_threshold"),
    ({"slug": "utrecht", "name": ""}, "name"),
    ({"slug": "utrecht", "name": "G", "_id": "x"}, "_id"),
])
def test_organisation_in_rejects_bad_fields(payload, field):
    assert list(errors_of(OrganisationIn(), payload)) == [field]


def test_organisation_in_keeps_explicit_kind_and_threshold():
    loaded = OrganisationIn().load({"slug": "hdsr", "name": "HDSR", "kind": "water_board", "support_threshold": 7})
    assert {k: v for k, v in loaded.items() if k != "theme"} == {
        "slug": "hdsr", "name": "HDSR", "kind": "water_board", "support_threshold": 7}


def test_a_campaign_visit_names_a_topic_and_a_known_channel():
    assert CampaignVisitIn().load({"topic_id": "a" * 24, "channel": "krant"}) == {"topic_id": "a" * 24,
                                                                                 "channel": "krant"}
    for bad in ({"topic_id": "a" * 24, "channel": "spam"}, {"topic_id": "x", "channel": "flyer"}, {"channel": "flyer"}):
        with pytest.raises(ValidationError):
            CampaignVisitIn().load(bad)
