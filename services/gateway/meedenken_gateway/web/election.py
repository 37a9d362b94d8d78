"""Election match pages: officials create a match and enter the parties; citizens answer the
statements (skip, extra important) and see the ranking. The result page is rendered from the
posted form and nothing of the answers is stored (docs/election-match.md)."""
from ..api import election_matches as matches_api
from ..routing import require_id
from ..schemas import ElectionMatchIn, MatchAnswersIn, PartyIn
from .citizen import org
from .framework import FormErrors, Page, Redirect
from .official import require_official


def _match(web, match_id):
    return matches_api.get(web.call(), require_id(match_id, "Election match"))


# officials --------------------------------------------------------------------------------------

def official_matches(web, slug):
    require_official(web, slug)
    organisation = org(web.gateway, slug)
    context = {"org": organisation}
    if web.req.method == "POST":
        data = {"org": slug, "title": web.form.get("titel", "").strip(), "intro": web.form.get("inleiding", "").strip(),
                "statements": [line.strip() for line in web.form.get("stellingen", "").splitlines() if line.strip()]}
        context["matches"] = []
        body = web.validate(ElectionMatchIn, data, "election_matches_manage.html", context)
        created = matches_api.create(web.call(body=body))
        raise Redirect(f"/beheer/stemhulpen/{created['id']}", "match_created")
    listed = matches_api.list_matches(web.call(query={"org": slug, "drafts": True}))["items"]
    web.render("election_matches_manage.html", matches=listed, **context)


def manage_match(web, match_id, failed=None):
    match = _match(web, match_id)
    require_official(web, match["org"])
    web.render("election_match_manage.html", match=match, org=org(web.gateway, match["org"]), **(failed or {}))


def add_party(web, match_id):
    match = _match(web, match_id)
    data = {"name": web.form.get("naam", "").strip(), "positions": [
        {"statement_id": s["id"], "position": web.form.get(f"standpunt-{s['id']}", ""),
         "explanation": web.form.get(f"uitleg-{s['id']}", "").strip()} for s in match["statements"]]}
    try:
        body = web.validate(PartyIn, data, "election_match_manage.html", {})
    except FormErrors as failed:
        try:
            manage_match(web, match_id, {"errors": failed.errors, "values": web.form})
        finally:
            web.resp.status = "422 Unprocessable Entity"
        return
    matches_api.add_party(web.call(body=body), match_id)
    raise Redirect(f"/beheer/stemhulpen/{match_id}#partijen", "party_added")


def publish(web, match_id):
    matches_api.publish(web.call(), require_id(match_id, "Election match"))
    raise Redirect(f"/stemhulpen/{match_id}", "match_published")


# citizens ---------------------------------------------------------------------------------------

def matches(web, slug):
    organisation = org(web.gateway, slug)
    listed = matches_api.list_matches(web.call(query={"org": slug}))["items"]
    web.render("election_matches.html", org=organisation, matches=listed)


def questionnaire(web, match_id):
    match = _match(web, match_id)
    web.render("election_match.html", match=match, org=org(web.gateway, match["org"]))


def result(web, match_id):
    """Scores the posted answers (a statement left open counts as skipped); stores nothing."""
    match = _match(web, match_id)
    data = {"answers": [{"statement_id": s["id"], "answer": web.form.get(f"antwoord-{s['id']}") or "skip",
                         "important": web.form.get(f"belangrijk-{s['id']}") == "ja"} for s in match["statements"]]}
    context = {"match": match, "org": org(web.gateway, match["org"])}
    body = web.validate(MatchAnswersIn, data, "election_match.html", context)
    if all(a["answer"] == "skip" for a in body["answers"]):
        raise FormErrors("election_match.html", {**context, "values": web.form}, {"answers": ["all_skipped"]})
    outcome = matches_api.result(web.call(body=body), match_id)
    web.render("election_result.html", result=outcome, **context)


PAGES = [
    Page("GET", "/beheer/{slug}/stemhulpen", official_matches, auth="citizen"),
    Page("POST", "/beheer/{slug}/stemhulpen", official_matches, auth="citizen"),
    Page("GET", "/beheer/stemhulpen/{match_id}", manage_match, auth="citizen"),
    Page("POST", "/beheer/stemhulpen/{match_id}/partijen", add_party, auth="citizen"),
    Page("POST", "/beheer/stemhulpen/{match_id}/publiceren", publish, auth="citizen"),
    Page("GET", "/organisaties/{slug}/stemhulpen", matches),
    Page("GET", "/stemhulpen/{match_id}", questionnaire),
    Page("POST", "/stemhulpen/{match_id}/uitslag", result),
]
