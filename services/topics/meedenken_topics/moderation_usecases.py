"""Moderation, one function per act, the same for reactions, statements, solutions and agenda
proposals: reports, the officials' queue, hiding with a reason, reinstating, dismissing reports,
pre-moderation, the author's objection and its decision. Every act writes its audit entry and its
event in the transaction that changes the state."""
from meedenken_kit.errors import Conflict, Forbidden, NotFound, load_or_raise

from . import domain, moderation as rules, repository as repo, usecases
from .events import (CONTENT_APPROVED, CONTENT_HIDDEN, CONTENT_REINSTATED, OBJECTION_DECIDED, OBJECTION_FILED,
                     REACTION_HIDDEN, REACTION_RESTORED, REPORT_FILED, REPORTS_DISMISSED)
from .schemas import (AuditEntryOut, CaseOut, ObjectionDecisionIn, ObjectionIn, OrgPageQuery, ReasonIn, ReportIn,
                      ReportOut)

report_out, case_out, audit_out = ReportOut(), CaseOut(), AuditEntryOut()
EXCERPT = 300


def _item(uow, kind, item_id, session=None):
    collection = rules.KINDS[rules.require_kind(kind)][0]
    item = repo.get_item(uow.db, collection, usecases._valid_id(item_id, "Item"), session)
    if item is None:
        raise NotFound(f"No {kind.replace('_', ' ')} with this id.")
    return item


def _common(kind, item):
    return {"kind": kind, "item_id": item["_id"], "org": item["org"], "topic_id": item.get("topic_id"),
            "author_id": item["author_id"]}


def _audit(uow, session, action, kind, item, actor_id, reason="", at=None, **detail):
    repo.append_audit(uow.db, session, {
        "_id": repo.new_id(), "org": item["org"], "at": at or repo.now(), "actor_id": actor_id, "action": action,
        "kind": kind, "item_id": item["_id"], "reason": reason, "detail": detail})


def open_case(uow, session, kind, item):
    repo.open_case(uow.db, session, {"_id": rules.case_id(kind, item["_id"]), **_common(kind, item),
                                     "open_reports": 0, "reasons": {}, "objection": None, "why": [],
                                     "since": None, "created_at": repo.now()})


def refresh_queue(uow, session, kind, item_id, at):
    """Put the item in the queue (keeping its place when it is there already) or take it out."""
    cid = rules.case_id(kind, item_id)
    case = repo.get_case(uow.db, cid, session)
    item = repo.get_item(uow.db, rules.KINDS[kind][0], item_id, session)
    why = rules.queue_state(case, item, kind)
    if not why:
        repo.update_case(uow.db, session, cid, {"why": [], "since": None}, unset=("queue_key",))
    elif case.get("queue_key"):
        repo.update_case(uow.db, session, cid, {"why": why})
    else:
        repo.update_case(uow.db, session, cid, {"why": why, "since": at, "queue_key": rules.queue_key(at, cid)})


def hold(uow, session, kind, item):
    """A new contribution waits for pre-moderation (called in the transaction that stores it)."""
    open_case(uow, session, kind, item)
    refresh_queue(uow, session, kind, item["_id"], item["created_at"])


def statement_moderated(uow, session, statement, actor, decision, reason):
    """The audit entry and queue update of the statements' own approve/reject."""
    _audit(uow, session, "approved" if decision == "approve" else "rejected", "statement", statement, actor["id"],
           reason)
    if repo.get_case(uow.db, rules.case_id("statement", statement["_id"]), session):
        refresh_queue(uow, session, "statement", statement["_id"], repo.now())


# acts -------------------------------------------------------------------------------------------

def report(uow, actor, payload):
    actor = domain.require_actor(usecases.actor_of(actor))
    data = load_or_raise(ReportIn, payload)
    item = _item(uow, data["kind"], data["id"])
    if rules.shown(data["kind"], item, actor) is None:
        raise NotFound(f"No {data['kind'].replace('_', ' ')} with this id.")
    at = repo.now()
    filed = {"_id": repo.new_id(), "kind": data["kind"], "item_id": item["_id"], "org": item["org"],
             "topic_id": item.get("topic_id"), "reporter_id": actor["id"], "reason": data["reason"],
             "text": data["text"], "status": "open", "created_at": at}

    def txn(session):
        rules.check_report(item, actor, repo.has_open_report(uow.db, session, data["kind"], item["_id"], actor["id"]))
        repo.insert(uow.db, session, "reports", filed)
        open_case(uow, session, data["kind"], item)
        repo.count_report(uow.db, session, rules.case_id(data["kind"], item["_id"]), data["reason"])
        refresh_queue(uow, session, data["kind"], item["_id"], at)
        _audit(uow, session, "report_filed", data["kind"], item, actor["id"], data["reason"], at,
               report_id=filed["_id"])
        uow.emit(session, REPORT_FILED, item["_id"], {**_common(data["kind"], item), "report_id": filed["_id"],
                                                      "reason": data["reason"], "reporter_id": actor["id"]})
    uow.transaction(txn)
    return report_out.dump(filed)


def _close_reports(uow, session, kind, item, actor, status, at):
    closed = repo.close_reports(uow.db, session, kind, item["_id"], status, actor["id"], at)
    repo.update_case(uow.db, session, rules.case_id(kind, item["_id"]), {"open_reports": 0, "reasons": {}})
    return closed


def _shown_differently(uow, session, item):
    """Copies of the item's topic page are out of date (content.TopicContent)."""
    if item.get("topic_id"):  # agenda proposals belong to no topic
        repo.content_changed(uow.db, session, item["topic_id"])


def hide(uow, actor, kind, item_id, payload):
    """Hide with a reason the author and everyone else see; open reports count as acted on. A
    statement still waiting for moderation is rejected instead (with the same reason)."""
    actor = domain.require_actor(usecases.actor_of(actor))
    reason = load_or_raise(ReasonIn, payload)["reason"].strip()
    item = _item(uow, kind, item_id)
    if kind == "statement" and item["status"] == "pending":
        usecases.moderate_statement(uow, actor, item["_id"], {"decision": "reject", "reason": reason})
        return case(uow, actor, kind, item_id)
    rules.check_hide(kind, item, actor, reason)
    at = repo.now()
    held = rules.is_held(kind, item)
    hidden = {"reason": reason, "by": actor["id"], "at": at}

    def txn(session):
        if not repo.set_hidden(uow.db, session, rules.KINDS[kind][0], item["_id"], hidden):
            raise Conflict("This was moderated meanwhile.")
        _shown_differently(uow, session, item)
        open_case(uow, session, kind, item)
        closed = _close_reports(uow, session, kind, item, actor, "actioned", at)
        refresh_queue(uow, session, kind, item["_id"], at)
        _audit(uow, session, "rejected" if held else "hidden", kind, item, actor["id"], reason, at,
               reports_closed=closed)
        uow.emit(session, CONTENT_HIDDEN, item["_id"], {**_common(kind, item), "actor_id": actor["id"],
                                                        "reason": reason, "premoderation": held})
        if kind == "reaction":  # the reaction-only event, still published for its subscribers
            uow.emit(session, REACTION_HIDDEN, item["_id"], {
                "reaction_id": item["_id"], "topic_id": item["topic_id"], "org": item["org"],
                "author_id": item["author_id"], "actor_id": actor["id"], "reason": reason})
    uow.transaction(txn)
    return case(uow, actor, kind, item_id)


def _reinstate(uow, session, kind, item, actor, reason, at, by_objection):
    if not repo.set_hidden(uow.db, session, rules.KINDS[kind][0], item["_id"], None):
        raise Conflict("This was moderated meanwhile.")
    _shown_differently(uow, session, item)
    uow.emit(session, CONTENT_REINSTATED, item["_id"], {**_common(kind, item), "actor_id": actor["id"],
                                                        "reason": reason, "by_objection": by_objection})
    if kind == "reaction":
        uow.emit(session, REACTION_RESTORED, item["_id"], {
            "reaction_id": item["_id"], "topic_id": item["topic_id"], "org": item["org"],
            "author_id": item["author_id"], "actor_id": actor["id"]})


def reinstate(uow, actor, kind, item_id, payload):
    """An official undoes a hide (e.g. their own mistake); the objection route is the author's way."""
    actor = domain.require_actor(usecases.actor_of(actor))
    reason = load_or_raise(ReasonIn, payload)["reason"].strip()
    item = _item(uow, kind, item_id)
    rules.check_reinstate(item, actor)
    at = repo.now()

    def txn(session):
        _reinstate(uow, session, kind, item, actor, reason, at, by_objection=False)
        open_case(uow, session, kind, item)
        objection = (repo.get_case(uow.db, rules.case_id(kind, item["_id"]), session) or {}).get("objection")
        if objection and objection["status"] == "open":  # nothing left to object to
            repo.update_case(uow.db, session, rules.case_id(kind, item["_id"]), {"objection": {
                **objection, "status": "reinstated", "decided_by": actor["id"], "decided_at": at, "reason": reason}})
        refresh_queue(uow, session, kind, item["_id"], at)
        _audit(uow, session, "reinstated", kind, item, actor["id"], reason, at)
    uow.transaction(txn)
    return case(uow, actor, kind, item_id)


def dismiss(uow, actor, kind, item_id, payload):
    """Close the open reports without acting on the item."""
    actor = domain.require_actor(usecases.actor_of(actor))
    reason = load_or_raise(ReasonIn, payload)["reason"].strip()
    item = _item(uow, kind, item_id)
    at = repo.now()

    def txn(session):
        case_doc = repo.get_case(uow.db, rules.case_id(kind, item["_id"]), session) or {}
        rules.check_dismiss(item, actor, case_doc.get("open_reports"))
        closed = _close_reports(uow, session, kind, item, actor, "dismissed", at)
        refresh_queue(uow, session, kind, item["_id"], at)
        _audit(uow, session, "reports_dismissed", kind, item, actor["id"], reason, at, reports_closed=closed)
        uow.emit(session, REPORTS_DISMISSED, item["_id"], {**_common(kind, item), "actor_id": actor["id"],
                                                           "reports_closed": closed})
    uow.transaction(txn)
    return case(uow, actor, kind, item_id)


def approve(uow, actor, kind, item_id):
    """Pre-moderation: an official lets a held contribution through (rejecting is hiding it)."""
    actor = domain.require_actor(usecases.actor_of(actor))
    item = _item(uow, kind, item_id)
    rules.check_approve(kind, item, actor)
    if kind == "statement":
        usecases.moderate_statement(uow, actor, item["_id"], {"decision": "approve"})
        return case(uow, actor, kind, item_id)
    at = repo.now()

    def txn(session):
        if not repo.release_held(uow.db, session, rules.KINDS[kind][0], item["_id"]):
            raise Conflict("This was moderated meanwhile.")
        _shown_differently(uow, session, item)
        refresh_queue(uow, session, kind, item["_id"], at)
        _audit(uow, session, "approved", kind, item, actor["id"], "", at)
        uow.emit(session, CONTENT_APPROVED, item["_id"], {**_common(kind, item), "actor_id": actor["id"]})
    uow.transaction(txn)
    return case(uow, actor, kind, item_id)


def object_to(uow, actor, kind, item_id, payload):
    """The author objects to the hiding, once."""
    actor = domain.require_actor(usecases.actor_of(actor))
    text = load_or_raise(ObjectionIn, payload)["text"].strip()
    item = _item(uow, kind, item_id)
    at = repo.now()

    def txn(session):
        cid = rules.case_id(kind, item["_id"])
        rules.check_objection(item, repo.get_case(uow.db, cid, session), actor)
        open_case(uow, session, kind, item)
        repo.update_case(uow.db, session, cid, {"objection": {
            "text": text, "at": at, "status": "open", "decided_by": None, "decided_at": None, "reason": None}})
        refresh_queue(uow, session, kind, item["_id"], at)
        _audit(uow, session, "objection_filed", kind, item, actor["id"], text, at)
        uow.emit(session, OBJECTION_FILED, item["_id"], _common(kind, item))
    uow.transaction(txn)
    return case(uow, actor, kind, item_id)


def decide_objection(uow, actor, kind, item_id, payload):
    """An official other than the one who hid the item upholds the hiding or reinstates it."""
    actor = domain.require_actor(usecases.actor_of(actor))
    data = load_or_raise(ObjectionDecisionIn, payload)
    reason = data["reason"].strip()
    item = _item(uow, kind, item_id)
    at = repo.now()

    def txn(session):
        cid = rules.case_id(kind, item["_id"])
        current = repo.get_case(uow.db, cid, session)
        rules.check_objection_decision(item, current, actor, reason)
        outcome = "upheld" if data["decision"] == "uphold" else "reinstated"
        repo.update_case(uow.db, session, cid, {"objection": {
            **current["objection"], "status": outcome, "decided_by": actor["id"], "decided_at": at, "reason": reason}})
        if outcome == "reinstated":
            _reinstate(uow, session, kind, item, actor, reason, at, by_objection=True)
        refresh_queue(uow, session, kind, item["_id"], at)
        _audit(uow, session, "objection_decided", kind, item, actor["id"], reason, at, decision=outcome)
        uow.emit(session, OBJECTION_DECIDED, item["_id"], {**_common(kind, item), "actor_id": actor["id"],
                                                           "decision": outcome, "reason": reason})
    uow.transaction(txn)
    return case(uow, actor, kind, item_id)


# reads ------------------------------------------------------------------------------------------

def _view(uow, kind, item, case_doc, actor, reports=()):
    official = domain.is_official(actor, item["org"])
    case_doc = case_doc or {}
    return case_out.dump({
        **_common(kind, item), "content": {name: item.get(name, "") for name in rules.KINDS[kind][1]},
        "hidden": item.get("hidden"), "held": rules.is_held(kind, item), "objection": case_doc.get("objection"),
        "open_reports": case_doc.get("open_reports", 0) if official else 0,
        "reasons": case_doc.get("reasons", {}) if official else {},
        "why": case_doc.get("why", []) if official else [], "since": case_doc.get("since"),
        "reports": list(reports)})


def case(uow, actor, kind, item_id):
    """The item's moderation, for its author (their text, the reason, the objection) and the
    organisation's officials (also the open reports)."""
    actor = domain.require_actor(usecases.actor_of(actor))
    item = _item(uow, kind, item_id)
    if not rules.may_see_all(item, actor):
        raise Forbidden("Only the author and the organisation's officials see an item's moderation.")
    reports = repo.open_reports(uow.db, kind, item["_id"]) if domain.is_official(actor, item["org"]) else []
    return _view(uow, kind, item, repo.get_case(uow.db, rules.case_id(kind, item["_id"])), actor, reports)


def queue(uow, actor, query):
    """What waits for the organisation's officials, one entry per item, oldest first."""
    actor = domain.require_actor(usecases.actor_of(actor))
    q = load_or_raise(OrgPageQuery, query)
    domain.require_official(actor, q["org"])
    cases, next_key = repo.queue_page(uow.db, q["org"], q.get("after"), q["limit"])
    items = {}
    for kind, (collection, _) in rules.KINDS.items():
        items.update({(kind, doc["_id"]): doc for doc in repo.items_by_id(
            uow.db, collection, [c["item_id"] for c in cases if c["kind"] == kind]).values()})
    titles = repo.titles_of(uow.db, [c["topic_id"] for c in cases if c.get("topic_id")])
    entries = []
    for case_doc in cases:
        item = items[case_doc["kind"], case_doc["item_id"]]
        view = _view(uow, case_doc["kind"], item, case_doc, actor)
        view["content"] = {name: value[:EXCERPT] for name, value in view["content"].items()}
        entries.append({**view, "topic_title": titles.get(case_doc.get("topic_id"), "")})
    return {"items": entries, "next": next_key}


def audit(uow, actor, query):
    actor = domain.require_actor(usecases.actor_of(actor))
    q = load_or_raise(OrgPageQuery, query)
    rules.require_admin(actor, q["org"])
    rows, next_id = repo.audit_page(uow.db, q["org"], q.get("after"), q["limit"])
    return {"items": audit_out.dump(rows, many=True), "next": next_id}
