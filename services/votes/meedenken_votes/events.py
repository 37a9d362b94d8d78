"""Events the votes service publishes on ``votes.events`` (documented in docs/events/)."""
STATEMENT_RESPONSE_RECORDED = "statement.response.recorded.v2"
SUPPORT_RECORDED = "support.recorded.v1"
THRESHOLD_REACHED = "agenda_proposal.threshold_reached.v1"

PUBLISHED = [STATEMENT_RESPONSE_RECORDED, SUPPORT_RECORDED, THRESHOLD_REACHED]
POLL_SCHEDULED = "poll.scheduled.v1"
POLL_OPENED = "poll.opened.v1"
BALLOT_CAST = "ballot.cast.v1"
POLL_CLOSED = "poll.closed.v1"
POLL_CANCELLED = "poll.cancelled.v1"

PUBLISHED += [POLL_SCHEDULED, POLL_OPENED, BALLOT_CAST, POLL_CLOSED, POLL_CANCELLED]
OPINION_GROUPS_COMPUTED = "opinion_groups.computed.v1"
PUBLISHED.append(OPINION_GROUPS_COMPUTED)

# with every erasure of an account's data (meedenken_kit.personal_data)
ERASURE_CONFIRMED = "account.erasure_confirmed.v1"
PUBLISHED.append(ERASURE_CONFIRMED)
