"""marshmallow schemas at the notifications service's boundaries: RPC payloads, results and the
data of the events it consumes (unknown fields ignored there: producers may add fields)."""
import re

from marshmallow import EXCLUDE, Schema, fields, validate

from .domain import LANGUAGES
from .mails import DIGESTS, FREQUENCIES

ID_PATTERN = re.compile(r"^[0-9a-f]{24}\Z")
ID = validate.Regexp(ID_PATTERN, error="Not a valid id.")
ACCOUNT = validate.Length(min=1, max=64)


class FollowIn(Schema):
    account_id = fields.String(required=True, validate=ACCOUNT)
    topic_id = fields.String(required=True, validate=ID)


class FollowQuery(Schema):
    topic_id = fields.String(required=True, validate=ID)
    account_id = fields.String(load_default=None, allow_none=True, validate=ACCOUNT)


class InboxQuery(Schema):
    account_id = fields.String(required=True, validate=ACCOUNT)
    after = fields.String(validate=ID)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    lang = fields.String(load_default="nl", validate=validate.OneOf(LANGUAGES))


class MarkReadIn(Schema):
    account_id = fields.String(required=True, validate=ACCOUNT)
    notification_id = fields.String(required=True, validate=ID)


class NotificationOut(Schema):
    id = fields.String(attribute="_id")
    type = fields.String()
    topic_id = fields.String(allow_none=True)
    subject_id = fields.String()
    title = fields.String()
    read = fields.Boolean()
    created_at = fields.DateTime()


class _EventData(Schema):
    class Meta:
        unknown = EXCLUDE


class StatementPublishedData(_EventData):
    statement_id = fields.String(required=True)
    topic_id = fields.String(required=True)
    topic_title = fields.String(required=True)
    text = fields.String(required=True)
    actor_id = fields.String(required=True)


class PhaseChangedData(_EventData):
    topic_id = fields.String(required=True)
    title = fields.String(required=True)
    to_phase = fields.String(required=True)
    actor_id = fields.String(required=True)
    by_decision = fields.Boolean(load_default=False)


class ReactionPostedData(_EventData):
    reaction_id = fields.String(required=True)
    topic_id = fields.String(required=True)
    topic_title = fields.String(required=True)
    parent_author_id = fields.String(allow_none=True, load_default=None)
    author_id = fields.String(required=True)
    official_answer = fields.Boolean(required=True)


class ThresholdReachedData(_EventData):
    proposal_id = fields.String(required=True)
    title = fields.String(required=True)
    supports = fields.Integer(required=True)
    author_id = fields.String(required=True)
    actor_id = fields.String(required=True)


class ProposalAnsweredData(_EventData):
    proposal_id = fields.String(required=True)
    title = fields.String(required=True)
    author_id = fields.String(required=True)
    actor_id = fields.String(required=True)


class TopicDecidedData(_EventData):
    topic_id = fields.String(required=True)
    title = fields.String(required=True)
    actor_id = fields.String(required=True)
class ModerationData(_EventData):
    """content.hidden.v1 and moderation.objection_decided.v1."""
    kind = fields.String(required=True)
    item_id = fields.String(required=True)
    topic_id = fields.String(allow_none=True, load_default=None)
    author_id = fields.String(required=True)
    actor_id = fields.String(required=True)
    reason = fields.String(required=True)
    decision = fields.String(load_default=None)


class PollData(_EventData):
    """poll.opened.v1 and poll.closed.v1 (the clock opens and closes polls: no actor)."""
    poll_id = fields.String(required=True)
    topic_id = fields.String(required=True)
    topic_title = fields.String(required=True)
    question = fields.String(required=True)


# webhooks
ORG = validate.Regexp(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z", error="Not a valid organisation.")


class WebhookIn(Schema):
    org = fields.String(required=True, validate=ORG)
    url = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    types = fields.List(fields.String(), required=True, validate=validate.Length(min=1, max=50))
    description = fields.String(load_default="", validate=validate.Length(max=500))


class WebhookRef(Schema):
    org = fields.String(required=True, validate=ORG)
    webhook_id = fields.String(required=True, validate=ID)


class DeliveriesQuery(WebhookRef):
    after = fields.String(validate=ID)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


class WebhookOut(Schema):
    id = fields.String(attribute="_id")
    org = fields.String()
    url = fields.String()
    types = fields.List(fields.String())
    description = fields.String()
    active = fields.Boolean()
    consecutive_failures = fields.Integer()
    created_at = fields.DateTime()
    disabled_at = fields.DateTime(allow_none=True)


class DeliveryOut(Schema):
    id = fields.String(attribute="_id")
    event_id = fields.String()
    type = fields.String()
    state = fields.String()
    attempts = fields.Integer()
    last_status = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class RoleGrantedData(_EventData):
    account_id = fields.String(required=True)
    org = fields.String(required=True)
    role = fields.String(required=True)


# mail
class TopicMailPreference(Schema):
    topic_id = fields.String(required=True, validate=ID)
    frequency = fields.String(required=True, allow_none=True, validate=validate.OneOf(FREQUENCIES))


class MailPreferencesIn(Schema):
    account_id = fields.String(required=True, validate=ACCOUNT)
    frequency = fields.String(required=True, validate=validate.OneOf(FREQUENCIES))
    language = fields.String(load_default="nl", validate=validate.OneOf(LANGUAGES))
    topics = fields.List(fields.Nested(TopicMailPreference), load_default=list, validate=validate.Length(max=500))


class AccountRef(Schema):
    account_id = fields.String(required=True, validate=ACCOUNT)


class MailAddressIn(AccountRef):
    email = fields.Email(required=True, validate=validate.Length(max=254))


class UnsubscribeIn(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class DigestIn(Schema):
    frequency = fields.String(required=True, validate=validate.OneOf(DIGESTS))


class NotificationCreatedData(_EventData):
    notification_id = fields.String(required=True)
    account_id = fields.String(required=True)
