"""nameko entry points as Meedenken services use them."""
from nameko.rpc import rpc as _rpc

from .consumers import event_handler
from .errors import ServiceError
from .personal_data import ERASURE_REQUESTED


def rpc(method):
    """``@rpc`` whose ServiceErrors are expected answers (logged as warnings, not as crashes)."""
    return _rpc(expected_exceptions=ServiceError)(method)


class PersonalDataEntrypoints:
    """Mixin of a service that holds personal data: its part of a person's export and of their
    erasure. The service sets ``personal_data`` (a ``PersonalData``) and has a ``store``. Import
    the module, not this name, into a service module: nameko runs every service class it finds there."""
    personal_data = None

    @rpc
    def export_account_data(self, payload):
        return self.personal_data.export(self.store, payload)

    @event_handler(*ERASURE_REQUESTED)
    def on_erasure_requested(self, event):
        self.personal_data.erase(self.store, event)


__all__ = ["rpc", "event_handler", "PersonalDataEntrypoints"]
