"""The English catalogue of the web pages is complete and matches the templates.

The templates are written in Dutch (the source language); English comes from
services/gateway/meedenken_gateway/web/translations/en/LC_MESSAGES/messages.po. These tests extract
the messages from the templates themselves (with babel.cfg, as pybabel does), so a new or changed
Dutch text without an English translation fails here rather than showing Dutch on an English page.

When a test below fails, refresh the template and the English catalogue, then translate what is
new (empty msgstr) and remove any "#, fuzzy" flag:

    cd services/gateway/meedenken_gateway/web
    pybabel extract -F babel.cfg -o translations/messages.pot --no-location --sort-output .
    pybabel update -i translations/messages.pot -d translations -l en --no-fuzzy-matching

(`pybabel` is the project's virtualenv one: .venv/bin/pybabel at the repository root, i.e.
../../../../.venv/bin/pybabel from the web folder.) --no-location keeps line numbers out of the
catalogue, so it does not churn when template lines move. Texts dropped from the templates end up as
obsolete "#~" entries at the end of messages.po; they can be deleted.

Fast and offline: no platform, broker or database is started.
"""
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parent.parent / "services" / "gateway" / "meedenken_gateway" / "web"
BABEL_CFG = WEB / "babel.cfg"
PO_FILE = WEB / "translations" / "en" / "LC_MESSAGES" / "messages.po"
POT_FILE = WEB / "translations" / "messages.pot"

REFRESH = (
    "Refresh the catalogue: cd services/gateway/meedenken_gateway/web && "
    "pybabel extract -F babel.cfg -o translations/messages.pot --no-location --sort-output . && "
    "pybabel update -i translations/messages.pot -d translations -l en --no-fuzzy-matching; "
    "then translate the new entries in translations/en/LC_MESSAGES/messages.po (see this module's docstring)."
)

# %(name)s style placeholders (and a literal %%); the templates use newstyle gettext
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifr%])")


def placeholders(text):
    return sorted(f"%({name})" if name else f"%{kind}" for name, kind in PLACEHOLDER.findall(text) if kind != "%")


def extracted_messages():
    """{msgid: msgid_plural or None} of every gettext call in the templates, found the way
    `pybabel extract -F babel.cfg` finds them."""
    with BABEL_CFG.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(BABEL_CFG))
    messages = {}
    for _filename, _lineno, message, _comments, context in extract_from_dir(str(WEB), method_map, options_map):
        if isinstance(message, (tuple, list)):
            singular, plural = message[0], message[1]
        else:
            singular, plural = message, None
        if singular:
            messages[(context, singular)] = plural
    return messages


@pytest.fixture(scope="module")
def extracted():
    messages = extracted_messages()
    assert messages, f"No messages extracted from the templates: check {BABEL_CFG}."
    return messages


@pytest.fixture(scope="module")
def catalog():
    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale="en", abort_invalid=True)


def test_babel_cfg_covers_the_templates():
    with BABEL_CFG.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(BABEL_CFG))
    assert ("templates/**.html", "jinja2") in method_map
    options = options_map["templates/**.html"]
    assert "jinja2.ext.i18n" in options.get("extensions", "")
    assert options.get("newstyle_gettext") == "True"


def test_po_file_parses_as_english(catalog):
    assert str(catalog.locale) == "en"
    assert catalog.num_plurals == 2 and catalog.plural_expr.replace(" ", "") == "(n!=1)", (
        "messages.po needs the English plural forms header: "
        "'Plural-Forms: nplurals=2; plural=(n != 1);'")
    assert not catalog.fuzzy, "The header of messages.po is marked fuzzy: remove '#, fuzzy' above msgid \"\"."


def test_every_template_message_is_translated(extracted, catalog):
    missing = []
    for (context, msgid), plural in sorted(extracted.items(), key=lambda item: item[0][1]):
        key = (msgid, plural) if plural else msgid
        message = catalog.get(key, context=context)
        if message is None or message.id != key:
            missing.append(f"{msgid!r} (not in messages.po)" if message is None else
                           f"{msgid!r} (plural form differs in messages.po)")
            continue
        forms = message.string if plural else (message.string,)
        if isinstance(forms, str):
            forms = (forms,)
        if len(forms) != (catalog.num_plurals if plural else 1) or not all(form and form.strip() for form in forms):
            missing.append(f"{msgid!r} (no English translation)")
    assert not missing, f"{len(missing)} template text(s) lack English: {missing}. {REFRESH}"


def test_no_translation_is_fuzzy(catalog):
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert not fuzzy, (f"Fuzzy (unchecked) translations in messages.po, which are not used: {fuzzy}. "
                       f"Check each translation and remove its '#, fuzzy' line. {REFRESH}")


def test_placeholders_are_kept(catalog):
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, (tuple, list)):
            sources = list(message.id)
            for index, form in enumerate(message.string):
                # every English form is compared with both Dutch forms (they hold the same names)
                source = sources[min(index, len(sources) - 1)]
                if form and placeholders(form) != placeholders(source):
                    wrong.append((source, form))
        elif message.string and placeholders(message.string) != placeholders(message.id):
            wrong.append((message.id, message.string))
    assert not wrong, ("Translations whose %(name)s placeholders differ from the Dutch text "
                       f"(each must appear exactly as in msgid): {wrong}")


def test_template_pot_is_current(extracted):
    """translations/messages.pot is what `pybabel extract` makes of the templates today."""
    with POT_FILE.open("rb") as handle:
        template = read_po(handle)
    in_pot = {(message.context, message.id[0] if isinstance(message.id, (tuple, list)) else message.id)
              for message in template if message.id}
    in_templates = set(extracted)
    assert in_pot == in_templates, (
        f"translations/messages.pot is out of date: new in templates {sorted(m for _, m in in_templates - in_pot)}, "
        f"gone from templates {sorted(m for _, m in in_pot - in_templates)}. {REFRESH}")


def _h1(html):
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "login.html has no <h1>"
    return match.group(1).strip()


@pytest.fixture(scope="module")
def renderer():
    from meedenken_gateway.web.framework import Renderer

    return Renderer()


LOGIN_CONTEXT = {"me": None, "csrf_token": "x", "path": "/inloggen", "flash": None,
                 "languages": {"nl": "Nederlands", "en": "English"}, "public_url": "http://localhost",
                 "errors": {}, "values": {}, "next": "/"}


def test_english_page_is_english(renderer):
    english = renderer.render("en", "login.html", {**LOGIN_CONTEXT, "lang": "en"})
    h1 = _h1(english)
    assert h1 == "Log in", f"The English login page has <h1>{h1}</h1>. {REFRESH}"
    assert "Inloggen" not in h1
    assert "Password" in english and "Wachtwoord" not in english
    assert "<title>Log in" in english


def test_dutch_page_stays_dutch(renderer):
    dutch = renderer.render("nl", "login.html", {**LOGIN_CONTEXT, "lang": "nl"})
    assert _h1(dutch) == "Inloggen"
    assert "Wachtwoord" in dutch


def test_plural_forms_render_in_english(renderer):
    env = renderer.environments["en"]
    template = env.from_string('{{ ngettext("%(num)s stelling", "%(num)s stellingen", n) }}')
    assert template.render(n=1) == "1 statement"
    assert template.render(n=3) == "3 statements"
