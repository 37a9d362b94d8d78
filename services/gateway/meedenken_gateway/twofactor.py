"""Two-factor login with TOTP (RFC 6238, pyotp) for officials and admins, and the organisations
that require it of their officials (a gateway setting: the gateway authenticates, ADR 0003).

An official of such an organisation without two-factor login acts as a citizen there until they
enrol: the services never see that role. A code is accepted once (the time step of the last one
used is kept), within one step (30 s) of clock drift.

TOTP secrets are stored encrypted (AES-256-GCM, the account id as associated data, so a secret
copied to another account does not decrypt) under ``TOTP_KEY``, by default derived from
``SECRET_KEY``: a copy of the database alone does not give anyone the codes."""
import base64
import logging
import os
import time

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)
ISSUER = "Meedenken"
STEP = 30


def may_enrol(account):
    return any(role in ("official", "admin") for role in account.get("roles", {}).values())


def enabled(account):
    return bool(account.get("totp_secret"))


ENCRYPTED = "aesgcm1:"


def secret_cipher(settings):
    """The cipher of the stored secrets: ``TOTP_KEY`` (32 bytes, base64) or one derived from ``SECRET_KEY``."""
    if settings.totp_key:
        return AESGCM(base64.b64decode(settings.totp_key))
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"meedenken totp secrets")
    return AESGCM(derived.derive(settings.secret_key.encode()))


def _seal(cipher, account_id, secret):
    nonce = os.urandom(12)
    sealed = cipher.encrypt(nonce, secret.encode(), account_id.encode())
    return ENCRYPTED + base64.b64encode(nonce + sealed).decode()


def _open(cipher, account_id, stored):
    """The secret; one stored before encryption came in is read as it is; one that does not open
    (another key, another account's) is none."""
    if not stored.startswith(ENCRYPTED):
        return stored
    raw = base64.b64decode(stored[len(ENCRYPTED):])
    try:
        return cipher.decrypt(raw[:12], raw[12:], account_id.encode()).decode()
    except InvalidTag:
        log.error("the two-factor secret of account %s does not decrypt (TOTP_KEY changed?)", account_id)
        return ""


def start_enrolment(db, cipher, account):
    secret = pyotp.random_base32()
    db.accounts.update_one({"_id": account["_id"]}, {"$set": {"totp_pending": _seal(cipher, account["_id"], secret)}})
    return {"secret": secret, "uri": pyotp.TOTP(secret).provisioning_uri(name=account["email"], issuer_name=ISSUER)}


def _matching_step(secret, code, last_step):
    """The time step the code belongs to (now or one step either side), unless already used."""
    if not (secret and isinstance(code, str) and code.isdigit() and len(code) == 6):
        return None
    totp, now = pyotp.TOTP(secret), int(time.time())
    for drift in (0, -1, 1):
        step = now // STEP + drift
        if step > (last_step or -1) and totp.at(step * STEP) == code:
            return step
    return None


def confirm_enrolment(db, cipher, account, code):
    """Two-factor login on, when the code fits the secret being enrolled; every earlier token stops."""
    pending = account.get("totp_pending")
    step = _matching_step(_open(cipher, account["_id"], pending), code, None) if pending else None
    if step is None:
        return False
    db.accounts.update_one({"_id": account["_id"]}, {"$set": {"totp_secret": account["totp_pending"], "totp_step": step},
                                                     "$unset": {"totp_pending": ""}, "$inc": {"token_generation": 1}})
    return True


def check_login_code(db, cipher, account, code):
    """True when the account needs no code or the code is right and not used before (then it is used)."""
    if not enabled(account):
        return True
    step = _matching_step(_open(cipher, account["_id"], account["totp_secret"]), code, account.get("totp_step"))
    if step is None:
        log.warning("login failed: wrong or reused two-factor code (account %s)", account["_id"])
        return False
    # conditional on the last step, so the same code cannot log in twice even at the same moment
    return db.accounts.update_one({"_id": account["_id"], "totp_step": account.get("totp_step")},
                                  {"$set": {"totp_step": step}}).modified_count == 1


def set_required(db, org, required):
    db.org_security.update_one({"_id": org}, {"$set": {"require_two_factor": required}}, upsert=True)


def requiring_orgs(db):
    return frozenset(doc["_id"] for doc in db.org_security.find({"require_two_factor": True}))


def effective_roles(account, orgs_requiring):
    """The roles the services see: an official role is withheld where two-factor login is required
    and the account has none."""
    roles = account.get("roles", {})
    if enabled(account):
        return roles
    return {org: role for org, role in roles.items() if org not in orgs_requiring or role == "citizen"}
