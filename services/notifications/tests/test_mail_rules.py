"""Mail rules without broker or database: which frequency applies, when a digest is due (the clock
is a parameter), the signed unsubscribe token, and what a mail says."""
from datetime import datetime
from zoneinfo import ZoneInfo

from meedenken_notifications import mails

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SECRET = "een geheim van de test"


def at(*args):
    return datetime(*args, tzinfo=AMSTERDAM)


def test_a_topic_of_its_own_beats_the_general_frequency():
    recipient = {"frequency": "weekly", "topics": {"t1": "immediately"}}
    assert mails.frequency_for(recipient, "t1") == "immediately"
    assert mails.frequency_for(recipient, "t2") == "weekly"
    assert mails.frequency_for(recipient, None) == "weekly"
    assert mails.frequency_for({}, "t1") == mails.DEFAULT_FREQUENCY == "daily"


def test_mail_goes_only_to_a_confirmed_address():
    assert not mails.may_mail(None)
    assert not mails.may_mail({"frequency": "immediately"})
    assert not mails.may_mail({"email": "a@example.nl"})
    assert mails.may_mail({"email": "a@example.nl", "confirmed_at": at(2026, 11, 25)})


def test_a_daily_digest_belongs_to_the_day_from_its_hour():
    assert mails.digest_period("daily", at(2026, 11, 25, 6, 59), 7, 0) is None
    assert mails.digest_period("daily", at(2026, 11, 25, 7, 0), 7, 0) == "2026-11-25"
    assert mails.digest_period("daily", at(2026, 11, 25, 23, 59), 7, 0) == "2026-11-25"
    assert mails.digest_period("daily", at(2026, 11, 26, 0, 1), 7, 0) is None


def test_a_weekly_digest_belongs_to_the_week_from_its_weekday_and_hour():
    monday, wednesday, sunday = at(2026, 11, 23, 7), at(2026, 11, 25, 12), at(2026, 11, 29, 23)
    assert mails.digest_period("weekly", at(2026, 11, 23, 6), 7, 0) is None
    assert mails.digest_period("weekly", monday, 7, 0) == mails.digest_period("weekly", sunday, 7, 0) == "2026-W48"
    assert mails.digest_period("weekly", wednesday, 7, 2) == "2026-W48"
    assert mails.digest_period("weekly", at(2026, 11, 24, 12), 7, 2) is None


def test_an_unsubscribe_token_names_its_account_and_cannot_be_forged():
    token = mails.unsubscribe_token(SECRET, "6b06f215e5c30d05a36f0560")
    assert mails.account_of_token(SECRET, token) == "6b06f215e5c30d05a36f0560"
    assert mails.account_of_token("een ander geheim", token) is None
    assert mails.account_of_token(SECRET, "6b06f215e5c30d05a36f0561" + token[24:]) is None
    for broken in ("", ".", "zonder-punt", token + "x"):
        assert mails.account_of_token(SECRET, broken) is None


def item(topic_id, title, text):
    return {"type": "statement.published", "topic_id": topic_id, "params": {"topic_title": title, "text": text}}


def test_a_digest_groups_by_topic_in_the_order_things_happened():
    items = [item("a" * 24, "Park", "Een"), item("b" * 24, "Brug", "Twee"), item("a" * 24, "Park", "Drie"),
             {"type": "agenda_proposal.answered", "topic_id": None, "params": {"title": "Bankje"}}]
    subject, text = mails.render("weekly", items, "nl", "https://meedenken.example", "https://x/afmelden?token=t")
    assert subject == "Uw wekelijkse overzicht van Meedenken (4 nieuw)"
    order = [text.index(part) for part in ("‘Park’", "Een", "Drie", "‘Brug’", "Twee", "Overig", "Bankje")]
    assert order == sorted(order)
    assert "https://meedenken.example/onderwerpen/" + "a" * 24 in text and "https://x/afmelden?token=t" in text


def test_an_immediate_mail_in_english():
    subject, text = mails.render("immediately", [item("a" * 24, "Park", "Trees")], "en", "https://m", "https://u")
    assert subject == "New statement on ‘Park’: Trees"
    assert "Read more: https://m/onderwerpen/" in text and "unsubscribe" in text
