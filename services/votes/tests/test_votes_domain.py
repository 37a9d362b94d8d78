"""Counting rules of the votes service (meedenken_votes.domain): no broker, no database."""
import random
from collections import Counter

import pytest

from meedenken_votes import domain


def test_choices():
    assert domain.CHOICES == ("agree", "disagree", "pass")


@pytest.mark.parametrize("choice", ["agree", "disagree", "pass"])
def test_first_answer_counts_once(choice):
    assert domain.tally_change(None, choice) == {choice: 1}


@pytest.mark.parametrize("choice", ["agree", "disagree", "pass"])
def test_same_answer_again_changes_nothing(choice):
    assert domain.tally_change(choice, choice) == {}


@pytest.mark.parametrize("previous, choice", [
    ("agree", "disagree"), ("agree", "pass"), ("disagree", "agree"),
    ("disagree", "pass"), ("pass", "agree"), ("pass", "disagree"),
])
def test_changed_answer_moves_one_vote(previous, choice):
    assert domain.tally_change(previous, choice) == {choice: 1, previous: -1}


def test_empty_tally():
    assert domain.empty_tally() == {"agree": 0, "disagree": 0, "pass": 0}


@pytest.mark.parametrize("doc, expected", [
    (None, {"agree": 0, "disagree": 0, "pass": 0}),
    ({}, {"agree": 0, "disagree": 0, "pass": 0}),
    ({"_id": "0123456789abcdef01234567", "agree": 3, "pass": 1}, {"agree": 3, "disagree": 0, "pass": 1}),
    ({"agree": 2.0, "disagree": "5", "pass": 0, "extra": 9}, {"agree": 2, "disagree": 5, "pass": 0}),
])
def test_tally_of_reads_a_tally_document(doc, expected):
    result = domain.tally_of(doc)
    assert result == expected
    assert all(type(value) is int for value in result.values())


@pytest.mark.parametrize("supports, threshold, already, expected", [
    (49, 50, False, False),
    (50, 50, False, True),
    (51, 50, False, True),
    (50, 50, True, False),
    (51, 50, True, False),
    (1, 1, False, True),
    (0, 1, False, False),
])
def test_reaches_threshold(supports, threshold, already, expected):
    assert domain.reaches_threshold(supports, threshold, already) is expected


def test_threshold_is_reached_exactly_once_over_a_run_of_supports():
    reached, fired_at = False, []
    for supports in range(1, 101):
        if domain.reaches_threshold(supports, 25, reached):
            fired_at.append(supports)
            reached = True
    assert fired_at == [25]


@pytest.mark.parametrize("seed", [0, 1, 20261125])
def test_incremental_tally_equals_a_recount_of_final_answers(seed):
    """Property: applying tally_change increments over any sequence of (re)answers yields the same
    tally as counting each citizen's last answer."""
    rng = random.Random(seed)
    statements = [f"s{i}" for i in range(4)]
    accounts = [f"a{i}" for i in range(12)]
    answers = {}                                   # (statement, account) -> last choice
    tallies = {s: domain.empty_tally() for s in statements}
    changes = no_ops = 0

    for _ in range(2_000):
        statement, account, choice = rng.choice(statements), rng.choice(accounts), rng.choice(domain.CHOICES)
        previous = answers.get((statement, account))
        change = domain.tally_change(previous, choice)
        if change:
            changes += 1
        else:
            no_ops += 1
        for key, delta in change.items():
            tallies[statement][key] += delta
        answers[(statement, account)] = choice
        assert min(tallies[statement].values()) >= 0
        assert sum(tallies[statement].values()) == sum(1 for (s, _) in answers if s == statement)

    for statement in statements:
        recount = Counter(choice for (s, _), choice in answers.items() if s == statement)
        assert domain.tally_of(tallies[statement]) == domain.tally_of(recount)
    assert changes > 0 and no_ops > 0  # the sequence exercised both paths
