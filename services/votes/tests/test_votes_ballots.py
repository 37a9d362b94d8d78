"""The batch-counting helpers that need no database."""
from meedenken_votes.ballots import AnswerCache, parse, recorded_events

TOPIC_A, TOPIC_B = "a" * 24, "b" * 24
S1, S2, S3 = "1" * 24, "2" * 24, "3" * 24


def ballot(statement, topic, choice, correlation_id=None):
    return {"statement_id": statement, "topic_id": topic, "choice": choice, "correlation_id": correlation_id}


def test_one_event_per_topic_lists_only_the_answers_that_changed():
    tallies = {S1: {"agree": 2, "version": 3}, S2: {"disagree": 1}, S3: {"pass": 1}}
    changed = [(ballot(S1, TOPIC_A, "agree", "r1"), None), (ballot(S2, TOPIC_A, "disagree", "r2"), "agree"),
               (ballot(S3, TOPIC_B, "pass", "r3"), "pass")]  # S3: only the time moved
    events = recorded_events(changed, tallies)
    assert len(events) == 1
    subject, data, correlation_id = events[0]
    assert subject == TOPIC_A and data["topic_id"] == TOPIC_A and correlation_id is None
    assert data["responses"] == [
        {"statement_id": S1, "choice": "agree", "previous_choice": None, "correlation_id": "r1"},
        {"statement_id": S2, "choice": "disagree", "previous_choice": "agree", "correlation_id": "r2"}]
    assert data["tallies"] == {S1: {"agree": 2, "disagree": 0, "pass": 0}, S2: {"agree": 0, "disagree": 1, "pass": 0}}


def test_an_event_of_one_request_carries_its_correlation_id():
    [(_, _, correlation_id)] = recorded_events([(ballot(S1, TOPIC_A, "agree", "r1"), None)], {S1: {"agree": 1}})
    assert correlation_id == "r1"


def test_parse_refuses_what_is_not_a_ballot_by_index():
    good = {"ballot_id": "x", "statement_id": S1, "topic_id": TOPIC_A, "account_id": "acc", "choice": "agree",
            "cast_at": "2026-11-25T12:00:00.000000Z"}
    valid, refused = parse([good, {"choice": "maybe"}, "not even an object", good])
    assert len(valid) == 2 and refused == [1, 2]


def test_the_answer_cache_is_valid_only_for_the_version_it_saw():
    cache = AnswerCache(max_statements=2)
    cache.put(S1, 3, {"acc": ("agree", "t")})
    assert cache.get(S1, 3) == {"acc": ("agree", "t")} and cache.get(S1, 4) is None
    assert cache.get(S1, 3) is cache.get(S1, 3)  # the answers themselves, not a copy per batch
    cache.put(S2, 1, {})
    cache.put(S3, 1, {})
    assert cache.get(S1, 3) is None  # least recently used dropped
    cache.forget([S2])
    assert cache.get(S2, 1) is None and cache.get(S3, 1) == {}


def test_with_no_support_waiting_nothing_is_counted_and_the_database_is_not_asked():
    from meedenken_votes.supports import WaitingSupports, count_waiting
    assert count_waiting(None, WaitingSupports()) == 0  # the ballot box then leaves the outbox relay asleep
