"""E-mail of notifications: a citizen's preferences, the confirmed address the gateway hands over,
one mail per notification for who wants it at once, digests, unsubscribing by a signed link, and
the export and erasure of everything mail keeps about an account
(meedenken_notifications.mail_delivery sends the mails)."""
from meedenken_kit.errors import InvalidInput, load_or_raise
from meedenken_kit.mail import compose

from . import mails, repository as repo
from .schemas import AccountRef, DigestIn, MailAddressIn, MailPreferencesIn, NotificationCreatedData, UnsubscribeIn


def preferences(uow, account_id):
    """The general setting, the language and each followed topic's own setting (None: as general)."""
    account_id = load_or_raise(AccountRef, {"account_id": account_id})["account_id"]
    recipient = repo.mail_recipient(uow.db, account_id) or {}
    overrides = recipient.get("topics") or {}
    return {"frequency": recipient.get("frequency") or mails.DEFAULT_FREQUENCY,
            "language": recipient.get("language") or "nl",
            "topics": [{"topic_id": topic_id, "frequency": overrides.get(topic_id)}
                       for topic_id in repo.followed_topics(uow.db, account_id)]}


def set_preferences(uow, payload):
    """Replaces the settings; a topic's setting of None goes back to the general one."""
    data = load_or_raise(MailPreferencesIn, payload)
    topics = {t["topic_id"]: t["frequency"] for t in data["topics"] if t["frequency"]}
    uow.transaction(lambda session: repo.update_mail_recipient(uow.db, session, data["account_id"], {
        "frequency": data["frequency"], "language": data["language"], "topics": topics}))
    return preferences(uow, data["account_id"])


def set_address(uow, payload):
    """The gateway tells the address of an account once its owner has confirmed it (and again when
    a new one is confirmed): the only address mail is sent to."""
    data = load_or_raise(MailAddressIn, payload)
    uow.transaction(lambda session: repo.update_mail_recipient(uow.db, session, data["account_id"], {
        "email": data["email"], "confirmed_at": repo.now()}))


def _item(notification):
    return {"notification_id": notification["_id"], "type": notification["type"],
            "topic_id": notification.get("topic_id"), "params": notification["params"],
            "created_at": notification["created_at"]}


def on_notification_created(uow, queue, event):
    """A mail at once, a mark for the next digest, or nothing, as the recipient wants it; only for
    a confirmed address. The job's id is the notification's: never two mails for one."""
    d = load_or_raise(NotificationCreatedData, event["data"])
    if not mails.may_mail(repo.mail_recipient(uow.db, d["account_id"])):
        return  # most recipients of a fan-out: one read, and nothing to record that it was handled

    def work(session):
        recipient = repo.mail_recipient(uow.db, d["account_id"], session)
        notification = repo.notification(uow.db, d["notification_id"], session)
        if not mails.may_mail(recipient) or notification is None:
            return
        frequency = mails.frequency_for(recipient, notification.get("topic_id"))
        if frequency == mails.IMMEDIATELY:
            queue.add(f"notification:{notification['_id']}", {
                "account_id": d["account_id"], "kind": mails.IMMEDIATELY, "items": [_item(notification)]},
                session=session)
        elif frequency in mails.DIGESTS:
            repo.mark_for_digest(uow.db, session, notification["_id"], frequency)
    uow.apply_once(f"mail:{event['id']}", work)


def send_digest(uow, queue, payload):
    """One digest per account with notifications waiting for this frequency; each notification is
    in one digest only (its mark goes in the transaction that queues the digest). Returns how many
    digests were queued."""
    frequency = load_or_raise(DigestIn, payload)["frequency"]

    def one(account_id):
        def txn(session):
            items = repo.awaiting_digest(uow.db, session, account_id, frequency, mails.DIGEST_LIMIT)
            if not items:
                return 0
            repo.digested(uow.db, session, account_id, frequency, items[-1]["_id"])
            if not mails.may_mail(repo.mail_recipient(uow.db, account_id, session)):
                return 0
            return int(queue.add(f"digest:{items[-1]['_id']}", {
                "account_id": account_id, "kind": frequency, "items": [_item(n) for n in items]}, session=session))
        return uow.transaction(txn)
    return sum(one(account_id) for account_id in repo.accounts_awaiting_digest(uow.db, frequency))


def send_due_digests(uow, queue, schedule, now):
    """Called by the service's timer: each digest once per period (see mails.digest_period), by
    whichever instance claims the period first. ``now`` is injected (tests need not wait a week)."""
    local = now.astimezone(schedule.timezone)
    queued = 0
    for frequency in mails.DIGESTS:
        period = mails.digest_period(frequency, local, schedule.hour, schedule.weekday)
        if period and repo.claim_digest_period(uow.db, frequency, period):
            queued += send_digest(uow, queue, {"frequency": frequency})
    return queued


def unsubscribe_url(settings, account_id):
    return f"{settings.public_url}/afmelden?token={mails.unsubscribe_token(settings.link_secret, account_id)}"


def compose_job(uow, settings, job):
    """The mail of a job as it reads now, or None when there is nothing to send any more (the
    address is gone, or the citizen no longer wants mail about these items)."""
    recipient = repo.mail_recipient(uow.db, job["account_id"])
    if not mails.may_mail(recipient):
        return None
    items = [item for item in job["items"] if mails.frequency_for(recipient, item.get("topic_id")) != mails.NEVER]
    if not items:
        return None
    lang = recipient.get("language") or "nl"
    url = unsubscribe_url(settings, job["account_id"])
    subject, text = mails.render(job["kind"], items, lang, settings.public_url, url)
    return compose(settings.smtp, recipient["email"], subject, text,
                   message_id=f"<{job['_id'].replace(':', '.')}@meedenken>",
                   headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                            "Content-Language": lang, "Auto-Submitted": "auto-generated"})


def _account_of(settings, payload):
    token = load_or_raise(UnsubscribeIn, payload)["token"]
    account_id = mails.account_of_token(settings.link_secret, token)
    if account_id is None:
        raise InvalidInput("This unsubscribe link is not valid.", {"token": ["Not a valid unsubscribe link."]})
    return account_id


def check_unsubscribe(settings, payload):
    _account_of(settings, payload)
    return {"valid": True}


def unsubscribe(uow, settings, payload):
    """No more mail (also none about a topic of its own setting); the same on a second click."""
    account_id = _account_of(settings, payload)
    uow.transaction(lambda session: repo.update_mail_recipient(uow.db, session, account_id, {
        "frequency": mails.NEVER, "topics": {}}))


def mail_data_of(db, account_id):
    """Everything mail keeps about an account (its part of the GDPR export; erasure:
    ``repository.erase_mail_data``)."""
    recipient = repo.mail_recipient(db, account_id)
    return {"mail_settings": {key: value for key, value in (recipient or {}).items() if key != "_id"} or None,
            "mails": [{"id": job["_id"], "kind": job["kind"], "state": job["state"], "created_at": job["created_at"],
                       "sent_at": job.get("sent_at"), "notification_ids": [i["notification_id"] for i in job["items"]]}
                      for job in repo.mail_jobs_of(db, account_id)]}
