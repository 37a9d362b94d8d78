"""Moderation in the browser: a reader reports a reaction with the form on the topic page; an
official hides it from the workspace queue with a reason; others see the reason in its place, the
author sees their text and objects; the administrator reads the log — axe on every page on the way."""
import uuid

from journey import PASSWORD, register_and_login
from .conftest import TIMEOUT_MS, login
from .test_official_pages import assert_accessible, submit


def _person(browser, site, email):
    context = browser.new_context(base_url=site.url, locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    login(page, email)
    return context, page


def test_report_hide_object_and_the_log_in_the_browser(browser, site, api, cli):
    run = uuid.uuid4().hex[:6]
    author_email, admin_email = f"schrijver-{run}@example.nl", f"beheerder-{run}@example.nl"
    register_and_login(api, "Sanne Schrijver", author_email)
    author_token = api.post("/api/v1/auth/login", {"email": author_email, "password": PASSWORD}).json()["token"]
    assert cli("create-user", "--org", site.org, "--email", admin_email, "--password", PASSWORD,
               "--role", "admin").returncode == 0
    spam = api.post(f"/api/v1/topics/{site.topic}/reactions", {"body": "Goedkope zonnebrillen bij mij!"},
                    token=author_token)
    assert spam.status_code == 201, spam.text
    spam_id = spam.json()["id"]
    contexts = []
    try:
        # the reader reports it with the plain form
        reader_context, reader = _person(browser, site, site.reader["email"])
        contexts.append(reader_context)
        reader.goto(f"/onderwerpen/{site.topic}")
        reader.locator(f"#reactie-{spam_id}").get_by_role("link", name="Melden").click()
        assert_accessible(reader, "moderation-report")
        reader.get_by_label("Spam of reclame").check()
        reader.get_by_label("Toelichting (niet verplicht)").fill("Reclame voor een winkel.")
        assert "Bedankt voor uw melding" in submit(reader, reader.get_by_role("button", name="Melding versturen"))

        # the official finds it in the queue and hides it with a reason
        official_context, official = _person(browser, site, site.official["email"])
        contexts.append(official_context)
        official.goto(f"/beheer/{site.org}")
        official.get_by_role("link", name="Moderatie", exact=True).click()
        assert_accessible(official, "moderation-queue")
        official.locator("article", has_text="Goedkope zonnebrillen").get_by_role("link", name="Beoordelen").click()
        assert official.get_by_text("Reclame voor een winkel.").is_visible()
        assert_accessible(official, "moderation-decide")
        official.get_by_label("Reden (de schrijver ziet deze)").fill("Reclame")
        assert "beoordeling is opgeslagen" in submit(official, official.get_by_role("button", name="Verbergen"))

        # others see the reason in its place; the author sees the text and objects
        reader.goto(f"/onderwerpen/{site.topic}")
        hidden = reader.locator(f"#reactie-{spam_id}")
        assert "Verborgen door de moderator: Reclame" in hidden.inner_text()
        assert "zonnebrillen" not in hidden.inner_text()
        author_context, author = _person(browser, site, author_email)
        contexts.append(author_context)
        author.goto(f"/onderwerpen/{site.topic}")
        author.locator(f"#reactie-{spam_id}").get_by_role("link", name="Waarom, en bezwaar maken").click()
        assert author.get_by_text("Goedkope zonnebrillen bij mij!").is_visible()
        assert_accessible(author, "moderation-author")
        author.get_by_label("Waarom is dit volgens u ten onrechte verborgen?").fill("Het was een tip voor het park.")
        assert "Uw bezwaar is ingediend" in submit(author, author.get_by_role("button", name="Bezwaar indienen"))
        assert author.get_by_text("Bezwaar in behandeling").is_visible()

        # the official who hid it is told another decides; the administrator reads the log
        official.goto(f"/beheer/moderatie/reaction/{spam_id}")
        assert official.get_by_text("een andere moderator beslist over het bezwaar").is_visible()
        admin_context, admin = _person(browser, site, admin_email)
        contexts.append(admin_context)
        admin.goto(f"/beheer/moderatie/reaction/{spam_id}")
        admin.get_by_label("Reden (de schrijver ziet deze)").fill("Bij nader inzien een tip.")
        assert "beoordeling is opgeslagen" in submit(
            admin, admin.get_by_role("button", name="Bezwaar toekennen en terugplaatsen"))
        admin.goto(f"/beheer/{site.org}/moderatie/logboek")
        assert_accessible(admin, "moderation-audit")
        rows = [row for row in admin.locator("tbody tr").all_inner_texts() if spam_id[-6:] in row]
        assert [row.split("\t")[1] for row in rows] == ["Gemeld", "Verborgen", "Bezwaar ingediend",
                                                         "Besluit op bezwaar (reinstated)"], rows
        with admin.expect_download() as download:
            admin.get_by_role("link", name="Exporteren (JSON Lines)").click()
        assert download.value.suggested_filename.endswith(".jsonl")
    finally:
        for context in contexts:
            context.close()
