"""The officials' workspace: create and edit topics, lead them up the ladder, add and moderate
statements, hide or restore reactions, answer citizens and agenda proposals. The services check
every act again; these pages only show officials what they may do."""
from ..api import agenda as agenda_api, solutions as solutions_api, system as system_api, topics as topics_api
from ..problems import Problem
from ..routing import require_id
from ..schemas import DecisionIn, INPUT_KINDS, ModerationIn, PhaseIn, ProposalAnswerIn, ReactionIn, \
    ReactionModerationIn, StatementIn, TakenIn, TopicIn, TopicPatchIn
from .citizen import org
from .framework import FormErrors, Page, Redirect, safe_next

LADDER = ["draft", "inform", "consult", "advise", "co_create", "co_decide", "decided"]
DECIDE_FROM = LADDER[1:-1]


def require_official(web, slug):
    if (web.account.get("roles") or {}).get(slug) not in ("official", "admin"):
        raise Problem(403, "Only officials of this organisation may use its workspace.")


def next_phases(phase):
    if phase == "closed":
        return []
    later = LADDER[LADDER.index(phase) + 1:]
    return later + (["closed"] if phase != "draft" else [])


def topic_form(form):
    tags = [tag.strip() for tag in form.get("trefwoorden", "").split(",") if tag.strip()]
    return {"title": form.get("titel", "").strip(), "summary": form.get("samenvatting", "").strip(),
            "body": form.get("tekst", "").strip(), "tags": tags}


def workspace(web, slug):
    require_official(web, slug)
    organisation = org(web.gateway, slug)
    queue = system_api.queue(web.call(), slug)
    topics = topics_api.list_topics(web.call(query={"org": slug, "drafts": True, "limit": 100}))["items"]
    web.render("workspace.html", org=organisation, queue=queue, topics=topics)


def new_topic(web, slug):
    require_official(web, slug)
    organisation = org(web.gateway, slug)
    if web.req.method == "POST":
        body = web.validate(TopicIn, {"org": slug, **topic_form(web.form)}, "topic_new.html", {"org": organisation})
        created = topics_api.create_topic(web.call(body=body))
        raise Redirect(f"/beheer/onderwerpen/{created['id']}", "topic_created")
    web.render("topic_new.html", org=organisation)


def manage_topic(web, topic_id, failed=None):
    page = topics_api.topic_page(web.call(), require_id(topic_id, "Topic"))
    require_official(web, page["org"])
    reactions = topics_api.list_reactions(web.call(query={k: v for k, v in {
        "after": web.req.get_param("na"), "limit": 50}.items() if v}), topic_id)
    proposals = agenda_api.list_proposals(web.call(query={"org": page["org"], "limit": 20}))["items"] \
        if page["phase"] in DECIDE_FROM else []
    web.render("topic_manage.html", topic=page, org=org(web.gateway, page["org"]), reactions=reactions,
               next_phases=next_phases(page["phase"]), proposals=proposals, can_decide=page["phase"] in DECIDE_FROM,
               **(failed or {}))


def _validated(web, schema, data, topic_id, form_name):
    """The form's data, or the manage page again with the errors next to that form's fields."""
    try:
        return web.validate(schema, data, "topic_manage.html", {})
    except FormErrors as failed:
        try:
            manage_topic(web, topic_id, {"errors": failed.errors, "values": web.form, "failed_form": form_name})
        finally:
            web.resp.status = "422 Unprocessable Entity"
        return None


def edit_topic(web, topic_id):
    body = _validated(web, TopicPatchIn, {**topic_form(web.form), "premoderation": web.form.get("voormoderatie") == "1"},
                      topic_id, "edit")
    if body is not None:
        topics_api.update_topic(web.call(body=body), topic_id)
        raise Redirect(f"/beheer/onderwerpen/{topic_id}", "saved")


def change_phase(web, topic_id):
    body = _validated(web, PhaseIn, {"phase": web.form.get("fase", ""), "note": web.form.get("toelichting", "")},
                      topic_id, "phase")
    if body is not None:
        topics_api.change_phase(web.call(body=body), topic_id)
        raise Redirect(f"/beheer/onderwerpen/{topic_id}", "phase_changed")


def add_statement(web, topic_id):
    body = _validated(web, StatementIn, {"text": web.form.get("stelling", "").strip()}, topic_id, "statement")
    if body is not None:
        topics_api.add_statement(web.call(body=body), topic_id)
        raise Redirect(f"/beheer/onderwerpen/{topic_id}#stellingen", "statement_published")


def decide(web, topic_id):
    """The decision form names an input by filling in what was done with it (``gedaan-KIND-ID``)."""
    named = [{"kind": kind, "id": key[len(f"gedaan-{kind}-"):], "what_was_done": value.strip()}
             for key, value in web.form.items() if value.strip()
             for kind in INPUT_KINDS if key.startswith(f"gedaan-{kind}-")]
    body = _validated(web, DecisionIn, {"summary": web.form.get("samenvatting", "").strip(),
                                        "body": web.form.get("besluit_tekst", "").strip(), "input": named},
                      topic_id, "decision")
    if body is not None:
        solutions_api.decide(web.call(body=body), topic_id)
        raise Redirect(f"/onderwerpen/{topic_id}#besluit", "decided")


def take_into_vote(web, solution_id):
    body = web.validate(TakenIn, {"taken": web.form.get("meenemen") == "ja"}, "error.html",
                        {"problem": Problem(422, "Choose whether to take the solution into the vote.")})
    solutions_api.take_into_vote(web.call(body=body), solution_id)
    raise Redirect(back(web, "/"), "solution_taken")


def back(web, default):
    return safe_next(web.form.get("terug"), default)


def moderate_statement(web, statement_id):
    body = web.validate(ModerationIn, {"decision": web.form.get("besluit", ""), "reason": web.form.get("reden", "")},
                        "error.html", {"problem": Problem(422, "Give a decision, and a reason when rejecting.")})
    topics_api.moderate_statement(web.call(body=body), statement_id)
    raise Redirect(back(web, "/"), "moderated")


def moderate_reaction(web, reaction_id):
    body = web.validate(ReactionModerationIn, {"decision": web.form.get("besluit", ""),
                                               "reason": web.form.get("reden", "")},
                        "error.html", {"problem": Problem(422, "Give a decision, and a reason when hiding.")})
    topics_api.moderate_reaction(web.call(body=body), reaction_id)
    raise Redirect(back(web, "/"), "moderated")


def answer_reaction(web, reaction_id):
    topic_id = require_id(web.form.get("onderwerp", ""), "Topic")
    body = web.validate(ReactionIn, {"body": web.form.get("tekst", "").strip(), "parent_id": reaction_id},
                        "error.html", {"problem": Problem(422, "Write an answer.")})
    topics_api.post_reaction(web.call(body=body), topic_id)
    raise Redirect(back(web, f"/onderwerpen/{topic_id}#reactie-{reaction_id}"), "answer_posted")


def answer_proposal(web, proposal_id):
    body = web.validate(ProposalAnswerIn, {"answer": web.form.get("antwoord", "").strip()},
                        "error.html", {"problem": Problem(422, "Write an answer of at least 10 characters.")})
    agenda_api.answer(web.call(body=body), proposal_id)
    raise Redirect(back(web, f"/agendapunten/{proposal_id}"), "answer_posted")


PAGES = [
    Page("GET", "/beheer/{slug}", workspace, auth="citizen"),
    Page("GET", "/beheer/{slug}/onderwerpen/nieuw", new_topic, auth="citizen"),
    Page("POST", "/beheer/{slug}/onderwerpen/nieuw", new_topic, auth="citizen"),
    Page("GET", "/beheer/onderwerpen/{topic_id}", manage_topic, auth="citizen"),
    Page("POST", "/beheer/onderwerpen/{topic_id}", edit_topic, auth="citizen"),
    Page("POST", "/beheer/onderwerpen/{topic_id}/fase", change_phase, auth="citizen"),
    Page("POST", "/beheer/onderwerpen/{topic_id}/stellingen", add_statement, auth="citizen"),
    Page("POST", "/beheer/onderwerpen/{topic_id}/besluit", decide, auth="citizen"),
    Page("POST", "/beheer/oplossingen/{solution_id}/stemming", take_into_vote, auth="citizen"),
    Page("POST", "/beheer/stellingen/{statement_id}/moderatie", moderate_statement, auth="citizen"),
    Page("POST", "/beheer/reacties/{reaction_id}/moderatie", moderate_reaction, auth="citizen"),
    Page("POST", "/beheer/reacties/{reaction_id}/antwoord", answer_reaction, auth="citizen"),
    Page("POST", "/beheer/agendapunten/{proposal_id}/antwoord", answer_proposal, auth="citizen"),
]
