"""Co-decide in the browser: axe on every poll page state (each kind's ballot form, a secret
ballot's receipt and its check, results with the rounds of a ranked poll, the official's form),
a ranked ballot cast with the keyboard only, and an official scheduling a poll."""
from datetime import datetime, timedelta, timezone

import pytest

from conftest import eventually
from .conftest import login, status_text
from .test_official_pages import assert_accessible, submit


def at(seconds):
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).isoformat(timespec="seconds")


def make_poll(api, site, kind, labels, closes=3600, opens=0, **rules):
    options = [{"label": label, **({"cost": cost} if cost else {})} for label, cost in labels]
    answer = api.post(f"/api/v1/topics/{site.topic}/polls", {
        "question": f"Stemming ({kind}{', geheim' if rules.get('secret') else ''})?", "kind": kind, "options": options,
        "opens_at": at(opens), "closes_at": at(closes), "binding": False, "secret": False, "electorate": "accounts",
        **rules}, token=site.official_token)
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def polls(site, api):
    made = {
        "ranked": make_poll(api, site, "ranked", [("Groen", None), ("Rood", None), ("Blauw", None)]),
        "budget": make_poll(api, site, "budget", [("Speeltuin", 60), ("Kiosk", 50), ("Bankjes", 30)], budget=100),
        "multiple": make_poll(api, site, "multiple", [("Bomen", None), ("Bankjes", None), ("Fontein", None)],
                              max_choices=2),
        "secret": make_poll(api, site, "single", [("Ja", None), ("Nee", None)], secret=True),
        "closed": make_poll(api, site, "ranked", [("Noord", None), ("Oost", None), ("Zuid", None)], closes=8),
        "scheduled": make_poll(api, site, "single", [("Ja", None), ("Nee", None)], opens=3600, closes=7200),
    }
    north, east, south = (o["id"] for o in made["closed"]["options"])
    for token, ranking in ((site.helper_token, [north]), (site.official_token, [east]),
                           (site.tokens["reader"], [south])):
        cast = api.put(f"/api/v1/polls/{made['closed']['id']}/ballot", {"ranking": ranking}, token=token)
        assert cast.status_code == 200, cast.text
    eventually(lambda: api.get(f"/api/v1/polls/{made['closed']['id']}/results").json().get("final"), timeout=30)
    return made


@pytest.mark.parametrize("kind", ["ranked", "budget", "multiple", "secret"])
def test_open_poll_pages_have_no_wcag_violations(page, site, polls, kind):
    page.goto(f"/stemmingen/{polls[kind]['id']}")
    assert page.get_by_role("link", name="Log in om te stemmen").is_visible()
    assert_accessible(page, f"poll-{kind}-anonymous")
    login(page, site.reader["email"], site.reader["password"], start=f"/inloggen?terug=/stemmingen/{polls[kind]['id']}")
    assert page.get_by_role("button", name="Stem").is_visible()
    assert_accessible(page, f"poll-{kind}-form")


def test_a_ranked_ballot_with_the_keyboard_only(page, site, polls):
    poll = polls["ranked"]
    login(page, site.reader["email"], site.reader["password"], start=f"/inloggen?terug=/stemmingen/{poll['id']}")
    blue = page.get_by_label("Blauw")
    blue.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # a native select, reached and operated from the keyboard
    assert blue.evaluate("element => element === document.activeElement")
    blue.select_option("1")
    page.get_by_label("Groen").select_option("2")
    page.get_by_role("button", name="Stem").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Uw stem is opgeslagen" in status_text(page)
    assert page.get_by_text("Blauw → Groen").is_visible()
    assert page.get_by_role("table").first.is_visible()  # the count so far: a table with bars
    assert_accessible(page, "poll-ranked-voted")


def test_a_secret_ballot_shows_its_receipt_once(page, site, polls):
    poll = polls["secret"]
    login(page, site.reader["email"], site.reader["password"], start=f"/inloggen?terug=/stemmingen/{poll['id']}")
    page.get_by_label("Ja").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Stem").click()
    receipt = page.locator(".meedenken-receipt").inner_text().strip()
    assert len(receipt) == 26
    assert_accessible(page, "poll-secret-receipt")
    page.get_by_label("Uw stembewijs").fill(receipt)
    with page.expect_navigation():
        page.get_by_role("button", name="Controleren").click()
    assert "Deze stem zit in de stembus" in page.get_by_role("status").last.inner_text()
    assert receipt not in page.content().replace(f'value="{receipt}"', "")
    assert_accessible(page, "poll-secret-checked")


def test_results_with_every_round(page, site, polls):
    page.goto(f"/stemmingen/{polls['closed']['id']}")
    assert page.get_by_role("heading", name="Uitslag").is_visible()
    assert page.get_by_role("table").count() == 3  # a three-way tie: three rounds, each a table
    assert page.get_by_text("Ronde 3").is_visible()
    assert_accessible(page, "poll-results-ranked")


def test_an_official_sees_a_scheduled_poll_and_may_cancel_it(page, site, polls):
    poll = polls["scheduled"]
    login(page, site.official["email"], site.official["password"], start=f"/inloggen?terug=/stemmingen/{poll['id']}")
    assert page.get_by_text("Gepland").first.is_visible()
    assert page.get_by_role("button", name="Stemming annuleren").is_visible()
    assert_accessible(page, "poll-scheduled-official")


def test_an_official_schedules_a_poll(page, site):
    login(page, site.official["email"], site.official["password"],
          start=f"/inloggen?terug=/beheer/onderwerpen/{site.topic}")
    page.get_by_role("link", name="Stemming toevoegen").click()
    assert_accessible(page, "poll-new")
    page.get_by_label("Vraag").fill("Waar komt de kiosk?")
    page.get_by_label("Soort stemming").select_option("single")
    page.get_by_label("Opties").fill("Bij de vijver\nBij de ingang")
    page.get_by_label("Sluit op").fill((datetime.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    assert "De stemming is gepland" in submit(page, page.get_by_role("button", name="Stemming plannen"))
    assert page.get_by_role("heading", level=1).inner_text() == "Waar komt de kiosk?"
