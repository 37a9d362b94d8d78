"""Who hears of what, and how a notification reads. Plain functions: no broker, no database."""
STATEMENT_PUBLISHED = "statement.published"
PHASE_CHANGED = "topic.phase_changed"
OFFICIAL_ANSWER = "reaction.official_answer"
THRESHOLD_REACHED = "agenda_proposal.threshold_reached"
PROPOSAL_ANSWERED = "agenda_proposal.answered"
TOPIC_DECIDED = "topic.decided"
POLL_OPENED = "poll.opened"
POLL_CLOSED = "poll.closed"
CONTENT_HIDDEN = "content.hidden"
OBJECTION_UPHELD = "moderation.objection_upheld"
OBJECTION_REINSTATED = "moderation.objection_reinstated"

PHASE_LABELS = {
    "nl": {"draft": "concept", "inform": "informeren", "consult": "raadplegen", "advise": "adviseren",
           "co_create": "coproduceren", "co_decide": "meebeslissen", "decided": "besloten", "closed": "gesloten"},
    "en": {"draft": "draft", "inform": "inform", "consult": "consult", "advise": "advise",
           "co_create": "co-create", "co_decide": "co-decide", "decided": "decided", "closed": "closed"},
}
TITLES = {
    "nl": {
        STATEMENT_PUBLISHED: "Nieuwe stelling bij ‘{topic_title}’: {text}",
        PHASE_CHANGED: "‘{topic_title}’ is nu in de fase {phase_label}",
        OFFICIAL_ANSWER: "Officieel antwoord op uw reactie bij ‘{topic_title}’",
        THRESHOLD_REACHED: "Uw agendapunt ‘{title}’ heeft genoeg steun ({supports})",
        PROPOSAL_ANSWERED: "Uw agendapunt ‘{title}’ is beantwoord",
        TOPIC_DECIDED: "Wat is er met uw inbreng gedaan: ‘{topic_title}’",
        POLL_OPENED: "Stemming geopend bij ‘{topic_title}’: {question}",
        POLL_CLOSED: "Uitslag van de stemming bij ‘{topic_title}’: {question}",
        CONTENT_HIDDEN: "Uw bijdrage is verborgen door de moderator: {reason}",
        OBJECTION_UPHELD: "Uw bezwaar is afgewezen; uw bijdrage blijft verborgen: {reason}",
        OBJECTION_REINSTATED: "Uw bezwaar is toegekend; uw bijdrage is weer zichtbaar: {reason}",
    },
    "en": {
        STATEMENT_PUBLISHED: "New statement on ‘{topic_title}’: {text}",
        PHASE_CHANGED: "‘{topic_title}’ is now in the {phase_label} phase",
        OFFICIAL_ANSWER: "Official answer to your reaction on ‘{topic_title}’",
        THRESHOLD_REACHED: "Your agenda item ‘{title}’ has enough support ({supports})",
        PROPOSAL_ANSWERED: "Your agenda item ‘{title}’ has been answered",
        TOPIC_DECIDED: "What was done with your input: ‘{topic_title}’",
        POLL_OPENED: "Poll opened on ‘{topic_title}’: {question}",
        POLL_CLOSED: "Result of the poll on ‘{topic_title}’: {question}",
        CONTENT_HIDDEN: "Your contribution was hidden by the moderator: {reason}",
        OBJECTION_UPHELD: "Your objection was rejected; your contribution stays hidden: {reason}",
        OBJECTION_REINSTATED: "Your objection was granted; your contribution is visible again: {reason}",
    },
}
LANGUAGES = tuple(TITLES)


def recipients(candidates, actor_id):
    """Nobody is notified of their own act."""
    return [account for account in dict.fromkeys(candidates) if account and account != actor_id]


def render_title(kind, params, lang="nl"):
    texts = TITLES.get(lang, TITLES["nl"])
    values = dict(params)
    if "phase" in values:
        values["phase_label"] = PHASE_LABELS.get(lang, PHASE_LABELS["nl"]).get(values["phase"], values["phase"])
    return texts[kind].format_map(_Missing(values))


class _Missing(dict):
    def __missing__(self, key):
        return "…"


WEBHOOK_DISABLED = "webhook.disabled"
TITLES["nl"][WEBHOOK_DISABLED] = "Webhook uitgeschakeld na herhaald mislukte afleveringen: {url}"
TITLES["en"][WEBHOOK_DISABLED] = "Webhook disabled after repeated failed deliveries: {url}"
