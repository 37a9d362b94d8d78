"""The import file's checks without a platform (meedenken_gateway.importer): YAML safety, the
schema and the references, each error with its line; the demo files pass. tests/test_import.py
loads files into the real platform."""
from pathlib import Path

import pytest

from meedenken_gateway.importer import MAX_BYTES, InvalidFile, Plan, parse, verify

DEMO = Path(__file__).resolve().parents[3] / "demo"
PASSWORD = "een lang wachtwoord"

GOOD = f"""version: 1
organisation:
  name: Gemeente Proef
people:
  - email: ambtenaar@proef.nl
    role: official
    password: {PASSWORD}
  - email: inwoner@proef.nl
    password: {PASSWORD}
  - email: uitgenodigd@proef.nl
    role: ambassador
agenda_proposals:
  - key: bieb
    title: Een bibliotheek
    author: inwoner@proef.nl
    motivation: Er is er geen in de wijk.
topics:
  - title: Een plein
    author: ambtenaar@proef.nl
    summary: Hoe richten we het in?
    phases:
      - phase: inform
      - phase: consult
    statements:
      - key: bomen
        text: Meer bomen op het plein.
        author: inwoner@proef.nl
        responses:
          inwoner@proef.nl: agree
    reactions:
      - author: inwoner@proef.nl
        body: Graag bankjes.
        replies:
          - author: ambtenaar@proef.nl
            body: Komen er.
    decision:
      summary: Er komen bomen.
      input:
        - statement: bomen
          what_was_done: Overgenomen.
        - agenda_proposal: bieb
          what_was_done: Later.
"""


def errors_of(text, org_exists=False, accounts=None):
    data, lines = parse(text.encode(), "proef.yaml")
    verify(Plan("proef", data, org_exists, accounts=accounts or {}), lines, "proef.yaml")


def refused(text, **kwargs):
    with pytest.raises(InvalidFile) as caught:
        errors_of(text, **kwargs)
    return caught.value


def test_a_good_file_passes():
    errors_of(GOOD)


@pytest.mark.parametrize("name", ["gemeente-zonnedal.yaml", "waterschap-de-vliet.yaml"])
def test_the_demo_files_pass(name):
    errors_of((DEMO / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("old,new,line,message", [
    ("    summary: Hoe", "    colour: rood\n    summary: Hoe", 20, "topics.colour: Unknown field."),
    ("title: Een plein", "title: " + "x" * 161, 18, "topics.title: Length must be between 1 and 160."),
    ("        - statement: bomen", "        - statement: struiken", 39, "no statement with key 'struiken' of this topic"),
    ("        - agenda_proposal: bieb", "        - agenda_proposal: zwembad", 41, "no agenda proposal with key 'zwembad'"),
    ("          inwoner@proef.nl: agree", "          onbekend@proef.nl: agree", 29, "onbekend@proef.nl is not among people"),
    ("          inwoner@proef.nl: agree", "          inwoner@proef.nl: misschien", 29, "Must be one of: agree, disagree, pass."),
    ("    author: ambtenaar@proef.nl\n    summary", "    author: inwoner@proef.nl\n    summary", 19,
     "must be an official or admin of proef"),
    ("      - phase: consult", "      - phase: consult\n      - phase: inform", 24, "'inform' cannot follow 'consult'"),
    ("      - phase: inform\n      - phase: consult\n", "      - phase: inform\n", 21,
     "statements and reactions need one of the phases"),
    ("      - author: inwoner@proef.nl\n        body: Graag", "      - author: uitgenodigd@proef.nl\n        body: Graag",
     31, "is invited by mail: they cannot write before accepting"),
    ("version: 1", "version: 2", 1, "version: Must be equal to 1."),
    ("    role: official", "    role: burgemeester", 6, "people.role: Must be one of"),
    ("    password: " + PASSWORD + "\n  - email: inwoner", "    password: password1234\n  - email: inwoner", 7,
     "common_password"),
    ("  - key: bieb\n    title: Een bibliotheek", "  - key: bieb\n    title: Een plein", 0, None),  # titles per kind
    ("  name: Gemeente Proef", "  name: Gemeente Proef\n  name: Nog eens", 4, "the key 'name' appears twice"),
    ("    phases:", "    phases: [inform,\n    statements_x:", 23, "not valid YAML"),
])
def test_an_error_names_its_line(old, new, line, message):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    if message is None:
        errors_of(text)
        return
    error = refused(text)
    assert any(found == line and message in text_ for found, text_ in error.errors), error.errors
    assert f"proef.yaml:{line}:" in str(error)


def test_every_error_is_reported_at_once():
    text = GOOD.replace("title: Een plein", "title: " + "x" * 161).replace("    summary: Hoe", "    kleur: rood\n    summary: Hoe")
    assert len(refused(text).errors) == 2


def test_yaml_bombs_and_python_objects_are_refused():
    bomb = "version: 1\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b]\n"
    error = refused(bomb)
    assert error.errors[0][0] == 3 and "aliases" in error.errors[0][1]
    python = "version: !!python/object/apply:os.system ['echo hallo']\n"
    assert "not valid YAML" in refused(python).errors[0][1]
    assert "larger than" in refused("version: 1\n" + "# " + "x" * MAX_BYTES).errors[0][1]
    assert "nested too deeply" in refused("version: " + "[" * 5000 + "]" * 5000 + "\n").errors[0][1]
    tagged = "version: 1\npeople: !!python/object:os.Thing {email: a}\n"
    assert "tag" in refused(tagged).errors[0][1]


def test_a_file_that_is_not_a_mapping_or_not_utf8_is_refused():
    assert refused("- a\n- b\n").errors == [(1, "the file must be a mapping with version, people, topics, ...")]
    with pytest.raises(InvalidFile, match="UTF-8"):
        parse("version: 1\nnaam: é\n".encode("latin-1"), "proef.yaml")


def test_people_without_a_password_must_have_an_account_unless_invited():
    text = GOOD.replace("  - email: inwoner@proef.nl\n    password: " + PASSWORD, "  - email: inwoner@proef.nl")
    assert "inwoner@proef.nl has no account yet" in str(refused(text))
    existing = {"inwoner@proef.nl": {"_id": "a" * 24, "email": "inwoner@proef.nl", "roles": {}}}
    errors_of(text, accounts=existing)
    official = {"uitgenodigd@proef.nl": {"_id": "b" * 24, "email": "uitgenodigd@proef.nl", "roles": {"proef": "admin"}}}
    assert "uitgenodigd@proef.nl is already admin of proef" in str(refused(GOOD, accounts=official))
