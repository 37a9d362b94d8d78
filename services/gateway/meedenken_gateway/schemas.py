"""marshmallow schemas of the HTTP API: request bodies and queries (unknown fields rejected) and
the documented shapes of the answers (used for the OpenAPI document)."""
from marshmallow import Schema, fields, validate

from .passwords import VALIDATORS as PASSWORD_RULES

PHASES = ["draft", "inform", "consult", "advise", "co_create", "co_decide", "decided", "closed"]
ID = validate.Regexp(r"^[0-9a-f]{24}\Z", error="Not a valid id.")
SLUG = validate.Regexp(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z", error="Lowercase letters, digits and hyphens.")
CHOICES = ["agree", "disagree", "pass"]


def text(max_length, min_length=1, **kwargs):
    return fields.String(validate=validate.Length(min=min_length, max=max_length), **kwargs)


# requests ---------------------------------------------------------------------------------------

class RegisterIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=PASSWORD_RULES)
    display_name = text(80, required=True, min_length=2)


class LoginIn(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))
    code = fields.String(load_only=True, validate=validate.Length(max=10), metadata={
        "description": "the 6-digit code of the authenticator app, for accounts with two-factor login"})


class CodeIn(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}\Z", error="Six digits."))


class PasswordResetIn(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class PasswordResetConfirmIn(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=2_000))
    password = fields.String(required=True, load_only=True, validate=PASSWORD_RULES)


class PasswordChangeIn(Schema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))
    password = fields.String(required=True, load_only=True, validate=PASSWORD_RULES)


class EmailChangeIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))


class LinkTokenIn(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=2_000))


class AmbassadorInviteIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = text(80, required=True, min_length=2, metadata={"description": "the name shown with what they write "
                                                           "(when the address has no account yet)"})


class AmbassadorAcceptIn(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=2_000))
    password = fields.String(load_only=True, validate=PASSWORD_RULES, metadata={
        "description": "required when the invitation made a new account: its password from now on"})


class TopicIn(Schema):
    org = fields.String(required=True, validate=SLUG)
    title = text(160, required=True)
    summary = text(500, required=True)
    body = text(20_000, min_length=0)
    tags = fields.List(text(40), validate=validate.Length(max=10))
    premoderation = fields.Boolean(metadata={"description": "citizens' reactions and solutions are shown to others "
                                                            "only after an official approves them"})


class TopicPatchIn(Schema):
    title = text(160)
    summary = text(500)
    body = text(20_000, min_length=0)
    tags = fields.List(text(40), validate=validate.Length(max=10))
    premoderation = fields.Boolean(metadata={"description": "citizens' reactions and solutions are shown to others "
                                                            "only after an official approves them"})


class PhaseIn(Schema):
    phase = fields.String(required=True, validate=validate.OneOf(PHASES[1:]))
    note = text(2_000, min_length=0)


class StatementIn(Schema):
    text = text(500, required=True, min_length=3)


class ResponseIn(Schema):
    choice = fields.String(required=True, validate=validate.OneOf(CHOICES))


class ReactionIn(Schema):
    body = text(5_000, required=True)
    parent_id = fields.String(allow_none=True, validate=ID)


class ModerationIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = text(2_000, min_length=0)


class ReactionModerationIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["hide", "restore"]))
    reason = text(2_000, min_length=0)


class ProposalAnswerIn(Schema):
    answer = text(5_000, required=True, min_length=10)


class AgendaProposalIn(Schema):
    org = fields.String(required=True, validate=SLUG)
    title = text(160, required=True, min_length=3)
    motivation = text(5_000, required=True, min_length=10)


class SolutionIn(Schema):
    title = text(160, required=True, min_length=3)
    body = text(5_000, required=True, min_length=10)


class TakenIn(Schema):
    taken = fields.Boolean(required=True)


INPUT_KINDS = ["statement", "solution", "agenda_proposal"]


class DecisionInputIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(INPUT_KINDS))
    id = fields.String(required=True, validate=ID)
    what_was_done = text(5_000, required=True, min_length=3)


class DecisionIn(Schema):
    summary = text(500, required=True, min_length=3)
    body = text(20_000, min_length=0)
    input = fields.List(fields.Nested(DecisionInputIn), validate=validate.Length(max=200), metadata={
        "description": "the statements and solutions of this topic and agenda proposals of its organisation "
                       "the decision answers, each with what was done with it"})


class TopicListQuery(Schema):
    org = fields.String(validate=SLUG)
    drafts = fields.Boolean(metadata={"description": "officials of `org`: include drafts and closed topics"})
    sort = fields.String(validate=validate.OneOf(["newest", "activity"]))
    phase = fields.String(validate=validate.OneOf(PHASES))
    tag = text(40)
    after = fields.String(validate=ID)
    limit = fields.Integer(validate=validate.Range(min=1, max=100))


class CursorQuery(Schema):
    after = fields.String(validate=ID)
    limit = fields.Integer(validate=validate.Range(min=1, max=100))


class ProposalListQuery(CursorQuery):
    org = fields.String(required=True, validate=SLUG)


class NotificationQuery(CursorQuery):
    lang = fields.String(validate=validate.OneOf(["nl", "en"]))


class ErasureQuery(Schema):
    contributions = fields.String(load_default="anonymise", validate=validate.OneOf(["anonymise", "remove"]), metadata={
        "description": "what happens to my public contributions: kept under 'verwijderde deelnemer' "
                       "(anonymise, the default) or removed"})


# answers ----------------------------------------------------------------------------------------

AMBASSADOR_MARK = fields.Boolean(metadata={
    "description": "written by an ambassador of the organisation (shown as \"ambassadeur\"; decision 0013)"})


class Account(Schema):
    id = fields.String()
    email = fields.String()
    display_name = fields.String()
    roles = fields.Dict(keys=fields.String(), values=fields.String())
    created_at = fields.DateTime()
    residencies = fields.List(fields.Nested(lambda: Residency()), metadata={
        "description": "organisations where I am a verified resident"})
    two_factor = fields.Boolean(metadata={"description": "whether logging in needs an authenticator code"})
    email_confirmed = fields.Boolean(metadata={
        "description": "whether the address was confirmed by the link mailed to it (no other mail is sent before)"})


class Erasure(Schema):
    status = fields.String(metadata={"description": "erasure_requested: the services are erasing; "
                                                    "account.erasure_completed.v1 says when all did"})
    contributions = fields.String()
    requested_at = fields.DateTime()
    services = fields.List(fields.String(), metadata={"description": "the services that erase and confirm"})


class AmbassadorInvitation(Schema):
    email = fields.String()
    name = fields.String()
    status = fields.String(validate=validate.OneOf(["pending", "accepted"]))
    invited_at = fields.DateTime()
    accepted_at = fields.DateTime(allow_none=True)


class AmbassadorInvitationList(Schema):
    items = fields.List(fields.Nested(AmbassadorInvitation), metadata={"description": "newest first, at most 200"})


class AmbassadorAccepted(Schema):
    org = fields.String()
    display_name = fields.String()


class TwoFactorEnrolment(Schema):
    secret = fields.String(metadata={"description": "the key to type into an authenticator app"})
    uri = fields.String(metadata={"description": "the same as an otpauth:// URI (for a QR code)"})


class Token(Schema):
    token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class Theme(Schema):
    primary_color = fields.String()
    primary_text_color = fields.String()
    accent_color = fields.String()
    font_family = fields.String()
    logo_url = fields.String(allow_none=True)


class Organisation(Schema):
    slug = fields.String()
    name = fields.String()
    kind = fields.String(validate=validate.OneOf(["municipality", "province", "water_board"]))
    support_threshold = fields.Integer()
    theme = fields.Nested(Theme)
    created_at = fields.DateTime()


class PhaseEntry(Schema):
    phase = fields.String()
    at = fields.DateTime()
    by = fields.String(allow_none=True)
    note = fields.String()


class DecisionInput(Schema):
    kind = fields.String(validate=validate.OneOf(INPUT_KINDS))
    id = fields.String()
    title = fields.String(metadata={"description": "the statement's text, the solution's or proposal's title"})
    what_was_done = fields.String()


class Decision(Schema):
    summary = fields.String()
    body = fields.String()
    input = fields.List(fields.Nested(DecisionInput))
    by = fields.String(allow_none=True)
    by_name = fields.String()
    at = fields.DateTime()


class Topic(Schema):
    id = fields.String()
    org = fields.String()
    title = fields.String()
    summary = fields.String()
    body = fields.String()
    tags = fields.List(fields.String())
    phase = fields.String(validate=validate.OneOf(PHASES))
    phase_history = fields.List(fields.Nested(PhaseEntry))
    author_id = fields.String(allow_none=True, metadata={"description": "none once the author's account is erased"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    statement_count = fields.Integer()
    reaction_count = fields.Integer()
    solution_count = fields.Integer()
    last_activity_at = fields.DateTime()
    decision = fields.Nested(Decision, allow_none=True, metadata={"description": "once the topic is decided"})
    premoderation = fields.Boolean()


class TopicList(Schema):
    items = fields.List(fields.Nested(Topic))
    next = fields.String(allow_none=True)


class Tally(Schema):
    agree = fields.Integer()
    disagree = fields.Integer()
    pass_ = fields.Integer(data_key="pass")


class Moderation(Schema):
    decision = fields.String(validate=validate.OneOf(["approve", "reject"]))
    reason = fields.String()
    by = fields.String(allow_none=True)
    at = fields.DateTime()


class Hidden(Schema):
    """Hidden by a moderator: the reason is public, the text only for its author and officials."""
    reason = fields.String()
    by = fields.String(allow_none=True)
    at = fields.DateTime()


HIDDEN = fields.Nested(Hidden, allow_none=True)
HELD = fields.Boolean(metadata={"description": "waits for pre-moderation (seen only by its author and officials)"})


class Statement(Schema):
    id = fields.String()
    topic_id = fields.String()
    text = fields.String()
    status = fields.String(validate=validate.OneOf(["pending", "published", "rejected"]))
    author_id = fields.String(allow_none=True, metadata={"description": "none once the author's account is erased"})
    author_name = fields.String()
    ambassador = AMBASSADOR_MARK
    created_at = fields.DateTime()
    moderation = fields.Nested(Moderation)
    hidden = HIDDEN


WHAT_WAS_DONE = fields.String(allow_none=True, metadata={"description": "what the decision did with it, once named"})


class TopicStatement(Statement):
    tally = fields.Nested(Tally, allow_none=True)
    my_response = fields.String(allow_none=True, validate=validate.OneOf(CHOICES))
    what_was_done = WHAT_WAS_DONE


class Solution(Schema):
    id = fields.String()
    topic_id = fields.String()
    title = fields.String()
    body = fields.String()
    author_id = fields.String(allow_none=True, metadata={"description": "none once the author's account is erased"})
    author_name = fields.String()
    ambassador = AMBASSADOR_MARK
    supports = fields.Integer()
    supported = fields.Boolean(metadata={"description": "whether I support it (false when anonymous)"})
    taken_into_vote = fields.Boolean()
    created_at = fields.DateTime()
    hidden = HIDDEN
    held = HELD


class TopicSolution(Solution):
    what_was_done = WHAT_WAS_DONE


class SolutionList(Schema):
    items = fields.List(fields.Nested(Solution))
    next = fields.String(allow_none=True)


class SolutionSupport(Schema):
    solution_id = fields.String()
    supports = fields.Integer()
    supported = fields.Boolean()


class TopicPage(Topic):
    phase_label_nl = fields.String()
    follower_count = fields.Integer(allow_none=True)
    following = fields.Boolean()
    statements = fields.List(fields.Nested(TopicStatement))
    solutions = fields.List(fields.Nested(TopicSolution), metadata={"description": "the first 100, oldest first"})
    polls = fields.List(fields.Nested(lambda: Poll()))
    reactions = fields.Nested(lambda: ReactionList(), metadata={
        "description": "the first page of reactions; GET .../reactions?after={next} gives the next"})
    missing = fields.List(fields.String())


class ResponseResult(Schema):
    statement_id = fields.String()
    choice = fields.String(validate=validate.OneOf(CHOICES))
    recorded = fields.Boolean(metadata={"description": "true: durably queued, counted within moments"})


class Reaction(Schema):
    id = fields.String()
    topic_id = fields.String()
    parent_id = fields.String(allow_none=True)
    body = fields.String(metadata={"description": "empty when hidden, except for its author and officials"})
    author_id = fields.String(allow_none=True, metadata={"description": "none once the author's account is erased"})
    author_name = fields.String()
    ambassador = AMBASSADOR_MARK
    official_answer = fields.Boolean()
    answered_by_official = fields.Boolean()
    hidden = HIDDEN
    held = HELD
    reply_count = fields.Integer()
    created_at = fields.DateTime()


class ReactionThread(Reaction):
    replies = fields.List(fields.Nested(Reaction))


class ReactionList(Schema):
    items = fields.List(fields.Nested(ReactionThread))
    next = fields.String(allow_none=True)


class Notification(Schema):
    id = fields.String()
    type = fields.String()
    topic_id = fields.String(allow_none=True)
    subject_id = fields.String()
    title = fields.String()
    read = fields.Boolean()
    created_at = fields.DateTime()


class NotificationList(Schema):
    items = fields.List(fields.Nested(Notification))
    unread = fields.Integer()
    next = fields.String(allow_none=True)


class ProposalAnswer(Schema):
    text = fields.String()
    by = fields.String(allow_none=True)
    by_name = fields.String()
    at = fields.DateTime()


class AgendaProposal(Schema):
    id = fields.String()
    org = fields.String()
    title = fields.String()
    motivation = fields.String()
    status = fields.String(validate=validate.OneOf(["open", "threshold_reached", "answered"]))
    author_id = fields.String(allow_none=True, metadata={"description": "none once the author's account is erased"})
    author_name = fields.String()
    ambassador = AMBASSADOR_MARK
    support_threshold = fields.Integer()
    supports = fields.Integer()
    supported = fields.Boolean()
    created_at = fields.DateTime()
    threshold_reached_at = fields.DateTime(allow_none=True)
    answer = fields.Nested(ProposalAnswer, allow_none=True)
    hidden = HIDDEN


class AgendaProposalList(Schema):
    items = fields.List(fields.Nested(AgendaProposal))
    next = fields.String(allow_none=True)


class Contributions(Schema):
    statements = fields.List(fields.Nested(Statement))
    reactions = fields.List(fields.Nested(Reaction))
    agenda_proposals = fields.List(fields.Nested(AgendaProposal))


class QueuedStatement(Statement):
    topic_title = fields.String()


class QueuedReaction(Reaction):
    topic_title = fields.String()


class ModerationQueue(Schema):
    pending_statements = fields.List(fields.Nested(QueuedStatement))
    awaiting_answer = fields.List(fields.Nested(QueuedReaction))
    proposals_to_answer = fields.List(fields.Nested(AgendaProposal))


# moderation (docs/moderation.md) -----------------------------------------------------------------

MODERATED_KINDS = ["reaction", "statement", "solution", "agenda_proposal"]
REPORT_REASONS = ["illegal", "hate", "harassment", "spam", "privacy", "off_topic", "other"]


class ReportIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(MODERATED_KINDS))
    id = fields.String(required=True, validate=ID)
    reason = fields.String(required=True, validate=validate.OneOf(REPORT_REASONS), metadata={
        "description": "illegal: illegal content; hate: hate or discrimination; harassment: harassment or threats; "
                       "spam: spam or advertising; privacy: personal data of others; off_topic; other"})
    text = text(2_000, min_length=0, metadata={"description": "what is wrong with it (seen by the officials only)"})


class ReasonIn(Schema):
    reason = text(2_000, required=True, metadata={"description": "why; the author sees it"})


class OptionalReasonIn(Schema):
    reason = text(2_000, min_length=0)


class ObjectionIn(Schema):
    text = text(2_000, required=True, min_length=3)


class ObjectionDecisionIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["uphold", "reinstate"]))
    reason = text(2_000, required=True, metadata={"description": "why; the author sees it"})


class KeyCursorQuery(Schema):
    after = text(200)
    limit = fields.Integer(validate=validate.Range(min=1, max=100))


class Report(Schema):
    id = fields.String()
    kind = fields.String(validate=validate.OneOf(MODERATED_KINDS))
    item_id = fields.String()
    org = fields.String()
    reason = fields.String(validate=validate.OneOf(REPORT_REASONS))
    text = fields.String()
    status = fields.String(validate=validate.OneOf(["open", "actioned", "dismissed"]))
    created_at = fields.DateTime()


class Objection(Schema):
    text = fields.String()
    at = fields.DateTime()
    status = fields.String(validate=validate.OneOf(["open", "upheld", "reinstated"]))
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True)


class ModerationCase(Schema):
    kind = fields.String(validate=validate.OneOf(MODERATED_KINDS))
    id = fields.String()
    org = fields.String()
    topic_id = fields.String(allow_none=True)
    author_id = fields.String()
    content = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "what the author wrote (body; text; title and body; title and motivation)"})
    hidden = HIDDEN
    held = HELD
    objection = fields.Nested(Objection, allow_none=True, metadata={"description": "the author's, once"})
    open_reports = fields.Integer(metadata={"description": "officials only (0 for the author)"})
    reasons = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "open reports per reason (officials only)"})
    why = fields.List(fields.String(validate=validate.OneOf(["reported", "held", "objection"])))
    since = fields.DateTime(allow_none=True, metadata={"description": "in the queue since"})
    reports = fields.List(fields.Nested(Report), metadata={"description": "the open reports (officials only)"})


class QueuedCase(ModerationCase):
    topic_title = fields.String()


class ModerationCaseQueue(Schema):
    items = fields.List(fields.Nested(QueuedCase))
    next = fields.String(allow_none=True)


class AuditEntry(Schema):
    id = fields.String()
    org = fields.String()
    at = fields.DateTime()
    actor_id = fields.String(metadata={"description": "account id of who did it"})
    action = fields.String(validate=validate.OneOf([
        "report_filed", "hidden", "rejected", "approved", "reinstated", "reports_dismissed", "objection_filed",
        "objection_decided"]))
    kind = fields.String(validate=validate.OneOf(MODERATED_KINDS))
    item_id = fields.String()
    reason = fields.String(metadata={"description": "why: the report's category, the moderator's reason, "
                                                    "the objection's text"})
    detail = fields.Dict()


class AuditLog(Schema):
    items = fields.List(fields.Nested(AuditEntry))
    next = fields.String(allow_none=True)


class SupportResult(Schema):
    proposal_id = fields.String()
    supports = fields.Integer()
    supported = fields.Boolean()
    threshold_reached = fields.Boolean()


class Health(Schema):
    status = fields.String()
    checks = fields.Dict(keys=fields.String(), values=fields.String())


class Problem(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict()


# polls and residency (issue #5) -----------------------------------------------------------------

RFC3339 = validate.Regexp(r"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d{1,6})?([Zz]|[+-]\d\d:\d\d)\Z",
                          error="An RFC 3339 time with its offset, e.g. 2026-12-01T09:00:00+01:00.")
POLL_KINDS = ["single", "multiple", "ranked", "budget"]
OPTION_IDS = fields.List(fields.String(validate=validate.Length(min=1, max=16)), validate=validate.Length(max=20))


class PollOptionIn(Schema):
    label = text(200, required=True)
    cost = fields.Integer(allow_none=True, validate=validate.Range(min=1),
                          metadata={"description": "budget polls only: what the option costs"})


class PollPatchIn(Schema):
    question = text(300, min_length=3)
    options = fields.List(fields.Nested(PollOptionIn), validate=validate.Length(min=2, max=20))
    max_choices = fields.Integer(allow_none=True, validate=validate.Range(min=1),
                                 metadata={"description": "multiple-choice polls: how many options a ballot may name"})
    budget = fields.Integer(allow_none=True, validate=validate.Range(min=1))
    opens_at = fields.String(validate=RFC3339)
    closes_at = fields.String(validate=RFC3339)
    quorum = fields.Integer(allow_none=True, validate=validate.Range(min=1),
                            metadata={"description": "minimum turnout; the result says whether it was met"})
    binding = fields.Boolean()
    secret = fields.Boolean()
    electorate = fields.String(validate=validate.OneOf(["accounts", "residents"]))


class PollIn(PollPatchIn):
    question = text(300, required=True, min_length=3)
    kind = fields.String(required=True, validate=validate.OneOf(POLL_KINDS))
    options = fields.List(fields.Nested(PollOptionIn), required=True, validate=validate.Length(min=2, max=20))
    opens_at = fields.String(required=True, validate=RFC3339)
    closes_at = fields.String(required=True, validate=RFC3339)
    binding = fields.Boolean(required=True)
    secret = fields.Boolean(required=True)
    electorate = fields.String(required=True, validate=validate.OneOf(["accounts", "residents"]))


class PollBallotIn(Schema):
    choices = OPTION_IDS
    ranking = OPTION_IDS
    allocation = OPTION_IDS


class ResidencyIn(Schema):
    org = fields.String(required=True, validate=SLUG)
    code = text(40, required=True)


class PollOption(Schema):
    id = fields.String()
    label = fields.String()
    cost = fields.Integer(allow_none=True)


class PollParticipation(Schema):
    voted = fields.Boolean()
    ballot = fields.Dict(allow_none=True, metadata={"description": "my ballot; null for a secret poll"})


class Poll(Schema):
    id = fields.String()
    topic_id = fields.String()
    org = fields.String()
    topic_title = fields.String()
    question = fields.String()
    kind = fields.String(validate=validate.OneOf(POLL_KINDS))
    options = fields.List(fields.Nested(PollOption))
    max_choices = fields.Integer(allow_none=True)
    budget = fields.Integer(allow_none=True)
    opens_at = fields.DateTime()
    closes_at = fields.DateTime()
    quorum = fields.Integer(allow_none=True)
    binding = fields.Boolean()
    secret = fields.Boolean()
    electorate = fields.String()
    status = fields.String(validate=validate.OneOf(["scheduled", "open", "closed", "cancelled"]))
    turnout = fields.Integer()
    created_at = fields.DateTime()
    participation = fields.Nested(PollParticipation)


class PollList(Schema):
    items = fields.List(fields.Nested(Poll))


class BallotResult(Schema):
    poll_id = fields.String()
    ballot = fields.Dict(metadata={"description": "open poll: the ballot as counted"})
    receipt = fields.String(metadata={"description": "secret poll: the receipt code (keep it to check your ballot)"})


class Receipt(Schema):
    poll_id = fields.String()
    receipt = fields.String()
    in_box = fields.Boolean()
    ballot = fields.Dict(allow_none=True, metadata={"description": "what the ballot says; only after the close"})


class RunoffRound(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    exhausted = fields.Integer()
    eliminated = fields.String(allow_none=True)


class PollResult(Schema):
    poll_id = fields.String()
    final = fields.Boolean(metadata={"description": "false: an open poll's count so far"})
    turnout = fields.Integer()
    quorum = fields.Integer(allow_none=True)
    quorum_met = fields.Boolean()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    rounds = fields.List(fields.Nested(RunoffRound))
    winner = fields.String(allow_none=True)
    funded = fields.List(fields.String())


class Residency(Schema):
    org = fields.String()
    verified_at = fields.DateTime()
class Representative(Schema):
    statement_id = fields.String()
    text = fields.String(allow_none=True, metadata={"description": "the statement (null when it is no longer shown)"})
    agree_share = fields.Float(metadata={
        "description": "share (0..1) agreeing among the participants outside the group"})
    group_agree_share = fields.Float(metadata={"description": "share agreeing inside the group"})


class OpinionGroup(Schema):
    id = fields.Integer(metadata={"description": "1 for the largest group"})
    size = fields.Integer()
    representative = fields.List(fields.Nested(Representative), metadata={
        "description": "the statements that set the group apart, most distinctive first"})


class ConsensusStatement(Schema):
    statement_id = fields.String()
    text = fields.String(allow_none=True)
    agree_share = fields.Float(metadata={"description": "share agreeing among all participants"})


class OpinionGroups(Schema):
    computed_at = fields.DateTime(allow_none=True)
    participants = fields.Integer(metadata={"description": "citizens who answered at least 3 statements"})
    answers = fields.Integer(metadata={"description": "the participants' answers the result counts (agree, "
                                                      "disagree and pass)"})
    groups = fields.List(fields.Nested(OpinionGroup))
    consensus = fields.List(fields.Nested(ConsensusStatement))
    reason = fields.String(allow_none=True, metadata={
        "description": "why there are no groups: not_computed, too_few_participants, too_few_statements, "
                       "groups_too_small; null when there are"})


# election matches -----------------------------------------------------------------------------------

POSITIONS = ["agree", "neutral", "disagree"]


class ElectionMatchIn(Schema):
    org = fields.String(required=True, validate=SLUG)
    title = text(160, required=True)
    intro = text(2_000, min_length=0)
    statements = fields.List(text(300), required=True, validate=validate.Length(min=2, max=60),
                             metadata={"description": "the statements, in the order citizens answer them"})


class PositionIn(Schema):
    statement_id = fields.String(required=True, validate=ID)
    position = fields.String(required=True, validate=validate.OneOf(POSITIONS))
    explanation = text(1_000, required=True, metadata={"description": "why the party takes this position"})


class PartyIn(Schema):
    name = text(100, required=True)
    positions = fields.List(fields.Nested(PositionIn), required=True, validate=validate.Length(min=1, max=60),
                            metadata={"description": "one per statement of the match"})


class MatchAnswerIn(Schema):
    statement_id = fields.String(required=True, validate=ID)
    answer = fields.String(required=True, validate=validate.OneOf([*POSITIONS, "skip"]))
    important = fields.Boolean(metadata={"description": "counts double (default false)"})


class MatchAnswersIn(Schema):
    answers = fields.List(fields.Nested(MatchAnswerIn), required=True, validate=validate.Length(min=1, max=60))


class MatchListQuery(Schema):
    org = fields.String(required=True, validate=SLUG)
    drafts = fields.Boolean(metadata={"description": "officials of the organisation: include drafts"})


class MatchStatement(Schema):
    id = fields.String()
    text = fields.String()


class Position(Schema):
    statement_id = fields.String()
    position = fields.String(validate=validate.OneOf(POSITIONS))
    explanation = fields.String()


class Party(Schema):
    id = fields.String()
    name = fields.String()
    positions = fields.List(fields.Nested(Position))


class ElectionMatch(Schema):
    id = fields.String()
    org = fields.String()
    title = fields.String()
    intro = fields.String()
    status = fields.String(validate=validate.OneOf(["draft", "published"]))
    statements = fields.List(fields.Nested(MatchStatement))
    parties = fields.List(fields.Nested(Party), metadata={"description": "in alphabetical order"})
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)


class ElectionMatchList(Schema):
    items = fields.List(fields.Nested(ElectionMatch))


class RankedParty(Schema):
    id = fields.String()
    name = fields.String()
    rank = fields.Integer(metadata={"description": "equal scores share a rank"})
    tied = fields.Boolean(metadata={"description": "another party has the same score (listed in random order)"})
    percentage = fields.Float(metadata={"description": "agreement, 0..100 (docs/election-match.md)"})


class PartyPosition(Schema):
    id = fields.String()
    name = fields.String()
    position = fields.String(validate=validate.OneOf(POSITIONS))
    explanation = fields.String()


class MatchResultStatement(Schema):
    id = fields.String()
    text = fields.String()
    answer = fields.String(validate=validate.OneOf([*POSITIONS, "skip"]))
    important = fields.Boolean()
    parties = fields.List(fields.Nested(PartyPosition), metadata={"description": "in alphabetical order"})


class MatchResult(Schema):
    match_id = fields.String()
    total_weight = fields.Integer(metadata={"description": "statements answered, important ones counted twice"})
    ranking = fields.List(fields.Nested(RankedParty))
    statements = fields.List(fields.Nested(MatchResultStatement))


# webhooks ---------------------------------------------------------------------------------------

class WebhookIn(Schema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=2000), metadata={
        "description": "https URL (http only to loopback with MEEDENKEN_ENV=development); every address its host "
                       "resolves to must be public"})
    types = fields.List(fields.String(), required=True, validate=validate.Length(min=1, max=50), metadata={
        "description": "event types to deliver, e.g. topic.published.v1 (those carrying the organisation)"})
    description = fields.String(validate=validate.Length(max=500))


class Webhook(Schema):
    id = fields.String()
    org = fields.String()
    url = fields.String()
    types = fields.List(fields.String())
    description = fields.String()
    active = fields.Boolean()
    consecutive_failures = fields.Integer()
    created_at = fields.DateTime()
    disabled_at = fields.DateTime(allow_none=True)


class WebhookCreated(Webhook):
    secret = fields.String(metadata={"description": "whsec_<base64>: shown once, verifies the signatures"})


class WebhookList(Schema):
    items = fields.List(fields.Nested(Webhook))


class WebhookDelivery(Schema):
    id = fields.String()
    event_id = fields.String()
    type = fields.String()
    state = fields.String(validate=validate.OneOf(["pending", "delivered", "failed"]))
    attempts = fields.Integer()
    last_status = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class WebhookDeliveryList(Schema):
    items = fields.List(fields.Nested(WebhookDelivery))
    next = fields.String(allow_none=True)


class OutreachQuery(Schema):
    until = fields.Date(metadata={"description": "the last day citizens can take part (shown on the flyer, "
                                                 "poster and press text)"})


class ChannelVisits(Schema):
    channel = fields.String(metadata={"description": "the campaign tag (?via=): flyer, poster, krant (the press "
                                                     "text), email, whatsapp, facebook, x, linkedin"})
    visits = fields.Integer()


class DayVisits(ChannelVisits):
    day = fields.Date()


class CampaignFigures(Schema):
    topic_id = fields.String()
    total = fields.Integer()
    channels = fields.List(fields.Nested(ChannelVisits))
    days = fields.List(fields.Nested(DayVisits))


# e-mail notifications
FREQUENCIES = ("immediately", "daily", "weekly", "never")


class TopicMailPreference(Schema):
    topic_id = fields.String(required=True, validate=ID)
    frequency = fields.String(required=True, allow_none=True, validate=validate.OneOf(FREQUENCIES), metadata={
        "description": "this followed topic's own setting; null: as the general one"})


class MailPreferencesIn(Schema):
    frequency = fields.String(required=True, validate=validate.OneOf(FREQUENCIES), metadata={
        "description": "how often notifications are mailed: at once, in a daily or weekly digest, or never"})
    language = fields.String(load_default="nl", validate=validate.OneOf(("nl", "en")),
                             metadata={"description": "the language of the mails"})
    topics = fields.List(fields.Nested(TopicMailPreference), load_default=list, validate=validate.Length(max=500))


class MailPreferences(Schema):
    email = fields.String()
    email_confirmed = fields.Boolean(metadata={"description": "mail is sent only to a confirmed address"})
    frequency = fields.String(validate=validate.OneOf(FREQUENCIES))
    language = fields.String()
    topics = fields.List(fields.Nested(TopicMailPreference), metadata={"description": "the topics I follow"})


class UnsubscribeIn(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "the token of the signed link in every mail"})
