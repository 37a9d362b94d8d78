"""nameko entry points as Meedenken services use them."""
from nameko.rpc import rpc as _rpc

from .consumers import event_handler
from .errors import ServiceError


def rpc(method):
    """``@rpc`` whose ServiceErrors are expected answers (logged as warnings, not as crashes)."""
    return _rpc(expected_exceptions=ServiceError)(method)


__all__ = ["rpc", "event_handler"]
