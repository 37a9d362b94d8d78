"""Webhooks of an organisation: registering, listing, deleting, recording one delivery per
(webhook, event) and sending what is due (meedenken_notifications.delivery runs that)."""
import json
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from meedenken_kit.envelope import short_type
from meedenken_kit.errors import Forbidden, InvalidInput, NotFound, load_or_raise

from . import domain, repository as repo, webhooks
from .events import WEBHOOK_DISABLED, WEBHOOK_REGISTERED
from .usecases import create_notifications
from .schemas import DeliveriesQuery, DeliveryOut, RoleGrantedData, WebhookIn, WebhookOut, WebhookRef

log = logging.getLogger(__name__)
webhook_out = WebhookOut()
delivery_out = DeliveryOut()
READERS = ("official", "admin")
LEASE = timedelta(seconds=60)


def _require_role(actor, org, roles):
    if not actor or (actor.get("roles") or {}).get(org) not in roles:
        raise Forbidden("Only the organisation's administrators manage its webhooks (officials may read them).")


def _event_data(webhook):
    """Only the URL's host: a path or query may hold a token of the receiver's."""
    return {"webhook_id": webhook["_id"], "org": webhook["org"], "host": urlsplit(webhook["url"]).hostname,
            "types": webhook["types"]}


def register(uow, actor, payload, development, getaddrinfo):
    data = load_or_raise(WebhookIn, payload)
    _require_role(actor, data["org"], ("admin",))
    unknown = sorted(set(data["types"]) - webhooks.DELIVERABLE_TYPES)
    if unknown:
        raise InvalidInput("Unknown or undeliverable event types.", {"types": unknown})
    try:
        webhooks.check_http_target(data["url"], development, getaddrinfo)
    except webhooks.RefusedAddress as exc:
        raise InvalidInput(str(exc), {"url": [str(exc)]}) from None
    secret = webhooks.new_secret()

    def txn(session):
        webhook = repo.insert_webhook(uow.db, session, {
            "org": data["org"], "url": data["url"], "types": sorted(set(data["types"])),
            "description": data["description"], "secret": secret, "active": True, "consecutive_failures": 0,
            "created_by": actor["id"], "created_at": repo.now(), "disabled_at": None})
        uow.emit(session, WEBHOOK_REGISTERED, webhook["_id"], {**_event_data(webhook), "actor_id": actor["id"]})
        return webhook
    return {**webhook_out.dump(uow.transaction(txn)), "secret": secret}


def list_webhooks(uow, actor, org):
    _require_role(actor, org, READERS)
    return {"items": webhook_out.dump(repo.webhooks_of(uow.db, org), many=True)}


def _webhook_of(uow, ref):
    webhook = repo.webhook(uow.db, ref["webhook_id"])
    if webhook is None or webhook["org"] != ref["org"]:
        raise NotFound("Webhook not found.")
    return webhook


def delete_webhook(uow, actor, payload):
    ref = load_or_raise(WebhookRef, payload)
    _require_role(actor, ref["org"], ("admin",))
    if not uow.transaction(lambda session: repo.delete_webhook(uow.db, session, ref["org"], ref["webhook_id"])):
        raise NotFound("Webhook not found.")


def deliveries(uow, actor, query):
    q = load_or_raise(DeliveriesQuery, query)
    _require_role(actor, q["org"], READERS)
    _webhook_of(uow, q)
    rows = repo.deliveries(uow.db, q["webhook_id"], q.get("after"), q["limit"])
    items = rows[:q["limit"]]
    return {"items": delivery_out.dump(items, many=True), "next": items[-1]["_id"] if len(rows) > q["limit"] else None}


def on_org_event(uow, event):
    """One pending delivery per active webhook of the event's organisation (``data.org``) that
    subscribed to its type; an event without an organisation is delivered to nobody."""
    org, kind = event["data"].get("org"), short_type(event)
    if not isinstance(org, str) or kind not in webhooks.DELIVERABLE_TYPES:
        return
    # most events (every support of an agenda proposal, say) have no webhook to go to: one read, and
    # no transaction nor redelivery mark for nothing (a webhook registered meanwhile starts later)
    if not repo.subscribed_webhooks(uow.db, org, kind):
        return
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":"))

    def work(session):
        at = repo.now()
        repo.insert_deliveries(uow.db, session, [
            {"webhook_id": webhook["_id"], "org": org, "event_id": event["id"], "type": kind, "body": body,
             "state": "pending", "attempts": 0, "last_status": None, "last_error": None,
             "next_attempt_at": at, "delivered_at": None, "created_at": at}
            for webhook in repo.subscribed_webhooks(uow.db, org, kind, session)])
    # its own key: other handlers of this service apply the same event id for notifications
    uow.apply_once(f"webhook:{event['id']}", work)


def on_role_granted(uow, event):
    d = load_or_raise(RoleGrantedData, event["data"])
    uow.apply_once(event["id"], lambda session: repo.set_org_role(uow.db, session, d["org"], d["account_id"],
                                                                  d["role"]))


def deliver_due(uow, send, settings, limit=20, each=map):
    """Claim what is due and send it (``send(delivery, webhook)`` → (status or None, error or None)),
    ``each(function, deliveries)`` at a time (e.g. a green pool's imap); returns how many were
    attempted. Claiming is a conditional update: safe with several instances."""
    now = repo.now()
    claimed = [d for d in repo.due_deliveries(uow.db, now, limit) if repo.claim_delivery(uow.db, d, now + LEASE)]

    def deliver(delivery):
        webhook = repo.webhook(uow.db, delivery["webhook_id"])
        if webhook is None or not webhook["active"]:  # recorded while it was being disabled or deleted
            return uow.transaction(lambda session: repo.fail_pending(uow.db, session, delivery["webhook_id"],
                                                                     "webhook disabled or deleted"))
        status, error = send(delivery, webhook)
        _record(uow, settings, delivery, webhook, status, error)
    for _ in each(deliver, claimed):
        pass
    return len(claimed)


def _record(uow, settings, delivery, webhook, status, error):
    at = repo.now()
    attempts = delivery["attempts"] + 1
    if status is not None and 200 <= status < 300:
        def txn(session):
            repo.record_attempt(uow.db, session, delivery["_id"], {
                "state": "delivered", "last_status": status, "last_error": None, "next_attempt_at": None,
                "delivered_at": at})
            repo.webhook_succeeded(uow.db, session, webhook["_id"])
        return uow.transaction(txn)
    delay = webhooks.retry_delay(attempts, settings.schedule)
    error = error or f"HTTP {status}"
    if delay is not None:
        return uow.transaction(lambda session: repo.record_attempt(uow.db, session, delivery["_id"], {
            "last_status": status, "last_error": error, "next_attempt_at": at + timedelta(seconds=delay)}))

    def failed(session):
        repo.record_attempt(uow.db, session, delivery["_id"], {
            "state": "failed", "last_status": status, "last_error": error, "next_attempt_at": None})
        current = repo.webhook_failed(uow.db, session, webhook["_id"])
        if current["consecutive_failures"] >= settings.disable_after and \
                repo.disable_webhook(uow.db, session, webhook["_id"], at):
            uow.emit(session, WEBHOOK_DISABLED, webhook["_id"], {
                **_event_data(webhook), "consecutive_failures": current["consecutive_failures"]})
            admins = repo.org_admins(uow.db, webhook["org"], session) + [webhook["created_by"]]
            create_notifications(uow, session, domain.WEBHOOK_DISABLED, domain.recipients(admins, None), None,
                                 webhook["_id"], {"url": webhook["url"]}, f"webhook-disabled:{webhook['_id']}")
    log.warning("webhook delivery %s of event %s failed for good: %s", delivery["_id"], delivery["event_id"], error)
    uow.transaction(failed)
