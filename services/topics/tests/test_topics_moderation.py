"""Unit tests of the moderation rules (meedenken_topics.moderation) and of the audit log's
append-only repository: no broker, no database."""
import inspect
import re
from datetime import datetime, timezone

import pytest

from meedenken_kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from meedenken_topics import moderation as rules, repository

ORG = "utrecht"
AUTHOR = {"id": "a" * 24, "name": "Anna", "roles": {}}
OTHER = {"id": "b" * 24, "name": "Bert", "roles": {ORG: "citizen"}}
OFFICIAL = {"id": "c" * 24, "name": "Olga", "roles": {ORG: "official"}}
SECOND = {"id": "d" * 24, "name": "Sam", "roles": {ORG: "admin"}}
ELSEWHERE = {"id": "e" * 24, "name": "Otto", "roles": {"amersfoort": "admin"}}
HIDDEN = {"reason": "Reclame", "by": OFFICIAL["id"], "at": datetime(2026, 11, 25, tzinfo=timezone.utc)}


def item(**extra):
    return {"_id": "f" * 24, "org": ORG, "topic_id": "1" * 24, "author_id": AUTHOR["id"], "body": "Koop nu!",
            "hidden": None, "held": False, **extra}


def test_others_see_the_reason_but_not_the_text_of_a_hidden_item():
    hidden = item(hidden=HIDDEN)
    for viewer in (OTHER, None, ELSEWHERE):
        shown = rules.shown("reaction", hidden, viewer)
        assert shown["body"] == "" and shown["hidden"]["reason"] == "Reclame"
    assert rules.shown("reaction", hidden, AUTHOR)["body"] == "Koop nu!"
    assert rules.shown("reaction", hidden, OFFICIAL)["body"] == "Koop nu!"


def test_every_text_field_of_a_kind_is_withheld():
    proposal = {**item(hidden=HIDDEN), "title": "Titel", "motivation": "Omdat"}
    shown = rules.shown("agenda_proposal", proposal, OTHER)
    assert shown["title"] == "" and shown["motivation"] == ""


def test_a_held_item_is_seen_only_by_its_author_and_officials():
    held = item(held=True)
    assert rules.shown("reaction", held, OTHER) is None and rules.shown("reaction", held, None) is None
    assert rules.shown("reaction", held, AUTHOR) == held and rules.shown("reaction", held, OFFICIAL) == held
    assert rules.is_held("statement", {"status": "pending"}) and not rules.is_held("statement", {"status": "published"})


def test_hiding_needs_an_official_of_the_org_and_a_reason():
    with pytest.raises(Forbidden):
        rules.check_hide("reaction", item(), ELSEWHERE, "Reclame")
    with pytest.raises(Forbidden):
        rules.check_hide("reaction", item(), OTHER, "Reclame")
    with pytest.raises(InvalidInput):
        rules.check_hide("reaction", item(), OFFICIAL, "  ")
    with pytest.raises(Conflict):
        rules.check_hide("reaction", item(hidden=HIDDEN), OFFICIAL, "Reclame")
    assert rules.check_hide("reaction", item(), OFFICIAL, "Reclame") is None


def test_the_author_objects_once_and_only_to_a_hidden_item():
    with pytest.raises(Forbidden):
        rules.check_objection(item(hidden=HIDDEN), {}, OTHER)
    with pytest.raises(Conflict):
        rules.check_objection(item(), {}, AUTHOR)
    with pytest.raises(Conflict):
        rules.check_objection(item(hidden=HIDDEN), {"objection": {"status": "upheld"}}, AUTHOR)
    assert rules.check_objection(item(hidden=HIDDEN), {"objection": None}, AUTHOR) is None


def test_an_objection_is_decided_by_another_official_with_a_reason():
    case = {"objection": {"status": "open"}}
    with pytest.raises(Forbidden):
        rules.check_objection_decision(item(hidden=HIDDEN), case, OFFICIAL, "Terecht")
    with pytest.raises(Forbidden):
        rules.check_objection_decision(item(hidden=HIDDEN), case, ELSEWHERE, "Terecht")
    with pytest.raises(InvalidInput):
        rules.check_objection_decision(item(hidden=HIDDEN), case, SECOND, "")
    with pytest.raises(Conflict):
        rules.check_objection_decision(item(hidden=HIDDEN), {"objection": {"status": "upheld"}}, SECOND, "Nee")
    assert rules.check_objection_decision(item(hidden=HIDDEN), case, SECOND, "Terecht") is None


def test_reports_one_open_per_person_and_not_on_hidden_items():
    with pytest.raises(Conflict):
        rules.check_report(item(), OTHER, already_open=True)
    with pytest.raises(Conflict):
        rules.check_report(item(hidden=HIDDEN), OTHER, already_open=False)
    with pytest.raises(Conflict):
        rules.check_dismiss(item(), OFFICIAL, 0)


def test_why_an_item_is_in_the_queue():
    assert rules.queue_state({"open_reports": 2}, item(), "reaction") == ["reported"]
    assert rules.queue_state({}, item(held=True), "reaction") == ["held"]
    assert rules.queue_state({"objection": {"status": "open"}}, item(hidden=HIDDEN), "reaction") == ["objection"]
    assert rules.queue_state({"open_reports": 0, "objection": {"status": "upheld"}}, item(hidden=HIDDEN),
                             "reaction") == []


def test_queue_keys_sort_oldest_first():
    early = rules.queue_key(datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc), "reaction:" + "f" * 24)
    later = rules.queue_key(datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=timezone.utc), "agenda_proposal:" + "0" * 24)
    assert early < later


def test_unknown_kinds_are_not_found_and_only_admins_read_the_log():
    with pytest.raises(NotFound):
        rules.require_kind("topic")
    with pytest.raises(Forbidden):
        rules.require_admin(OFFICIAL, ORG)
    rules.require_admin(SECOND, ORG)


def test_the_repository_never_changes_or_removes_audit_entries():
    """Append-only: the only code that touches moderation_audit inserts and reads."""
    source = inspect.getsource(repository)
    uses = re.findall(r"db\.moderation_audit\.(\w+)", source)
    assert set(uses) == {"create_index", "insert_one", "find"}, uses
