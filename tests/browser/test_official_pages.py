"""The official's journey in the browser only: create a topic, publish it and lead it up the
ladder with notes, add a statement, moderate a citizen's statement and reaction, answer a
citizen and an agenda proposal — and axe on every workspace page type."""
import re

from axe_playwright_python.sync_playwright import Axe

from conftest import eventually
from journey import inbox
from .conftest import login, screenshot, status_text
from .test_accessibility import WCAG_21_AA, describe

AXE = Axe()


def submit(page, button):
    """Click a form's button and land on the page it redirects to (POST-redirect-GET)."""
    with page.expect_navigation():
        button.click()
    return status_text(page)


def assert_accessible(page, name):
    screenshot(page, f"official-{name}")
    violations = AXE.run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, describe(violations)


def test_official_journey_in_the_browser(page, site, api):
    login(page, site.official["email"], site.official["password"])
    page.goto(f"/organisaties/{site.org}")
    page.get_by_role("link", name="Werkplek").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Werkplek {site.org_name}"
    assert_accessible(page, "workspace")

    # create a topic: a draft only officials see
    page.get_by_role("link", name="Nieuw onderwerp").click()
    assert_accessible(page, "topic-new")
    page.get_by_label("Titel").fill("Speeltuin in de Bloemenbuurt")
    page.get_by_label("Samenvatting").fill("Wat voor speeltuin wilt u?")
    page.get_by_label("Uitleg").fill("De oude speeltuin is versleten.\n\nWe vernieuwen hem dit jaar.")
    page.get_by_label("Trefwoorden").fill("spelen, Bloemenbuurt")
    assert "aangemaakt als concept" in submit(page, page.get_by_role("button", name="Opslaan als concept"))
    manage_url = page.url
    topic_id = manage_url.rsplit("/", 1)[1]
    assert api.get(f"/api/v1/topics/{topic_id}").status_code == 404
    assert_accessible(page, "topic-manage-draft")

    # publish straight into consult, with a note
    page.get_by_label("Raadplegen").check()
    page.get_by_label("Toelichting voor inwoners").fill("Geef uw mening tot eind december.")
    assert "De fase is gewijzigd" in submit(page, page.get_by_role("button", name="Fase wijzigen"))
    topic = api.get(f"/api/v1/topics/{topic_id}").json()
    assert topic["phase"] == "consult" and topic["phase_history"][-1]["note"] == "Geef uw mening tot eind december."
    assert topic["tags"] == ["spelen", "Bloemenbuurt"]

    page.get_by_label("Nieuwe stelling").fill("Er moet een waterspeelplek komen.")
    assert "gepubliceerd" in submit(page, page.get_by_role("button", name="Stelling toevoegen"))
    assert page.get_by_text("Er moet een waterspeelplek komen.", exact=True).is_visible()

    # a citizen proposes a statement and reacts (through the API); the official moderates and answers
    reader = site.tokens["reader"]
    pending = api.post(f"/api/v1/topics/{topic_id}/statements", {"text": "Meer schaduw bij de zandbak."}, token=reader)
    rude = api.post(f"/api/v1/topics/{topic_id}/statements", {"text": "Het is allemaal onzin."}, token=reader)
    question = api.post(f"/api/v1/topics/{topic_id}/reactions", {"body": "Komt er een hek omheen?"}, token=reader)
    spam = api.post(f"/api/v1/topics/{topic_id}/reactions", {"body": "Koop nu goedkope horloges!"}, token=reader)
    assert all(r.status_code == 201 for r in (pending, rude, question, spam))
    page.goto(manage_url)
    assert_accessible(page, "topic-manage-consult")
    approve = page.get_by_role("button", name=re.compile(r"^Publiceren\W+Meer schaduw bij de zandbak"))
    assert "beoordeling is opgeslagen" in submit(page, approve)
    page.locator(f"#veld-reden-{rude.json()['id']}").fill("Dit is geen stelling over de speeltuin.")
    assert "beoordeling is opgeslagen" in submit(page, page.get_by_role("button", name=re.compile(r"^Afwijzen\W+Het is allemaal onzin")))
    statuses = {s["text"]: s["status"] for s in api.get(f"/api/v1/topics/{topic_id}", token=reader).json()["statements"]}
    assert statuses == {"Er moet een waterspeelplek komen.": "published", "Meer schaduw bij de zandbak.": "published",
                        "Het is allemaal onzin.": "rejected"}

    spam_id = spam.json()["id"]
    page.locator(f"#reactie-{spam_id} summary", has_text="Modereren").click()
    page.locator(f"#veld-verberg-{spam_id}").fill("Reclame")
    assert "beoordeling is opgeslagen" in submit(page, page.locator(f"#reactie-{spam_id}").get_by_role("button", name="Verbergen"))
    public = {r["id"]: r for r in api.get(f"/api/v1/topics/{topic_id}/reactions").json()["items"]}
    assert public[spam_id]["body"] == "" and public[spam_id]["hidden"]["reason"] == "Reclame"

    # the workspace lists the unanswered question, oldest first with its age; answer it there
    page.goto(f"/beheer/{site.org}")
    question_id = question.json()["id"]
    card = page.locator(".meedenken-queue-item", has=page.locator(f"input[name=onderwerp][value='{topic_id}']")).first
    assert "Komt er een hek omheen?" in card.inner_text() and re.search(r"wacht .*(seconde|minu)", card.inner_text())
    card.get_by_label(re.compile("Officieel antwoord aan")).fill("Ja, een laag hek met een poortje.")
    assert "antwoord is geplaatst" in submit(page, card.get_by_role("button", name="Beantwoorden"))
    assert "Komt er een hek omheen?" not in page.locator("section[aria-labelledby=wachtend]").inner_text()
    thread = {r["id"]: r for r in api.get(f"/api/v1/topics/{topic_id}/reactions").json()["items"]}[question_id]
    assert [(r["body"], r["official_answer"]) for r in thread["replies"]] == [("Ja, een laag hek met een poortje.", True)]
    eventually(lambda: any(n["type"] == "reaction.official_answer" and n["subject_id"] == thread["replies"][0]["id"]
                           for n in inbox(api, reader)))

    # answer the agenda proposal that reached its threshold
    proposal = page.locator(".meedenken-queue-item", has=page.get_by_role("link", name="Meer bomen in de Dorpsstraat"))
    proposal.get_by_label("Antwoord aan de indiener en steunbetuigers").fill(
        "De raad bespreekt meer bomen in de vergadering van februari.")
    assert "antwoord is geplaatst" in submit(page, proposal.get_by_role("button", name="Antwoord publiceren"))
    answered = api.get(f"/api/v1/agenda-proposals/{site.proposal}").json()
    assert answered["status"] == "answered" and answered["answer"]["text"].startswith("De raad bespreekt")

    # and on to the end of the ladder, with what was done with the input
    page.goto(manage_url)
    page.get_by_label("Besloten").check()
    page.get_by_label("Toelichting voor inwoners").fill("We bouwen de waterspeelplek en zetten er een hek omheen.")
    assert "De fase is gewijzigd" in submit(page, page.get_by_role("button", name="Fase wijzigen"))
    page.goto(f"/onderwerpen/{topic_id}")
    assert page.locator("[aria-current=step]").inner_text().startswith("Besloten")
    page.get_by_text("Verloop en toelichting").click()
    assert page.get_by_text("We bouwen de waterspeelplek en zetten er een hek omheen.").is_visible()


def test_citizens_cannot_use_the_workspace(page, site):
    login(page, site.reader["email"], site.reader["password"])
    answer = page.goto(f"/beheer/{site.org}")
    assert answer.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Niet toegestaan"
