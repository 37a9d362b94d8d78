"""Accounts, password hashes and bearer tokens: the gateway's own data (database MONGO_DB).

A token names its account and the account's token generation; raising the generation ("log out
everywhere", a new password) makes every earlier token invalid. Links for a password reset or an
e-mail change are signed, expire, and name a fingerprint of the account's password hash and e-mail
address, so each works once: using it changes what the fingerprint was made of."""
import hashlib
import hmac
import logging
import secrets
import time
import uuid
from datetime import datetime, timedelta, timezone

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from bson import ObjectId
from meedenken_kit import correlation
from meedenken_kit.envelope import new_event, rfc3339
from meedenken_kit.mail import MailQueue, compose
from meedenken_kit.mongo import in_transaction
from meedenken_kit.outbox import add_event
from pymongo.errors import DuplicateKeyError

from . import residency
from .blocking import off_loop

log = logging.getLogger(__name__)
ROLES = ("citizen", "ambassador", "official", "admin")
ACCOUNT_REGISTERED = "account.registered.v1"
ACCOUNT_ROLE_GRANTED = "account.role_granted.v1"
_hasher = PasswordHasher()
# Verifying against this when the e-mail is unknown keeps login time the same for both cases.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class EmailTaken(Exception):
    pass


def ensure_indexes(db):
    db.accounts.create_index("email", unique=True)


def normalise_email(email):
    return email.strip().lower()


def default_display_name(email):
    """The name shown when none is given: the e-mail's local part (the whole address when that is
    too short to be a name)."""
    local = email.split("@")[0]
    return local if len(local) >= 2 else email


def public(account):
    """What may leave the gateway: never the hash."""
    return {"id": account["_id"], "email": account["email"], "display_name": account["display_name"],
            "roles": account.get("roles", {}), "created_at": rfc3339(account["created_at"]),
            "residencies": residency.residencies(account), "two_factor": bool(account.get("totp_secret")),
            "email_confirmed": bool(account.get("email_confirmed_at"))}


def register(client, db, email, password, display_name, roles=None):
    """A new account; without a password (an invited person), nobody can log in to it until its
    owner chooses one through a mailed link (``needs_password``)."""
    account = {"_id": str(ObjectId()), "email": normalise_email(email),
               "password_hash": off_loop(_hasher.hash, password or secrets.token_urlsafe(32)),
               "display_name": display_name.strip(), "roles": roles or {},
               "created_at": datetime.now(timezone.utc)}
    if password is None:
        account["needs_password"] = True

    def txn(session):
        db.accounts.insert_one(account, session=session)
        add_event(db, session, new_event("gateway", ACCOUNT_REGISTERED, account["_id"],
                                         {"account_id": account["_id"], "display_name": account["display_name"]},
                                         correlation_id=correlation.current()))
    try:
        in_transaction(client, txn)
    except DuplicateKeyError:
        raise EmailTaken(account["email"]) from None
    return account


def grant_role(client, db, account_id, org, role):
    def txn(session):
        db.accounts.update_one({"_id": account_id}, {"$set": {f"roles.{org}": role}}, session=session)
        add_event(db, session, new_event("gateway", ACCOUNT_ROLE_GRANTED, account_id,
                                         {"account_id": account_id, "org": org, "role": role},
                                         correlation_id=correlation.current()))
    in_transaction(client, txn)
    return db.accounts.find_one({"_id": account_id})


def find_by_email(db, email):
    return db.accounts.find_one({"email": normalise_email(email)})


def get(db, account_id):
    return db.accounts.find_one({"_id": account_id})


def authenticate(db, email, password):
    """The account when the password matches, else None (same work either way)."""
    account = find_by_email(db, email)
    try:
        off_loop(_hasher.verify, account["password_hash"] if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        log.info("login failed: wrong password or unknown address (account %s)", account["_id"] if account else "-")
        return None
    log.info("password accepted for account %s", account["_id"])
    return account


def generation(account):
    return account.get("token_generation", 0)


def issue_token(settings, account_id, token_generation=0):
    now = datetime.now(timezone.utc)
    claims = {"sub": account_id, "gen": token_generation, "iat": now,
              "exp": now + timedelta(seconds=settings.token_ttl_seconds), "jti": uuid.uuid4().hex}
    return jwt.encode(claims, settings.secret_key, algorithm="HS256")


# tokens whose signature this process checked, with their claims: a citizen's token comes with
# every answer, and checking it costs more than the rest of the request's own work
_verified = {}
_VERIFIED_MAX = 20_000


def _claims(settings, token, purpose=None):
    key = (settings.secret_key, token)
    claims = _verified.get(key)
    if claims is None or claims["exp"] <= time.time():
        try:
            claims = jwt.decode(token, settings.secret_key, algorithms=["HS256"], options={"require": ["sub", "exp"]})
        except jwt.PyJWTError:
            return None
        if len(_verified) >= _VERIFIED_MAX:
            _verified.clear()
        _verified[key] = claims
    if not isinstance(claims.get("sub"), str) or claims.get("purpose") != purpose:
        return None
    return claims


def account_id_from_token(settings, token):
    """The subject of a validly signed, unexpired bearer token, without reading the account (the
    abuse limits count by it; whether the token is revoked is checked where it is used)."""
    claims = _claims(settings, token)
    return claims["sub"] if claims else None


def account_for_token(settings, token, load):
    """The account a valid, unexpired, unrevoked bearer token names (``load(id)`` reads it); None
    otherwise."""
    claims = _claims(settings, token)
    account = load(claims["sub"]) if claims else None
    if account is None or account.get("erasure") or claims.get("gen", 0) != generation(account):
        return None
    if any(revoked["jti"] == claims.get("jti") for revoked in account.get("revoked_tokens", ())):
        return None
    return account


def revoke_token(settings, db, token):
    """Log out: this one token stops working (kept on the account until it would have expired)."""
    claims = _claims(settings, token)
    if claims is None:
        return
    now = datetime.now(timezone.utc)
    db.accounts.update_one({"_id": claims["sub"]}, {"$pull": {"revoked_tokens": {"exp": {"$lt": now}}}})
    db.accounts.update_one({"_id": claims["sub"]}, {"$push": {"revoked_tokens": {
        "jti": claims.get("jti"), "exp": datetime.fromtimestamp(claims["exp"], timezone.utc)}}})


def revoke_tokens(db, account_id):
    """Log out everywhere: every token issued so far stops working."""
    db.accounts.update_one({"_id": account_id}, {"$inc": {"token_generation": 1}})


def _fingerprint(settings, account):
    material = f"{account['password_hash']}|{account['email']}".encode()
    return hmac.new(settings.secret_key.encode(), material, hashlib.sha256).hexdigest()[:32]


def issue_link_token(settings, account, purpose, seconds, **extra):
    now = datetime.now(timezone.utc)
    claims = {"sub": account["_id"], "purpose": purpose, "fp": _fingerprint(settings, account), "iat": now,
              "exp": now + timedelta(seconds=seconds), **extra}
    return jwt.encode(claims, settings.secret_key, algorithm="HS256")


def signed_link(settings, account, purpose, path, seconds, **extra):
    """The public URL of a page with a link token (see issue_link_token) in its query."""
    return f"{settings.public_url}{path}?token={issue_link_token(settings, account, purpose, seconds, **extra)}"


def redeem_link_token(settings, db, token, purpose):
    """(account, claims) for a valid link token of this purpose not used yet; None otherwise."""
    claims = _claims(settings, token, purpose)
    account = get(db, claims["sub"]) if claims else None
    if account is None or not hmac.compare_digest(claims.get("fp", ""), _fingerprint(settings, account)):
        return None
    return account, claims


def set_password(db, account_id, password):
    """A new password; every token issued before stops working."""
    db.accounts.update_one({"_id": account_id}, {"$set": {"password_hash": off_loop(_hasher.hash, password)},
                                                 "$unset": {"needs_password": ""},
                                                 "$inc": {"token_generation": 1}})


def change_email(db, account_id, email):
    """To an address its owner confirmed (by the link mailed to it)."""
    try:
        db.accounts.update_one({"_id": account_id}, {"$set": {"email": normalise_email(email),
                                                              "email_confirmed_at": datetime.now(timezone.utc)},
                                                     "$inc": {"token_generation": 1}})
    except DuplicateKeyError:
        raise EmailTaken(email) from None


def mail_queue(db, smtp=None):
    """The gateway's mail: jobs in its ``mail_outbox`` collection, sent over SMTP (meedenken_kit.mail)
    by a thread of each gateway process (``smtp``: the settings to send with)."""
    return MailQueue(db.mail_outbox, smtp)


def mail_composer(smtp):
    return lambda job: compose(smtp, job["to"], job["subject"], job["body"],
                               message_id=f"<account.{job['_id']}@meedenken>",
                               headers={"Auto-Submitted": "auto-generated"})


def queue_mail(db, to, subject, body):
    """The gateway's way to send a mail (plain text): it goes out within a second or so, retried
    when the SMTP server does not take it."""
    mail_queue(db).add(str(ObjectId()), {"to": to, "subject": subject, "body": body})


def confirm_email(db, account_id, email):
    """The account's address is confirmed (when it is still this one)."""
    db.accounts.update_one({"_id": account_id, "email": normalise_email(email)},
                           {"$set": {"email_confirmed_at": datetime.now(timezone.utc)}})
