"""Typed errors a service raises from an RPC; nameko serialises them by class name and the gateway
maps each name to one HTTP status in one table (``meedenken_gateway.problems``)."""
import functools


class ServiceError(Exception):
    """Base of every error a caller is meant to see. ``detail`` is safe to show to people;
    ``errors`` optionally maps field names to messages."""

    def __init__(self, detail, errors=None):
        super().__init__(detail, errors or {})
        self.detail = detail
        self.errors = errors or {}

    def __str__(self):
        return self.detail


class InvalidInput(ServiceError):
    """The payload does not match the RPC's schema."""


class NotFound(ServiceError):
    """The resource does not exist (or the caller may not know it exists)."""


class Forbidden(ServiceError):
    """The caller is known but may not do this."""


class Conflict(ServiceError):
    """The request is valid but clashes with the resource's current state."""


@functools.cache
def _schema(schema_class):
    return schema_class()


def load_or_raise(schema, payload):
    """Validate an RPC payload with a marshmallow schema — an instance, or a schema class, of which
    one instance is kept (building one per call was a tenth of a short RPC's CPU); raise
    ``InvalidInput`` with the field errors."""
    from marshmallow import ValidationError

    if isinstance(schema, type):
        schema = _schema(schema)
    if not isinstance(payload, dict):
        raise InvalidInput("Payload must be an object.")
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise InvalidInput("Invalid input.", exc.messages) from None
