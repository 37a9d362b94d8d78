"""Opinion groups on the topic page and the election match pages in Chromium, each checked with
axe-core (WCAG 2.1 AA): the official's match pages, the citizen's questionnaire with skip and extra
important, and the result."""
import uuid

from conftest import eventually
from journey import register_and_login

from .conftest import create_consult_topic, login
from .test_accessibility import assert_accessible


def test_opinion_groups_on_the_topic_page(page, site, api):
    topic_id, (left, right, shared) = create_consult_topic(
        api, site.official_token, site.org, "Parkeren in het centrum",
        ["Meer parkeerplaatsen.", "Een autovrij centrum.", "Meer fietsenstallingen."])
    run = uuid.uuid4().hex[:6]
    for camp in ("a", "b"):
        for n in range(6):
            _, token = register_and_login(api, f"Inwoner {camp}{n}", f"groep-{camp}{n}-{run}@example.nl")
            for statement, choice in ((left, "agree" if camp == "a" else "disagree"),
                                      (right, "disagree" if camp == "a" else "agree"), (shared, "agree")):
                assert api.put(f"/api/v1/statements/{statement}/response", {"choice": choice},
                               token=token).status_code == 200
    eventually(lambda: api.get(f"/api/v1/topics/{topic_id}/opinion-groups").json()["answers"] == 12 * 3,
               timeout=90, interval=0.5)
    page.goto(f"/onderwerpen/{topic_id}")
    section = page.locator("#meningsgroepen")
    assert section.get_by_role("heading", name="Groep 1: 6 deelnemers").is_visible()
    assert section.get_by_role("table").count() == 2
    assert section.get_by_text("‘Meer fietsenstallingen.’: 100% van alle deelnemers is het eens.").is_visible()
    assert_accessible(page, "a11y-topic-opinion-groups")


def test_election_match_pages(context, site, api):
    official = context.new_page()
    login(official, site.official["email"])
    official.goto(f"/beheer/{site.org}/stemhulpen")
    assert_accessible(official, "a11y-election-matches-manage")
    official.get_by_label("Titel").fill("Stemhulp gemeenteraad")
    official.get_by_label("Stellingen").fill("Er komt een tweede brug.\nHet zwembad blijft open.")
    with official.expect_navigation():
        official.get_by_role("button", name="Opslaan als concept").click()
    for name, positions in (("Dorpsbelang", ("Eens", "Oneens")), ("Groen Proefdorp", ("Oneens", "Neutraal"))):
        official.get_by_label("Naam van de partij").fill(name)
        for index, position in enumerate(positions):
            group = official.locator("fieldset").nth(index)
            group.get_by_label(position, exact=True).check()
            group.get_by_label("Toelichting van de partij").fill(f"{name} vindt dit.")
        with official.expect_navigation():
            official.get_by_role("button", name="Partij opslaan").click()
    assert_accessible(official, "a11y-election-match-manage")
    with official.expect_navigation():
        official.get_by_role("button", name="Stemhulp publiceren").click()
    match_url = official.url
    official.close()

    citizen = context.browser.new_context(base_url=site.url, locale="nl-NL").new_page()
    citizen.goto(f"/organisaties/{site.org}/stemhulpen")
    assert_accessible(citizen, "a11y-election-matches")
    with citizen.expect_navigation():
        citizen.get_by_role("link", name="Stemhulp gemeenteraad").click()
    assert citizen.url == match_url
    assert_accessible(citizen, "a11y-election-match-questionnaire")
    with citizen.expect_navigation() as navigation:
        citizen.get_by_role("button", name="Bekijk de uitslag").click()  # everything skipped
    assert navigation.value.status == 422
    assert_accessible(citizen, "a11y-election-match-all-skipped")
    first, second = citizen.locator("fieldset").nth(0), citizen.locator("fieldset").nth(1)
    first.get_by_label("Oneens", exact=True).check()
    first.get_by_label("Extra belangrijk (telt dubbel)").check()
    second.get_by_label("Overslaan").check()
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="Bekijk de uitslag").click()
    assert citizen.get_by_text("Groen Proefdorp komt het meest met u overeen: 100% overeenstemming.").is_visible()
    assert citizen.get_by_text("Dorpsbelang vindt dit.").first.is_visible()
    assert_accessible(citizen, "a11y-election-match-result")
    citizen.context.close()
