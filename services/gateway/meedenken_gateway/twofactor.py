"""Two-factor login with TOTP (RFC 6238, pyotp) for officials and admins, and the organisations
that require it of their officials (a gateway setting: the gateway authenticates, ADR 0003).

An official of such an organisation without two-factor login acts as a citizen there until they
enrol: the services never see that role. A code is accepted once (the time step of the last one
used is kept), within one step (30 s) of clock drift."""
import logging
import time

import pyotp

log = logging.getLogger(__name__)
ISSUER = "Meedenken"
STEP = 30


def may_enrol(account):
    return any(role in ("official", "admin") for role in account.get("roles", {}).values())


def enabled(account):
    return bool(account.get("totp_secret"))


def start_enrolment(db, account):
    secret = pyotp.random_base32()
    db.accounts.update_one({"_id": account["_id"]}, {"$set": {"totp_pending": secret}})
    return {"secret": secret, "uri": pyotp.TOTP(secret).provisioning_uri(name=account["email"], issuer_name=ISSUER)}


def _matching_step(secret, code, last_step):
    """The time step the code belongs to (now or one step either side), unless already used."""
    if not (isinstance(code, str) and code.isdigit() and len(code) == 6):
        return None
    totp, now = pyotp.TOTP(secret), int(time.time())
    for drift in (0, -1, 1):
        step = now // STEP + drift
        if step > (last_step or -1) and totp.at(step * STEP) == code:
            return step
    return None


def confirm_enrolment(db, account, code):
    """Two-factor login on, when the code fits the secret being enrolled; every earlier token stops."""
    step = _matching_step(account.get("totp_pending") or "", code, None) if account.get("totp_pending") else None
    if step is None:
        return False
    db.accounts.update_one({"_id": account["_id"]}, {"$set": {"totp_secret": account["totp_pending"], "totp_step": step},
                                                     "$unset": {"totp_pending": ""}, "$inc": {"token_generation": 1}})
    return True


def check_login_code(db, account, code):
    """True when the account needs no code or the code is right and not used before (then it is used)."""
    if not enabled(account):
        return True
    step = _matching_step(account["totp_secret"], code, account.get("totp_step"))
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
