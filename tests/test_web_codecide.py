"""Co-decide pages with plain forms (no JavaScript): a citizen proposes and supports a solution, the
official takes it into the vote and publishes the decision, and the decided page says what was done."""
import re
import uuid

from conftest import eventually
from journey import register_and_login
from test_web import Browser


def test_solutions_and_the_decision_with_plain_forms(platform, journey, api):
    official_token = journey.tokens["official"]
    topic = api.post("/api/v1/topics", {"org": journey.org, "title": "Bankjes in het centrum",
                                        "summary": "Waar moeten ze komen?"}, token=official_token).json()
    topic_id, page_path = topic["id"], f"/onderwerpen/{topic['id']}"
    assert api.post(f"/api/v1/topics/{topic_id}/phase", {"phase": "advise"}, token=official_token).status_code == 200
    email = f"oplossing-{uuid.uuid4().hex[:6]}@example.nl"
    register_and_login(api, "Olaf", email)
    citizen = Browser(platform.url).login(email)
    official = Browser(platform.url).login(journey.accounts["official"]["email"])

    empty = citizen.post(f"{page_path}/oplossingen", {"titel": "Ja", "toelichting": "kort"}, csrf_from=page_path)
    assert empty.status_code == 422 and "Licht uw oplossing toe in 10 tot 5000 tekens." in empty.text
    proposed = citizen.post(f"{page_path}/oplossingen", {"titel": "Bankjes bij de bieb",
                                                         "toelichting": "Daar wachten veel ouderen op de bus."},
                            csrf_from=page_path)
    assert proposed.status_code == 303, proposed.text
    solution_id = re.search(r"#oplossing-([0-9a-f]{24})$", proposed.headers["Location"]).group(1)
    page = citizen.get(page_path).text
    assert "Uw oplossing is geplaatst." in page and "Bankjes bij de bieb" in page and "0 steunbetuigingen" in page
    support = {"onderwerp": topic_id, "actie": "steunen"}
    assert citizen.post(f"/oplossingen/{solution_id}/steunen", support, csrf_from=page_path).status_code == 303
    page = citizen.get(page_path).text
    assert "U steunt deze oplossing." in page and "1 steunbetuiging" in page and "Steun intrekken" in page
    assert citizen.post(f"/oplossingen/{solution_id}/steunen", {**support, "actie": "intrekken"},
                        csrf_from=page_path).status_code == 303
    assert "0 steunbetuigingen" in citizen.get(page_path).text

    manage = f"/beheer/onderwerpen/{topic_id}"
    taken = official.post(f"/beheer/oplossingen/{solution_id}/stemming", {"meenemen": "ja", "terug": manage},
                          csrf_from=manage)
    assert taken.status_code == 303 and "Meegenomen in de stemming" in official.get(manage).text
    assert citizen.get(f"/beheer/{journey.org}").status_code == 403
    too_short = official.post(f"{manage}/besluit", {"samenvatting": "Er komen bankjes.",
                                                    f"gedaan-solution-{solution_id}": "Ja"}, csrf_from=manage)
    assert too_short.status_code == 422 and "wat ermee is gedaan" in too_short.text
    decided = official.post(f"{manage}/besluit", {
        "samenvatting": "Er komen vijf bankjes.", "besluit_tekst": "De raad stemde in.",
        f"gedaan-solution-{solution_id}": "Twee bankjes komen bij de bibliotheek."}, csrf_from=manage)
    assert decided.status_code == 303 and decided.headers["Location"] == f"{page_path}#besluit", decided.text
    page = citizen.get(page_path).text
    assert "Het besluit" in page and "Er komen vijf bankjes." in page
    assert "Oplossing: Bankjes bij de bieb" in page and "Twee bankjes komen bij de bibliotheek." in page
    assert f"/oplossingen/{solution_id}/steunen" not in page  # supporting ended with the decision
    assert api.get(f"/api/v1/topics/{topic_id}").json()["phase"] == "decided"
    assert "Besluit publiceren" not in official.get(manage).text
    inbox = eventually(lambda: (lambda html: html if f'href="{page_path}#besluit"' in html else None)(
        citizen.get("/meldingen").text))
    assert "Wat is er met uw inbreng gedaan: ‘Bankjes in het centrum’" in inbox
