"""Mail rules and texts: how often a citizen gets mail about a topic, when a digest is due, the
signed unsubscribe token and what a mail says. Plain functions: no broker, no database."""
import base64
import hashlib
import hmac
from collections import OrderedDict

from . import domain

IMMEDIATELY, DAILY, WEEKLY, NEVER = "immediately", "daily", "weekly", "never"
FREQUENCIES = (IMMEDIATELY, DAILY, WEEKLY, NEVER)
DIGESTS = (DAILY, WEEKLY)
DEFAULT_FREQUENCY = DAILY
DIGEST_LIMIT = 200  # items in one digest; more wait for the next one


def frequency_for(recipient, topic_id):
    """A followed topic's own setting, else the citizen's general one."""
    topics = recipient.get("topics") or {}
    if topic_id and topic_id in topics:
        return topics[topic_id]
    return recipient.get("frequency") or DEFAULT_FREQUENCY


def may_mail(recipient):
    """Only to a confirmed address."""
    return bool(recipient and recipient.get("email") and recipient.get("confirmed_at"))


def digest_period(frequency, local_now, hour, weekday):
    """The period a digest run at ``local_now`` belongs to (e.g. '2026-11-25', '2026-W48'), or None
    before the day's (the week's) sending hour."""
    if frequency == DAILY:
        return local_now.date().isoformat() if local_now.hour >= hour else None
    if frequency == WEEKLY:
        year, week, _ = local_now.isocalendar()
        return f"{year}-W{week:02d}" if (local_now.weekday(), local_now.hour) >= (weekday, hour) else None
    raise ValueError(frequency)


def _mac(secret, account_id):
    digest = hmac.new(secret.encode(), f"unsubscribe:{account_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:20]).decode().rstrip("=")


def unsubscribe_token(secret, account_id):
    return f"{account_id}.{_mac(secret, account_id)}"


def account_of_token(secret, token):
    """The account an unsubscribe token was made for, or None when it is not genuine."""
    account_id, _, mac = (token or "").rpartition(".")
    if not account_id or not hmac.compare_digest(mac.encode(), _mac(secret, account_id).encode()):
        return None
    return account_id


TEXTS = {
    "nl": {
        "daily": "Uw dagelijkse overzicht van Meedenken ({count} nieuw)",
        "weekly": "Uw wekelijkse overzicht van Meedenken ({count} nieuw)",
        "digest_intro": "Dit is er nieuw bij de onderwerpen die u volgt:",
        "other": "Overig",
        "read": "Lees verder",
        "footer": "U krijgt deze e-mail omdat u berichten van Meedenken per e-mail wilt ontvangen.",
        "settings": "Uw e-mailinstellingen wijzigen",
        "unsubscribe": "Geen e-mail meer ontvangen (afmelden met één klik)",
    },
    "en": {
        "daily": "Your daily Meedenken summary ({count} new)",
        "weekly": "Your weekly Meedenken summary ({count} new)",
        "digest_intro": "This is new on the topics you follow:",
        "other": "Other",
        "read": "Read more",
        "footer": "You get this e-mail because you asked to receive Meedenken notifications by e-mail.",
        "settings": "Change your e-mail settings",
        "unsubscribe": "Stop receiving e-mail (unsubscribe with one click)",
    },
}


def item_link(public_url, item):
    if item.get("topic_id"):
        return f"{public_url}/onderwerpen/{item['topic_id']}"
    return f"{public_url}/meldingen"


def render(kind, items, lang, public_url, unsubscribe_url):
    """(subject, plain text) of an immediate mail (one item) or a digest (``kind`` daily/weekly),
    items grouped by topic in the order they happened."""
    texts = TEXTS.get(lang, TEXTS["nl"])
    lines = []
    if kind in DIGESTS:
        subject = texts[kind].format(count=len(items))
        lines += [texts["digest_intro"], ""]
        groups = OrderedDict()
        for item in items:
            groups.setdefault(item.get("topic_id"), []).append(item)
        for topic_id, group in groups.items():
            heading = group[0]["params"].get("topic_title") if topic_id else None
            heading = f"‘{heading}’" if heading else texts["other"]
            lines += [heading, "-" * len(heading)]
            for item in group:
                lines += [f"* {domain.render_title(item['type'], item['params'], lang)}",
                          f"  {item_link(public_url, item)}"]
            lines.append("")
    else:
        item = items[0]
        subject = domain.render_title(item["type"], item["params"], lang)
        lines += [subject, "", f"{texts['read']}: {item_link(public_url, item)}", ""]
    lines += ["-- ", texts["footer"], f"{texts['settings']}: {public_url}/profiel/e-mail",
              f"{texts['unsubscribe']}: {unsubscribe_url}", ""]
    return subject, "\n".join(lines)
