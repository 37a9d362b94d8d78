"""Sending mail over SMTP, written once for every part that mails (the gateway's account mails, the
notifications service's notifications).

A mail is a job in a collection of the sender's own database (``MailQueue``): added in the
transaction that causes it, with an id that makes adding it again a no-op; ``send_due`` claims due
jobs one by one, composes each (``compose(job)`` → an ``EmailMessage``, or None: nothing to send any
more) and hands it to the SMTP server. A refusal or a connection failure is retried later along the
retry schedule; a job claimed by a process that died while sending is not sent again (``unknown``):
a mail is sent at most once."""
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from pymongo import ASCENDING

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED, SKIPPED, UNKNOWN = "pending", "sending", "sent", "failed", "skipped", "unknown"
DEFAULT_SCHEDULE = (10, 60, 300, 1800, 7200, 21600)
SECURITY = ("none", "starttls", "tls")


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 8025
    security: str = "none"
    username: str = ""
    password: str = ""
    from_address: str = "Meedenken <noreply@meedenken.localhost>"
    timeout: float = 30.0
    retry_schedule: tuple = DEFAULT_SCHEDULE

    @classmethod
    def from_mapping(cls, get):
        """From ``get(name)`` (os.environ.get or nameko's config.get); docs/ops.md lists the names."""
        def value(name, default):
            found = get(name)
            return default if found in (None, "") else str(found)
        security = value("SMTP_SECURITY", "none").lower()
        if security not in SECURITY:
            raise SystemExit(f"SMTP_SECURITY must be one of {', '.join(SECURITY)}.")
        return cls(host=value("SMTP_HOST", cls.host), port=int(value("SMTP_PORT", cls.port)), security=security,
                   username=value("SMTP_USERNAME", ""), password=value("SMTP_PASSWORD", ""),
                   from_address=value("MAIL_FROM", cls.from_address),
                   timeout=float(value("SMTP_TIMEOUT_SECONDS", cls.timeout)),
                   retry_schedule=parse_schedule(value("MAIL_RETRY_SCHEDULE", " ".join(map(str, DEFAULT_SCHEDULE)))))


def parse_schedule(text):
    """'10 60 300' → seconds to wait after the 1st, 2nd, 3rd failure; then the mail fails for good."""
    schedule = tuple(float(part) for part in text.split())
    if not schedule or any(step < 0 for step in schedule):
        raise SystemExit("MAIL_RETRY_SCHEDULE must be a list of seconds, e.g. '10 60 300'.")
    return schedule


def compose(settings, to, subject, text, html=None, headers=None, message_id=None):
    """A mail with a plain-text part (and an HTML alternative when given)."""
    message = EmailMessage()
    message["From"] = settings.from_address
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id or make_msgid(domain="meedenken")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for name, value in (headers or {}).items():  # after the content: setting it drops Content-* headers
        message[name] = value
    return message


def smtp_send(settings, message):
    """Hand one message to the SMTP server; raises smtplib.SMTPException or OSError when it is not
    accepted."""
    if settings.security == "tls":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)


def _now():
    return datetime.now(timezone.utc)


class MailQueue:
    """Mail jobs in ``collection``: ``{_id, state, attempts, next_attempt_at, ...what compose needs}``;
    ``settings`` (SmtpSettings) are needed to send, not to add."""

    def __init__(self, collection, settings=None, lease=timedelta(minutes=5), transport=smtp_send):
        self.collection = collection
        self.settings = settings
        self.lease = lease
        self.transport = transport

    def ensure_indexes(self):
        self.collection.create_index([("state", ASCENDING), ("next_attempt_at", ASCENDING)])

    def add(self, job_id, fields, session=None, at=None):
        """False when a job with this id exists already (a redelivery, a second click)."""
        if self.collection.find_one({"_id": job_id}, {"_id": 1}, session=session):
            return False
        at = at or _now()
        self.collection.insert_one({**fields, "_id": job_id, "state": PENDING, "attempts": 0, "created_at": at,
                                    "next_attempt_at": at, "last_error": None, "sent_at": None}, session=session)
        return True

    def send_due(self, compose_job, now=None, limit=20):
        """Send what is due; returns how many jobs were claimed."""
        now = now or _now()
        self._give_up_interrupted(now)
        due = list(self.collection.find({"state": PENDING, "next_attempt_at": {"$lte": now}})
                   .sort("next_attempt_at", ASCENDING).limit(limit))
        claimed = 0
        for job in due:
            if not self.collection.update_one({"_id": job["_id"], "state": PENDING, "attempts": job["attempts"]},
                                              {"$set": {"state": SENDING, "claimed_at": now}}).modified_count:
                continue  # another process has it
            claimed += 1
            self._send(job, compose_job)
        return claimed

    def _send(self, job, compose_job):
        try:
            message = compose_job(job)
        except Exception as exc:  # a bug or bad data in one job must not stop the others
            log.exception("mail %s could not be composed", job["_id"])
            return self._finish(job, FAILED, f"compose: {type(exc).__name__}")
        if message is None:
            return self._finish(job, SKIPPED, None)
        try:
            self.transport(self.settings, message)
        except (smtplib.SMTPException, OSError) as exc:
            return self._retry(job, f"{type(exc).__name__}: {exc}"[:300])
        self._finish(job, SENT, None, sent_at=_now())

    def _finish(self, job, state, error, sent_at=None):
        self.collection.update_one({"_id": job["_id"]}, {"$set": {
            "state": state, "last_error": error, "sent_at": sent_at, "next_attempt_at": None},
            "$inc": {"attempts": 1}})

    def _retry(self, job, error):
        attempts = job["attempts"] + 1
        if attempts > len(self.settings.retry_schedule):
            log.warning("mail %s not accepted after %d attempts: %s", job["_id"], attempts, error)
            return self._finish(job, FAILED, error)
        log.info("mail %s not accepted (attempt %d), trying again later: %s", job["_id"], attempts, error)
        self.collection.update_one({"_id": job["_id"]}, {"$set": {
            "state": PENDING, "last_error": error,
            "next_attempt_at": _now() + timedelta(seconds=self.settings.retry_schedule[attempts - 1])},
            "$inc": {"attempts": 1}})

    def run(self, stop, compose_job, interval=1.0):
        """Send what is due every ``interval`` seconds until ``stop`` (a threading.Event) is set."""
        while not stop.wait(interval):
            try:
                while self.send_due(compose_job):
                    pass
            except Exception:  # the database away, say: look again at the next tick
                log.exception("sending mail failed; trying again")

    def _give_up_interrupted(self, now):
        """A process died between claiming and recording: whether the server took the mail is not
        known, and sending it again could send it twice."""
        for job in self.collection.find({"state": SENDING, "claimed_at": {"$lt": now - self.lease}}, {"_id": 1}):
            log.warning("mail %s was interrupted while being sent; not sending it again", job["_id"])
            self.collection.update_one({"_id": job["_id"], "state": SENDING},
                                       {"$set": {"state": UNKNOWN, "next_attempt_at": None}})

