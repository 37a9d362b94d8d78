"""Who hears of what and how a notification reads (meedenken_notifications.domain)."""
import pytest

from meedenken_notifications import domain
from meedenken_notifications.domain import (OFFICIAL_ANSWER, PHASE_CHANGED, STATEMENT_PUBLISHED, THRESHOLD_REACHED,
                                            recipients, render_title)


# recipients -------------------------------------------------------------------------------------

def test_recipients_exclude_the_actor_duplicates_and_empty_ids_and_keep_order():
    assert recipients(["c", "a", "actor", "c", "", None, "b", "a", "actor"], "actor") == ["c", "a", "b"]


def test_recipients_without_actor_keep_everyone_once():
    assert recipients(["x", "y", "x"], None) == ["x", "y"]


def test_recipients_of_nobody():
    assert recipients([], "actor") == []
    assert recipients(["actor", "actor"], "actor") == []


def test_recipients_accept_any_iterable():
    assert recipients(iter(["b", "a", "b"]), "z") == ["b", "a"]


# render_title -----------------------------------------------------------------------------------

def test_dutch_is_the_default_language():
    assert render_title(STATEMENT_PUBLISHED, {"topic_title": "Park", "text": "Meer bomen"}) == \
        "Nieuwe stelling bij ‘Park’: Meer bomen"


@pytest.mark.parametrize("kind, params, nl, en", [
    (STATEMENT_PUBLISHED, {"topic_title": "Park", "text": "Meer bomen"},
     "Nieuwe stelling bij ‘Park’: Meer bomen", "New statement on ‘Park’: Meer bomen"),
    (PHASE_CHANGED, {"topic_title": "Park", "phase": "co_create"},
     "‘Park’ is nu in de fase coproduceren", "‘Park’ is now in the co-create phase"),
    (OFFICIAL_ANSWER, {"topic_title": "Park"},
     "Officieel antwoord op uw reactie bij ‘Park’", "Official answer to your reaction on ‘Park’"),
    (THRESHOLD_REACHED, {"title": "Speeltuin", "supports": 50},
     "Uw agendapunt ‘Speeltuin’ heeft genoeg steun (50)", "Your agenda item ‘Speeltuin’ has enough support (50)"),
])
def test_titles_in_dutch_and_english(kind, params, nl, en):
    assert render_title(kind, params, "nl") == nl
    assert render_title(kind, params, "en") == en


@pytest.mark.parametrize("lang", ["de", "fr", "", None, "NL"])
def test_unknown_language_falls_back_to_dutch(lang):
    assert render_title(PHASE_CHANGED, {"topic_title": "Park", "phase": "co_decide"}, lang) == \
        "‘Park’ is nu in de fase meebeslissen"


@pytest.mark.parametrize("phase, nl, en", [
    ("draft", "concept", "draft"), ("inform", "informeren", "inform"), ("consult", "raadplegen", "consult"),
    ("advise", "adviseren", "advise"), ("co_create", "coproduceren", "co-create"),
    ("co_decide", "meebeslissen", "co-decide"), ("decided", "besloten", "decided"), ("closed", "gesloten", "closed"),
])
def test_phase_labels_are_translated(phase, nl, en):
    assert render_title(PHASE_CHANGED, {"topic_title": "T", "phase": phase}, "nl") == f"‘T’ is nu in de fase {nl}"
    assert render_title(PHASE_CHANGED, {"topic_title": "T", "phase": phase}, "en") == f"‘T’ is now in the {en} phase"


def test_unknown_phase_is_shown_as_is():
    assert render_title(PHASE_CHANGED, {"topic_title": "T", "phase": "voting"}, "en") == "‘T’ is now in the voting phase"


@pytest.mark.parametrize("kind, lang, expected", [
    (STATEMENT_PUBLISHED, "nl", "Nieuwe stelling bij ‘…’: …"),
    (PHASE_CHANGED, "nl", "‘…’ is nu in de fase …"),
    (PHASE_CHANGED, "en", "‘…’ is now in the … phase"),
    (THRESHOLD_REACHED, "en", "Your agenda item ‘…’ has enough support (…)"),
])
def test_missing_params_do_not_crash(kind, lang, expected):
    assert render_title(kind, {}, lang) == expected


def test_params_are_not_modified_and_braces_in_values_are_not_reformatted():
    params = {"topic_title": "{text}", "phase": "consult"}
    assert render_title(PHASE_CHANGED, params, "nl") == "‘{text}’ is nu in de fase raadplegen"
    assert params == {"topic_title": "{text}", "phase": "consult"}


def test_every_kind_has_a_title_in_every_language():
    assert domain.LANGUAGES == ("nl", "en")
    for lang in domain.LANGUAGES:
        assert set(domain.TITLES[lang]) == {STATEMENT_PUBLISHED, PHASE_CHANGED, OFFICIAL_ANSWER, THRESHOLD_REACHED,
                                            domain.PROPOSAL_ANSWERED, domain.TOPIC_DECIDED,
                                            domain.POLL_OPENED, domain.POLL_CLOSED, domain.WEBHOOK_DISABLED,
                                            domain.CONTENT_HIDDEN, domain.OBJECTION_UPHELD,
                                            domain.OBJECTION_REINSTATED}


def test_the_author_reads_why_their_contribution_was_hidden():
    params = {"kind": "reaction", "reason": "Reclame"}
    assert render_title(domain.CONTENT_HIDDEN, params) == "Uw bijdrage is verborgen door de moderator: Reclame"
    assert render_title(domain.OBJECTION_UPHELD, params, "en").endswith("stays hidden: Reclame")


def test_a_decision_tells_what_was_done_with_the_input_in_both_languages():
    params = {"topic_title": "Park"}
    assert render_title(domain.TOPIC_DECIDED, params) == "Wat is er met uw inbreng gedaan: ‘Park’"
    assert render_title(domain.TOPIC_DECIDED, params, "en") == "What was done with your input: ‘Park’"
