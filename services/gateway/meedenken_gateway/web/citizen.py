"""Pages for citizens. Each page makes the same service calls as the JSON API (it calls the API's
handlers), so both always agree."""
import time

from .. import abuse, accounts, twofactor
from ..api import agenda as agenda_api, me as me_api, opinions as opinions_api, solutions as solutions_api, \
    topics as topics_api
from ..problems import Problem
from ..routing import require_id
from ..schemas import AgendaProposalIn, LoginIn, ReactionIn, RegisterIn, ResponseIn, SolutionIn, StatementIn
from .framework import FormErrors, Page, Redirect, safe_next
from .session import SESSION, clear_cookie, get_cookie, set_cookie
from .sharing import campaign_visit, proposal_share_context, share_context

ORG_CACHE_SECONDS = 30
_orgs = {}


def org(gateway, slug):
    """The organisation (with its theme), cached briefly per process."""
    hit = _orgs.get(slug)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    found = gateway.rpc.call("topics", "get_org", slug)
    _orgs[slug] = (time.monotonic() + ORG_CACHE_SECONDS, found)
    return found


def topic_url(topic_id):
    return f"/onderwerpen/{topic_id}"


# home pages -------------------------------------------------------------------------------------

def platform_home(web):
    organisations = web.gateway.rpc.call("topics", "list_orgs")
    if len(organisations) == 1:
        raise Redirect(f"/organisaties/{organisations[0]['slug']}")
    web.render("home.html", organisations=organisations)


def org_home(web, slug):
    organisation = org(web.gateway, slug)
    active = topics_api.list_topics(web.call(query={"org": slug, "sort": "activity", "limit": 6}))["items"]
    topics = topics_api.list_topics(web.call(query={"org": slug, "limit": 50}))["items"]
    proposals = agenda_api.list_proposals(web.call(query={"org": slug, "limit": 5}))["items"]
    participating = [t for t in topics if t["phase"] in ("consult", "advise", "co_create", "co_decide")]
    web.render("org.html", org=organisation, active=active, topics=topics, proposals=proposals,
               participating=participating)


# topic page -------------------------------------------------------------------------------------

def topic_page(web, topic_id, form_context=None):
    require_id(topic_id, "Topic")
    campaign_visit(web, topic_id, topic_url(topic_id))
    page = topics_api.topic_page(web.call(), topic_id)
    after = web.req.get_param("na")
    reactions = topics_api.list_reactions(web.call(query={"after": after}), topic_id) if after else page["reactions"]
    base = web.gateway.settings.public_url
    web.render("topic.html", topic=page, org=org(web.gateway, page["org"]), reactions=reactions,
               opinions=opinions_api.for_topic_page(web.call(), page),
               **share_context(page["title"], page["summary"], f"{base}{topic_url(topic_id)}",
                               f"{base}/api/v1/topics/{topic_id}/share.png"), **(form_context or {}))


def _form_failed(web, topic_id, errors, form_name):
    """Show the topic page again with the form's errors next to its fields."""
    try:
        topic_page(web, topic_id, {"errors": errors, "values": web.form, "failed_form": form_name})
    finally:
        web.resp.status = "422 Unprocessable Entity"


def follow(web, topic_id):
    require_id(topic_id, "Topic")
    call = web.call()
    if web.form.get("actie") == "ontvolgen":
        topics_api.unfollow(call, topic_id)
        raise Redirect(topic_url(topic_id), "unfollowed")
    topics_api.follow(call, topic_id)
    raise Redirect(topic_url(topic_id), "followed")


def answer(web, statement_id):
    require_id(statement_id, "Statement")
    topic_id = require_id(web.form.get("onderwerp", ""), "Topic")
    choice = web.form.get("keuze", "")
    if choice not in ResponseIn._declared_fields["choice"].validate.choices:
        raise Problem(422, "Choose agree, disagree or pass.")
    topics_api.answer_statement_now(web.call(body={"choice": choice}), statement_id)
    raise Redirect(f"{topic_url(topic_id)}#stelling-{statement_id}", "answered")


def react(web, topic_id):
    require_id(topic_id, "Topic")
    data = {"body": web.form.get("tekst", "").strip()}
    if web.form.get("antwoord_op"):
        data["parent_id"] = web.form["antwoord_op"]
    try:
        body = ReactionIn().load(data)
    except Exception as exc:
        return _form_failed(web, topic_id, getattr(exc, "messages", {}), "reaction")
    created = topics_api.post_reaction(web.call(body=body), topic_id)
    raise Redirect(f"{topic_url(topic_id)}#reactie-{created['id']}", "reacted")


def propose_statement(web, topic_id):
    require_id(topic_id, "Topic")
    try:
        body = StatementIn().load({"text": web.form.get("stelling", "").strip()})
    except Exception as exc:
        return _form_failed(web, topic_id, getattr(exc, "messages", {}), "statement")
    created = topics_api.add_statement(web.call(body=body), topic_id)
    raise Redirect(f"{topic_url(topic_id)}#stellingen",
                   "statement_published" if created["status"] == "published" else "statement_pending")


def propose_solution(web, topic_id):
    require_id(topic_id, "Topic")
    try:
        body = SolutionIn().load({"title": web.form.get("titel", "").strip(),
                                  "body": web.form.get("toelichting", "").strip()})
    except Exception as exc:
        errors = getattr(exc, "messages", {})
        return _form_failed(web, topic_id, {"solution_body" if key == "body" else key: value
                                            for key, value in errors.items()}, "solution")
    created = solutions_api.propose(web.call(body=body), topic_id)
    raise Redirect(f"{topic_url(topic_id)}#oplossing-{created['id']}", "solution_proposed")


def support_solution(web, solution_id):
    topic_id = require_id(web.form.get("onderwerp", ""), "Topic")
    if web.form.get("actie") == "intrekken":
        solutions_api.withdraw_support(web.call(), solution_id)
        raise Redirect(f"{topic_url(topic_id)}#oplossing-{solution_id}", "solution_support_withdrawn")
    solutions_api.support(web.call(), solution_id)
    raise Redirect(f"{topic_url(topic_id)}#oplossing-{solution_id}", "solution_supported")


# agenda proposals -------------------------------------------------------------------------------

def proposals(web, slug):
    organisation = org(web.gateway, slug)
    page = agenda_api.list_proposals(web.call(query={k: v for k, v in {
        "org": slug, "after": web.req.get_param("na"), "limit": 20}.items() if v}))
    web.render("proposals.html", org=organisation, proposals=page["items"], next=page["next"])


def new_proposal(web, slug):
    organisation = org(web.gateway, slug)
    if web.req.method == "POST":
        data = {"org": slug, "title": web.form.get("titel", "").strip(),
                "motivation": web.form.get("toelichting", "").strip()}
        body = web.validate(AgendaProposalIn, data, "proposal_new.html", {"org": organisation})
        created = agenda_api.submit(web.call(body=body))
        raise Redirect(f"/agendapunten/{created['id']}", "proposal_submitted")
    web.render("proposal_new.html", org=organisation)


def proposal(web, proposal_id):
    found = agenda_api.get_proposal(web.call(), proposal_id)
    web.render("proposal.html", proposal=found, org=org(web.gateway, found["org"]),
               **proposal_share_context(web.gateway.settings.public_url, found))


def support(web, proposal_id):
    agenda_api.support(web.call(), proposal_id)
    raise Redirect(safe_next(web.form.get("terug"), f"/agendapunten/{proposal_id}"), "supported")


# accounts ---------------------------------------------------------------------------------------

def login(web):
    next_path = safe_next(web.req.get_param("terug") or web.form.get("terug"), "/")
    if web.req.method == "POST":
        data = {"email": web.form.get("email", "").strip(), "password": web.form.get("wachtwoord", "")}
        body = web.validate(LoginIn, data, "login.html", {"next": next_path})
        account = abuse.login(web.gateway.db, body["email"], body["password"])
        if account is None:
            raise FormErrors("login.html", {"next": next_path, "values": {"email": body["email"]}},
                             {"_form": ["login_failed"]})
        if not twofactor.check_login_code(web.gateway.db, web.gateway.totp_cipher, account, web.form.get("code", "").strip()):
            abuse.after_login(web.gateway.db, body["email"], False)  # a wrong code is a failed login too
            raise FormErrors("login.html", {"next": next_path, "values": {"email": body["email"]}},
                             {"code": ["code_failed"]})
        _start_session(web, account)
        raise Redirect(next_path, "logged_in")
    web.render("login.html", next=next_path)


def register(web):
    if web.req.method == "POST":
        data = {"email": web.form.get("email", "").strip(), "password": web.form.get("wachtwoord", ""),
                "display_name": web.form.get("naam", "").strip()}
        body = web.validate(RegisterIn, data, "register.html", {})
        try:
            account = accounts.register(web.gateway.mongo, web.gateway.db, **body)
        except accounts.EmailTaken:
            raise FormErrors("register.html", {"values": web.form}, {"email": ["email_taken"]}) from None
        web.gateway.relay.wake()
        _start_session(web, account)
        raise Redirect("/", "registered")
    web.render("register.html")


def _start_session(web, account):
    settings = web.gateway.settings
    set_cookie(web.resp, settings, SESSION, accounts.issue_token(settings, account["_id"], accounts.generation(account)),
               max_age=settings.token_ttl_seconds)


def logout(web):
    token = get_cookie(web.req, web.gateway.settings, SESSION)
    if token and web.account:
        accounts.revoke_token(web.gateway.settings, web.gateway.db, token)
        web.gateway.accounts.forget(web.account["_id"])
    clear_cookie(web.resp, web.gateway.settings, SESSION)
    raise Redirect("/", "logged_out")


def profile(web):
    web.render("profile.html", organisations=web.gateway.rpc.call("topics", "list_orgs"))


def contributions(web):
    web.render("contributions.html", contributions=me_api.contributions(web.call()))


def notifications(web):
    inbox = me_api.notifications(web.call(query={"lang": web.lang, "limit": 50}))
    web.render("notifications.html", inbox=inbox)


def mark_read(web, notification_id):
    me_api.mark_read(web.call(), notification_id)
    target = web.form.get("naar", "")
    raise Redirect(safe_next(target, "/meldingen"))


def language(web, lang):
    """The language switch: a plain link that sets the cookie (in Web) and goes back."""
    if lang not in ("nl", "en"):
        raise Problem(404, "Unknown language.")
    raise Redirect(safe_next(web.req.get_param("terug"), "/"))


PAGES = [
    Page("GET", "/", platform_home),
    Page("GET", "/organisaties/{slug}", org_home),
    Page("GET", "/onderwerpen/{topic_id}", topic_page),
    Page("POST", "/onderwerpen/{topic_id}/volgen", follow, auth="citizen"),
    Page("POST", "/onderwerpen/{topic_id}/reacties", react, auth="citizen"),
    Page("POST", "/onderwerpen/{topic_id}/stellingen", propose_statement, auth="citizen"),
    Page("POST", "/stellingen/{statement_id}/antwoord", answer, auth="citizen"),
    Page("POST", "/onderwerpen/{topic_id}/oplossingen", propose_solution, auth="citizen"),
    Page("POST", "/oplossingen/{solution_id}/steunen", support_solution, auth="citizen"),
    Page("GET", "/organisaties/{slug}/agendapunten", proposals),
    Page("GET", "/organisaties/{slug}/agendapunten/nieuw", new_proposal, auth="citizen"),
    Page("POST", "/organisaties/{slug}/agendapunten/nieuw", new_proposal, auth="citizen"),
    Page("GET", "/agendapunten/{proposal_id}", proposal),
    Page("POST", "/agendapunten/{proposal_id}/steunen", support, auth="citizen"),
    Page("GET", "/inloggen", login),
    Page("POST", "/inloggen", login),
    Page("GET", "/registreren", register),
    Page("POST", "/registreren", register),
    Page("POST", "/uitloggen", logout),
    Page("GET", "/profiel", profile, auth="citizen"),
    Page("GET", "/mijn-bijdragen", contributions, auth="citizen"),
    Page("GET", "/meldingen", notifications, auth="citizen"),
    Page("POST", "/meldingen/{notification_id}/gelezen", mark_read, auth="citizen"),
    Page("GET", "/taal/{lang}", language),
]
