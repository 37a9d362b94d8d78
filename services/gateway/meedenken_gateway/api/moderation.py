"""Moderation with reasons (notice and action, statement of reasons): reports, the officials'
queue, hiding, reinstating, dismissing, pre-moderation, the author's objection, the audit log."""
import json

from ..routing import Raw, Route, require_id
from ..schemas import (AuditLog, KeyCursorQuery, ModerationCase, ModerationCaseQueue, ObjectionDecisionIn,
                       ObjectionIn, OptionalReasonIn, ReasonIn, Report, ReportIn)

EXPORT_PAGE = 500


def report(call):
    return call.rpc.call("topics", "report", call.actor, call.body)


def moderation_queue(call, slug):
    return call.rpc.call("topics", "moderation_queue_items", call.actor, {**call.query, "org": slug})


def case(call, kind, item_id):
    return call.rpc.call("topics", "moderation_case", call.actor, kind, require_id(item_id, "Item"))


def _act(method):
    def act(call, kind, item_id):
        return call.rpc.call("topics", method, call.actor, kind, require_id(item_id, "Item"), call.body)
    act.__name__ = method
    return act


hide, reinstate, dismiss_reports, object_to, decide_objection = (
    _act(m) for m in ("hide", "reinstate", "dismiss_reports", "object_to", "decide_objection"))


def approve(call, kind, item_id):
    return call.rpc.call("topics", "approve", call.actor, kind, require_id(item_id, "Item"))


def audit(call, slug):
    return call.rpc.call("topics", "moderation_audit", call.actor, {**call.query, "org": slug})


def audit_entries(call, slug):
    """Every entry of the log, oldest first, page by page."""
    after = None
    while True:
        page = call.rpc.call("topics", "moderation_audit", call.actor,
                             {"org": slug, "limit": EXPORT_PAGE, **({"after": after} if after else {})})
        yield from page["items"]
        after = page["next"]
        if not after:
            return


def export_audit(call, slug):
    """The whole log as JSON lines (one entry a line), to keep or hand over."""
    body = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in audit_entries(call, slug))
    return Raw(body, "application/x-ndjson; charset=utf-8")


M = ("moderation",)
ITEM = "/api/v1/moderation/{kind}/{item_id}"
ACT_ERRORS = (400, 401, 403, 404, 409, 422)
ROUTES = [
    Route("POST", "/api/v1/reports", report,
          "Report a reaction, statement, solution or agenda proposal (one open report per person per item: "
          "a second is 409)", auth="citizen", body=ReportIn, status=201, answer=Report,
          errors=(400, 401, 404, 409, 422), tags=M),
    Route("GET", "/api/v1/orgs/{slug}/moderation/queue", moderation_queue,
          "For officials: items reported, waiting for pre-moderation or objected to, oldest first, one entry per "
          "item", auth="official", query=KeyCursorQuery, answer=ModerationCaseQueue, errors=(401, 403, 404, 422),
          tags=M),
    Route("GET", ITEM, case, "An item's moderation, for its author and the organisation's officials",
          auth="citizen", answer=ModerationCase, errors=(401, 403, 404), tags=M),
    Route("POST", ITEM + "/hide", hide,
          "Hide an item with a reason its author and everyone else see (closes its open reports; a held item "
          "is thereby rejected)", auth="official", body=ReasonIn, answer=ModerationCase, errors=ACT_ERRORS, tags=M),
    Route("POST", ITEM + "/reinstate", reinstate, "Show a hidden item again", auth="official", body=ReasonIn,
          answer=ModerationCase, errors=ACT_ERRORS, tags=M),
    Route("POST", ITEM + "/dismiss", dismiss_reports, "Close the open reports on an item without acting on it",
          auth="official", body=OptionalReasonIn, answer=ModerationCase, errors=ACT_ERRORS, tags=M),
    Route("POST", ITEM + "/approve", approve, "Pre-moderation: let a held item through", auth="official",
          answer=ModerationCase, errors=(401, 403, 404, 409), tags=M),
    Route("POST", ITEM + "/objection", object_to,
          "The author objects to the hiding (once); an official other than the one who hid it decides",
          auth="citizen", body=ObjectionIn, answer=ModerationCase, errors=ACT_ERRORS, tags=M),
    Route("POST", ITEM + "/objection/decision", decide_objection,
          "Decide an objection: uphold the hiding or reinstate (not by the official who hid it: 403)",
          auth="official", body=ObjectionDecisionIn, answer=ModerationCase, errors=ACT_ERRORS, tags=M),
    Route("GET", "/api/v1/orgs/{slug}/moderation/audit", audit,
          "For administrators: the append-only moderation log (who, what, when, why), oldest first",
          auth="official", query=KeyCursorQuery, answer=AuditLog, errors=(401, 403, 404, 422), tags=M),
    Route("GET", "/api/v1/orgs/{slug}/moderation/audit/export", export_audit,
          "For administrators: the whole moderation log as JSON lines", auth="official",
          media_type="application/x-ndjson", errors=(401, 403, 404), tags=M),
]
