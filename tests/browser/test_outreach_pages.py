"""The sharing and outreach pages in the browser, with axe on each: the share pages of a topic, a
statement and an agenda proposal; for an official, the outreach downloads (with an end date) and
the campaign figures after a visit through a flyer's QR code."""
import pytest

from .conftest import login
from .test_accessibility import assert_accessible as assert_citizen_page_accessible
from .test_official_pages import assert_accessible


@pytest.mark.parametrize("kind", ["topic", "statement", "proposal"])
def test_share_pages_are_accessible(page, site, kind):
    path = {"topic": f"/onderwerpen/{site.topic}/delen", "statement": f"/stellingen/{site.statements[0]}/delen",
            "proposal": f"/agendapunten/{site.proposal}/delen"}[kind]
    assert page.goto(path).status == 200
    assert page.get_by_role("link", name="WhatsApp").get_attribute("href").startswith("https://wa.me/?text=")
    assert page.get_by_label("Adres om te kopiëren (bijvoorbeeld voor Mastodon)").input_value().startswith(site.url)
    assert page.locator('meta[property="og:image"]').get_attribute("content").endswith("/share.png")
    assert_citizen_page_accessible(page, f"a11y-share-{kind}")


def test_an_official_downloads_the_kit_and_sees_the_channels(page, site):
    page.goto(f"/onderwerpen/{site.topic}?via=poster")  # what a poster's QR code opens
    assert page.url == f"{site.url}/onderwerpen/{site.topic}"
    login(page, site.official["email"], site.official["password"])
    page.goto(f"/beheer/onderwerpen/{site.topic}")
    page.get_by_role("link", name="Flyer, poster en persbericht").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Flyer, poster en persbericht"
    page.get_by_label("Meedenken kan tot en met (optioneel)").fill("2031-03-15")
    with page.expect_navigation():
        page.get_by_role("button", name="Datum gebruiken").click()
    assert "tot=2031-03-15" in page.get_by_role("link", name="Flyer (A5, pdf)").get_attribute("href")
    assert_accessible(page, "outreach")
    with page.expect_download() as download:
        page.get_by_role("link", name="Poster (A3, pdf)").click()
    assert download.value.suggested_filename == f"poster-{site.topic}.pdf"
    page.get_by_role("link", name="Bezoek per kanaal").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bezoek per kanaal"
    poster_row = page.get_by_role("row", name="Poster")
    assert poster_row.first.is_visible()
    assert_accessible(page, "campaigns")
