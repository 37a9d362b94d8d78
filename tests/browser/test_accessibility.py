"""axe-core (WCAG 2.1 A and AA rules) on every citizen page type, logged out and logged in, with a
full-page screenshot of each under .run/test-output/screenshots/."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import TIMEOUT_MS, login, screenshot

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
AXE = Axe()
NOT_FOUND = "/onderwerpen/000000000000000000000000"

# (page type, path template, who may see it: "both", "anonymous" or "citizen")
PAGES = [
    ("platform-home", "/", "both"),
    ("org-home", "/organisaties/{org}", "both"),
    ("topic", "/onderwerpen/{topic}", "both"),
    ("proposals", "/organisaties/{org}/agendapunten", "both"),
    ("proposal-open", "/agendapunten/{open_proposal}", "both"),
    ("proposal-threshold", "/agendapunten/{proposal}", "both"),
    ("proposal-new", "/organisaties/{org}/agendapunten/nieuw", "citizen"),
    ("login", "/inloggen", "both"),
    ("register", "/registreren", "both"),
    ("notifications", "/meldingen", "citizen"),
    ("profile", "/profiel", "citizen"),
    ("contributions", "/mijn-bijdragen", "citizen"),
    ("account-erase", "/profiel/verwijderen", "citizen"),
    ("error-404", NOT_FOUND, "both"),
]
# texts each page type must show, so it is checked with content in it
EXPECTED = {
    "platform-home": ["Kies uw organisatie", "Waterschap De Vliet"],
    "org-home": ["Denk mee met {org_name}", "Nu actief", "Om te lezen", "Meer bomen in de Dorpsstraat"],
    "proposals": ["Meer bomen in de Dorpsstraat", "Een bankje bij de bushalte", "Genoeg steun"],
    "proposal-open": ["Een bankje bij de bushalte", "0 van 2 steunbetuigingen"],
    "proposal-threshold": ["Meer bomen in de Dorpsstraat", "Genoeg steun", "2 van 2 steunbetuigingen"],
    "proposal-new": ["Agendapunt voorstellen", "Toelichting"],
    "notifications": ["Officieel antwoord op uw reactie", "heeft genoeg steun"],
    "profile": ["Lieke Lezer", "Mijn bijdragen", "Download mijn gegevens", "Verwijder mijn account"],
    "account-erase": ["Verwijder mijn account", "verwijderde deelnemer", "Account definitief verwijderen"],
    "contributions": ["Honden moeten aan de lijn.", "Komen er ook bankjes?", "Meer bomen in de Dorpsstraat"],
    "error-404": ["Niet gevonden", "Deze pagina bestaat niet (meer)."],
}
CASES = [pytest.param(name, path, who, id=f"{name}-{who}")
         for name, path, visible in PAGES for who in ("anoniem", "ingelogd")
         if visible == "both" or (visible, who) in (("anonymous", "anoniem"), ("citizen", "ingelogd"))]


@pytest.fixture(scope="module")
def contexts(browser, site):
    """One context logged out and one logged in (as the seeded citizen who took part in everything)."""
    made = {}
    for who in ("anoniem", "ingelogd"):
        context = browser.new_context(base_url=site.url, locale="nl-NL", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        made[who] = context
    page = made["ingelogd"].new_page()
    login(page, site.reader["email"], site.reader["password"])
    page.close()
    yield made
    for context in made.values():
        context.close()


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"[{violation['id']}] ({violation.get('impact')}) {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:300]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(page, name):
    screenshot(page, name)
    results = AXE.run(page, options=WCAG_21_AA)
    violations = results.response["violations"]
    assert results.response["testEngine"]["name"] == "axe-core"
    assert not violations, f"{len(violations)} WCAG 2.1 AA violation(s) on {page.url}:\n{describe(violations)}"


@pytest.mark.parametrize("name, path, who", CASES)
def test_page_has_no_wcag_violations(contexts, site, name, path, who):
    page = contexts[who].new_page()
    try:
        target = path.format(org=site.org, topic=site.topic, proposal=site.proposal, open_proposal=site.open_proposal)
        response = page.goto(target)
        assert response.status == (404 if path == NOT_FOUND else 200), f"{target} answered {response.status}"
        assert page.url == site.url + target, f"{target} went to {page.url}"
        assert page.locator("html").get_attribute("lang") == "nl"
        assert page.locator("h1").count() == 1
        for text in EXPECTED.get(name, ()):  # the page shows the state it is meant to be checked in
            assert page.get_by_text(text.format(org_name=site.org_name)).first.is_visible(), f"{text!r} not on {target}"
        if name == "topic":
            topic_checks(page, site, who)
        if name == "notifications":
            assert page.locator(".meedenken-notification--unread").count() >= 5
        if name == "proposal-open":
            assert page.get_by_role("button", name="Steun").count() == (1 if who == "ingelogd" else 0)
        assert_accessible(page, f"a11y-{name}-{who}")
    finally:
        page.close()


def topic_checks(page, site, who):
    """The topic page is in the state the test means to check: in consult, one statement answered
    and one not (for the citizen), reactions with an official answer; the reply forms open."""
    assert page.get_by_text("Uw mening telt: geef antwoord op de stellingen").is_visible()
    assert page.get_by_text("Officieel antwoord").count() >= 1
    answered, unanswered = (page.locator(f"#stelling-{sid}") for sid in site.statements)
    if who == "ingelogd":
        assert answered.get_by_role("button", name="Eens", exact=True).get_attribute("aria-pressed") == "true"
        assert answered.locator(".meedenken-tally").count() == 1
        assert unanswered.locator(".meedenken-tally").count() == 0
        assert page.get_by_text("Wacht op beoordeling").count() == 1
        page.locator("details").evaluate_all("all => all.forEach(d => { d.open = true; })")
    else:
        assert page.get_by_role("link", name="Log in om uw mening te geven").count() == 2


def test_register_with_errors_has_no_wcag_violations(contexts):
    page = contexts["anoniem"].new_page()
    try:
        page.goto("/registreren")
        page.get_by_label("Uw naam").fill("E")
        page.get_by_label("E-mailadres").fill("geen-adres")
        page.get_by_label("Wachtwoord").fill("kort")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Account maken").click()
        assert navigation.value.status == 422
        assert page.locator("[aria-invalid=true]").count() == 3
        assert page.locator(".utrecht-form-field-error-message").count() == 3
        assert_accessible(page, "a11y-register-errors-anoniem")
    finally:
        page.close()
