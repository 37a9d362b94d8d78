"""Events the votes service publishes on ``votes.events`` (documented in docs/events/)."""
STATEMENT_RESPONSE_RECORDED = "statement.response.recorded.v2"
SUPPORT_RECORDED = "support.recorded.v1"
THRESHOLD_REACHED = "agenda_proposal.threshold_reached.v1"

PUBLISHED = [STATEMENT_RESPONSE_RECORDED, SUPPORT_RECORDED, THRESHOLD_REACHED]
OPINION_GROUPS_COMPUTED = "opinion_groups.computed.v1"
PUBLISHED.append(OPINION_GROUPS_COMPUTED)
