"""Moderation pages: the report form on every contribution, the author's view of a hidden item
with the reason and the objection form, and in the workspace the queue, the decision form per item
and the administrators' audit log with its export. The services check every act again."""
import urllib.parse

from ..api import moderation as api
from ..problems import Problem
from ..routing import KIND_PATTERN, require_id
from ..schemas import ObjectionDecisionIn, ObjectionIn, OptionalReasonIn, ReasonIn, ReportIn, REPORT_REASONS
from .citizen import org
from .framework import FormErrors, Page, Redirect
from .official import require_official

ACTS = {"verbergen": (api.hide, ReasonIn), "herstellen": (api.reinstate, ReasonIn),
        "meldingen-afwijzen": (api.dismiss_reports, OptionalReasonIn)}


def _kind(kind):
    if not KIND_PATTERN.fullmatch(kind):
        raise Problem(404, "Nothing of this kind can be moderated.")
    return kind


def _back(web, default):
    target = web.form.get("terug") or web.req.get_param("terug") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


def report(web, kind, item_id):
    """GET: the form; POST: the report, then back to where it was made."""
    _kind(kind), require_id(item_id, "Item")
    context = {"kind": kind, "item_id": item_id, "reasons": REPORT_REASONS, "back": _back(web, "/")}
    if web.req.method == "POST":
        body = web.validate(ReportIn, {"kind": kind, "id": item_id, "reason": web.form.get("reden", ""),
                                       "text": web.form.get("toelichting", "").strip()}, "report.html", context)
        api.report(web.call(body=body))
        raise Redirect(context["back"], "reported")
    web.render("report.html", **context)


def item(web, kind, item_id, failed=None):
    """The author's view (own text, the reason, the objection form) and, for officials, the link
    to the decision form."""
    case = api.case(web.call(), _kind(kind), require_id(item_id, "Item"))
    web.render("moderation_item.html", case=case, official=_is_official(web, case["org"]), **(failed or {}))


def _is_official(web, slug):
    return (web.account.get("roles") or {}).get(slug) in ("official", "admin")


def object_to(web, kind, item_id):
    try:
        body = web.validate(ObjectionIn, {"text": web.form.get("bezwaar", "").strip()}, "moderation_item.html", {})
    except FormErrors as failed:
        item(web, kind, item_id, {"errors": failed.errors, "values": web.form})
        web.resp.status = "422 Unprocessable Entity"
        return
    api.object_to(web.call(body=body), _kind(kind), item_id)
    raise Redirect(f"/moderatie/{kind}/{item_id}", "objection_filed")


def queue(web, slug):
    require_official(web, slug)
    after = web.req.get_param("na")
    page = api.moderation_queue(web.call(query={"after": after} if after else {}), slug)
    web.render("moderation_queue.html", org=org(web.gateway, slug), queue=page,
               next_query=urllib.parse.urlencode({"na": page["next"]}) if page["next"] else None)


def decide(web, kind, item_id):
    """GET: the item with its reports and what an official may do; POST: one of those acts."""
    _kind(kind), require_id(item_id, "Item")
    if web.req.method == "POST":
        _act(web, kind, item_id)
    else:
        _decision_form(web, kind, item_id)


def _decision_form(web, kind, item_id, failed=None):
    case = api.case(web.call(), kind, item_id)
    require_official(web, case["org"])
    web.render("moderation_decide.html", case=case, org=org(web.gateway, case["org"]), me_id=web.account["_id"],
               **(failed or {}))


def _act(web, kind, item_id):
    act = web.form.get("actie", "")
    reason = web.form.get("reden", "").strip()
    if act == "goedkeuren":
        api.approve(web.call(), kind, item_id)
    elif act in ("handhaven", "terugplaatsen"):
        body = _validated(web, ObjectionDecisionIn, {"decision": "uphold" if act == "handhaven" else "reinstate",
                                                     "reason": reason}, kind, item_id)
        if body is None:
            return
        api.decide_objection(web.call(body=body), kind, item_id)
    elif act in ACTS:
        handler, schema = ACTS[act]
        body = _validated(web, schema, {"reason": reason}, kind, item_id)
        if body is None:
            return
        handler(web.call(body=body), kind, item_id)
    else:
        raise Problem(422, "Choose what to do.")
    raise Redirect(f"/beheer/moderatie/{kind}/{item_id}", "moderated")


def _validated(web, schema, data, kind, item_id):
    try:
        return web.validate(schema, data, "moderation_decide.html", {})
    except FormErrors as failed:
        _decision_form(web, kind, item_id, {"errors": failed.errors, "values": web.form})
        web.resp.status = "422 Unprocessable Entity"
        return None


def audit(web, slug):
    require_official(web, slug)
    page = api.audit(web.call(query={k: v for k, v in {"after": web.req.get_param("na"), "limit": 50}.items() if v}),
                     slug)
    web.render("moderation_audit.html", org=org(web.gateway, slug), log=page)


def export(web, slug):
    require_official(web, slug)
    raw = api.export_audit(web.call(), slug)
    web.resp.content_type = raw.content_type
    web.resp.downloadable_as = f"moderatielogboek-{slug}.jsonl"
    web.resp.text = raw.body

PAGES = [
    Page("GET", "/melden/{kind}/{item_id}", report, auth="citizen"),
    Page("POST", "/melden/{kind}/{item_id}", report, auth="citizen"),
    Page("GET", "/moderatie/{kind}/{item_id}", item, auth="citizen"),
    Page("POST", "/moderatie/{kind}/{item_id}/bezwaar", object_to, auth="citizen"),
    Page("GET", "/beheer/{slug}/moderatie", queue, auth="citizen"),
    Page("GET", "/beheer/{slug}/moderatie/logboek", audit, auth="citizen"),
    Page("GET", "/beheer/{slug}/moderatie/logboek.jsonl", export, auth="citizen"),
    Page("GET", "/beheer/moderatie/{kind}/{item_id}", decide, auth="citizen"),
    Page("POST", "/beheer/moderatie/{kind}/{item_id}", decide, auth="citizen"),
]
