"""marshmallow schemas at the topics service's RPC boundary: payloads in, resources out, event data."""
import re

from marshmallow import Schema, fields, validate

from .domain import CAMPAIGN_CHANNELS, INPUT_KINDS, PHASES
from .matching import ANSWERS, POSITIONS
from .moderation import DECISIONS, KINDS, REASONS

ID_PATTERN = re.compile(r"^[0-9a-f]{24}\Z")
ID = validate.Regexp(ID_PATTERN, error="Not a valid id.")
SLUG = validate.Regexp(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z", error="Lowercase letters, digits and hyphens.")
TAG = fields.String(validate=[validate.Length(min=1, max=40), validate.Regexp(r"^[\w-]+( [\w-]+)*\Z")])


def text(max_length, min_length=1, **kwargs):
    return fields.String(validate=validate.Length(min=min_length, max=max_length), **kwargs)


class ActorSchema(Schema):
    """Who acts, as the gateway vouches for it: the account id, its display name, roles per org."""
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = text(100, required=True)
    roles = fields.Dict(keys=fields.String(validate=SLUG), values=fields.String(
        validate=validate.OneOf(["citizen", "ambassador", "official", "admin"])), load_default=dict)


COLOR = validate.Regexp(r"^#[0-9a-fA-F]{6}\Z", error="A colour as #rrggbb.")


class ThemeSchema(Schema):
    """An organisation's house style as NL Design System tokens (the web pages apply them)."""
    primary_color = fields.String(load_default="#01689b", validate=COLOR)
    primary_text_color = fields.String(load_default="#ffffff", validate=COLOR)
    accent_color = fields.String(load_default="#e5f0f9", validate=COLOR)
    font_family = fields.String(load_default="system-ui, 'Segoe UI', Roboto, Arial, sans-serif",
                                validate=validate.Regexp(r"^[\w ,'\"-]{1,200}\Z"))
    logo_url = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^/static/[\w./-]+\Z"))


class OrganisationIn(Schema):
    slug = fields.String(required=True, validate=SLUG)
    name = text(120, required=True)
    kind = fields.String(load_default="municipality",
                         validate=validate.OneOf(["municipality", "province", "water_board"]))
    support_threshold = fields.Integer(load_default=50, validate=validate.Range(min=1, max=1_000_000))
    theme = fields.Nested(ThemeSchema, load_default=lambda: ThemeSchema().load({}))


class OrganisationOut(Schema):
    slug = fields.String(attribute="_id")
    name = fields.String()
    kind = fields.String()
    support_threshold = fields.Integer()
    theme = fields.Nested(ThemeSchema)
    created_at = fields.DateTime()


class TopicIn(Schema):
    org = fields.String(required=True, validate=SLUG)
    title = text(160, required=True)
    summary = text(500, required=True)
    body = text(20_000, load_default="", min_length=0)
    tags = fields.List(TAG, load_default=list, validate=validate.Length(max=10))
    premoderation = fields.Boolean(load_default=False)


class TopicPatch(Schema):
    title = text(160)
    summary = text(500)
    body = text(20_000, min_length=0)
    tags = fields.List(TAG, validate=validate.Length(max=10))
    premoderation = fields.Boolean()


class PhaseChangeIn(Schema):
    phase = fields.String(required=True, validate=validate.OneOf(PHASES))
    note = text(2_000, load_default="", min_length=0)


class TopicQuery(Schema):
    org = fields.String(validate=SLUG)
    drafts = fields.Boolean(load_default=False)
    sort = fields.String(load_default="newest", validate=validate.OneOf(["newest", "activity"]))
    phase = fields.String(validate=validate.OneOf(PHASES))
    tag = fields.String(validate=validate.Length(min=1, max=40))
    after = fields.String(validate=ID)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PhaseEntry(Schema):
    phase = fields.String()
    at = fields.DateTime()
    by = fields.String()
    note = fields.String()


class TopicOut(Schema):
    id = fields.String(attribute="_id")
    org = fields.String()
    title = fields.String()
    summary = fields.String()
    body = fields.String()
    tags = fields.List(fields.String())
    phase = fields.String()
    phase_history = fields.List(fields.Nested(PhaseEntry))
    author_id = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    statement_count = fields.Integer(dump_default=0)
    reaction_count = fields.Integer(dump_default=0)
    last_activity_at = fields.DateTime()
    solution_count = fields.Integer(dump_default=0)
    decision = fields.Nested(lambda: DecisionOut(), allow_none=True, dump_default=None)
    premoderation = fields.Boolean(dump_default=False)


class StatementIn(Schema):
    text = text(500, required=True, min_length=3)


class ModerationIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = text(2_000, load_default="", min_length=0)


class ModerationOut(Schema):
    decision = fields.String()
    reason = fields.String()
    by = fields.String()
    at = fields.DateTime()


class HiddenOut(Schema):
    reason = fields.String()
    by = fields.String()
    at = fields.DateTime()


class StatementOut(Schema):
    id = fields.String(attribute="_id")
    topic_id = fields.String()
    text = fields.String()
    status = fields.String()
    author_id = fields.String()
    author_name = fields.String()
    ambassador = fields.Boolean(dump_default=False)
    created_at = fields.DateTime()
    moderation = fields.Nested(ModerationOut)
    hidden = fields.Nested(HiddenOut, allow_none=True, dump_default=None)


class ReactionIn(Schema):
    body = text(5_000, required=True)
    parent_id = fields.String(validate=ID, load_default=None, allow_none=True)


REACTIONS_PER_PAGE = 20  # a page of reactions when no limit is asked, as the topic page embeds it


class ReactionQuery(Schema):
    after = fields.String(validate=ID)
    limit = fields.Integer(load_default=REACTIONS_PER_PAGE, validate=validate.Range(min=1, max=100))


class ReactionModerationIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["hide", "restore"]))
    reason = text(2_000, load_default="", min_length=0)


class ReactionOut(Schema):
    id = fields.String(attribute="_id")
    topic_id = fields.String()
    parent_id = fields.String(allow_none=True)
    body = fields.String()
    author_id = fields.String()
    author_name = fields.String()
    ambassador = fields.Boolean(dump_default=False)
    official_answer = fields.Boolean()
    answered_by_official = fields.Boolean(dump_default=False)
    hidden = fields.Nested(HiddenOut, allow_none=True, dump_default=None)
    held = fields.Boolean(dump_default=False)
    reply_count = fields.Integer(dump_default=0)
    created_at = fields.DateTime()


class ReactionThreadOut(ReactionOut):
    replies = fields.List(fields.Nested(ReactionOut), dump_default=list)


class AgendaProposalIn(Schema):
    org = fields.String(required=True, validate=SLUG)
    title = text(160, required=True, min_length=3)
    motivation = text(5_000, required=True, min_length=10)


class ProposalAnswerIn(Schema):
    answer = text(5_000, required=True, min_length=10)


class ProposalAnswerOut(Schema):
    text = fields.String()
    by = fields.String()
    by_name = fields.String()
    at = fields.DateTime()


class AgendaProposalOut(Schema):
    id = fields.String(attribute="_id")
    org = fields.String()
    title = fields.String()
    motivation = fields.String()
    status = fields.String()
    author_id = fields.String()
    author_name = fields.String()
    ambassador = fields.Boolean(dump_default=False)
    support_threshold = fields.Integer()
    created_at = fields.DateTime()
    threshold_reached_at = fields.DateTime(allow_none=True)
    answer = fields.Nested(ProposalAnswerOut, allow_none=True, dump_default=None)
    hidden = fields.Nested(HiddenOut, allow_none=True, dump_default=None)


class ProposalQuery(Schema):
    org = fields.String(required=True, validate=SLUG)
    after = fields.String(validate=ID)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class QueueQuery(Schema):
    org = fields.String(required=True, validate=SLUG)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class SolutionIn(Schema):
    title = text(160, required=True, min_length=3)
    body = text(5_000, required=True, min_length=10)


class SolutionQuery(Schema):
    after = fields.String(validate=ID)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class SupportIn(Schema):
    supported = fields.Boolean(required=True)


class TakenIn(Schema):
    taken = fields.Boolean(required=True)


class SolutionOut(Schema):
    id = fields.String(attribute="_id")
    topic_id = fields.String()
    title = fields.String()
    body = fields.String()
    author_id = fields.String()
    author_name = fields.String()
    ambassador = fields.Boolean(dump_default=False)
    supports = fields.Integer(dump_default=0)
    supported = fields.Boolean(dump_default=False)
    taken_into_vote = fields.Boolean(dump_default=False)
    created_at = fields.DateTime()
    hidden = fields.Nested(HiddenOut, allow_none=True, dump_default=None)
    held = fields.Boolean(dump_default=False)


class DecisionInputIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(INPUT_KINDS))
    id = fields.String(required=True, validate=ID)
    what_was_done = text(5_000, required=True, min_length=3)


class DecisionIn(Schema):
    summary = text(500, required=True, min_length=3)
    body = text(20_000, load_default="", min_length=0)
    input = fields.List(fields.Nested(DecisionInputIn), load_default=list, validate=validate.Length(max=200))


class DecisionInputOut(Schema):
    kind = fields.String()
    id = fields.String()
    title = fields.String()
    what_was_done = fields.String()


class DecisionOut(Schema):
    summary = fields.String()
    body = fields.String()
    input = fields.List(fields.Nested(DecisionInputOut))
    by = fields.String()
    by_name = fields.String()
    at = fields.DateTime()


class ThresholdReachedData(Schema):
    """Data of votes' ``agenda_proposal.threshold_reached.v1`` as this service reads it."""
    class Meta:
        unknown = "exclude"

    proposal_id = fields.String(required=True, validate=ID)
    supports = fields.Integer(required=True)


# election matches -----------------------------------------------------------------------------------

class ElectionMatchIn(Schema):
    org = fields.String(required=True, validate=SLUG)
    title = text(160, required=True)
    intro = text(2_000, load_default="", min_length=0)
    statements = fields.List(text(300), required=True, validate=validate.Length(min=2, max=60))


class PositionIn(Schema):
    statement_id = fields.String(required=True, validate=ID)
    position = fields.String(required=True, validate=validate.OneOf(POSITIONS))
    explanation = text(1_000, required=True)


class PartyIn(Schema):
    name = text(100, required=True)
    positions = fields.List(fields.Nested(PositionIn), required=True, validate=validate.Length(min=1, max=60))


class MatchAnswerIn(Schema):
    statement_id = fields.String(required=True, validate=ID)
    answer = fields.String(required=True, validate=validate.OneOf(ANSWERS))
    important = fields.Boolean(load_default=False)


class MatchAnswersIn(Schema):
    answers = fields.List(fields.Nested(MatchAnswerIn), required=True, validate=validate.Length(min=1, max=60))


class MatchQuery(Schema):
    org = fields.String(required=True, validate=SLUG)
    drafts = fields.Boolean(load_default=False)


class MatchStatementOut(Schema):
    id = fields.String()
    text = fields.String()


class PositionOut(Schema):
    statement_id = fields.String()
    position = fields.String()
    explanation = fields.String()


class PartyOut(Schema):
    id = fields.String()
    name = fields.String()
    positions = fields.Method("_positions")

    def _positions(self, party):
        return [{"statement_id": sid, **p} for sid, p in party["positions"].items()]


class ElectionMatchOut(Schema):
    id = fields.String(attribute="_id")
    org = fields.String()
    title = fields.String()
    intro = fields.String()
    status = fields.String()
    statements = fields.List(fields.Nested(MatchStatementOut))
    parties = fields.List(fields.Nested(PartyOut))
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)


class CampaignVisitIn(Schema):
    topic_id = fields.String(required=True, validate=ID)
    channel = fields.String(required=True, validate=validate.OneOf(CAMPAIGN_CHANNELS))


class ChannelVisits(Schema):
    channel = fields.String()
    visits = fields.Integer()


class DayVisits(ChannelVisits):
    day = fields.String()


class CampaignFiguresOut(Schema):
    topic_id = fields.String()
    total = fields.Integer()
    channels = fields.List(fields.Nested(ChannelVisits))
    days = fields.List(fields.Nested(DayVisits))
# moderation -------------------------------------------------------------------------------------

KIND = validate.OneOf(list(KINDS))


class ReportIn(Schema):
    kind = fields.String(required=True, validate=KIND)
    id = fields.String(required=True, validate=ID)
    reason = fields.String(required=True, validate=validate.OneOf(REASONS))
    text = text(2_000, load_default="", min_length=0)


class ReasonIn(Schema):
    reason = text(2_000, load_default="", min_length=0)


class ObjectionIn(Schema):
    text = text(2_000, required=True, min_length=3)


class ObjectionDecisionIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reason = text(2_000, load_default="", min_length=0)


class OrgPageQuery(Schema):
    org = fields.String(required=True, validate=SLUG)
    after = fields.String(validate=validate.Length(min=1, max=200))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=500))


class ReportOut(Schema):
    id = fields.String(attribute="_id")
    kind = fields.String()
    item_id = fields.String()
    org = fields.String()
    reason = fields.String()
    text = fields.String()
    status = fields.String()
    created_at = fields.DateTime()


class ObjectionOut(Schema):
    text = fields.String()
    at = fields.DateTime()
    status = fields.String()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True)


class CaseOut(Schema):
    """One item's moderation: what it says (for its author and officials), why it is hidden, the
    objection, and (for officials) the open reports."""
    kind = fields.String()
    id = fields.String(attribute="item_id")
    org = fields.String()
    topic_id = fields.String(allow_none=True)
    author_id = fields.String()
    content = fields.Dict(keys=fields.String(), values=fields.String())
    hidden = fields.Nested(HiddenOut, allow_none=True)
    held = fields.Boolean()
    objection = fields.Nested(ObjectionOut, allow_none=True)
    open_reports = fields.Integer()
    reasons = fields.Dict(keys=fields.String(), values=fields.Integer())
    why = fields.List(fields.String())
    since = fields.DateTime(allow_none=True)
    reports = fields.List(fields.Nested(ReportOut))


class AuditEntryOut(Schema):
    id = fields.String(attribute="_id")
    org = fields.String()
    at = fields.DateTime()
    actor_id = fields.String()
    action = fields.String()
    kind = fields.String()
    item_id = fields.String()
    reason = fields.String()
    detail = fields.Dict(keys=fields.String(), values=fields.Raw())
