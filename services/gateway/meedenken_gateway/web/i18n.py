"""Languages of the web pages: Dutch (the source language of the templates, so always complete)
and English (a gettext catalogue, read from its .po file at start). Dates and numbers are
formatted for the page's language with Babel."""
import gettext
import io
from datetime import datetime, timezone
from pathlib import Path

from babel import Locale
from babel.dates import format_datetime, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES = ("nl", "en")
DEFAULT = "nl"
TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


def load(lang):
    """A gettext translations object; Dutch needs none (the templates are written in Dutch)."""
    po_file = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT or not po_file.exists():
        return gettext.NullTranslations()
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def pick(requested, cookie):
    """The page language: an explicit choice, then the saved one, then Dutch (the default for
    everyone, whatever the browser says, as the mission asks)."""
    for candidate in (requested, cookie):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT


def parse_time(value):
    if isinstance(value, datetime):
        return value
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def formatters(lang):
    locale = Locale.parse(lang)

    def date(value, format="d MMMM y"):
        moment = parse_time(value)
        return format_datetime(moment, format, tzinfo="Europe/Amsterdam", locale=locale) if moment else ""

    def datetime_(value):
        return date(value, "d MMMM y, HH:mm")

    def age(value):
        moment = parse_time(value)
        if not moment:
            return ""
        return format_timedelta(moment - datetime.now(timezone.utc), add_direction=True, locale=locale)

    def number(value):
        return format_decimal(value or 0, locale=locale)

    return {"date": date, "datetime": datetime_, "age": age, "number": number}
