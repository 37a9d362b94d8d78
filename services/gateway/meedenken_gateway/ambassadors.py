"""Ambassadors: local people who agreed to be active on an organisation's platform from day one
(decision 0013). An official invites one by e-mail; the mailed link is a signed link token (as for
a password reset) naming the invitation's nonce, so it works once and a newer invitation replaces
it. Accepting gives the account the role ``ambassador`` in that organisation; the topics service
marks what such an actor writes there as written by an ambassador.

An invited address without an account gets one at once, without a usable password (the link lets
its owner choose one); invitations live in the gateway's ``ambassador_invitations`` collection."""
import secrets
from datetime import datetime, timezone

from meedenken_kit.envelope import rfc3339
from pymongo import DESCENDING, ReturnDocument

from . import accounts

PURPOSE = "ambassador-invitation"
LINK_SECONDS = 14 * 24 * 3600
ROLE = "ambassador"
OFFICIAL_ROLES = ("official", "admin")


class AlreadyInRole(Exception):
    """The address already has this or an official's role in the organisation."""

    def __init__(self, role):
        super().__init__(role)
        self.role = role


def ensure_indexes(db):
    db.ambassador_invitations.create_index([("org", 1), ("invited_at", DESCENDING)])


def _key(org, account_id):
    return f"{org}:{account_id}"


def invite(gateway, org, email, name, invited_by):
    """Invite ``email`` (``name`` for a new account) to be an ambassador of ``org`` (a dict with
    slug and name); the mail with the link is queued. Returns the invitation."""
    db = gateway.db
    account = accounts.find_by_email(db, email)
    role = (account or {}).get("roles", {}).get(org["slug"])
    if role == ROLE or role in OFFICIAL_ROLES:
        raise AlreadyInRole(role)
    if account is None:
        account = accounts.register(gateway.mongo, db, email, None, name)
    invitation = db.ambassador_invitations.find_one_and_update(
        {"_id": _key(org["slug"], account["_id"])},
        {"$set": {"org": org["slug"], "account_id": account["_id"], "email": account["email"], "name": name,
                  "nonce": secrets.token_hex(8), "status": "pending", "invited_by": invited_by,
                  "invited_at": datetime.now(timezone.utc), "accepted_at": None}},
        upsert=True, return_document=ReturnDocument.AFTER)
    link = accounts.signed_link(gateway.settings, account, PURPOSE, "/ambassadeur-worden", LINK_SECONDS,
                                org=org["slug"], nonce=invitation["nonce"])
    accounts.queue_mail(db, account["email"], f"Uitnodiging: ambassadeur van {org['name']} op Meedenken", (
        f"Beste {name},\n\n{org['name']} nodigt u uit om ambassadeur te worden op Meedenken: een inwoner die "
        "vanaf het begin meedoet. Wat u schrijft, staat er met het label \"ambassadeur\" bij.\n\n"
        f"Neem de uitnodiging aan via deze link (twee weken geldig, één keer te gebruiken):\n{link}\n\n"
        "Wilt u dit niet? Dan hoeft u niets te doen.\n"))
    gateway.relay.wake()
    return invitation


def pending(gateway, token):
    """(account, invitation) for a valid link of an invitation still open; None otherwise."""
    redeemed = accounts.redeem_link_token(gateway.settings, gateway.db, token, PURPOSE)
    if redeemed is None:
        return None
    account, claims = redeemed
    invitation = gateway.db.ambassador_invitations.find_one({
        "_id": _key(claims.get("org"), account["_id"]), "nonce": claims.get("nonce"), "status": "pending"})
    return (account, invitation) if invitation else None


def accept(gateway, account, invitation, password=None):
    """Accept once: a new account gets its password, the account the role (an official keeps
    theirs). Returns False when the invitation was used meanwhile."""
    db = gateway.db
    if db.ambassador_invitations.update_one(
            {"_id": invitation["_id"], "nonce": invitation["nonce"], "status": "pending"},
            {"$set": {"status": "accepted", "accepted_at": datetime.now(timezone.utc)}}).modified_count != 1:
        return False
    if password is not None:
        accounts.set_password(db, account["_id"], password)
    current = accounts.get(db, account["_id"])
    if current["roles"].get(invitation["org"]) not in OFFICIAL_ROLES:
        accounts.grant_role(gateway.mongo, db, account["_id"], invitation["org"], ROLE)
    gateway.accounts.forget(account["_id"])
    gateway.relay.wake()
    return True


def public(invitation):
    return {"email": invitation["email"], "name": invitation["name"], "status": invitation["status"],
            "invited_at": rfc3339(invitation["invited_at"]),
            "accepted_at": rfc3339(invitation["accepted_at"]) if invitation.get("accepted_at") else None}


def list_invitations(db, org, limit=200):
    return [public(i) for i in db.ambassador_invitations.find({"org": org}).sort("invited_at", DESCENDING)
            .limit(limit)]
