"""Erasing an account (docs/privacy.md, decision 0015).

``request`` does, in one transaction: the gateway's own personal data goes at once (e-mail
address, name, password hash, two-factor key, residencies; what remains is a tombstone with the
id and the erasure's progress, which no token or login passes), the name in the gateway's own
outbox copies of ``account.registered.v1`` is overwritten, and ``account.erasure_requested.v1``
is recorded. Each service erases what it holds and publishes ``account.erasure_confirmed.v1``;
``Confirmations`` (a consumer thread per gateway process, on one durable queue) ticks them off
and, when every service named in the request confirmed, deletes the tombstone and publishes
``account.erasure_completed.v1``.
"""
import logging
import time
import uuid
from datetime import datetime, timedelta, timezone

from kombu import Queue, binding
from marshmallow import Schema, ValidationError, fields
from meedenken_kit import correlation
from meedenken_kit.deadletter import dead_letter_arguments
from meedenken_kit.envelope import new_event, parse_event
from meedenken_kit.mongo import in_transaction
from meedenken_kit.outbox import add_event, event_exchange
from meedenken_kit.personal_data import ERASURE_CONFIRMED, ERASURE_REQUESTED

from . import abuse, accounts
from .consuming import consume

log = logging.getLogger(__name__)
ERASURE_REQUESTED_TYPE = ERASURE_REQUESTED[1]
ERASURE_COMPLETED = "account.erasure_completed.v1"
ERASED_NAME = "verwijderde deelnemer"
QUEUE = "gateway.erasure-confirmations"


def erasing(account):
    return bool(account and account.get("erasure"))


def request(client, db, account, contributions, services):
    """The account's tokens and login stop working with this commit. Returns the erasure record."""
    now = datetime.now(timezone.utc)
    record = {"requested_at": now, "contributions": contributions, "services": list(services), "confirmed": []}
    tombstone = {"_id": account["_id"], "email": f"{account['_id']}@erased.invalid", "display_name": ERASED_NAME,
                 "roles": {}, "created_at": account["created_at"], "password_hash": "",
                 "token_generation": accounts.generation(account) + 1, "erasure": record}

    def txn(session):
        if db.accounts.replace_one({"_id": account["_id"], "erasure": None}, tombstone,
                                   session=session).modified_count != 1:
            return False
        db.outbox.update_many({"event.data.account_id": account["_id"], "event.data.display_name": {"$exists": True}},
                              {"$set": {"event.data.display_name": ERASED_NAME}}, session=session)
        db.mail_outbox.delete_many({"to": account["email"]}, session=session)
        db.ambassador_invitations.delete_many({"account_id": account["_id"]}, session=session)
        db.login_failures.delete_many({"_id": abuse.failures_key(account["email"])}, session=session)
        add_event(db, session, new_event("gateway", ERASURE_REQUESTED_TYPE, account["_id"], {
            "account_id": account["_id"], "contributions": contributions, "services": list(services)},
            correlation_id=correlation.current()))
        return True
    in_transaction(client, txn)
    return record


def confirm(client, db, account_id, service):
    """Idempotent: a repeated confirmation changes nothing; the completion is recorded once."""
    db.accounts.update_one({"_id": account_id, "erasure": {"$ne": None}},
                           {"$addToSet": {"erasure.confirmed": service}})
    account = db.accounts.find_one({"_id": account_id})
    if not erasing(account) or set(account["erasure"]["services"]) - set(account["erasure"]["confirmed"]):
        return False

    def txn(session):
        if db.accounts.delete_one({"_id": account_id, "erasure": {"$ne": None}}, session=session).deleted_count:
            add_event(db, session, new_event("gateway", ERASURE_COMPLETED, account_id, {
                "account_id": account_id, "services": sorted(account["erasure"]["confirmed"])},
                correlation_id=correlation.current()))
            return True
        return False
    return in_transaction(client, txn)


def inactive_unverified(db, days, now=None):
    """Accounts nobody has used for ``days``: no role, no verified residency, not logged in since
    (or, never logged in, created before then)."""
    before = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    return list(db.accounts.find({
        "erasure": None, "roles": {}, "residencies": {"$in": [None, {}]},
        "$or": [{"last_login_at": {"$lt": before}}, {"last_login_at": None, "created_at": {"$lt": before}}]}))


class Revocations:
    """Each gateway process hears of every erasure at once (a queue of its own) and forgets the
    account it may have cached, so the account's tokens stop working in every process, not after
    the cache's 30 s. While it is not connected it knows nothing: then it forgets every account."""

    def __init__(self, amqp_uri, cached_accounts):
        self.amqp_uri = amqp_uri
        self.cached_accounts = cached_accounts

    def queue(self):
        return Queue(f"gateway.revocations.{uuid.uuid4().hex}", exclusive=True, auto_delete=True,
                     bindings=[binding(event_exchange("gateway"), routing_key=ERASURE_REQUESTED_TYPE)])

    def run(self, stop):
        consume(self.amqp_uri, stop, self.queue, self.on_message, "account revocations",
                exchanges=[event_exchange("gateway")], dead_letters=True, on_connect=self.cached_accounts.clear)

    def on_message(self, body, message):
        try:
            self.cached_accounts.forget(parse_event(body)["data"]["account_id"])
        except (ValidationError, KeyError, TypeError):
            self.cached_accounts.clear()
        message.ack()


class ConfirmationData(Schema):
    account_id = fields.String(required=True)
    service = fields.String(required=True)


class Confirmations:
    """Consumes ``account.erasure_confirmed.v1`` of the given services; ``run(stop)`` loops,
    reconnecting, until ``stop`` is set. What is no valid confirmation is dead-lettered."""

    def __init__(self, client, db, amqp_uri, services):
        self.client = client
        self.db = db
        self.amqp_uri = amqp_uri
        self.services = services

    def queue(self):
        return Queue(QUEUE, durable=True, queue_arguments=dead_letter_arguments(QUEUE),
                     bindings=[binding(event_exchange(service), routing_key=ERASURE_CONFIRMED)
                               for service in self.services])

    def run(self, stop):
        consume(self.amqp_uri, stop, self.queue, self.on_message, "erasure confirmations",
                exchanges=[event_exchange(s) for s in self.services], dead_letters=True)

    def on_message(self, body, message):
        try:
            event = parse_event(body)
            data = ConfirmationData().load(event["data"], unknown="exclude")
        except ValidationError as exc:
            log.error("dead-lettering an invalid erasure confirmation: %s", exc.messages)
            message.reject(requeue=False)
            return
        token = correlation.bind(event.get("correlationid") or event["id"])
        try:
            if confirm(self.client, self.db, data["account_id"], data["service"]):
                log.info("erasure of account %s completed", data["account_id"])
        except Exception:
            log.exception("erasure confirmation not applied; trying again")
            time.sleep(1)
            message.requeue()
            return
        finally:
            correlation.reset(token)
        message.ack()
