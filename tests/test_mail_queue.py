"""The kit's MailQueue and the digest schedule on the real Mongo-wire server and the session's real
SMTP server, without the platform: a job added twice is one mail, a refused mail is sent again once,
a send interrupted by a crash is not repeated, and the digests run once per period of an injected
clock."""
import smtplib
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from pymongo import MongoClient

from meedenken_kit.mail import MailQueue, SmtpSettings, compose
from meedenken_kit.store import UnitOfWork
from meedenken_notifications import mail_usecases, repository as repo
from meedenken_notifications.mail_delivery import DigestSchedule


@pytest.fixture(scope="module")
def client(mongo_uri):
    client = MongoClient(mongo_uri, tz_aware=True)
    yield client
    client.close()


@pytest.fixture
def db(client):
    name = f"mailqueue_{uuid.uuid4().hex[:8]}"
    yield client[name]
    client.drop_database(name)


@pytest.fixture
def smtp(smtp_port):
    return SmtpSettings(port=smtp_port, retry_schedule=(0, 0))


def plain(settings, to, subject):
    return lambda job: compose(settings, to, subject, "Tekst.", message_id=f"<{job['_id']}@test>")


def drain(queue, composer, rounds=5):
    for _ in range(rounds):
        queue.send_due(composer, now=datetime.now(timezone.utc) + timedelta(seconds=1))


def test_a_job_added_twice_is_one_mail(db, smtp, mailbox):
    queue = MailQueue(db.jobs, smtp)
    to = f"twee-keer-{uuid.uuid4().hex[:6]}@example.nl"
    assert queue.add("job-1", {}) and not queue.add("job-1", {})
    drain(queue, plain(smtp, to, "Een keer"))
    mailbox.wait_for(to, "Een keer")
    assert len(mailbox.messages(to)) == 1 and db.jobs.find_one({"_id": "job-1"})["state"] == "sent"


def test_a_refused_mail_is_sent_again_once(db, smtp, mailbox):
    queue = MailQueue(db.jobs, smtp)
    to = f"fail-once-{uuid.uuid4().hex[:6]}@example.nl"
    queue.add("job-2", {})
    queue.send_due(plain(smtp, to, "Nog eens"))
    job = db.jobs.find_one({"_id": "job-2"})
    assert job["state"] == "pending" and job["attempts"] == 1 and "451" in job["last_error"]
    drain(queue, plain(smtp, to, "Nog eens"))
    mailbox.wait_for(to, "Nog eens")
    assert len(mailbox.messages(to)) == 1 and db.jobs.find_one({"_id": "job-2"})["attempts"] == 2


def test_a_mail_that_is_never_accepted_fails_after_the_schedule(db, smtp):
    def refuse(settings, message):
        raise smtplib.SMTPResponseException(451, b"try later")
    queue = MailQueue(db.jobs, smtp, transport=refuse)
    queue.add("job-3", {})
    drain(queue, plain(smtp, "x@example.nl", "Nooit"))
    job = db.jobs.find_one({"_id": "job-3"})
    assert job["state"] == "failed" and job["attempts"] == 3


def test_a_send_interrupted_by_a_crash_is_not_repeated(db, smtp):
    sent = []
    queue = MailQueue(db.jobs, smtp, lease=timedelta(minutes=5), transport=lambda s, m: sent.append(m))
    queue.add("job-4", {})
    db.jobs.update_one({"_id": "job-4"}, {"$set": {"state": "sending",
                                                    "claimed_at": datetime.now(timezone.utc) - timedelta(minutes=6)}})
    drain(queue, plain(smtp, "x@example.nl", "Misschien"))
    assert sent == [] and db.jobs.find_one({"_id": "job-4"})["state"] == "unknown"


def test_digests_run_once_per_period_of_the_clock(client, db, smtp):
    uow = UnitOfWork(client, db, "notifications")
    repo.ensure_mail_indexes(db)
    queue = MailQueue(db.mail_jobs, smtp)
    schedule = DigestSchedule(hour=7, weekday=0, timezone=ZoneInfo("Europe/Amsterdam"))
    repo.update_mail_recipient(db, None, "acc-d", {"email": "d@example.nl", "confirmed_at": repo.now()})
    repo.update_mail_recipient(db, None, "acc-w", {"email": "w@example.nl", "confirmed_at": repo.now(),
                                                   "frequency": "weekly"})

    def notify(account, frequency):
        notification = repo.insert_notifications(db, None, [{
            "account_id": account, "type": "topic.phase_changed", "topic_id": "a" * 24, "subject_id": "a" * 24,
            "params": {"topic_title": "Park", "phase": "consult"}, "read": False, "created_at": repo.now()}])[0]
        repo.mark_for_digest(db, None, notification["_id"], frequency)

    def digests(at):
        return mail_usecases.send_due_digests(uow, queue, schedule, at.astimezone(timezone.utc))

    amsterdam = ZoneInfo("Europe/Amsterdam")
    notify("acc-d", "daily")
    notify("acc-w", "weekly")
    assert digests(datetime(2026, 11, 23, 6, 59, tzinfo=amsterdam)) == 0  # Monday, before seven
    assert digests(datetime(2026, 11, 23, 7, 0, tzinfo=amsterdam)) == 2  # the daily and the weekly one
    notify("acc-d", "daily")
    notify("acc-w", "weekly")
    assert digests(datetime(2026, 11, 23, 18, 0, tzinfo=amsterdam)) == 0  # both ran this period
    assert digests(datetime(2026, 11, 24, 7, 30, tzinfo=amsterdam)) == 1  # Tuesday: the daily one
    assert digests(datetime(2026, 11, 30, 7, 30, tzinfo=amsterdam)) == 1  # next Monday: only the weekly is new
    kinds = sorted((job["account_id"], job["kind"], len(job["items"])) for job in db.mail_jobs.find())
    assert kinds == [("acc-d", "daily", 1), ("acc-d", "daily", 1), ("acc-w", "weekly", 1), ("acc-w", "weekly", 1)]
