"""marshmallow schemas at the votes service's RPC boundary."""
import re

from marshmallow import Schema, fields, validate

from .domain import CHOICES
from .polls import ELECTORATES, KINDS

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


class ActorIn(Schema):
    """Who acts, as the gateway vouches for it; ``residencies``: the organisations where the account
    is a verified resident (the gateway's data, passed along: votes never reads it itself)."""
    id = ACCOUNT
    name = fields.String(load_default="")
    roles = fields.Dict(keys=fields.String(validate=SLUG), values=fields.String(), load_default=dict)
    residencies = fields.List(fields.String(validate=SLUG), load_default=list)


class TopicRef(Schema):
    """The topic a poll belongs to, as the gateway read it from the topics service."""
    id = fields.String(required=True, validate=ID)
    org = fields.String(required=True, validate=SLUG)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))


class OptionIn(Schema):
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))
    cost = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))


class PollRulesIn(Schema):
    """A poll's rules as an official sets them (creation: all required ones; PATCH: partial)."""
    question = fields.String(required=True, validate=validate.Length(min=3, max=300))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    options = fields.List(fields.Nested(OptionIn), required=True, validate=validate.Length(min=2, max=20))
    max_choices = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    budget = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    opens_at = fields.AwareDateTime(required=True, format="iso")
    closes_at = fields.AwareDateTime(required=True, format="iso")
    quorum = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    binding = fields.Boolean(required=True)
    secret = fields.Boolean(required=True)
    electorate = fields.String(required=True, validate=validate.OneOf(ELECTORATES))


class PollQuery(Schema):
    poll_id = fields.String(required=True, validate=ID)
    account_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))


class TopicPollsQuery(Schema):
    topic_id = fields.String(required=True, validate=ID)
    account_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))


class BallotChoiceIn(Schema):
    choices = fields.List(fields.String(validate=validate.Length(min=1, max=16)), load_default=None,
                          validate=validate.Length(max=20))
    ranking = fields.List(fields.String(validate=validate.Length(min=1, max=16)), load_default=None,
                          validate=validate.Length(max=20))
    allocation = fields.List(fields.String(validate=validate.Length(min=1, max=16)), load_default=None,
                             validate=validate.Length(max=20))


class ReceiptQuery(Schema):
    poll_id = fields.String(required=True, validate=ID)
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z2-7]{26}\Z"))
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
    answers = fields.Integer()
    groups = fields.List(fields.Nested(OpinionGroupOut))
    consensus = fields.List(fields.Nested(ConsensusOut))
    reason = fields.String(allow_none=True)
