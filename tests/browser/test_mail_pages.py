"""The e-mail pages in the browser: confirming the address by the mailed link, the mail settings
(general and per followed topic) and the unsubscribe confirmation reached from a mail without being
logged in. axe on each state."""
import uuid

from journey import register_and_login
from test_account_security import CONFIRM_MAIL, mailed_token
from .conftest import login, status_text
from .test_official_pages import assert_accessible


def test_confirm_choose_and_unsubscribe(context, site, api, mailbox):
    email = f"mailpagina-{uuid.uuid4().hex[:6]}@example.nl"
    token = register_and_login(api, "Mila Mail", email)[1]
    assert api.post(f"/api/v1/topics/{site.topic}/follow", token=token).status_code == 204
    page = context.new_page()
    login(page, email)
    page.goto("/profiel")
    page.get_by_role("link", name="Berichten per e-mail").click()
    assert page.get_by_text("is nog niet bevestigd").is_visible()
    assert_accessible(page, "mail-settings-unconfirmed")

    page.goto(f"/e-mailadres-controleren?token={mailed_token(mailbox, email, CONFIRM_MAIL)}")
    assert_accessible(page, "mail-confirm-address")
    with page.expect_navigation():
        page.get_by_role("button", name="Bevestigen").click()
    assert status_text(page) == "Uw e-mailadres is bevestigd."
    assert page.get_by_text(f"Wij sturen berichten naar {email}.").is_visible()

    page.get_by_label("Direct, een e-mail per bericht").check()
    topic_choice = page.locator(f"#onderwerp-{site.topic}")
    topic_choice.select_option("weekly")
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").click()
    assert status_text(page) == "Opgeslagen."
    assert page.get_by_label("Direct, een e-mail per bericht").is_checked()
    assert topic_choice.input_value() == "weekly"
    assert_accessible(page, "mail-settings")
    preferences = api.get("/api/v1/me/mail-preferences", token=token).json()
    assert preferences["frequency"] == "immediately"
    assert {"topic_id": site.topic, "frequency": "weekly"} in preferences["topics"]

    page.context.clear_cookies()  # the link in a mail works without logging in
    account_id = api.get("/api/v1/me", token=token).json()["id"]
    link = _unsubscribe_link(api, mailbox, site, token, email)
    assert account_id in link
    page.goto(link)
    assert_accessible(page, "unsubscribe-confirm")
    page.get_by_role("button", name="Ja, afmelden").click()
    page.get_by_text("U bent afgemeld.").wait_for()
    assert_accessible(page, "unsubscribed")
    assert api.get("/api/v1/me/mail-preferences", token=token).json()["frequency"] == "never"


def _unsubscribe_link(api, mailbox, site, token, email):
    """The List-Unsubscribe link of a mail the citizen gets at once."""
    assert api.put("/api/v1/me/mail-preferences", {"frequency": "immediately"}, token=token).status_code == 200
    text = f"Mailpagina {uuid.uuid4().hex[:6]}"
    assert api.post(f"/api/v1/topics/{site.topic}/statements", {"text": text},
                    token=site.official_token).status_code == 201
    return mailbox.wait_for(email, text)[0]["List-Unsubscribe"].strip("<>")
