"""nameko entry points of e-mail (meedenken_notifications.mail_usecases), mixed into the
notifications service."""
from meedenken_kit.entrypoints import event_handler, rpc
from nameko.timer import timer

from . import mail_usecases, repository as repo
from .events import OWN_NOTIFICATION_CREATED
from .mail_delivery import MailDelivery


class MailEntrypoints:
    mail = MailDelivery()

    @rpc
    def mail_preferences(self, account_id):
        return mail_usecases.preferences(self.store, account_id)

    @rpc
    def set_mail_preferences(self, payload):
        return mail_usecases.set_preferences(self.store, payload)

    @rpc
    def set_mail_address(self, payload):
        mail_usecases.set_address(self.store, payload)

    @rpc
    def check_unsubscribe(self, payload):
        return mail_usecases.check_unsubscribe(self.mail.settings, payload)

    @rpc
    def unsubscribe(self, payload):
        mail_usecases.unsubscribe(self.store, self.mail.settings, payload)

    @rpc
    def send_digest(self, payload):
        """Send the digests of a frequency now, whatever the schedule (operations, tests)."""
        return mail_usecases.send_digest(self.store, self.mail.queue, payload)

    @event_handler(*OWN_NOTIFICATION_CREATED)
    def on_notification_created(self, event):
        mail_usecases.on_notification_created(self.store, self.mail.queue, event)

    @timer(interval=60)
    def digests(self):
        mail_usecases.send_due_digests(self.store, self.mail.queue, self.mail.settings.schedule, repo.now())
