"""Accounts per ASVS V2/V3: the password rule (12+ characters, no common or breached password),
password reset and e-mail change by signed, expiring, single-use links, password change, and
"log out everywhere" revoking every token."""
import re
import uuid
from urllib.parse import parse_qs, urlparse

import pytest
from pymongo import MongoClient

from journey import PASSWORD, register_and_login
from meedenken_gateway import accounts
from meedenken_gateway.settings import Settings

NEW_PASSWORD = "een heel ander wachtwoord"


@pytest.fixture(scope="module")
def gateway_db(platform):
    client = MongoClient(platform.mongo_uri, tz_aware=True)
    yield client[f"{platform.db_prefix}gateway"]
    client.close()


def fresh_citizen(api):
    email = f"veilig-{uuid.uuid4().hex[:8]}@example.nl"
    return email, register_and_login(api, "Veilig", email)[1]


RESET_MAIL, CHANGE_MAIL, CONFIRM_MAIL = "Nieuw wachtwoord", "nieuwe e-mailadres", "Bevestig uw e-mailadres"


def mailed_token(mailbox, to, subject_contains):
    """The token of the link in the newest such mail to ``to``, as the SMTP server received it."""
    mail = mailbox.wait_for(to, subject_contains)[-1]
    link = re.search(r"https?://\S+", mail.get_content()).group(0)
    return parse_qs(urlparse(link).query)["token"][0]


@pytest.mark.parametrize("password", ["kort", "password1234", "Qwerty123456", "1q2w3e4r5t6y"])
def test_short_and_common_passwords_are_refused(api, password):
    answer = api.post("/api/v1/auth/register", {"email": f"zwak-{uuid.uuid4().hex[:6]}@example.nl",
                                                "password": password, "display_name": "Zwak"})
    assert answer.status_code == 422, answer.text
    assert "password" in answer.json()["errors"]


def test_a_long_uncommon_password_needs_no_digits_or_capitals(api):
    answer = api.post("/api/v1/auth/register", {"email": f"zin-{uuid.uuid4().hex[:6]}@example.nl",
                                                "password": "fietsen langs de vliet", "display_name": "Zin"})
    assert answer.status_code == 201, answer.text


def test_a_reset_link_works_once_and_ends_every_session(api, mailbox):
    email, token = fresh_citizen(api)
    unknown = api.post("/api/v1/auth/password-reset", {"email": f"niemand-{uuid.uuid4().hex[:6]}@example.nl"})
    known = api.post("/api/v1/auth/password-reset", {"email": email.upper()})
    assert unknown.status_code == known.status_code == 202 and unknown.content == known.content == b""
    link = mailed_token(mailbox, email, RESET_MAIL)
    assert api.post("/api/v1/auth/password-reset/confirm", {"token": link, "password": "password1234"}).status_code == 422
    assert api.post("/api/v1/auth/password-reset/confirm", {"token": link, "password": NEW_PASSWORD}).status_code == 204
    assert api.post("/api/v1/auth/password-reset/confirm", {"token": link, "password": NEW_PASSWORD + "!"}).status_code == 400
    assert api.get("/api/v1/me", token=token).status_code == 401
    assert api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).status_code == 401
    assert api.post("/api/v1/auth/login", {"email": email, "password": NEW_PASSWORD}).status_code == 200


def test_an_expired_or_foreign_link_is_refused(api, gateway_db):
    email, _ = fresh_citizen(api)
    account = gateway_db.accounts.find_one({"email": email})
    settings = Settings.from_env({})  # the test platform runs with the development secret
    expired = accounts.issue_link_token(settings, account, "password-reset", seconds=-1)
    email_link = accounts.issue_link_token(settings, account, "email-change", seconds=600, email="x@example.nl")
    for token in (expired, email_link, "niet-een-token"):
        answer = api.post("/api/v1/auth/password-reset/confirm", {"token": token, "password": NEW_PASSWORD})
        assert answer.status_code == 400, answer.text


def test_changing_the_password_needs_the_current_one_and_revokes_earlier_tokens(api):
    email, token = fresh_citizen(api)
    wrong = api.post("/api/v1/me/password", {"current_password": "fout fout fout", "password": NEW_PASSWORD}, token=token)
    assert wrong.status_code == 403
    changed = api.post("/api/v1/me/password", {"current_password": PASSWORD, "password": NEW_PASSWORD}, token=token)
    assert changed.status_code == 200, changed.text
    assert api.get("/api/v1/me", token=token).status_code == 401
    assert api.get("/api/v1/me", token=changed.json()["token"]).json()["email"] == email


def test_an_email_change_is_confirmed_by_a_link_to_the_new_address(api, mailbox):
    email, token = fresh_citizen(api)
    new_email = f"nieuw-{uuid.uuid4().hex[:8]}@example.nl"
    assert api.post("/api/v1/me/email", {"email": new_email, "current_password": "fout fout fout"}, token=token).status_code == 403
    assert api.post("/api/v1/me/email", {"email": new_email, "current_password": PASSWORD}, token=token).status_code == 202
    assert api.get("/api/v1/me", token=token).json()["email"] == email  # not before it is confirmed
    link = mailed_token(mailbox, new_email, CHANGE_MAIL)
    assert api.post("/api/v1/auth/email-change/confirm", {"token": link}).status_code == 204
    assert api.post("/api/v1/auth/email-change/confirm", {"token": link}).status_code == 400
    assert api.post("/api/v1/auth/login", {"email": new_email, "password": PASSWORD}).status_code == 200


def test_logout_everywhere_revokes_every_token(api):
    email, first = fresh_citizen(api)
    second = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).json()["token"]
    # first use of these tokens: no gateway worker holds the account in its 30 s cache yet
    assert api.post("/api/v1/me/logout-everywhere", token=first).status_code == 204
    for _ in range(4):  # whichever worker answers
        assert api.get("/api/v1/me", token=first).status_code == 401
        assert api.get("/api/v1/me", token=second).status_code == 401
    third = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).json()["token"]
    assert api.get("/api/v1/me", token=third).status_code == 200


def test_logging_out_revokes_that_token_only(api):
    email, first = fresh_citizen(api)
    second = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).json()["token"]
    assert api.post("/api/v1/auth/logout", token=first).status_code == 204
    for _ in range(4):  # whichever worker answers (none had the account cached before)
        assert api.get("/api/v1/me", token=first).status_code == 401
    assert api.get("/api/v1/me", token=second).status_code == 200
