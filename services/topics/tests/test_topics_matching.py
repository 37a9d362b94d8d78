"""Election match scoring and rules (meedenken_topics.matching): no broker, no database."""
import random
from fractions import Fraction

import pytest
from meedenken_kit.errors import Conflict, Forbidden, InvalidInput, NotFound

from meedenken_topics import matching

S1, S2, S3 = "a" * 24, "b" * 24, "c" * 24


def party(pid, name, *positions):
    return {"id": pid, "name": name, "positions": {sid: {"position": pos, "explanation": f"{name} over {sid}"}
                                                   for sid, pos in zip((S1, S2, S3), positions)}}


MATCH = {"_id": "d" * 24, "org": "proefdorp", "status": "published",
         "statements": [{"id": S1, "text": "Een"}, {"id": S2, "text": "Twee"}, {"id": S3, "text": "Drie"}],
         "parties": [party("1" * 24, "Partij A", "agree", "agree", "agree"),
                     party("2" * 24, "Partij B", "disagree", "neutral", "agree"),
                     party("3" * 24, "Partij C", "disagree", "disagree", "disagree")]}
OFFICIAL = {"id": "o", "name": "O", "roles": {"proefdorp": "official"}}


def answers(*pairs):
    return {sid: {"answer": answer, "important": important} for sid, answer, important in pairs}


@pytest.mark.parametrize("answer, position, expected", [
    ("agree", "agree", 1), ("neutral", "neutral", 1), ("agree", "neutral", Fraction(1, 2)),
    ("neutral", "disagree", Fraction(1, 2)), ("agree", "disagree", 0), ("disagree", "agree", 0)])
def test_agreement_per_statement(answer, position, expected):
    assert matching.agreement(answer, position) == expected


def test_answering_exactly_like_party_b_puts_b_first_at_100_percent():
    ranking, _ = matching.score(MATCH, answers((S1, "disagree", False), (S2, "neutral", False), (S3, "agree", False)))
    assert ranking[0] == {"id": "2" * 24, "name": "Partij B", "rank": 1, "tied": False, "percentage": 100.0}
    assert {(p["name"], p["percentage"], p["rank"]) for p in ranking[1:]} == {("Partij A", 50.0, 2),
                                                                              ("Partij C", 50.0, 2)}


def test_important_statements_weigh_double():
    plain = answers((S1, "agree", False), (S2, "disagree", False), (S3, "disagree", False))
    ranking, weight = matching.score(MATCH, plain)
    assert weight == 3 and {p["name"]: p["percentage"] for p in ranking}["Partij A"] == pytest.approx(33.3)
    important, weight = matching.score(MATCH, {**plain, S1: {"answer": "agree", "important": True}})
    assert weight == 4 and {p["name"]: p["percentage"] for p in important}["Partij A"] == 50.0
    assert {p["name"]: p["percentage"] for p in important}["Partij C"] == 50.0


def test_skipped_statements_do_not_count():
    ranking, weight = matching.score(MATCH, answers((S1, "agree", False), (S2, "skip", True), (S3, "skip", False)))
    assert weight == 1 and ranking[0]["name"] == "Partij A" and ranking[0]["percentage"] == 100.0


def test_ties_share_a_rank_in_random_order():
    tie = answers((S1, "neutral", False), (S2, "neutral", False), (S3, "neutral", False))
    orders = set()
    for seed in range(20):
        ranking, _ = matching.score(MATCH, tie, random.Random(seed))
        assert {p["rank"] for p in ranking if p["name"] != "Partij B"} == {2} and all(
            p["tied"] for p in ranking if p["name"] != "Partij B")
        orders.add(tuple(p["name"] for p in ranking))
    assert len(orders) == 2  # A before C and C before A both occur


def test_all_skipped_or_unknown_statements_are_refused():
    with pytest.raises(InvalidInput):
        matching.score(MATCH, answers((S1, "skip", False)))
    with pytest.raises(InvalidInput):
        matching.score(MATCH, answers(("e" * 24, "agree", False)))


def test_only_officials_change_a_draft():
    draft = {**MATCH, "status": "draft"}
    assert matching.require_editable(draft, OFFICIAL) is draft
    with pytest.raises(NotFound):
        matching.require_editable(draft, {"id": "c", "name": "C", "roles": {}})
    with pytest.raises(Forbidden):
        matching.require_editable(MATCH, {"id": "c", "name": "C", "roles": {}})
    with pytest.raises(Conflict):
        matching.require_editable(MATCH, OFFICIAL)


def test_a_party_takes_a_position_on_every_statement_once():
    positions = [{"statement_id": sid, "position": "agree", "explanation": "x"} for sid in (S1, S2)]
    with pytest.raises(InvalidInput):
        matching.check_positions(MATCH, positions)
    with pytest.raises(InvalidInput):
        matching.check_positions(MATCH, positions + positions[:1])
    matching.check_positions(MATCH, positions + [{"statement_id": S3, "position": "neutral", "explanation": "y"}])
    with pytest.raises(Conflict):
        matching.check_unique_party(MATCH, "partij a")


def test_parties_are_listed_alphabetically():
    shuffled = [MATCH["parties"][2], MATCH["parties"][0], MATCH["parties"][1]]
    assert [p["name"] for p in matching.alphabetical(shuffled)] == ["Partij A", "Partij B", "Partij C"]
