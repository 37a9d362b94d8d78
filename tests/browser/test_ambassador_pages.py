"""Ambassadors in the browser: an official invites one on the workspace's page, the invited person
accepts with the mailed link and chooses a password, and their reaction carries the badge
"Ambassadeur" on the topic page. axe on each page."""
import re
import uuid
from urllib.parse import urlparse

from pymongo import MongoClient

from .conftest import login, status_text
from .test_official_pages import assert_accessible

PASSWORD = "een lang wachtwoord voor de ambassadeur"


def mailed_link(platform, to):
    client = MongoClient(platform.mongo_uri)
    try:
        mail = client[f"{platform.db_prefix}gateway"].mail_outbox.find_one({"to": to})
    finally:
        client.close()
    assert mail, f"no mail to {to}"
    link = urlparse(re.search(r"https?://\S+", mail["body"]).group(0))
    return f"{link.path}?{link.query}"


def test_an_official_invites_an_ambassador_whose_reaction_is_marked(browser, platform, site):
    email = f"ambassadeur-{uuid.uuid4().hex[:6]}@example.nl"
    official = browser.new_context(base_url=site.url, locale="nl-NL")
    page = official.new_page()
    login(page, site.official["email"], site.official["password"])
    page.goto(f"/beheer/{site.org}")
    page.get_by_role("link", name="Ambassadeurs").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ambassadeurs"
    assert page.get_by_text("Er zijn nog geen ambassadeurs uitgenodigd.").is_visible()
    assert_accessible(page, "ambassadors")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Naam").fill("Amira Ambassadeur")
    with page.expect_navigation():
        page.get_by_role("button", name="Uitnodiging versturen").click()
    assert status_text(page) == "De uitnodiging is verstuurd."
    assert page.get_by_text(f"Amira Ambassadeur ({email})").is_visible()
    assert_accessible(page, "ambassadors-invited")
    official.close()

    invited = browser.new_context(base_url=site.url, locale="nl-NL")
    page = invited.new_page()
    page.goto(mailed_link(platform, email))
    assert page.get_by_role("heading", level=1).inner_text() == "Ambassadeur worden"
    assert_accessible(page, "ambassador-accept")
    page.get_by_label("Kies een wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Uitnodiging aannemen").click()
    assert status_text(page) == "U bent nu ambassadeur. Log in om mee te doen."
    login(page, email, PASSWORD)
    page.goto(f"/onderwerpen/{site.topic}")
    page.get_by_label("Uw reactie").fill("Als ambassadeur help ik graag mee met dit park.")
    with page.expect_navigation():
        page.get_by_role("button", name="Plaats reactie").click()
    reaction = page.locator("article.meedenken-reaction", has_text="Als ambassadeur help ik graag mee")
    assert reaction.locator(".meedenken-ambassador").inner_text() == "Ambassadeur"
    assert_accessible(page, "topic-with-ambassador")
    invited.close()
