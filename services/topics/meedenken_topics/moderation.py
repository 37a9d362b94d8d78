"""Moderation of what citizens write (reactions, statements, solutions, agenda proposals): notice
and action with a statement of reasons, in line with the EU Digital Services Act. Plain rules: no
broker, no database. See docs/decisions/0014-moderation-with-reasons.md."""
from meedenken_kit.errors import Conflict, Forbidden, InvalidInput, NotFound

from .domain import is_official, require_official

# kind -> (collection, the fields holding what the author wrote)
KINDS = {
    "reaction": ("reactions", ("body",)),
    "statement": ("statements", ("text",)),
    "solution": ("solutions", ("title", "body")),
    "agenda_proposal": ("agenda_proposals", ("title", "motivation")),
}
# what a report is about (docs/moderation.md explains each)
REASONS = ("illegal", "hate", "harassment", "spam", "privacy", "off_topic", "other")
DECISIONS = ("uphold", "reinstate")
# where pre-moderation holds citizens' contributions (a citizen's statement always waits)
PREMODERATED_KINDS = ("reaction", "solution")


def case_id(kind, item_id):
    return f"{kind}:{item_id}"


def is_admin(actor, org):
    return bool(actor) and actor.get("roles", {}).get(org) == "admin"


def require_admin(actor, org):
    if not is_admin(actor, org):
        raise Forbidden("Only administrators of this organisation may read its moderation log.")


def is_author(item, actor):
    return bool(actor) and item.get("author_id") == actor["id"]


def is_held(kind, item):
    """Waiting for an official's approval before others see it."""
    return item.get("status") == "pending" if kind == "statement" else bool(item.get("held"))


def may_see_all(item, actor, org=None):
    return is_official(actor, org or item["org"]) or is_author(item, actor)


def shown(kind, item, actor, org=None):
    """The item as this actor may see it: a hidden item's text only for its author and the
    organisation's officials (everyone sees the reason); None when it waits for moderation and the
    actor is neither."""
    if is_held(kind, item) and not may_see_all(item, actor, org):
        return None
    if item.get("hidden") and not may_see_all(item, actor, org):
        return {**item, **{name: "" for name in KINDS[kind][1]}}
    return item


def check_report(item, actor, already_open):
    if item.get("hidden"):
        raise Conflict("This has already been hidden by a moderator.")
    if already_open:
        raise Conflict("You have already reported this; a moderator will look at it.")


def check_hide(kind, item, actor, reason):
    require_official(actor, item["org"])
    if item.get("hidden"):
        raise Conflict("This is already hidden.")
    if kind == "statement" and item.get("status") == "rejected":
        raise Conflict("This statement was rejected.")
    require_reason(reason, "Hiding needs a reason the author sees.")


def check_reinstate(item, actor):
    require_official(actor, item["org"])
    if not item.get("hidden"):
        raise Conflict("This is not hidden.")


def check_dismiss(item, actor, open_reports):
    require_official(actor, item["org"])
    if not open_reports:
        raise Conflict("There are no open reports to dismiss.")


def check_approve(kind, item, actor):
    require_official(actor, item["org"])
    if not is_held(kind, item):
        raise Conflict("This is not waiting for moderation.")


def check_objection(item, case, actor):
    if not is_author(item, actor):
        raise Forbidden("Only the author may object to a moderation decision.")
    if not item.get("hidden"):
        raise Conflict("This is not hidden; there is nothing to object to.")
    if (case or {}).get("objection"):
        raise Conflict("You have objected once already; an objection can be made once.")


def check_objection_decision(item, case, actor, reason):
    """An official other than the one who hid it decides, once."""
    require_official(actor, item["org"])
    objection = (case or {}).get("objection")
    if not objection or objection["status"] != "open":
        raise Conflict("There is no open objection to decide.")
    if (item.get("hidden") or {}).get("by") == actor["id"]:
        raise Forbidden("An objection is decided by an official other than the one who hid it.")
    require_reason(reason, "A decision on an objection needs a reason.")


def require_reason(reason, message):
    if not (reason or "").strip():
        raise InvalidInput(message, {"reason": ["Required."]})


def require_kind(kind):
    if kind not in KINDS:
        raise NotFound("Nothing of this kind can be moderated.")
    return kind


def queue_state(case, item, kind):
    """Why the item needs an official now, and since when (None when nothing waits): open
    reports, waiting for pre-moderation, or an open objection."""
    why = []
    if case.get("open_reports"):
        why.append("reported")
    if is_held(kind, item) and not item.get("hidden"):
        why.append("held")
    if (case.get("objection") or {}).get("status") == "open":
        why.append("objection")
    return why


def queue_key(since, cid):
    """Sorts the queue oldest first and serves as its cursor."""
    return f"{since.strftime('%Y-%m-%dT%H:%M:%S.%f')}|{cid}"
