"""Opinion groups (meedenken_votes.opinions) on synthetic answer matrices: no broker, no database."""
import json
import random
from datetime import datetime, timedelta, timezone

from meedenken_votes.opinions import Settings, answer_matrix, next_due, opinion_groups

CONSENSUS = "s-consensus"
CAMP_A = ["a1", "a2", "a3"]  # camp A agrees, camp B disagrees
CAMP_B = ["b1", "b2", "b3"]  # the other way round


def planted(per_camp=40, noise=0.1, skip=0.15, seed=1):
    """Two camps that answer the camp statements oppositely; both agree with CONSENSUS."""
    rng = random.Random(seed)
    answers = []
    for camp in ("A", "B"):
        for n in range(per_camp):
            account = f"{camp}{n}"
            for statement in CAMP_A + CAMP_B + [CONSENSUS]:
                if rng.random() < skip:
                    continue
                if statement == CONSENSUS:
                    choice = "agree" if rng.random() > noise else "pass"
                else:
                    agrees = (statement in CAMP_A) == (camp == "A")
                    if rng.random() < noise:
                        agrees = not agrees
                    choice = "agree" if agrees else "disagree"
                answers.append((account, statement, choice))
    return answers


def test_two_camps_and_the_consensus_statement_are_found():
    result = opinion_groups(*answer_matrix(planted()))
    assert result["reason"] is None
    assert result["participants"] == 80
    assert result["answers"] == len(planted())
    assert [g["id"] for g in result["groups"]] == [1, 2]
    assert all(36 <= g["size"] <= 44 for g in result["groups"])  # a noisy answerer may land in the other camp
    sides = []
    for group in result["groups"]:
        apart = {r["statement_id"]: r for r in group["representative"]}
        assert CONSENSUS not in apart
        agreed = {s for s, r in apart.items() if r["group_agree_share"] > r["agree_share"]}
        assert agreed and (agreed <= {*CAMP_A} or agreed <= {*CAMP_B})
        sides.append(frozenset(agreed))
    assert len(set(sides)) == 2
    assert [c["statement_id"] for c in result["consensus"]] == [CONSENSUS]


def test_no_member_list_is_exposed():
    result = opinion_groups(*answer_matrix(planted()))
    text = json.dumps(result)
    assert "A0" not in text and "B0" not in text
    assert set(result["groups"][0]) == {"id", "size", "representative"}


def test_the_same_answers_give_the_same_groups():
    answers = planted()
    shuffled = answers[:]
    random.Random(3).shuffle(shuffled)
    first, second = opinion_groups(*answer_matrix(answers)), opinion_groups(*answer_matrix(answers))
    assert first == second
    again = opinion_groups(*answer_matrix(shuffled))
    assert [g["size"] for g in again["groups"]] == [g["size"] for g in first["groups"]]


def test_too_few_participants_give_an_empty_result_with_a_reason():
    answers = planted(per_camp=4)
    result = opinion_groups(*answer_matrix(answers))
    assert result == {"participants": 8, "answers": len(answers), "groups": [], "consensus": [],
                      "reason": "too_few_participants"}


def test_groups_under_the_minimum_size_are_not_shown():
    answers = planted(per_camp=40) + [(f"C{n}", s, "pass") for n in range(3) for s in CAMP_A + CAMP_B + [CONSENSUS]]
    result = opinion_groups(*answer_matrix(answers), Settings(min_group_size=5))
    assert result["participants"] == 83
    assert all(g["size"] >= 5 for g in result["groups"])


def test_everyone_alike_is_one_group():
    answers = [(f"p{n}", s, "agree") for n in range(20) for s in ("x", "y", "z")]
    result = opinion_groups(*answer_matrix(answers))
    assert [g["size"] for g in result["groups"]] == [20]
    assert {c["statement_id"] for c in result["consensus"]} == {"x", "y", "z"}


def test_one_statement_is_too_few():
    result = opinion_groups(*answer_matrix([(f"p{n}", "x", "agree") for n in range(20)]))
    assert result["reason"] == "too_few_statements"


def test_a_small_topic_is_due_again_after_the_interval_a_big_one_later():
    at = datetime(2026, 11, 25, 20, 0, tzinfo=timezone.utc)
    settings = Settings(interval_seconds=10, max_busy_share=0.05)
    assert next_due(at, 0.05, settings) == at + timedelta(seconds=10)
    # reading 50,000 answers took 1.5 s: its recomputes may take 5 % of the time, not 15 %
    assert next_due(at, 1.5, settings) == at + timedelta(seconds=30)
