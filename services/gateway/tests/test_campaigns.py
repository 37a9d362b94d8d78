"""Campaign tags without personal data: which visits count, and a repeat is recognised by a keyed
hash that is forgotten the next day."""
from datetime import date

from meedenken_gateway import campaigns

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


def test_only_known_channels_from_browsers_count():
    assert campaigns.countable("flyer", FIREFOX)
    assert all(campaigns.countable(channel, FIREFOX) for channel in campaigns.CHANNELS)
    assert not campaigns.countable("spam", FIREFOX)
    assert not campaigns.countable("flyer", "facebookexternalhit/1.1")
    assert not campaigns.countable("krant", "WhatsApp/2.23.20.0")
    assert not campaigns.countable("poster", "")


def test_the_same_browser_counts_once_a_day():
    repeats = campaigns.RepeatFilter()
    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    visit = ("192.0.2.1", FIREFOX, "a" * 24, "flyer")
    assert repeats.first_today(*visit, today=monday)
    assert not repeats.first_today(*visit, today=monday)
    assert repeats.first_today("192.0.2.2", FIREFOX, "a" * 24, "flyer", today=monday)
    assert repeats.first_today("192.0.2.1", FIREFOX, "a" * 24, "poster", today=monday)
    assert repeats.first_today(*visit, today=tuesday)  # a new day, a new key: nothing carried over


def test_what_is_remembered_is_neither_the_address_nor_unbounded(monkeypatch):
    monkeypatch.setattr(campaigns, "MAX_REMEMBERED", 10)
    repeats = campaigns.RepeatFilter()
    for number in range(25):
        assert repeats.first_today(f"192.0.2.{number}", FIREFOX, "a" * 24, "flyer", today=date(2026, 11, 23))
    assert len(repeats._seen) <= 10
    assert not any(b"192.0.2" in digest for digest in repeats._seen)
