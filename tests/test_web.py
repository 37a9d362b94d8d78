"""The web pages over plain HTTP against the real stack (the browser tests in tests/browser drive
Chromium): every page answers, forms need their CSRF token, officials work in their workspace,
organisations keep their own house style, topics share well and each organisation has a feed."""
import re
import uuid
import xml.etree.ElementTree as ET

import pytest
import requests

from conftest import eventually
from journey import PASSWORD, register_and_login

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


class Browser:
    """A cookie-keeping client that fills in forms the way a browser without JavaScript does."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.session = requests.Session()

    def get(self, path, **kwargs):
        return self.session.get(self.base_url + path, timeout=30, **kwargs)

    def csrf(self, path="/inloggen"):
        return CSRF.search(self.get(path).text).group(1)

    def post(self, path, data, csrf_from="/inloggen", follow=False):
        form = {"csrf_token": self.csrf(csrf_from), **data}
        return self.session.post(self.base_url + path, data=form, allow_redirects=follow, timeout=30)

    def login(self, email, password=PASSWORD):
        answer = self.post("/inloggen", {"email": email, "wachtwoord": password, "terug": "/"})
        assert answer.status_code == 303, answer.text
        return self


@pytest.fixture(scope="module")
def official(platform, journey):
    email = [e for e in [journey.accounts["official"]["email"]]][0]
    return Browser(platform.url).login(email)


@pytest.fixture(scope="module")
def citizen(platform, api):
    email = f"web-{uuid.uuid4().hex[:6]}@example.nl"
    register_and_login(api, "Wendy", email)
    return Browser(platform.url).login(email)


def test_pages_answer_in_dutch_for_everyone(platform, journey):
    anonymous = Browser(platform.url)
    topic = journey.ids["topic"]
    for path in ("/", f"/organisaties/{journey.org}", f"/onderwerpen/{topic}", f"/organisaties/{journey.org}/agendapunten",
                 f"/agendapunten/{journey.ids['proposal']}", "/inloggen", "/registreren"):
        page = anonymous.get(path)
        assert page.status_code == 200, (path, page.status_code)
        assert '<html lang="nl">' in page.text and "utrecht-document" in page.text
    assert anonymous.get("/onderwerpen/" + "0" * 24).status_code == 404
    assert "Deze pagina bestaat niet" in anonymous.get("/onderwerpen/" + "0" * 24).text
    assert anonymous.get("/meldingen", allow_redirects=False).headers["Location"].startswith("/inloggen?terug=")


def test_forms_need_their_csrf_token(platform, citizen, journey):
    path = f"/onderwerpen/{journey.ids['topic']}/volgen"
    assert citizen.session.post(platform.url + path, data={"actie": "volgen"}, allow_redirects=False).status_code == 403
    assert citizen.session.post(platform.url + path, data={"actie": "volgen", "csrf_token": "0" * 64},
                                allow_redirects=False).status_code == 403
    assert citizen.post(path, {"actie": "volgen"}).status_code == 303


def test_session_cookie_is_http_only_and_same_site(platform, api):
    email = f"cookie-{uuid.uuid4().hex[:6]}@example.nl"
    register_and_login(api, "Koos", email)
    browser = Browser(platform.url)
    answer = browser.post("/inloggen", {"email": email, "wachtwoord": PASSWORD})
    cookie = [h for h in answer.raw.headers.getlist("Set-Cookie") if h.startswith("meedenken_sessie=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_citizen_answers_and_reacts_with_plain_forms(citizen, journey):
    topic = journey.ids["topic"]
    statement = journey.ids["statement"]
    answer = citizen.post(f"/stellingen/{statement}/antwoord", {"keuze": "agree", "onderwerp": topic})
    assert answer.status_code == 303 and answer.headers["Location"] == f"/onderwerpen/{topic}#stelling-{statement}"
    page = citizen.get(f"/onderwerpen/{topic}").text
    assert "Uw antwoord is opgeslagen." in page  # the status message after the redirect
    assert "Uw antwoord: eens." in page
    reacted = citizen.post(f"/onderwerpen/{topic}/reacties", {"tekst": "Graag meer schaduw <b>!</b>"})
    assert reacted.status_code == 303
    page = citizen.get(f"/onderwerpen/{topic}").text
    assert "Graag meer schaduw &lt;b&gt;!&lt;/b&gt;" in page  # escaped, never markup
    empty = citizen.post(f"/onderwerpen/{topic}/reacties", {"tekst": "  "})
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.text


def test_officials_use_their_workspace(official, citizen, journey, api):
    org = journey.org
    assert citizen.get(f"/beheer/{org}").status_code == 403
    workspace = official.get(f"/beheer/{org}")
    assert workspace.status_code == 200 and "Wacht op een officieel antwoord" in workspace.text
    created = official.post(f"/beheer/{org}/onderwerpen/nieuw", {
        "titel": "Snelheid op de Dorpsweg", "samenvatting": "Moet het 30 worden?", "tekst": "Uitleg.",
        "trefwoorden": "verkeer, veiligheid"}, csrf_from=f"/beheer/{org}")
    assert created.status_code == 303, created.text
    manage = created.headers["Location"]
    topic_id = manage.rsplit("/", 1)[1]
    assert api.get(f"/api/v1/topics/{topic_id}").status_code == 404  # a draft
    assert official.post(f"{manage}/fase", {"fase": "consult", "toelichting": "Praat mee"}, csrf_from=manage).status_code == 303
    assert official.post(f"{manage}/stellingen", {"stelling": "Dertig is veilig genoeg."}, csrf_from=manage).status_code == 303
    topic = api.get(f"/api/v1/topics/{topic_id}").json()
    assert topic["phase"] == "consult" and topic["tags"] == ["verkeer", "veiligheid"]
    assert [s["text"] for s in topic["statements"]] == ["Dertig is veilig genoeg."]
    # a citizen's reaction appears in the queue and gets an official answer from there
    assert citizen.post(f"/onderwerpen/{topic_id}/reacties", {"tekst": "Komen er drempels?"}).status_code == 303
    queue = official.get(f"/beheer/{org}").text
    assert "Komen er drempels?" in queue
    reaction_id = re.search(r'action="/beheer/reacties/([0-9a-f]{24})/antwoord"[^>]*>\s*<input type="hidden" name="csrf_token" value="[0-9a-f]+">\s*<input type="hidden" name="onderwerp" value="' + topic_id, queue).group(1)
    answered = official.post(f"/beheer/reacties/{reaction_id}/antwoord", {"onderwerp": topic_id, "tekst": "Ja, twee.",
                                                                          "terug": f"/beheer/{org}"}, csrf_from=manage)
    assert answered.status_code == 303
    assert "Komen er drempels?" not in official.get(f"/beheer/{org}").text
    thread = api.get(f"/api/v1/topics/{topic_id}/reactions").json()["items"][0]
    assert thread["replies"][0]["official_answer"] is True
    hidden = official.post(f"/beheer/reacties/{reaction_id}/moderatie", {"besluit": "hide", "reden": "Dubbel"}, csrf_from=manage)
    assert hidden.status_code == 303
    assert "Dubbel" in Browser(official.base_url).get(f"/onderwerpen/{topic_id}").text
    invalid = official.post(f"{manage}/fase", {"fase": "draft"}, csrf_from=manage)
    assert invalid.status_code == 422 and "Kies een volgende fase." in invalid.text


def test_each_organisation_has_its_own_theme(platform, cli):
    other = f"waterschap-{uuid.uuid4().hex[:6]}"
    assert cli("create-org", other, "Waterschap Proef", "--kind", "water_board").returncode == 0
    browser = Browser(platform.url)
    css = browser.get(f"/thema/{other}.css")
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert "--utrecht-button-primary-action-background-color: #01689b" in css.text  # the default house style
    assert browser.get("/thema/bestaat-niet.css").status_code == 404


def test_topic_pages_share_well(platform, journey):
    page = Browser(platform.url).get(f"/onderwerpen/{journey.ids['topic']}").text
    assert '<meta property="og:title" content="Een nieuw park aan de Vliet">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert "https://wa.me/?text=" in page
    # no inline or third-party scripts: only our own progressive-enhancement file
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/meedenken.js" defer>']


def test_each_organisation_has_an_atom_feed(platform, journey):
    answer = Browser(platform.url).get(f"/organisaties/{journey.org}/feed.atom")
    assert answer.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert "Een nieuw park aan de Vliet" in titles and "Een nieuw park aan de Vliet: nu raadplegen" in titles
    updated = [e.findtext("a:updated", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert updated == sorted(updated, reverse=True)


def test_notifications_page_lists_and_marks_read(platform, journey):
    browser = Browser(platform.url).login(journey.accounts["alice"]["email"])
    page = browser.get("/meldingen").text
    ids = re.findall(r'action="/meldingen/([0-9a-f]{24})/gelezen"', page)
    assert ids and "Uw agendapunt" in page
    assert browser.post(f"/meldingen/{ids[0]}/gelezen", {}, csrf_from="/meldingen").status_code == 303
    assert f"/meldingen/{ids[0]}/gelezen" not in browser.get("/meldingen").text


def test_unknown_addresses_get_a_page_outside_the_api(platform):
    browser = Browser(platform.url)
    page = browser.get("/bestaat-niet")
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
    assert "Deze pagina bestaat niet" in page.text
    api_answer = browser.get("/api/v1/bestaat-niet")
    assert api_answer.status_code == 404 and api_answer.headers["Content-Type"].startswith("application/problem+json")
