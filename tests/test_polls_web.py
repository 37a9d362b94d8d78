"""The co-decide pages over plain HTTP against the real stack: an official schedules a poll from the
workspace, citizens vote with forms (a ranking by numbers), get and check a receipt in a secret
poll, see results as a table, and verify their address on their profile."""
import csv
from datetime import datetime, timedelta

import pytest

from conftest import clear_of_window_end, eventually
from meedenken_gateway.residency import REDEEM_LIMIT
from test_polls import Co, ids, options
from test_web import Browser


@pytest.fixture(scope="module")
def co(api, cli):
    return Co(api, cli)


@pytest.fixture(scope="module")
def official(co, platform, api):
    email = api.get("/api/v1/me", token=co.official).json()["email"]
    return Browser(platform.url).login(email)


def citizen(co, platform, api, n):
    return Browser(platform.url).login(api.get("/api/v1/me", token=co.citizens[n]).json()["email"])


def test_an_official_schedules_a_poll_from_the_workspace(co, official, api):
    manage = official.get(f"/beheer/onderwerpen/{co.topic}")
    assert "Stemming toevoegen" in manage.text
    form = f"/beheer/onderwerpen/{co.topic}/stemmingen/nieuw"
    assert official.get(form).status_code == 200
    closes = (datetime.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    refused = official.post(form, {"vraag": "Welke kleur krijgen de bankjes?", "soort": "multiple",
                                   "opties": "Groen\nRood", "sluit": closes, "kiezers": "accounts"}, csrf_from=form)
    assert refused.status_code == 422 and "Geef bij meerdere keuzes een aantal" in refused.text
    created = official.post(form, {"vraag": "Welke kleur krijgen de bankjes?", "soort": "ranked",
                                   "opties": "Groen\nRood\nBlauw", "sluit": closes, "kiezers": "accounts",
                                   "bindend": "1"}, csrf_from=form)
    assert created.status_code == 303 and created.headers["Location"].startswith("/stemmingen/"), created.text
    poll = api.get("/api/v1" + created.headers["Location"].replace("/stemmingen/", "/polls/")).json()
    assert poll["kind"] == "ranked" and poll["binding"] is True and poll["status"] == "open"
    assert [o["label"] for o in poll["options"]] == ["Groen", "Rood", "Blauw"]


def test_an_official_cancels_a_scheduled_poll(co, official, api):
    later = co.poll("single", options("Ja", "Nee"), opens=3600, closes=7200)
    page = f"/stemmingen/{later['id']}"
    assert "Stemming annuleren" in official.get(page).text
    done = official.post(f"/beheer/stemmingen/{later['id']}/annuleren", {}, csrf_from=page, follow=True)
    assert "De stemming is geannuleerd." in done.text
    assert api.get(f"/api/v1/polls/{later['id']}").json()["status"] == "cancelled"
    assert "Stemming annuleren" not in official.get(page).text


def test_a_citizen_ranks_options_by_number(co, platform, api):
    poll = co.poll("ranked", options("Groen", "Rood", "Blauw"), closes=3600)
    green, red, blue = ids(poll)
    browser = citizen(co, platform, api, 0)
    page = f"/stemmingen/{poll['id']}"
    assert f'name="rang-{green}"' in browser.get(page).text
    same = browser.post(f"{page}/stem", {f"rang-{green}": "1", f"rang-{red}": "1"}, csrf_from=page)
    assert same.status_code == 422 and "Geef elke optie een ander nummer." in same.text
    voted = browser.post(f"{page}/stem", {f"rang-{blue}": "1", f"rang-{green}": "2", f"rang-{red}": ""},
                         csrf_from=page, follow=True)
    assert voted.status_code == 200 and "Uw stem is opgeslagen" in voted.text
    assert "Blauw → Groen" in voted.text and "Tussenstand" in voted.text
    mine = api.get(f"/api/v1/polls/{poll['id']}", token=co.citizens[0]).json()["participation"]
    assert mine == {"voted": True, "ballot": {"ranking": [blue, green]}}
    assert "Stemmingen" in browser.get(f"/onderwerpen/{co.topic}").text


def test_a_secret_ballot_gives_a_receipt_that_can_be_checked(co, platform, api):
    poll = co.poll("single", options("Ja", "Nee"), closes=3600, secret=True)
    browser = citizen(co, platform, api, 1)
    page = f"/stemmingen/{poll['id']}"
    answer = browser.post(f"{page}/stem", {"keuze": ids(poll)[0]}, csrf_from=page)
    assert answer.status_code == 200 and "Dit is uw stembewijs" in answer.text
    receipt = answer.text.split('class="utrecht-paragraph meedenken-receipt"><strong>')[1].split("<")[0]
    assert len(receipt) == 26
    again = browser.get(page).text
    assert receipt not in again and "Bij een geheime stemming kunt u één keer stemmen" in again
    checked = browser.post(f"{page}/bewijs", {"bewijs": receipt.lower()}, csrf_from=page)
    assert "Deze stem zit in de stembus" in checked.text
    assert "Geen stem met dit stembewijs" in browser.post(f"{page}/bewijs", {"bewijs": "X" * 26}, csrf_from=page).text


def test_results_are_a_table(co, platform, api):
    poll = co.poll("single", options("Ja", "Nee"), closes=4)
    co.vote(poll, 2, choices=[ids(poll)[0]])
    eventually(lambda: api.get(f"/api/v1/polls/{poll['id']}/results").json().get("final"), timeout=30)
    page = Browser(platform.url).get(f"/stemmingen/{poll['id']}").text
    assert "<table" in page and "Stemmen per optie" in page and "Gekozen: Ja." in page


def test_a_citizen_verifies_the_address_on_the_profile(co, platform, api, cli, tmp_path):
    out = tmp_path / "codes.csv"
    assert cli("issue-codes", "--org", co.org, "--count", "1", "--out", str(out)).returncode == 0
    code = next(csv.DictReader(out.open(encoding="utf-8")))["code"]
    browser = citizen(co, platform, api, 3)
    assert "Code uit uw brief" in browser.get("/profiel").text
    clear_of_window_end(REDEEM_LIMIT.window_seconds)
    wrong = browser.post("/profiel/woonplaats", {"organisatie": co.org, "code": "ABCD-EFGH-JKMN"}, csrf_from="/profiel")
    assert wrong.status_code == 422 and "Deze code kennen we niet" in wrong.text
    done = browser.post("/profiel/woonplaats", {"organisatie": co.org, "code": code}, csrf_from="/profiel", follow=True)
    assert "Uw adres is gecontroleerd" in done.text and "Inwoner van Gemeente Meebeslis" in done.text
    assert browser.post("/profiel/woonplaats", {"organisatie": co.org, "code": code},
                        csrf_from="/profiel").status_code == 422
    for _ in range(2):  # five attempts per quarter of an hour
        assert browser.post("/profiel/woonplaats", {"organisatie": co.org, "code": "ABCD-EFGH-JKMN"},
                            csrf_from="/profiel").status_code == 422
    limited = browser.post("/profiel/woonplaats", {"organisatie": co.org, "code": "ABCD-EFGH-JKMN"},
                           csrf_from="/profiel")
    assert limited.status_code == 429 and "Te veel pogingen" in limited.text and int(limited.headers["Retry-After"]) > 0
