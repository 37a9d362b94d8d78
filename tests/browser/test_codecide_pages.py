"""Co-decide in the browser: a citizen proposes and supports a solution, the official takes it into
the vote and publishes the decision, and the decided page lists what was done with each input —
axe on each of these pages."""
import re

from .conftest import create_consult_topic, login
from .test_official_pages import assert_accessible, submit


def test_a_solution_is_proposed_supported_and_decided_on(context, site, api):
    official = site.official_token
    topic_id, (statement_id,) = create_consult_topic(api, official, site.org, "Een hondenlosloopgebied",
                                                     ["Honden moeten ergens vrij kunnen rennen."])
    assert api.post(f"/api/v1/topics/{topic_id}/phase", {"phase": "advise"}, token=official).status_code == 200

    citizen = context.new_page()
    login(citizen, site.reader["email"], site.reader["password"])
    citizen.goto(f"/onderwerpen/{topic_id}")
    assert citizen.get_by_text("Er zijn nog geen oplossingen voorgesteld.").is_visible()
    citizen.get_by_label("Titel van uw oplossing").fill("Het veld achter de sporthal")
    citizen.get_by_label("Toelichting").fill("Daar is ruimte en er wonen weinig mensen vlakbij.")
    assert submit(citizen, citizen.get_by_role("button", name="Oplossing voorstellen")) == "Uw oplossing is geplaatst."
    solution = citizen.locator(".meedenken-solution", has_text="Het veld achter de sporthal")
    assert solution.get_by_text("0 steunbetuigingen").is_visible()
    assert submit(citizen, solution.get_by_role("button", name="Steun Het veld achter de sporthal")) == \
        "U steunt deze oplossing."
    assert solution.get_by_text("1 steunbetuiging", exact=True).is_visible()
    assert_accessible(citizen, "codecide-topic-advise")
    assert submit(citizen, solution.get_by_role("button", name="Steun intrekken")) == "U steunt deze oplossing niet meer."
    assert submit(citizen, solution.get_by_role("button", name="Steun Het veld achter de sporthal")) == \
        "U steunt deze oplossing."
    solution_id = api.get(f"/api/v1/topics/{topic_id}/solutions").json()["items"][0]["id"]

    desk = context.browser.new_context(base_url=site.url, locale="nl-NL")
    try:
        page = desk.new_page()
        login(page, site.official["email"], site.official["password"])
        page.goto(f"/beheer/onderwerpen/{topic_id}")
        assert submit(page, page.get_by_role("button", name=re.compile(r"^Meenemen in de stemming\W+Het veld"))) == \
            "De oplossing is bijgewerkt."
        assert page.locator(f"#oplossing-{solution_id}").get_by_text("Meegenomen in de stemming").is_visible()
        assert_accessible(page, "codecide-manage-advise")
        page.get_by_label("Het besluit in het kort").fill("Het veld achter de sporthal wordt een losloopgebied.")
        page.get_by_label("Toelichting op het besluit").fill("Het college heeft ingestemd.")
        page.get_by_label("Stelling: Honden moeten ergens vrij kunnen rennen.").fill("Daar komt nu een plek voor.")
        page.get_by_label("Oplossing: Het veld achter de sporthal").fill("Overgenomen, met een hek eromheen.")
        assert "Het besluit is gepubliceerd" in submit(page, page.get_by_role("button", name="Besluit publiceren"))
    finally:
        desk.close()

    citizen.goto(f"/onderwerpen/{topic_id}")
    decision = citizen.locator("#besluit")
    assert decision.get_by_role("heading", name="Het besluit").is_visible()
    assert decision.get_by_text("Het veld achter de sporthal wordt een losloopgebied.").is_visible()
    assert decision.get_by_text("Stelling: Honden moeten ergens vrij kunnen rennen.").is_visible()
    assert decision.get_by_text("Daar komt nu een plek voor.").is_visible()
    assert decision.get_by_text("Oplossing: Het veld achter de sporthal").is_visible()
    assert decision.get_by_text("Overgenomen, met een hek eromheen.").is_visible()
    assert citizen.locator(f"#stelling-{statement_id}").get_by_text("Daar komt nu een plek voor.").is_visible()
    assert citizen.get_by_role("button", name="Steun intrekken").count() == 0
    assert_accessible(citizen, "codecide-topic-decided")
