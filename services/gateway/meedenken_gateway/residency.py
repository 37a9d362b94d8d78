"""Verified residents: an organisation mails one code per address (``meedenken issue-codes``); a
citizen who redeems one is a verified resident of that organisation (polls for residents).

Codes are stored only as an HMAC-SHA256 under a key derived from SECRET_KEY (rotating SECRET_KEY
makes the unredeemed codes useless), each usable once until it expires. Redeeming is limited per
account (``REDEEM_LIMIT``, counted in the database, see ratelimit.py)."""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta, timezone

from meedenken_kit import correlation
from meedenken_kit.envelope import new_event, rfc3339
from meedenken_kit.mongo import in_transaction
from meedenken_kit.outbox import add_event

from .problems import Problem
from .ratelimit import RateLimit

RESIDENCY_VERIFIED = "residency.verified.v1"
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read from paper
CODE_LENGTH = 12  # 59 bits
REDEEM_LIMIT = RateLimit("residency", limit=5, window_seconds=15 * 60)


def ensure_indexes(db):
    db.residency_codes.create_index("org")


def normalise(code):
    return "".join(ch for ch in code.upper() if ch.isalnum())


def readable(code):
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def code_hash(settings, code):
    key = hmac.new(settings.secret_key.encode("utf-8"), b"meedenken residency codes", hashlib.sha256).digest()
    return hmac.new(key, normalise(code).encode("ascii", "ignore"), hashlib.sha256).hexdigest()


def issue(db, settings, org, count, valid_days, now=None):
    """``count`` new codes for ``org``; returns (codes as printed, expiry). Only their hashes are kept."""
    now = now or datetime.now(timezone.utc)
    expires_at = now + timedelta(days=valid_days)
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)]
    db.residency_codes.insert_many([{"_id": code_hash(settings, code), "org": org, "issued_at": now,
                                     "expires_at": expires_at, "used_by": None} for code in codes])
    return [readable(code) for code in codes], expires_at


def residencies(account):
    """[{org, verified_at}] of an account document."""
    return [{"org": org, "verified_at": rfc3339(found["verified_at"])}
            for org, found in sorted((account.get("residencies") or {}).items())]


def redeem(client, db, settings, account_id, org, code, now=None):
    """Verify the account as a resident of ``org`` with ``code``; a used, expired or unknown code is a
    422 and changes nothing. Returns the residency."""
    REDEEM_LIMIT.hit(db, account_id)
    now = now or datetime.now(timezone.utc)
    code_id = code_hash(settings, code)

    def txn(session):
        found = db.residency_codes.find_one({"_id": code_id}, session=session)
        if found is None or found["org"] != org:
            raise Problem(422, "This code is not known for this organisation.", {"code": ["unknown"]})
        if found["used_by"] is not None:
            raise Problem(422, "This code has already been used.", {"code": ["used"]})
        if found["expires_at"] <= now:
            raise Problem(422, "This code has expired; ask the organisation for a new one.", {"code": ["expired"]})
        db.residency_codes.update_one({"_id": code_id}, {"$set": {"used_by": account_id, "used_at": now}},
                                      session=session)
        db.accounts.update_one({"_id": account_id}, {"$set": {f"residencies.{org}": {"verified_at": now}}},
                               session=session)
        add_event(db, session, new_event("gateway", RESIDENCY_VERIFIED, account_id, {
            "account_id": account_id, "org": org, "verified_at": rfc3339(now)}, correlation_id=correlation.current()))

    in_transaction(client, txn)
    return {"org": org, "verified_at": rfc3339(now)}
