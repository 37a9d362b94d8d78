"""The events the topics service publishes on ``topics.events`` (documented in docs/events/).
A name never changes meaning: an incompatible change is a new ``.vN`` published alongside."""
ORGANISATION_CREATED = "organisation.created.v1"
TOPIC_CREATED = "topic.created.v1"
TOPIC_UPDATED = "topic.updated.v1"
TOPIC_PUBLISHED = "topic.published.v1"
TOPIC_PHASE_CHANGED = "topic.phase_changed.v1"
STATEMENT_ADDED = "statement.added.v1"
STATEMENT_PUBLISHED = "statement.published.v1"
STATEMENT_REJECTED = "statement.rejected.v1"
REACTION_POSTED = "reaction.posted.v1"
AGENDA_PROPOSAL_SUBMITTED = "agenda_proposal.submitted.v1"
AGENDA_PROPOSAL_ANSWERED = "agenda_proposal.answered.v1"
REACTION_HIDDEN = "reaction.hidden.v1"
REACTION_RESTORED = "reaction.restored.v1"
SOLUTION_PROPOSED = "solution.proposed.v1"
SOLUTION_SUPPORTED = "solution.supported.v1"  # also on withdrawal, with supported: false
SOLUTION_TAKEN_INTO_VOTE = "solution.taken_into_vote.v1"  # also when unmarked, with taken: false
TOPIC_DECIDED = "topic.decided.v1"

PUBLISHED = [ORGANISATION_CREATED, TOPIC_CREATED, TOPIC_UPDATED, TOPIC_PUBLISHED, TOPIC_PHASE_CHANGED,
             STATEMENT_ADDED, STATEMENT_PUBLISHED, STATEMENT_REJECTED, REACTION_POSTED, REACTION_HIDDEN,
             REACTION_RESTORED, AGENDA_PROPOSAL_SUBMITTED, AGENDA_PROPOSAL_ANSWERED, SOLUTION_PROPOSED,
             SOLUTION_SUPPORTED, SOLUTION_TAKEN_INTO_VOTE, TOPIC_DECIDED]

# consumed
VOTES_THRESHOLD_REACHED = "agenda_proposal.threshold_reached.v1"

ELECTION_MATCH_CREATED = "election_match.created.v1"
ELECTION_MATCH_PARTY_ADDED = "election_match.party_added.v1"
ELECTION_MATCH_PUBLISHED = "election_match.published.v1"
PUBLISHED += [ELECTION_MATCH_CREATED, ELECTION_MATCH_PARTY_ADDED, ELECTION_MATCH_PUBLISHED]

# moderation (docs/decisions/0014-moderation-with-reasons.md); subject: the item's id
REPORT_FILED = "report.filed.v1"
REPORTS_DISMISSED = "moderation.reports_dismissed.v1"
CONTENT_HIDDEN = "content.hidden.v1"  # for reactions reaction.hidden.v1 is published as well
CONTENT_REINSTATED = "content.reinstated.v1"  # for reactions reaction.restored.v1 as well
CONTENT_APPROVED = "content.approved.v1"
OBJECTION_FILED = "moderation.objection.v1"
OBJECTION_DECIDED = "moderation.objection_decided.v1"
PUBLISHED += [REPORT_FILED, REPORTS_DISMISSED, CONTENT_HIDDEN, CONTENT_REINSTATED, CONTENT_APPROVED, OBJECTION_FILED,
              OBJECTION_DECIDED]
# with every erasure of an account's data (meedenken_kit.personal_data); consumed: the request
ERASURE_CONFIRMED = "account.erasure_confirmed.v1"
PUBLISHED.append(ERASURE_CONFIRMED)
