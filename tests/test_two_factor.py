"""Two-factor login (TOTP) for officials: enrol, confirm, log in with a code (once), and an
organisation that requires it: its officials without it act as citizens there."""
import time
import uuid

import pyotp
import pytest
from pymongo import MongoClient

from conftest import eventually
from journey import PASSWORD, register_and_login


@pytest.fixture
def official(api, cli):
    return new_official(api, cli)


def new_official(api, cli):
    org = f"streng-{uuid.uuid4().hex[:6]}"
    email = f"ambtenaar-{org}@example.nl"
    assert cli("create-org", org, "Gemeente Streng").returncode == 0
    assert cli("create-user", "--org", org, "--email", email, "--password", PASSWORD, "--role", "official").returncode == 0
    return org, email, api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).json()["token"]


def enrol(api, token):
    started = api.post("/api/v1/me/two-factor", token=token)
    assert started.status_code == 200, started.text
    secret = started.json()["secret"]
    assert started.json()["uri"].startswith("otpauth://totp/Meedenken:")
    assert api.post("/api/v1/me/two-factor/confirm", {"code": "000000"}, token=token).status_code in (422,)
    confirmed = api.post("/api/v1/me/two-factor/confirm", {"code": pyotp.TOTP(secret).now()}, token=token)
    assert confirmed.status_code == 200, confirmed.text
    return pyotp.TOTP(secret), confirmed.json()["token"]


def test_an_official_enrols_and_then_logs_in_with_a_code_once(api, official):
    _, email, token = official
    totp, new_token = enrol(api, token)
    assert api.get("/api/v1/me", token=token).status_code == 401  # tokens from before are revoked
    assert api.get("/api/v1/me", token=new_token).json()["two_factor"] is True
    without = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD})
    assert without.status_code == 401 and without.json()["type"].endswith("two-factor-required")
    wrong = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD, "code": "123456"})
    assert wrong.status_code == 401
    code = totp.at(time.time() + 30)  # the next time step: the current one was used to confirm
    assert api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD, "code": code}).status_code == 200
    replay = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD, "code": code})
    assert replay.status_code == 401 and replay.json()["type"].endswith("two-factor-failed")
    # a wrong password says nothing about the code
    assert api.post("/api/v1/auth/login", {"email": email, "password": "fout fout fout"}).json()["type"].endswith("unauthorized")


def test_the_stored_secret_is_encrypted_and_bound_to_its_account(api, cli, platform, official):
    _, email, token = official
    secret = api.post("/api/v1/me/two-factor", token=token).json()["secret"]
    with MongoClient(platform.mongo_uri) as client:
        accounts = client[f"{platform.db_prefix}gateway"].accounts
        stored = accounts.find_one({"email": email})["totp_pending"]
        assert stored.startswith("aesgcm1:") and secret not in stored
        assert api.post("/api/v1/me/two-factor/confirm", {"code": pyotp.TOTP(secret).now()}, token=token).status_code == 200
        account = accounts.find_one({"email": email})
        assert account["totp_secret"] == stored
        # copied to another account, the secret does not open: a login there fails, not a 500
        _, other_email, _ = new_official(api, cli)
        accounts.update_one({"email": other_email}, {"$set": {"totp_secret": stored}})
    login = api.post("/api/v1/auth/login", {"email": other_email, "password": PASSWORD, "code": pyotp.TOTP(secret).now()})
    assert login.status_code == 401


def test_citizens_cannot_enrol(api):
    token = register_and_login(api, "Cor", f"cor-{uuid.uuid4().hex[:6]}@example.nl")[1]
    assert api.post("/api/v1/me/two-factor", token=token).status_code == 403


def test_an_organisation_can_require_two_factor_login_of_its_officials(api, cli, official):
    org, _, token = official
    topic = {"org": org, "title": "Tweestaps", "summary": "Alleen met code"}
    assert api.post("/api/v1/topics", topic, token=token).status_code == 201
    assert cli("require-two-factor", org).returncode == 0
    # the policy is cached for 30 s per gateway worker
    eventually(lambda: api.post("/api/v1/topics", topic, token=token).status_code == 403, timeout=40, interval=1)
    _, new_token = enrol(api, token)
    assert api.post("/api/v1/topics", topic, token=new_token).status_code == 201
