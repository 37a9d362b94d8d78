"""Sending the notifications service's mail: its settings, and a managed thread that sends the due
mail jobs over SMTP (meedenken_kit.mail)."""
import threading
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from meedenken_kit.mail import MailQueue, SmtpSettings
from meedenken_kit.store import Store
from nameko import config
from nameko.extensions import DependencyProvider

from . import mail_usecases, repository as repo

DEV_LINK_SECRET = "dev-only-mail-link-secret"


@dataclass(frozen=True)
class DigestSchedule:
    hour: int
    weekday: int
    timezone: ZoneInfo


@dataclass(frozen=True)
class MailSettings:
    smtp: SmtpSettings
    public_url: str
    link_secret: str
    schedule: DigestSchedule
    poll_seconds: float


def settings():
    link_secret = str(config.get("MAIL_LINK_SECRET") or DEV_LINK_SECRET)
    if config.get("MEEDENKEN_ENV", "development") == "production" and (
            link_secret == DEV_LINK_SECRET or len(link_secret) < 32):
        raise SystemExit("MAIL_LINK_SECRET must be set to a random value of 32+ characters in production.")
    return MailSettings(
        smtp=SmtpSettings.from_mapping(config.get),
        public_url=str(config.get("PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/"),
        link_secret=link_secret,
        schedule=DigestSchedule(hour=int(config.get("DIGEST_HOUR", 7)), weekday=int(config.get("DIGEST_WEEKDAY", 0)),
                                timezone=ZoneInfo(str(config.get("DIGEST_TIMEZONE") or "Europe/Amsterdam"))),
        poll_seconds=float(config.get("MAIL_POLL_SECONDS", 1.0)))


class MailDelivery(DependencyProvider):
    """Workers get this provider itself: ``.queue`` (add mail jobs) and ``.settings``."""

    def setup(self):
        self.store = next(d for d in self.container.extensions if isinstance(d, Store))
        self.settings = settings()
        self._stop = threading.Event()

    def start(self):
        self.queue = MailQueue(self.store.db.mail_jobs, self.settings.smtp)  # the store is set up by now
        repo.ensure_mail_indexes(self.store.db)
        self.queue.ensure_indexes()
        uow = self.store.get_dependency(None)
        self.container.spawn_managed_thread(
            lambda: self.queue.run(self._stop, lambda job: mail_usecases.compose_job(uow, self.settings, job),
                                   self.settings.poll_seconds), identifier="mail-delivery")

    def stop(self):
        self._stop.set()

    def kill(self):
        self._stop.set()

    def get_dependency(self, worker_ctx):
        return self
