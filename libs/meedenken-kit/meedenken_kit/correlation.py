"""The correlation id: one id per citizen action, carried from the gateway through every RPC and
event it causes, so the log lines and events of that action can be found in every process.

- HTTP: the gateway takes ``X-Request-Id`` from the request when it is a sane token (else makes a
  UUID) and answers with it.
- RPC: nameko context data, i.e. the AMQP header ``nameko.correlation_id``; a nameko worker reads
  it from ``worker_ctx.context_data["correlation_id"]``.
- Events: the CloudEvents extension attribute ``correlationid`` (docs/events/README.md); a
  handler's worker adopts the id of the event it handles.

Within a process the current id lives in a context variable: per thread in the gateway (set and
reset per request), per green thread in a nameko service (set per worker by
``meedenken_kit.observability.CallLog``). The JSON log formatter puts it on every line.
"""
import contextvars
import re
import uuid

HTTP_HEADER = "X-Request-Id"
CONTEXT_KEY = "correlation_id"            # nameko context data key
AMQP_HEADER = "nameko." + CONTEXT_KEY     # how nameko carries context data in AMQP headers
EVENT_ATTRIBUTE = "correlationid"         # CloudEvents extension attribute (lowercase a-z0-9 only)
MAX_LENGTH = 128
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,%d}" % (MAX_LENGTH - 1))

_current = contextvars.ContextVar("meedenken_correlation_id", default=None)


def sane(value):
    """``value`` when it is a usable id (1-128 characters: letters, digits and ``._:=+/-``, starting
    with a letter or digit), else None. Anything a client sends goes through this first: the id
    ends up in log lines, AMQP headers and events."""
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            return None
    if isinstance(value, str) and _SANE.fullmatch(value):
        return value
    return None


def new():
    return str(uuid.uuid4())


def current():
    """The id of the action this thread (or green thread) works for, or None."""
    return _current.get()


def bind(value):
    """Make ``value`` the current id; returns a token for ``reset``."""
    return _current.set(value)


def reset(token):
    try:
        _current.reset(token)
    except ValueError:  # a token of another context: just forget the id
        _current.set(None)
