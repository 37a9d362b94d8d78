"""CloudEvents 1.0 envelope: the public contract of every Meedenken event (see docs/events/).

The AMQP routing key (and nameko ``event_type``) is the short name, e.g.
``statement.response.recorded.v1``; the CloudEvent ``type`` is that name behind ``nl.meedenken.``.
"""
import re
import uuid
from datetime import datetime, timezone

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

TYPE_PREFIX = "nl.meedenken."
CORRELATION_ATTRIBUTE = "correlationid"  # optional CloudEvents extension attribute
SHORT_NAME = r"^[a-z_]+(\.[a-z_]+)*\.v[0-9]+\Z"
_SHORT_NAME = re.compile(SHORT_NAME)


def source_of(service):
    return f"/meedenken/{service}"


def rfc3339(moment, timespec="milliseconds"):
    """UTC time on the wire: ``2026-11-25T08:35:16.123Z`` (with ``timespec="microseconds"``, text
    that sorts in time order to the microsecond)."""
    return moment.astimezone(timezone.utc).isoformat(timespec=timespec).replace("+00:00", "Z")


def new_event(service, short_type, subject, data, now=None, correlation_id=None):
    """A new event; with ``correlation_id``, it carries the extension attribute ``correlationid``
    (the id of the action that caused it, see meedenken_kit.correlation)."""
    if not _SHORT_NAME.match(short_type):
        raise ValueError(f"not a versioned event name: {short_type!r}")
    event = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": source_of(service),
        "type": TYPE_PREFIX + short_type,
        "time": rfc3339(now or datetime.now(timezone.utc)),
        "subject": str(subject),
        "datacontenttype": "application/json",
        "data": data,
    }
    if correlation_id:
        event[CORRELATION_ATTRIBUTE] = correlation_id
    return event


def short_type(event):
    return event["type"][len(TYPE_PREFIX):]


def _is_timestamp(value):
    """RFC 3339 with a zone, as CloudEvents requires."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("Not an RFC 3339 timestamp.") from None
    if moment.tzinfo is None or "T" not in value.upper():
        raise ValidationError("Not an RFC 3339 timestamp with a time zone.")
    return True


class EnvelopeSchema(Schema):
    """Consumers validate the envelope and ignore unknown attributes (extensions)."""

    class Meta:
        unknown = INCLUDE

    specversion = fields.String(required=True, validate=validate.Equal("1.0"))
    id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    source = fields.String(required=True, validate=validate.Regexp(r"^/meedenken/[a-z_-]+\Z"))
    type = fields.String(required=True, validate=validate.Regexp("^" + TYPE_PREFIX.replace(".", r"\.") + SHORT_NAME[1:]))
    time = fields.String(required=True, validate=_is_timestamp)
    subject = fields.String(required=True)
    datacontenttype = fields.String(required=True, validate=validate.Equal("application/json"))
    data = fields.Dict(required=True)
    # Extensions pass through unvalidated, ``correlationid`` too: a consumer never refuses an
    # event for it (a worker that gets an unusable one makes its own, meedenken_kit.correlation).


_envelope = EnvelopeSchema()


def parse_event(body):
    """Return the validated envelope; raise ``ValidationError`` for anything else."""
    if not isinstance(body, dict):
        raise ValidationError("event body is not an object")
    return _envelope.load(body)
