"""marshmallow schemas at the votes service's RPC boundary."""
import re

from marshmallow import Schema, fields, validate

from .domain import CHOICES

ID_PATTERN = re.compile(r"^[0-9a-f]{24}\Z")
ID = validate.Regexp(ID_PATTERN, error="Not a valid id.")
ACCOUNT = fields.String(required=True, validate=validate.Length(min=1, max=64))
SLUG = validate.Regexp(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")


class ResponseIn(Schema):
    account_id = ACCOUNT
    statement_id = fields.String(required=True, validate=ID)
    topic_id = fields.String(required=True, validate=ID)
    choice = fields.String(required=True, validate=validate.OneOf(CHOICES))


class BallotIn(ResponseIn):
    """An answer as the gateway queues it: with its own id, the request's correlation id (carried
    into its event) and when it was cast."""
    ballot_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    correlation_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=128))
    cast_at = fields.String(required=True, validate=validate.Regexp(
        r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\Z", error="UTC time to the microsecond, e.g. 2026-11-25T08:35:16.123456Z."))


class TopicVotesQuery(Schema):
    topic_id = fields.String(required=True, validate=ID)
    account_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))


class SupportIn(Schema):
    account_id = ACCOUNT
    proposal_id = fields.String(required=True, validate=ID)
    org = fields.String(required=True, validate=SLUG)
    support_threshold = fields.Integer(required=True, validate=validate.Range(min=1))
    author_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    title = fields.String(required=True, validate=validate.Length(min=1, max=160))


class SupportsQuery(Schema):
    proposal_ids = fields.List(fields.String(validate=ID), required=True, validate=validate.Length(max=100))
    account_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))


class RepresentativeOut(Schema):
    statement_id = fields.String()
    agree_share = fields.Float()
    group_agree_share = fields.Float()


class OpinionGroupOut(Schema):
    id = fields.Integer()
    size = fields.Integer()
    representative = fields.List(fields.Nested(RepresentativeOut))


class ConsensusOut(Schema):
    statement_id = fields.String()
    agree_share = fields.Float()


class OpinionGroupsOut(Schema):
    """A topic's opinion groups: counts and shares only, never who is in a group."""
    computed_at = fields.DateTime(allow_none=True)
    participants = fields.Integer()
    groups = fields.List(fields.Nested(OpinionGroupOut))
    consensus = fields.List(fields.Nested(ConsensusOut))
    reason = fields.String(allow_none=True)
