"""Events the notifications service publishes on ``notifications.events`` and those it consumes."""
NOTIFICATION_CREATED = "notification.created.v1"
NOTIFICATION_READ = "notification.read.v1"
TOPIC_FOLLOWED = "topic.followed.v1"
TOPIC_UNFOLLOWED = "topic.unfollowed.v1"

PUBLISHED = [NOTIFICATION_CREATED, NOTIFICATION_READ, TOPIC_FOLLOWED, TOPIC_UNFOLLOWED]

# consumed: (source service, event type)
STATEMENT_PUBLISHED = ("topics", "statement.published.v1")
TOPIC_PHASE_CHANGED = ("topics", "topic.phase_changed.v1")
REACTION_POSTED = ("topics", "reaction.posted.v1")
THRESHOLD_REACHED = ("votes", "agenda_proposal.threshold_reached.v1")
PROPOSAL_ANSWERED = ("topics", "agenda_proposal.answered.v1")
TOPIC_DECIDED = ("topics", "topic.decided.v1")
POLL_OPENED = ("votes", "poll.opened.v1")
POLL_CLOSED = ("votes", "poll.closed.v1")
CONTENT_HIDDEN = ("topics", "content.hidden.v1")
OBJECTION_DECIDED = ("topics", "moderation.objection_decided.v1")

# webhooks (no secrets in them)
WEBHOOK_REGISTERED = "webhook.registered.v1"
WEBHOOK_DISABLED = "webhook.disabled.v1"
PUBLISHED += [WEBHOOK_REGISTERED, WEBHOOK_DISABLED]
# with every erasure of an account's data (meedenken_kit.personal_data)
ERASURE_CONFIRMED = "account.erasure_confirmed.v1"
PUBLISHED.append(ERASURE_CONFIRMED)
ROLE_GRANTED = ("gateway", "account.role_granted.v1")
# mail: its own notifications become mails
OWN_NOTIFICATION_CREATED = ("notifications", NOTIFICATION_CREATED)
