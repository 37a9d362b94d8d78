"""Rules and counting of polls (meedenken_votes.polls): no broker, no database. Every expected
result below is counted by hand."""
from datetime import datetime, timedelta, timezone

import pytest

from meedenken_votes import polls

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def poll(kind, labels="ABCD", costs=None, **rules):
    options = [{"id": label, "label": label, "cost": (costs or {}).get(label)} for label in labels]
    return {"kind": kind, "options": options, "max_choices": None, "budget": None, "quorum": None,
            "opens_at": T0, "closes_at": T0 + timedelta(days=1), "state": polls.SCHEDULED, **rules}


def test_status_follows_the_clock():
    p = poll("single")
    assert polls.status(p, T0 - timedelta(seconds=1)) == polls.SCHEDULED
    assert polls.status(p, T0) == polls.OPEN
    assert polls.status(p, T0 + timedelta(days=1)) == polls.CLOSED
    assert polls.status({**p, "state": polls.CANCELLED}, T0) == polls.CANCELLED


def test_single_choice_winner_and_tie():
    result = polls.result(poll("single", "ABC"), [["A"], ["B"], ["A"], ["C"]])
    assert result["counts"] == {"A": 2, "B": 1, "C": 1} and result["winner"] == "A" and result["turnout"] == 4
    tie = polls.result(poll("single", "ABC"), [["A"], ["B"]])
    assert tie["winner"] is None and tie["counts"] == {"A": 1, "B": 1, "C": 0}


def test_multiple_choice_counts_every_option_named():
    result = polls.result(poll("multiple", "ABC", max_choices=2), [["A", "B"], ["B"], ["B", "C"], ["A", "C"]])
    assert result["counts"] == {"A": 2, "B": 3, "C": 2} and result["winner"] == "B"


def test_quorum():
    assert polls.result(poll("single", quorum=3), [["A"], ["B"]])["quorum_met"] is False
    assert polls.result(poll("single", quorum=2), [["A"], ["B"]])["quorum_met"] is True
    assert polls.result(poll("single"), [])["quorum_met"] is True


def test_instant_runoff_in_three_rounds():
    # first preferences A 4, B 3, C 2, D 1: no majority of 10
    ballots = [["A", "B"]] * 4 + [["B", "C"]] * 3 + [["C", "B"]] * 2 + [["D", "C"]]
    result = polls.result(poll("ranked"), ballots)
    assert result["counts"] == {"A": 4, "B": 3, "C": 2, "D": 1}
    assert [r["counts"] for r in result["rounds"]] == [
        {"A": 4, "B": 3, "C": 2, "D": 1},   # D drops out, its ballot goes to C
        {"A": 4, "B": 3, "C": 3},           # B and C tie for the fewest: C had fewer in round 1
        {"A": 4, "B": 5},                   # two of C's go to B, D's ballot is exhausted: 5 of 9
    ]
    assert [r["exhausted"] for r in result["rounds"]] == [0, 0, 1]
    assert [r["eliminated"] for r in result["rounds"]] == ["D", "C", None]
    assert result["winner"] == "B"


def test_instant_runoff_exhausted_ballots_no_longer_count():
    # partial rankings: after C drops out its ballots have nothing left; A has 3 of the 5 left
    ballots = [["A"]] * 3 + [["B"]] * 2 + [["C"]] * 1
    result = polls.result(poll("ranked", "ABC"), ballots)
    assert result["rounds"][1] == {"counts": {"A": 3, "B": 2}, "exhausted": 1, "eliminated": None}
    assert result["winner"] == "A"


def test_instant_runoff_tie_in_every_round_drops_the_option_listed_last():
    result = polls.result(poll("ranked", "ABC"), [["A"], ["B"], ["C"]])
    assert [r["eliminated"] for r in result["rounds"]] == ["C", "B", None]
    assert result["winner"] == "A"


def test_instant_runoff_majority_in_the_first_round_and_no_ballots():
    assert polls.result(poll("ranked", "AB"), [["A", "B"], ["A"], ["B"]])["winner"] == "A"
    empty = polls.result(poll("ranked", "AB"), [])
    assert empty["winner"] is None and empty["rounds"] == []


def test_budget_skips_what_does_not_fit_and_funds_cheaper_options_further_down():
    p = poll("budget", "ABCD", costs={"A": 80, "B": 50, "C": 40, "D": 10}, budget=100)
    ballots = [["A"], ["A", "D"], ["A"], ["B", "C"], ["B", "C", "D"], ["B"], ["C"]]
    result = polls.result(p, ballots)
    assert result["counts"] == {"A": 3, "B": 3, "C": 3, "D": 2}
    # support ties A, B, C (3 each) go cheapest first: C (40), B (50) -> 90 spent; A (80) does not
    # fit; D (10) still does
    assert result["funded"] == ["C", "B", "D"] and result["winner"] is None


def test_budget_the_second_most_supported_does_not_fit_cheaper_ones_further_down_do():
    p = poll("budget", "ABCD", costs={"A": 60, "B": 50, "C": 30, "D": 10}, budget=100)
    ballots = [["A", "C", "D"], ["A", "C"], ["A"], ["A"], ["A"], ["B", "C"], ["B", "D"], ["B"], ["B"]]
    result = polls.result(p, ballots)
    assert result["counts"] == {"A": 5, "B": 4, "C": 3, "D": 2}
    # A (60) leaves 40: B (50) is skipped, C (30) and D (10) still fit
    assert result["funded"] == ["A", "C", "D"]
    assert polls.result(p, [["B"]])["funded"] == ["B"]  # nobody supports the others: not funded


@pytest.mark.parametrize("kind,ballot,problem", [
    ("single", {"choices": ["A", "B"]}, "choices"),
    ("single", {"choices": ["X"]}, "choices"),
    ("single", {"choices": []}, "choices"),
    ("single", {"ranking": ["A"]}, "ranking"),
    ("multiple", {"choices": ["A", "B", "C"]}, "choices"),
    ("multiple", {"choices": ["A", "A"]}, "choices"),
    ("ranked", {"ranking": ["A", "A"]}, "ranking"),
    ("budget", {"allocation": ["A", "B"]}, "allocation"),
])
def test_invalid_ballots(kind, ballot, problem):
    p = poll(kind, costs={"A": 60, "B": 50, "C": 1, "D": 1} if kind == "budget" else None,
             max_choices=2 if kind == "multiple" else None, budget=100 if kind == "budget" else None)
    assert problem in polls.ballot_problems(p, {"choices": None, "ranking": None, "allocation": None, **ballot})


def test_valid_ballots():
    assert polls.ballot_problems(poll("ranked"), {"ranking": ["C", "A"]}) == {}  # partial ranking
    assert polls.ballot_problems(poll("multiple", max_choices=2), {"choices": ["A", "B"]}) == {}
    budget = poll("budget", costs={"A": 60, "B": 40, "C": 1, "D": 1}, budget=100)
    assert polls.ballot_problems(budget, {"allocation": ["A", "B"]}) == {}


def test_rules_that_do_not_fit():
    assert polls.rules_problems(poll("single")) == {}
    assert "max_choices" in polls.rules_problems(poll("multiple"))
    assert "max_choices" in polls.rules_problems(poll("multiple", max_choices=5))
    assert "budget" in polls.rules_problems(poll("budget", costs=dict.fromkeys("ABCD", 1)))
    assert "options" in polls.rules_problems(poll("budget", budget=10))
    assert "options" in polls.rules_problems(poll("budget", costs=dict.fromkeys("ABCD", 20), budget=10))
    assert "closes_at" in polls.rules_problems(poll("single", closes_at=T0))
    assert "options" in polls.rules_problems(poll("single", "A"))
    assert "closes_at" in polls.rules_problems(poll("single"), now=T0 + timedelta(days=2))
