"""Moderation with reasons, end to end over HTTP on the real stack: report → queue → hide with a
reason → what others and the author see → objection → the hiding official is refused, a second
decides → every step in the audit log and its export; pre-moderation; who may not moderate."""
import json
import uuid

import pytest

from conftest import eventually
from journey import PASSWORD, inbox, register_and_login
from test_web import Browser

HIDDEN_NL = "Verborgen door de moderator: Reclame voor een webwinkel"


def _login(api, email):
    answer = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def _ok(answer, status=200):
    assert answer.status_code == status, (answer.status_code, answer.text)
    return answer.json()


def first_reactions(api, topic, token):
    """The first page of reactions as this reader gets it; the topic page embeds the same page."""
    page = _ok(api.get(f"/api/v1/topics/{topic}/reactions", token=token))
    assert _ok(api.get(f"/api/v1/topics/{topic}", token=token))["reactions"] == page
    return page


@pytest.fixture(scope="module")
def town(api, cli):
    """Org A with an official and an admin, org B with an official, an author and a reporter."""
    run = uuid.uuid4().hex[:6]
    people = {}
    for slug in (f"mod-a-{run}", f"mod-b-{run}"):
        assert cli("create-org", slug, "Gemeente Moderatie").returncode == 0
    a, b = f"mod-a-{run}", f"mod-b-{run}"
    for name, org, role in (("official", a, "official"), ("admin", a, "admin"), ("other_org", b, "official")):
        email = f"{name}-{run}@example.nl"
        made = cli("create-user", "--org", org, "--email", email, "--password", PASSWORD, "--role", role)
        assert made.returncode == 0
        people[name] = _login(api, email)
    for name in ("author", "reporter", "bystander"):
        people[name + "_email"] = email = f"{name}-mod-{run}@example.nl"
        account, people[name] = register_and_login(api, name.title(), email)
        people[name + "_id"] = account["id"]
    people["official_id"] = _ok(api.get("/api/v1/me", token=people["official"]))["id"]
    people["admin_id"] = _ok(api.get("/api/v1/me", token=people["admin"]))["id"]
    topic = _ok(api.post("/api/v1/topics", {"org": a, "title": "De markt", "summary": "Wat doen we ermee?"},
                         token=people["official"]), 201)
    for phase in ("inform", "consult"):
        _ok(api.post(f"/api/v1/topics/{topic['id']}/phase", {"phase": phase}, token=people["official"]))
    return {"org": a, "topic": topic["id"], **people}


def test_report_hide_object_and_decide_all_in_the_audit_log(api, town):
    t = town
    topic = t["topic"]
    reaction = _ok(api.post(f"/api/v1/topics/{topic}/reactions", {"body": "Koop nu bij mijn webwinkel!"},
                            token=t["author"]), 201)
    item = f"/api/v1/moderation/reaction/{reaction['id']}"

    # a report: once per reporter while open
    report = {"kind": "reaction", "id": reaction["id"], "reason": "spam", "text": "Dit is reclame."}
    filed = _ok(api.post("/api/v1/reports", report, token=t["reporter"]), 201)
    assert filed["status"] == "open" and filed["reason"] == "spam"
    assert api.post("/api/v1/reports", report, token=t["reporter"]).status_code == 409
    assert api.post("/api/v1/reports", {**report, "reason": "nonsense"}, token=t["reporter"]).status_code == 422
    assert api.post("/api/v1/reports", {**report, "id": "0" * 24}, token=t["reporter"]).status_code == 404
    assert api.post("/api/v1/reports", report).status_code == 401

    # the queue shows it, grouped per item with its counts; not to citizens or another org's official
    queue = f"/api/v1/orgs/{t['org']}/moderation/queue"
    entries = _ok(api.get(queue, token=t["official"]))["items"]
    mine = [e for e in entries if e["id"] == reaction["id"]]
    assert len(mine) == 1 and mine[0]["open_reports"] == 1 and mine[0]["reasons"] == {"spam": 1}
    assert mine[0]["why"] == ["reported"] and mine[0]["topic_title"] == "De markt"
    assert api.get(queue, token=t["bystander"]).status_code == 403
    assert api.get(queue, token=t["other_org"]).status_code == 403
    assert api.get(item, token=t["official"]).json()["reports"][0]["text"] == "Dit is reclame."

    # a citizen cannot hide; an official of org B cannot moderate org A's content; a reason is required
    assert api.post(item + "/hide", {"reason": "Nee"}, token=t["bystander"]).status_code == 403
    assert api.post(item + "/hide", {"reason": "Nee"}, token=t["other_org"]).status_code == 403
    assert api.post(item + "/hide", {"reason": ""}, token=t["official"]).status_code == 422
    hidden = _ok(api.post(item + "/hide", {"reason": "Reclame voor een webwinkel"}, token=t["official"]))
    assert hidden["hidden"]["reason"] == "Reclame voor een webwinkel" and hidden["why"] == []
    assert reaction["id"] not in [e["id"] for e in _ok(api.get(queue, token=t["official"]))["items"]]

    # others see the reason, not the text; the author sees both
    def shown(token):
        threads = first_reactions(api, topic, token)["items"]
        return next(r for r in threads if r["id"] == reaction["id"])
    for token in (t["bystander"], None):
        assert shown(token)["body"] == "" and shown(token)["hidden"]["reason"] == "Reclame voor een webwinkel"
    assert shown(t["author"])["body"] == "Koop nu bij mijn webwinkel!"
    page = api.get(f"/onderwerpen/{topic}")
    assert HIDDEN_NL in page.text and "Koop nu" not in page.text
    case = _ok(api.get(item, token=t["author"]))
    assert case["content"] == {"body": "Koop nu bij mijn webwinkel!"} and case["reports"] == []
    assert api.get(item, token=t["bystander"]).status_code == 403
    eventually(lambda: [n for n in inbox(api, t["author"]) if n["type"] == "content.hidden"
                        and n["subject_id"] == reaction["id"] and "Reclame voor een webwinkel" in n["title"]])

    # the author objects, once; only the author
    assert api.post(item + "/objection", {"text": "Het is geen reclame."}, token=t["bystander"]).status_code == 403
    objected = _ok(api.post(item + "/objection", {"text": "Het is een tip voor de markt."}, token=t["author"]))
    assert objected["objection"]["status"] == "open"
    assert api.post(item + "/objection", {"text": "Nog een keer."}, token=t["author"]).status_code == 409
    assert [e["why"] for e in _ok(api.get(queue, token=t["official"]))["items"] if e["id"] == reaction["id"]] == [
        ["objection"]]

    # the official who hid it may not decide; a second official does
    decision = {"decision": "uphold", "reason": "Het blijft een advertentie."}
    assert api.post(item + "/objection/decision", decision, token=t["official"]).status_code == 403
    assert api.post(item + "/objection/decision", decision, token=t["other_org"]).status_code == 403
    decided = _ok(api.post(item + "/objection/decision", decision, token=t["admin"]))
    assert decided["objection"]["status"] == "upheld" and decided["hidden"] is not None
    assert api.post(item + "/objection/decision", decision, token=t["admin"]).status_code == 409
    eventually(lambda: [n for n in inbox(api, t["author"]) if n["type"] == "moderation.objection_upheld"])

    # every step in the audit log, in order, with who, when and why; admins only
    audit = f"/api/v1/orgs/{t['org']}/moderation/audit"
    assert api.get(audit, token=t["official"]).status_code == 403  # an official, not an administrator
    assert api.get(audit, token=t["other_org"]).status_code == 403
    entries = []
    after = None
    while True:
        page = _ok(api.get(audit, token=t["admin"], params={"limit": 2, **({"after": after} if after else {})}))
        entries += page["items"]
        after = page["next"]
        if not after:
            break
    steps = [(e["action"], e["actor_id"], e["reason"]) for e in entries if e["item_id"] == reaction["id"]]
    assert steps == [("report_filed", t["reporter_id"], "spam"),
                     ("hidden", t["official_id"], "Reclame voor een webwinkel"),
                     ("objection_filed", t["author_id"], "Het is een tip voor de markt."),
                     ("objection_decided", t["admin_id"], "Het blijft een advertentie.")]
    at = [e["at"] for e in entries]
    assert at == sorted(at) and all(e["at"] for e in entries)
    assert entries[-1]["detail"] == {"decision": "upheld"}
    export = api.get(audit + "/export", token=t["admin"])
    assert export.status_code == 200 and export.headers["content-type"].startswith("application/x-ndjson")
    assert [json.loads(line) for line in export.text.splitlines()] == entries
    assert api.get(audit + "/export", token=t["bystander"]).status_code == 403


def test_dismissing_reports_without_action(api, town):
    t = town
    statement = _ok(api.post(f"/api/v1/topics/{t['topic']}/statements", {"text": "Markt op zondag."},
                             token=t["official"]), 201)
    item = f"/api/v1/moderation/statement/{statement['id']}"
    assert api.post(item + "/dismiss", {}, token=t["official"]).status_code == 409  # nothing to dismiss
    _ok(api.post("/api/v1/reports", {"kind": "statement", "id": statement["id"], "reason": "off_topic"},
                 token=t["reporter"]), 201)
    dismissed = _ok(api.post(item + "/dismiss", {"reason": "Hoort bij het onderwerp."}, token=t["official"]))
    assert dismissed["open_reports"] == 0 and dismissed["hidden"] is None
    # the reporter may report again once the earlier report is closed
    _ok(api.post("/api/v1/reports", {"kind": "statement", "id": statement["id"], "reason": "other"},
                 token=t["reporter"]), 201)
    public = _ok(api.get(f"/api/v1/topics/{t['topic']}"))["statements"]
    assert [s["text"] for s in public if s["id"] == statement["id"]] == ["Markt op zondag."]


def test_pre_moderation_holds_a_reaction_until_approved(platform, api, town):
    t = town
    topic = t["topic"]
    _ok(api.patch(f"/api/v1/topics/{topic}", {"premoderation": True}, token=t["official"]))
    try:
        held = _ok(api.post(f"/api/v1/topics/{topic}/reactions", {"body": "Meer kramen graag."},
                            token=t["author"]), 201)
        assert held["held"] is True

        def ids(token):
            return [r["id"] for r in first_reactions(api, topic, token)["items"]]
        assert held["id"] not in ids(t["bystander"]) and held["id"] not in ids(None)
        assert held["id"] in ids(t["author"]) and held["id"] in ids(t["official"])
        author_page = Browser(platform.url).login(t["author_email"]).get(f"/onderwerpen/{topic}").text
        assert "Meer kramen graag." in author_page and "Wacht op moderatie" in author_page
        assert "Meer kramen graag." not in Browser(platform.url).login(t["bystander_email"]).get(
            f"/onderwerpen/{topic}").text
        queue = _ok(api.get(f"/api/v1/orgs/{t['org']}/moderation/queue", token=t["official"]))["items"]
        assert [e["why"] for e in queue if e["id"] == held["id"]] == [["held"]]
        item = f"/api/v1/moderation/reaction/{held['id']}"
        assert api.post(item + "/approve", token=t["bystander"]).status_code == 403
        assert api.post(item + "/approve", token=t["other_org"]).status_code == 403
        assert _ok(api.post(item + "/approve", token=t["official"]))["held"] is False
        assert api.post(item + "/approve", token=t["official"]).status_code == 409
        assert held["id"] in ids(t["bystander"])
        # an official's own reaction is not held
        own = _ok(api.post(f"/api/v1/topics/{topic}/reactions", {"body": "Wij kijken ernaar."},
                           token=t["official"]), 201)
        assert own["held"] is False
        # rejecting a held reaction hides it with the reason
        second = _ok(api.post(f"/api/v1/topics/{topic}/reactions", {"body": "Weg met de markt!!!"},
                              token=t["author"]), 201)
        rejected = _ok(api.post(f"/api/v1/moderation/reaction/{second['id']}/hide", {"reason": "Toon"},
                                token=t["official"]))
        assert rejected["held"] is False and rejected["hidden"]["reason"] == "Toon"
        audit = _ok(api.get(f"/api/v1/orgs/{t['org']}/moderation/audit", token=t["admin"],
                            params={"limit": 100}))["items"]
        assert [(e["action"], e["item_id"]) for e in audit if e["item_id"] in (held["id"], second["id"])] == [
            ("approved", held["id"]), ("rejected", second["id"])]
    finally:
        _ok(api.patch(f"/api/v1/topics/{topic}", {"premoderation": False}, token=t["official"]))


def test_solutions_and_agenda_proposals_are_moderated_the_same_way(api, town):
    t = town
    proposal = _ok(api.post("/api/v1/agenda-proposals", {"org": t["org"], "title": "Een draaiorgel",
                                                         "motivation": "Muziek op de markt, elke dag."},
                            token=t["author"]), 201)
    _ok(api.post(f"/api/v1/moderation/agenda_proposal/{proposal['id']}/hide", {"reason": "Dubbel ingediend"},
                 token=t["official"]))
    public = _ok(api.get(f"/api/v1/agenda-proposals/{proposal['id']}"))
    assert public["title"] == "" and public["motivation"] == "" and public["hidden"]["reason"] == "Dubbel ingediend"
    assert _ok(api.get(f"/api/v1/agenda-proposals/{proposal['id']}", token=t["author"]))["title"] == "Een draaiorgel"
    reinstated = _ok(api.post(f"/api/v1/moderation/agenda_proposal/{proposal['id']}/reinstate",
                              {"reason": "Toch niet dubbel"}, token=t["official"]))
    assert reinstated["hidden"] is None
    assert _ok(api.get(f"/api/v1/agenda-proposals/{proposal['id']}"))["title"] == "Een draaiorgel"
    assert api.post("/api/v1/moderation/topic/" + proposal["id"] + "/hide", {"reason": "x"},
                    token=t["official"]).status_code == 404


def test_reporting_and_objecting_with_plain_forms(platform, api, town):
    t = town
    topic = t["topic"]
    reaction = _ok(api.post(f"/api/v1/topics/{topic}/reactions", {"body": "Jullie zijn allemaal idioten."},
                            token=t["author"]), 201)
    reporter = Browser(platform.url).login(t["reporter_email"])
    form = f"/melden/reaction/{reaction['id']}?terug=/onderwerpen/{topic}"
    assert 'name="reden" value="harassment"' in reporter.get(form).text
    assert reporter.post(f"/melden/reaction/{reaction['id']}", {"reden": "", "terug": "/"},
                         csrf_from=form).status_code == 422
    sent = reporter.post(f"/melden/reaction/{reaction['id']}", {"reden": "harassment", "toelichting": "Scheldwoorden.",
                                                                "terug": f"/onderwerpen/{topic}"}, csrf_from=form)
    assert sent.status_code == 303 and sent.headers["location"] == f"/onderwerpen/{topic}"
    case = _ok(api.get(f"/api/v1/moderation/reaction/{reaction['id']}", token=t["official"]))
    assert case["reasons"] == {"harassment": 1} and case["reports"][0]["text"] == "Scheldwoorden."
    _ok(api.post(f"/api/v1/moderation/reaction/{reaction['id']}/hide", {"reason": "Beledigend"}, token=t["official"]))

    author = Browser(platform.url).login(t["author_email"])
    mine = f"/moderatie/reaction/{reaction['id']}"
    page = author.get(mine).text
    assert "Jullie zijn allemaal idioten." in page and "Verborgen door de moderator: Beledigend" in page
    objected = author.post(mine + "/bezwaar", {"bezwaar": "Het was een grap."}, csrf_from=mine)
    assert objected.status_code == 303
    assert "Bezwaar in behandeling" in author.get(mine).text
    assert Browser(platform.url).login(t["bystander_email"]).get(mine).status_code == 403


def test_the_topic_page_carries_the_first_reactions_and_the_cursor_to_the_next(api, town):
    t = town
    topic = _ok(api.post("/api/v1/topics", {"org": t["org"], "title": "Het plein", "summary": "Bomen of banken?"},
                         token=t["official"]), 201)["id"]
    for phase in ("inform", "consult"):
        _ok(api.post(f"/api/v1/topics/{topic}/phase", {"phase": phase}, token=t["official"]))
    threads = [_ok(api.post(f"/api/v1/topics/{topic}/reactions", {"body": f"Reactie {n}"},
                            token=(t["author"], t["reporter"], t["bystander"])[n % 3]), 201)["id"] for n in range(23)]
    reply = _ok(api.post(f"/api/v1/topics/{topic}/reactions", {"body": "Eens.", "parent_id": threads[0]},
                         token=t["reporter"]), 201)["id"]
    first = first_reactions(api, topic, t["bystander"])
    assert [r["id"] for r in first["items"]] == threads[:20] and first["next"] == threads[19]
    assert [r["id"] for r in first["items"][0]["replies"]] == [reply]
    rest = _ok(api.get(f"/api/v1/topics/{topic}/reactions", params={"after": first["next"]}, token=t["bystander"]))
    assert [r["id"] for r in rest["items"]] == threads[20:] and rest["next"] is None
    page = api.get(f"/onderwerpen/{topic}").text
    assert "Reactie 19" in page and "Reactie 20" not in page and f"?na={threads[19]}" in page
    assert "Reactie 20" in api.get(f"/onderwerpen/{topic}", params={"na": threads[19]}).text
