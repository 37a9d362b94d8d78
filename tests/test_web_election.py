"""Election match pages over plain HTTP: an official creates a match and enters parties with forms,
a citizen (not logged in) answers with skip and extra important and gets the ranking."""
import html
import re

import pytest

from journey import MATCH_PARTIES
from test_web import Browser

MATCH_ID = re.compile(r"/beheer/stemhulpen/([0-9a-f]{24})")
STATEMENT_IDS = re.compile(r'name="standpunt-([0-9a-f]{24})"')


@pytest.fixture(scope="module")
def official(platform, journey):
    return Browser(platform.url).login(journey.accounts["official"]["email"])


def test_an_official_makes_a_match_with_forms(official, journey, platform):
    workspace = f"/beheer/{journey.org}/stemhulpen"
    assert official.get(workspace).status_code == 200
    refused = official.post(workspace, {"titel": "Stemhulp", "stellingen": "Maar één stelling."}, csrf_from=workspace)
    assert refused.status_code == 422
    created = official.post(workspace, {"titel": "Stemhulp wijkraad", "inleiding": "",
                                        "stellingen": "Meer bankjes.\nMinder verkeer.\n"}, csrf_from=workspace)
    assert created.status_code == 303, created.text
    manage = created.headers["location"]
    match_id = MATCH_ID.search(manage).group(1)
    statement_ids = STATEMENT_IDS.findall(official.get(manage).text)[::3]
    assert len(statement_ids) == 2
    incomplete = official.post(f"/beheer/stemhulpen/{match_id}/partijen", {"naam": "Wijkbelang"}, csrf_from=manage)
    assert incomplete.status_code == 422
    for name, positions in (("Wijkbelang", ("agree", "disagree")), ("Buurtpartij", ("disagree", "agree"))):
        form = {"naam": name}
        for sid, position in zip(statement_ids, positions):
            form |= {f"standpunt-{sid}": position, f"uitleg-{sid}": f"{name} is {position}."}
        assert official.post(f"/beheer/stemhulpen/{match_id}/partijen", form, csrf_from=manage).status_code == 303
    assert "Buurtpartij" in official.get(manage).text
    assert official.post(f"/beheer/stemhulpen/{match_id}/publiceren", {}, csrf_from=manage).status_code == 303
    assert "Stemhulp wijkraad" in Browser(platform.url).get(f"/organisaties/{journey.org}/stemhulpen").text


def test_a_citizen_answers_skips_and_sees_the_ranking(platform, journey):
    anonymous = Browser(platform.url)
    page = f"/stemhulpen/{journey.ids['election_match']}"
    questionnaire = anonymous.get(page)
    assert questionnaire.status_code == 200 and "Extra belangrijk" in questionnaire.text
    ids = journey.ids["match_statements"]
    form = {f"antwoord-{sid}": position for sid, position in zip(ids, MATCH_PARTIES["Groen Proefdorp"])}
    form[f"antwoord-{ids[2]}"] = "skip"
    form[f"belangrijk-{ids[0]}"] = "ja"
    result = anonymous.post(f"{page}/uitslag", form, csrf_from=page)
    assert result.status_code == 200, result.text
    text = html.unescape(result.text)
    assert "Groen Proefdorp komt het meest met u overeen: 100% overeenstemming." in text
    assert "Dorpsbelang vindt dit agree." in text
    skipped = {f"antwoord-{sid}": "skip" for sid in ids}
    assert anonymous.post(f"{page}/uitslag", skipped, csrf_from=page).status_code == 422
    assert anonymous.session.post(platform.url + f"{page}/uitslag", data=form, allow_redirects=False).status_code == 403
