"""The citizen pages in a real browser: the whole journey through the forms, keyboard only, form
errors, CSRF, the language switch and the layout at 200% zoom."""
import re
import urllib.parse
import uuid

from conftest import eventually
from journey import PASSWORD, register_and_login

from .conftest import create_consult_topic, login, official_reaction, screenshot, status_text

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = !!style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || '').trim().slice(0, 60),
          href: el.getAttribute('href'), name: el.getAttribute('name'), value: el.getAttribute('value'),
          form: el.form ? el.form.getAttribute('action') : null, className: el.className,
          outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`, boxShadow: style.boxShadow,
          indicator: outline || shadow, shown: box.width > 1 && box.height > 1};
}"""
NO_HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


def submit(page, action, expect_path):
    """Run ``action`` (it submits a form) and check POST-redirect-GET: the POST answers 303 and the
    browser ends on a GET page at ``expect_path`` (a regex on the path and fragment)."""
    with page.expect_navigation() as navigation:
        action()
    response = navigation.value
    assert response.request.method == "GET" and response.status == 200, (response.request.method, response.status)
    posted = response.request.redirected_from
    assert posted is not None and posted.method == "POST", "the form did not redirect after its POST"
    assert posted.response().status == 303
    parts = urllib.parse.urlsplit(page.url)
    path = parts.path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    assert re.fullmatch(expect_path, path), f"ended on {path}, expected {expect_path}"
    return response


def inbox_count(page):
    return page.locator(".meedenken-notification").count()


def test_citizen_journey_in_the_browser(page, site, api):
    run = uuid.uuid4().hex[:6]
    title = f"Een speelplek aan de Molenweg {run}"
    topic_id, (first, second) = create_consult_topic(
        api, site.official_token, site.org, title,
        ["De speelplek moet ook voor peuters zijn.", "Er moet een hek omheen."])
    welcome = "Reageer gerust: wij lezen mee."
    official_reaction(api, site.official_token, topic_id, welcome)

    # register: lands logged in on the platform home, with the welcome as status message
    page.goto("/registreren")
    page.get_by_label("Uw naam").fill("Dirk Deelnemer")
    page.get_by_label("E-mailadres").fill(f"dirk-{run}@example.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    submit(page, lambda: page.get_by_role("button", name="Account maken").click(), r"/")
    assert status_text(page) == "Welkom! Uw account is aangemaakt en u bent ingelogd."
    header = page.get_by_role("banner")
    assert header.get_by_role("link", name="Dirk Deelnemer").is_visible()
    assert header.get_by_role("button", name="Uitloggen").is_visible()
    assert header.get_by_role("link", name="Inloggen").count() == 0

    # the organisation home, then the topic
    with page.expect_navigation():
        page.locator(f'main a[href="/organisaties/{site.org}"]').click()
    assert page.url == f"{site.url}/organisaties/{site.org}"
    assert page.get_by_role("heading", level=1).inner_text() == f"Denk mee met {site.org_name}"
    with page.expect_navigation():
        page.get_by_role("heading", name=title).get_by_role("link").click()
    assert page.url == f"{site.url}/onderwerpen/{topic_id}"
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert page.locator(".meedenken-ladder__step--current").inner_text().startswith("Raadplegen")

    # follow
    submit(page, lambda: page.get_by_role("button", name="Volgen", exact=True).click(), f"/onderwerpen/{topic_id}")
    assert status_text(page) == "U volgt dit onderwerp. U krijgt een melding bij nieuws."
    assert page.get_by_role("button", name="Niet meer volgen").is_visible()
    assert page.get_by_text("1 volger", exact=True).is_visible()

    # answer a statement: the tallies show only after answering; the choice is aria-pressed
    statement = page.locator(f"#stelling-{first}")
    assert statement.locator(".meedenken-tally").count() == 0
    assert [b.get_attribute("aria-pressed") for b in statement.get_by_role("button").all()] == ["false"] * 3
    submit(page, lambda: statement.get_by_role("button", name="Eens", exact=True).click(),
           f"/onderwerpen/{topic_id}#stelling-{first}")
    assert status_text(page) == "Uw antwoord is opgeslagen."
    assert statement.get_by_role("button", name="Eens", exact=True).get_attribute("aria-pressed") == "true"
    assert statement.get_by_role("button", name="Oneens", exact=True).get_attribute("aria-pressed") == "false"
    tally = statement.locator(".meedenken-tally")
    assert "Uw antwoord: eens." in tally.inner_text() and "1 eens, 0 oneens, 0 overgeslagen" in tally.inner_text()
    assert page.locator(f"#stelling-{second} .meedenken-tally").count() == 0
    # ... and change it
    submit(page, lambda: statement.get_by_role("button", name="Oneens", exact=True).click(),
           f"/onderwerpen/{topic_id}#stelling-{first}")
    assert statement.get_by_role("button", name="Oneens", exact=True).get_attribute("aria-pressed") == "true"
    assert statement.get_by_role("button", name="Eens", exact=True).get_attribute("aria-pressed") == "false"
    assert "0 eens, 1 oneens, 0 overgeslagen" in statement.locator(".meedenken-tally").inner_text()

    # a reaction
    page.get_by_label("Uw reactie").fill("Kan er ook een watertappunt komen?")
    submit(page, lambda: page.get_by_role("button", name="Plaats reactie").click(),
           f"/onderwerpen/{topic_id}#reactie-[0-9a-f]{{24}}")
    assert status_text(page) == "Uw reactie is geplaatst."
    mine = page.locator("#" + page.url.split("#")[1])
    assert "Kan er ook een watertappunt komen?" in mine.inner_text() and "Dirk Deelnemer" in mine.inner_text()

    # a reply to the official's reaction
    thread = page.locator("article.meedenken-reaction", has_text=welcome)
    assert "Officieel antwoord" in thread.inner_text()
    thread.locator("summary").click()
    thread.get_by_label("Uw antwoord").fill("Dank u, dat is fijn om te horen.")
    submit(page, lambda: thread.get_by_role("button", name="Plaats antwoord").click(),
           f"/onderwerpen/{topic_id}#reactie-[0-9a-f]{{24}}")
    assert status_text(page) == "Uw reactie is geplaatst."
    reply = thread.locator(".meedenken-reaction--reply", has_text="Dank u, dat is fijn om te horen.")
    assert reply.count() == 1 and "Dirk Deelnemer" in reply.inner_text()

    # propose a statement: it waits for moderation
    page.get_by_label("Stel een stelling voor").fill("Er moeten bankjes in de schaduw komen.")
    submit(page, lambda: page.get_by_role("button", name="Stelling voorstellen").click(),
           f"/onderwerpen/{topic_id}#stellingen")
    assert status_text(page) == "Bedankt! Uw stelling wordt eerst bekeken door een medewerker."
    proposed = page.locator("article.meedenken-statement", has_text="Er moeten bankjes in de schaduw komen.")
    assert "Wacht op beoordeling" in proposed.inner_text()
    assert proposed.get_by_role("button").count() == 0
    page.goto("/mijn-bijdragen")
    mine = page.get_by_role("listitem").filter(has_text="Er moeten bankjes in de schaduw komen.")
    assert "wacht op beoordeling" in mine.inner_text()

    # propose an agenda item
    page.goto(f"/organisaties/{site.org}/agendapunten/nieuw")
    page.get_by_label("Titel").fill(f"Een zebrapad bij school {run}")
    page.get_by_label("Toelichting").fill("Kinderen steken hier elke ochtend over tussen de auto's.")
    submit(page, lambda: page.get_by_role("button", name="Indienen").click(), r"/agendapunten/[0-9a-f]{24}")
    assert status_text(page) == "Uw agendapunt is ingediend. Verzamel nu steun!"
    proposal_url = page.url
    proposal_id = proposal_url.rsplit("/", 1)[1]
    assert page.get_by_role("heading", level=1).inner_text() == f"Een zebrapad bij school {run}"
    assert page.get_by_text("0 van 2 steunbetuigingen").is_visible()

    # two other citizens support it (API) until the threshold
    for name in ("Eva", "Femke"):
        _, token = register_and_login(api, name, f"{name.lower()}-{run}@example.nl")
        assert api.post(f"/api/v1/agenda-proposals/{proposal_id}/support", token=token).status_code == 200
    page.reload()
    assert page.get_by_text("2 van 2 steunbetuigingen").is_visible()

    def marked_as_enough():  # the proposal's status follows the threshold event
        page.reload()
        return page.get_by_text("Genoeg steun").is_visible()

    eventually(marked_as_enough, timeout=30, interval=0.5)

    # the official moves the topic on; both notifications arrive in /meldingen
    moved = api.post(f"/api/v1/topics/{topic_id}/phase", {"phase": "advise", "note": "Bedankt voor uw mening"},
                     token=site.official_token)
    assert moved.status_code == 200, moved.text

    def inbox_filled():
        page.goto("/meldingen")
        return inbox_count(page) == 2

    eventually(inbox_filled, timeout=30, interval=0.5)
    assert page.get_by_text("U heeft 2 ongelezen meldingen.").is_visible()
    phase_item = page.locator(".meedenken-notification", has_text=f"‘{title}’ is nu in de fase adviseren")
    threshold_item = page.locator(".meedenken-notification",
                                  has_text=f"Uw agendapunt ‘Een zebrapad bij school {run}’ heeft genoeg steun")
    assert phase_item.count() == 1 and threshold_item.count() == 1
    assert threshold_item.get_by_role("link").get_attribute("href") == f"/agendapunten/{proposal_id}"
    screenshot(page, "journey-notifications")
    submit(page, lambda: threshold_item.get_by_role("button", name="Markeer als gelezen").click(), "/meldingen")
    assert page.get_by_text("U heeft 1 ongelezen melding.").is_visible()
    assert "Nieuw" not in threshold_item.inner_text() and threshold_item.get_by_role("button").count() == 0
    assert "Nieuw" in phase_item.inner_text()

    # log out
    submit(page, lambda: page.get_by_role("banner").get_by_role("button", name="Uitloggen").click(), "/")
    assert status_text(page) == "U bent uitgelogd."
    assert page.get_by_role("banner").get_by_role("link", name="Inloggen").is_visible()
    assert page.get_by_role("banner").get_by_role("button", name="Uitloggen").count() == 0
    page.goto("/meldingen")
    assert page.url == f"{site.url}/inloggen?terug=%2Fmeldingen"
    assert status_text(page) == "Log in om mee te doen."


def tab_to(page, wanted, limit=80):
    """Press Tab until the focused element matches; every element on the way has a visible focus
    indicator (an outline or a box shadow)."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["indicator"], f"no visible focus indicator on {focused}"
        assert focused["shown"], f"the focused element is not visible: {focused}"
        passed.append(focused["text"] or focused["id"] or focused["href"])
        if wanted(focused):
            return focused
    raise AssertionError(f"never reached the element by Tab; passed {passed}")


def test_keyboard_only_journey(page, site, api):
    run = uuid.uuid4().hex[:6]
    email = f"toetsenbord-{run}@example.nl"
    register_and_login(api, "Tim Toetsenbord", email)
    org_home = f"/organisaties/{site.org}"

    # the skip link is the first stop and moves focus to the content
    page.goto(org_home)
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["href"] == "#inhoud" and first["text"] == "Naar de inhoud", first
    assert first["indicator"] and first["shown"], first
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "inhoud"

    # log in
    page.goto(org_home)
    tab_to(page, lambda f: f["text"] == "Inloggen" and f["tag"] == "a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(f"{site.url}/inloggen?terug=")
    tab_to(page, lambda f: f["id"] == "veld-email")
    page.keyboard.type(email)
    tab_to(page, lambda f: f["id"] == "veld-password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{site.url}{org_home}"
    assert status_text(page) == "U bent ingelogd."

    # reach the topic, answer its second statement
    tab_to(page, lambda f: f["href"] == f"/onderwerpen/{site.topic}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{site.url}/onderwerpen/{site.topic}"
    statement = site.statements[1]
    tab_to(page, lambda f: f["form"] == f"/stellingen/{statement}/antwoord" and f["value"] == "agree")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert page.url == f"{site.url}/onderwerpen/{site.topic}#stelling-{statement}"
    assert status_text(page) == "Uw antwoord is opgeslagen."
    chosen = page.locator(f"#stelling-{statement}").get_by_role("button", name="Eens", exact=True)
    assert chosen.get_attribute("aria-pressed") == "true"

    # post a reaction
    tab_to(page, lambda f: f["id"] == "veld-body")
    page.keyboard.type("Met alleen het toetsenbord: graag meer verlichting.")
    tab_to(page, lambda f: f["text"] == "Plaats reactie")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"#reactie-[0-9a-f]{24}$", page.url), page.url
    assert status_text(page) == "Uw reactie is geplaatst."
    posted = page.locator("#" + page.url.split("#")[1])
    assert "Met alleen het toetsenbord: graag meer verlichting." in posted.inner_text()
    assert "Tim Toetsenbord" in posted.inner_text()


def test_register_form_errors(page, site):
    page.goto("/registreren")
    page.get_by_label("Uw naam").fill("Gijs")
    page.get_by_label("E-mailadres").fill("geen-e-mailadres")
    page.get_by_label("Wachtwoord").fill("kort")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Account maken").click()
    assert navigation.value.status == 422 and navigation.value.request.method == "POST"
    screenshot(page, "register-errors")
    assert page.get_by_role("heading", level=1).inner_text() == "Account maken"
    for field, message in (("email", "Vul een geldig e-mailadres in."),
                           ("password", "Kies een wachtwoord van minstens 12 tekens.")):
        box = page.locator(f"#veld-{field}")
        error = page.locator(f"#veld-{field}-fout")
        assert error.inner_text().strip() == message
        assert box.get_attribute("aria-invalid") == "true"
        assert f"veld-{field}-fout" in box.get_attribute("aria-describedby").split()
        # the error is next to its field: inside the same form field
        assert page.locator(".utrecht-form-field", has=box).locator(f"#veld-{field}-fout").count() == 1
    name = page.get_by_label("Uw naam")
    assert name.input_value() == "Gijs"
    assert name.get_attribute("aria-invalid") is None
    assert page.get_by_label("E-mailadres").input_value() == "geen-e-mailadres"
    assert page.get_by_label("Wachtwoord").input_value() == ""  # a password is never sent back
    assert page.get_by_role("banner").get_by_role("link", name="Inloggen").is_visible()  # not registered


def test_posts_need_the_csrf_token(page, site):
    page.goto("/registreren")
    token = page.locator("input[name=csrf_token]").first.input_value()
    assert len(token) == 64
    form = {"naam": "Hanna", "email": "hanna@", "wachtwoord": "kort"}
    for path in ("/registreren", "/inloggen", "/uitloggen", f"/onderwerpen/{site.topic}/volgen"):
        without = page.request.post(site.url + path, form=form, max_redirects=0)
        assert without.status == 403, (path, without.status)
        assert "Niet toegestaan" in without.text()
        wrong = page.request.post(site.url + path, form={**form, "csrf_token": "0" * 64}, max_redirects=0)
        assert wrong.status == 403, (path, wrong.status)
    # with this browser's token the same form passes the check (and fails on its content)
    right = page.request.post(site.url + "/registreren", form={**form, "csrf_token": token}, max_redirects=0)
    assert right.status == 422


def test_english_in_the_footer(page, site):
    page.goto(f"/organisaties/{site.org}")
    assert page.locator("html").get_attribute("lang") == "nl"
    with page.expect_navigation():
        page.get_by_role("contentinfo").get_by_role("link", name="English").click()
    assert page.url == f"{site.url}/organisaties/{site.org}"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_role("contentinfo").get_by_role("link", name="English").get_attribute("aria-current") == "true"
    page.goto(f"/onderwerpen/{site.topic}")  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Een nieuw park aan de Vliet"


def test_no_horizontal_scrolling_at_200_percent_zoom(browser, site):
    """640×480 CSS pixels is a 1280×960 screen at 200% zoom (WCAG 1.4.10 reflow)."""
    context = browser.new_context(base_url=site.url, locale="nl-NL", viewport={"width": 640, "height": 480},
                                  device_scale_factor=2)
    try:
        page = context.new_page()
        pages = {"org-home": f"/organisaties/{site.org}", "topic": f"/onderwerpen/{site.topic}",
                 "proposals": f"/organisaties/{site.org}/agendapunten"}
        for who in ("anoniem", "ingelogd"):
            if who == "ingelogd":
                login(page, site.reader["email"], site.reader["password"])
            for name, path in pages.items():
                page.goto(path)
                page.locator("details").evaluate_all("all => all.forEach(d => { d.open = true; })")
                assert page.evaluate("() => document.documentElement.clientWidth") == 640
                wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                    .map(el => el.tagName + '.' + el.className).slice(0, 5)""")
                assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{path} ({who}) scrolls sideways at 640px: {wide}"
                screenshot(page, f"zoom-200-{name}-{who}")
    finally:
        context.close()
