"""Real-browser tests of the citizen pages: Playwright drives Debian's Chromium (never a downloaded
browser) against the session's running platform. One browser and one seeded organisation serve
the whole session; each test opens its own context (its own cookies) or reuses a shared one."""
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT, eventually
from journey import PASSWORD, inbox, register_and_login

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / ".run" / "test-output" / "screenshots"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session", autouse=True)
def _chromium_installed():
    """CI installs Debian's chromium; without it these tests cannot run (and must not download one)."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser(_chromium_installed):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Site:
    """What the seed put on the platform, and how to reach it."""
    url: str
    org: str
    org_name: str
    other_org: str
    topic: str
    statements: list
    reaction: str
    official_answer: str
    proposal: str
    open_proposal: str
    reader: dict
    official_token: str
    helper_token: str
    tokens: dict = field(default_factory=dict)
    official: dict = field(default_factory=dict)


def create_consult_topic(api, official, org, title, statements, reader_token=None):
    """A topic published and moved to consult, with published statements by the official;
    ``reader_token`` follows it before it opens (so the reader gets its notifications)."""
    created = api.post("/api/v1/topics", {"org": org, "title": title, "summary": f"Wat vindt u van: {title}?",
                                          "body": "Eerste alinea met uitleg.\n\nTweede alinea.", "tags": ["groen"]},
                       token=official)
    assert created.status_code == 201, created.text
    topic_id = created.json()["id"]
    assert api.post(f"/api/v1/topics/{topic_id}/phase", {"phase": "inform", "note": "We beginnen"},
                    token=official).status_code == 200
    if reader_token:
        assert api.post(f"/api/v1/topics/{topic_id}/follow", token=reader_token).status_code == 204
    moved = api.post(f"/api/v1/topics/{topic_id}/phase", {"phase": "consult", "note": "Uw mening telt"},
                     token=official)
    assert moved.status_code == 200, moved.text
    ids = []
    for text in statements:
        made = api.post(f"/api/v1/topics/{topic_id}/statements", {"text": text}, token=official)
        assert made.status_code == 201 and made.json()["status"] == "published", made.text
        ids.append(made.json()["id"])
    return topic_id, ids


def official_reaction(api, official, topic_id, body="Welkom! Wij lezen alle reacties en antwoorden hier."):
    made = api.post(f"/api/v1/topics/{topic_id}/reactions", {"body": body}, token=official)
    assert made.status_code == 201 and made.json()["official_answer"] is True, made.text
    return made.json()["id"]


@pytest.fixture(scope="session")
def site(platform, api, cli):
    """One organisation for all browser tests (support threshold 2), a second one so the platform
    home lists organisations, an official, a topic in consult with two statements, a reaction with an
    official answer, agenda proposals, and a citizen ("reader") who took part in all of it."""
    run = uuid.uuid4().hex[:6]
    org, other = f"proefdorp-{run}", f"waterschap-{run}"
    org_name = "Gemeente Proefdorp"
    for slug, name in ((org, org_name), (other, "Waterschap De Vliet")):
        out = cli("create-org", slug, name, "--support-threshold", "2")
        assert out.returncode == 0, out.stderr
    official_email = f"ambtenaar-{run}@example.nl"
    out = cli("create-user", "--org", org, "--email", official_email, "--password", PASSWORD, "--role", "official",
              "--display-name", "Ambtenaar Jansen")
    assert out.returncode == 0, out.stderr
    login = api.post("/api/v1/auth/login", {"email": official_email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    official = login.json()["token"]
    reader_email = f"lezer-{run}@example.nl"
    _, reader = register_and_login(api, "Lieke Lezer", reader_email)
    _, helper = register_and_login(api, "Hans Helper", f"helper-{run}@example.nl")

    topic_id, statements = create_consult_topic(
        api, official, org, "Een nieuw park aan de Vliet",
        ["Het park moet autovrij zijn.", "Er moet een speeltuin komen."], reader_token=reader)
    # a topic to read only (inform), so the organisation home shows that group too
    reading = api.post("/api/v1/topics", {"org": org, "title": "Nieuwe fietsenstalling bij het station",
                                          "summary": "We onderzoeken waar die kan komen."}, token=official)
    assert reading.status_code == 201, reading.text
    assert api.post(f"/api/v1/topics/{reading.json()['id']}/phase", {"phase": "inform"},
                    token=official).status_code == 200

    # the reader answered the first statement (not the second), reacted, and proposed a statement
    assert api.put(f"/api/v1/statements/{statements[0]}/response", {"choice": "agree"},
                   token=reader).status_code == 200
    assert api.put(f"/api/v1/statements/{statements[0]}/response", {"choice": "disagree"},
                   token=helper).status_code == 200
    reaction = api.post(f"/api/v1/topics/{topic_id}/reactions", {"body": "Komen er ook bankjes?"}, token=reader)
    assert reaction.status_code == 201, reaction.text
    reply = api.post(f"/api/v1/topics/{topic_id}/reactions",
                     {"body": "Goed idee!", "parent_id": reaction.json()["id"]}, token=helper)
    assert reply.status_code == 201, reply.text
    answer = api.post(f"/api/v1/topics/{topic_id}/reactions",
                      {"body": "Ja, langs het water komen tien bankjes.", "parent_id": reaction.json()["id"]},
                      token=official)
    assert answer.status_code == 201 and answer.json()["official_answer"] is True, answer.text
    official_reaction(api, official, topic_id)
    pending = api.post(f"/api/v1/topics/{topic_id}/statements", {"text": "Honden moeten aan de lijn."}, token=reader)
    assert pending.status_code == 201 and pending.json()["status"] == "pending", pending.text

    # agenda proposals: the reader's has enough support; the helper's is open for support
    proposal = api.post("/api/v1/agenda-proposals", {"org": org, "title": "Meer bomen in de Dorpsstraat",
                                                     "motivation": "Het is er 's zomers veel te heet."}, token=reader)
    assert proposal.status_code == 201, proposal.text
    for token in (helper, official):
        assert api.post(f"/api/v1/agenda-proposals/{proposal.json()['id']}/support", token=token).status_code == 200
    open_proposal = api.post("/api/v1/agenda-proposals", {"org": org, "title": "Een bankje bij de bushalte",
                                                          "motivation": "Wachten is zwaar voor ouderen."},
                             token=helper)
    assert open_proposal.status_code == 201, open_proposal.text

    # the reader's inbox fills through events: the phase change, two statements, the official
    # answer and the proposal's threshold
    eventually(lambda: len(inbox(api, reader)) >= 5, timeout=30)
    eventually(lambda: api.get(f"/api/v1/agenda-proposals/{proposal.json()['id']}").json()["status"]
               == "threshold_reached", timeout=30)
    return Site(url=platform.url, org=org, org_name=org_name, other_org=other, topic=topic_id,
                statements=statements, reaction=reaction.json()["id"], official_answer=answer.json()["id"],
                proposal=proposal.json()["id"], open_proposal=open_proposal.json()["id"],
                reader={"email": reader_email, "password": PASSWORD, "name": "Lieke Lezer"},
                official_token=official, helper_token=helper, tokens={"reader": reader},
                official={"email": official_email, "password": PASSWORD, "name": "Ambtenaar Jansen"})


@pytest.fixture
def context(browser, site):
    """A fresh browser context (no cookies) per test."""
    context = browser.new_context(base_url=site.url, locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def status_text(page):
    """The status message a form left; the page puts it into its live region just after loading
    (so screen readers announce it), hence the wait."""
    region = page.get_by_role("status")
    region.locator(".utrecht-alert").wait_for()
    return region.inner_text().strip()


def login(page, email, password=PASSWORD, start="/inloggen"):
    """Log in through the login form; returns the response of the page the form redirected to."""
    page.goto(start)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    assert status_text(page) == "U bent ingelogd."
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    return page


def screenshot(page, name):
    """A full-page PNG under .run/test-output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
