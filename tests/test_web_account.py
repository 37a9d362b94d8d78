"""The account pages: a forgotten password by mailed link (once), confirming a new e-mail address,
log out everywhere from the profile, and a common password refused on the register form."""
import uuid

from journey import PASSWORD, register_and_login
from test_account_security import CHANGE_MAIL, NEW_PASSWORD, RESET_MAIL, mailed_token
from test_web import Browser


def test_a_forgotten_password_is_reset_by_the_mailed_link_once(platform, api, mailbox):
    email = f"vergeten-{uuid.uuid4().hex[:6]}@example.nl"
    register_and_login(api, "Vera", email)
    browser = Browser(platform.url)
    assert 'href="/wachtwoord-vergeten"' in browser.get("/inloggen").text
    sent = browser.post("/wachtwoord-vergeten", {"email": email}, csrf_from="/wachtwoord-vergeten")
    assert sent.status_code == 303 and sent.headers["Location"] == "/inloggen"
    token = mailed_token(mailbox, email, RESET_MAIL)
    form = browser.get(f"/wachtwoord-herstellen?token={token}")
    assert form.status_code == 200 and f'value="{token}"' in form.text
    done = browser.post("/wachtwoord-herstellen", {"token": token, "wachtwoord": NEW_PASSWORD},
                        csrf_from="/wachtwoord-vergeten")
    assert done.status_code == 303, done.text
    again = browser.post("/wachtwoord-herstellen", {"token": token, "wachtwoord": NEW_PASSWORD + "!"},
                         csrf_from="/wachtwoord-vergeten")
    assert again.status_code == 422 and "ongeldig, verlopen of al gebruikt" in again.text
    Browser(platform.url).login(email, NEW_PASSWORD)


def test_a_new_email_address_is_confirmed_on_a_page(platform, api, mailbox):
    email = f"oud-{uuid.uuid4().hex[:6]}@example.nl"
    token = register_and_login(api, "Otto", email)[1]
    new_email = f"nieuw-{uuid.uuid4().hex[:6]}@example.nl"
    assert api.post("/api/v1/me/email", {"email": new_email, "current_password": PASSWORD}, token=token).status_code == 202
    link = mailed_token(mailbox, new_email, CHANGE_MAIL)
    browser = Browser(platform.url)
    assert browser.get(f"/e-mailadres-bevestigen?token={link}").status_code == 200
    confirmed = browser.post("/e-mailadres-bevestigen", {"token": link}, csrf_from="/wachtwoord-vergeten")
    assert confirmed.status_code == 303, confirmed.text
    Browser(platform.url).login(new_email)


def test_the_password_and_the_email_address_change_on_the_profile(platform, api, mailbox):
    email = f"profiel-{uuid.uuid4().hex[:6]}@example.nl"
    token = register_and_login(api, "Pim", email)[1]
    browser = Browser(platform.url).login(email)
    wrong = browser.post("/profiel/wachtwoord", {"huidig_wachtwoord": "fout fout fout", "wachtwoord": NEW_PASSWORD},
                         csrf_from="/profiel")
    assert wrong.status_code == 422 and "niet uw huidige wachtwoord" in wrong.text
    assert wrong.text.count('aria-invalid="true"') == 1  # only in the form that was sent
    changed = browser.post("/profiel/wachtwoord", {"huidig_wachtwoord": PASSWORD, "wachtwoord": NEW_PASSWORD},
                           csrf_from="/profiel", follow=True)
    assert changed.url.endswith("/profiel") and "Uw nieuwe wachtwoord is opgeslagen" in changed.text
    assert api.get("/api/v1/me", token=token).status_code == 401  # other sessions ended, this one goes on
    new_email = f"profiel-nieuw-{uuid.uuid4().hex[:6]}@example.nl"
    sent = browser.post("/profiel/e-mailadres", {"email": new_email, "huidig_wachtwoord": NEW_PASSWORD},
                        csrf_from="/profiel")
    assert sent.status_code == 303
    assert mailed_token(mailbox, new_email, CHANGE_MAIL)


def test_log_out_everywhere_from_the_profile(platform, api):
    email = f"overal-{uuid.uuid4().hex[:6]}@example.nl"
    token = register_and_login(api, "Olga", email)[1]
    browser = Browser(platform.url).login(email)
    assert "/overal-uitloggen" in browser.get("/profiel").text
    out = browser.post("/overal-uitloggen", {}, csrf_from="/profiel")
    assert out.status_code == 303
    assert api.get("/api/v1/me", token=token).status_code == 401
    assert browser.get("/profiel", allow_redirects=False).status_code == 303  # the session ended too


def test_logging_out_ends_the_session_on_the_server(platform, api):
    email = f"uit-{uuid.uuid4().hex[:6]}@example.nl"
    register_and_login(api, "Ugo", email)
    browser = Browser(platform.url).login(email)
    token = browser.session.cookies.get("meedenken_sessie")
    assert browser.post("/uitloggen", {}, csrf_from="/profiel").status_code == 303
    assert api.get("/api/v1/me", token=token).status_code == 401  # a copied cookie is worthless now


def test_the_register_form_refuses_a_common_password(platform):
    browser = Browser(platform.url)
    answer = browser.post("/registreren", {"naam": "Piet", "email": f"piet-{uuid.uuid4().hex[:6]}@example.nl",
                                           "wachtwoord": "password1234"}, csrf_from="/registreren")
    assert answer.status_code == 422 and "gelekte wachtwoorden" in answer.text


def test_an_official_sets_up_two_factor_login_on_the_profile_and_logs_in_with_a_code(platform, api, cli):
    import re
    import time

    import pyotp
    org = f"code-{uuid.uuid4().hex[:6]}"
    email = f"ambtenaar-{org}@example.nl"
    assert cli("create-org", org, "Gemeente Code").returncode == 0
    assert cli("create-user", "--org", org, "--email", email, "--password", PASSWORD, "--role", "official").returncode == 0
    browser = Browser(platform.url).login(email)
    assert "/tweestapsverificatie" in browser.get("/profiel").text
    started = browser.post("/tweestapsverificatie", {}, csrf_from="/profiel", follow=True)
    secret = re.search(r'name="secret" value="([A-Z2-7]+)"', started.text).group(1)
    totp = pyotp.TOTP(secret)
    wrong = browser.post("/tweestapsverificatie", {"code": "000000", "secret": secret}, csrf_from="/profiel")
    assert wrong.status_code == 422 and "klopt niet" in wrong.text
    on = browser.post("/tweestapsverificatie", {"code": totp.now(), "secret": secret}, csrf_from="/profiel", follow=True)
    assert "Tweestapsverificatie staat aan" in on.text  # still logged in, with a new session
    other = Browser(platform.url)
    refused = other.post("/inloggen", {"email": email, "wachtwoord": PASSWORD, "terug": "/"})
    assert refused.status_code == 422 and "klopt niet" in refused.text
    logged_in = other.post("/inloggen", {"email": email, "wachtwoord": PASSWORD, "code": totp.at(time.time() + 30),
                                         "terug": "/"})
    assert logged_in.status_code == 303
