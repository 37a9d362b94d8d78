"""The core journey of the foundation, run once per session against the real platform: an official
publishes a topic and leads it up the ladder; two citizens follow, answer, react; the official
answers; an agenda proposal reaches its threshold; a verified resident votes in a secret poll that
closes by itself. Each step asserts what it must; the tests read the recorded outcome (and the events
it caused)."""
import csv
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import eventually
from stack import free_port

PASSWORD = "correct horse battery"


@dataclass
class Journey:
    org: str
    tokens: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)
    accounts: dict = field(default_factory=dict)
    answers: dict = field(default_factory=dict)


def register_and_login(api, name, email):
    created = api.post("/api/v1/auth/register", {"email": email, "password": PASSWORD, "display_name": name})
    assert created.status_code == 201, created.text
    assert "password" not in created.text and "hash" not in created.text
    login = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return created.json(), login.json()["token"]


def inbox(api, token):
    answer = api.get("/api/v1/me/notifications", token=token)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def run_journey(api, cli):
    run = uuid.uuid4().hex[:6]
    j = Journey(org=f"gemeente-{run}")
    out = cli("create-org", j.org, "Gemeente Proefdorp", "--support-threshold", "2")
    assert out.returncode == 0, out.stderr
    official_email = f"ambtenaar-{run}@example.nl"
    out = cli("create-user", "--org", j.org, "--email", official_email, "--password", PASSWORD, "--role", "official")
    assert out.returncode == 0, out.stderr
    register_failing_webhook(api, cli, j, run)
    login = api.post("/api/v1/auth/login", {"email": official_email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    j.tokens["official"] = official = login.json()["token"]
    for name in ("alice", "bob", "carol"):
        account, j.tokens[name] = register_and_login(api, name.title(), f"{name}-{run}@example.nl")
        j.accounts[name] = account
    alice, bob, carol = (j.tokens[n] for n in ("alice", "bob", "carol"))
    me = api.get("/api/v1/me", token=official).json()
    j.accounts["official"] = me
    assert me["roles"] == {j.org: "official"}

    # an official creates a topic; it is a draft nobody else sees
    topic = api.post("/api/v1/topics", {"org": j.org, "title": "Een nieuw park aan de Vliet",
                                        "summary": "Hoe moet het park eruitzien?", "body": "Lange uitleg.",
                                        "tags": ["groen", "park"]}, token=official)
    assert topic.status_code == 201, topic.text
    topic = topic.json()
    j.ids["topic"] = topic_id = topic["id"]
    assert topic["phase"] == "draft" and isinstance(topic_id, str)
    assert api.get(f"/api/v1/topics/{topic_id}").status_code == 404
    assert api.post("/api/v1/topics", {"org": j.org, "title": "x", "summary": "y"}, token=alice).status_code == 403
    edited = api.patch(f"/api/v1/topics/{topic_id}", {"summary": "Hoe moet het nieuwe park eruitzien?"}, token=official)
    assert edited.status_code == 200 and edited.json()["summary"] == "Hoe moet het nieuwe park eruitzien?"
    assert api.patch(f"/api/v1/topics/{topic_id}", {"title": "Mijn park"}, token=alice).status_code == 404

    # published (inform): readable, but no reactions yet
    moved = api.post(f"/api/v1/topics/{topic_id}/phase", {"phase": "inform", "note": "We beginnen"}, token=official)
    assert moved.status_code == 200, moved.text
    assert api.get(f"/api/v1/topics/{topic_id}").json()["phase"] == "inform"
    early = api.post(f"/api/v1/topics/{topic_id}/reactions", {"body": "Te vroeg?"}, token=alice)
    assert early.status_code == 409, early.text
    listed = api.get(f"/api/v1/topics?org={j.org}").json()
    assert [t["id"] for t in listed["items"]] == [topic_id]

    # citizens (and the official) follow
    for token in (alice, bob, official):
        assert api.post(f"/api/v1/topics/{topic_id}/follow", token=token).status_code == 204
    assert api.post(f"/api/v1/topics/{topic_id}/follow", token=bob).status_code == 204  # idempotent
    assert api.post(f"/api/v1/topics/{topic_id}/follow", token=carol).status_code == 204
    assert api.delete(f"/api/v1/topics/{topic_id}/follow", token=carol).status_code == 204
    page = api.get(f"/api/v1/topics/{topic_id}", token=alice).json()
    assert page["following"] is True and page["follower_count"] == 3
    assert api.get(f"/api/v1/topics/{topic_id}", token=carol).json()["following"] is False

    # consult: statements by the official (published) and by a citizen (moderated)
    moved = api.post(f"/api/v1/topics/{topic_id}/phase", {"phase": "consult", "note": "Uw mening telt"},
                     token=official)
    assert moved.status_code == 200 and moved.json()["phase"] == "consult"
    assert [h["phase"] for h in moved.json()["phase_history"]] == ["draft", "inform", "consult"]
    assert moved.json()["phase_history"][-1]["note"] == "Uw mening telt"
    back = api.post(f"/api/v1/topics/{topic_id}/phase", {"phase": "inform"}, token=official)
    assert back.status_code == 409
    statement = api.post(f"/api/v1/topics/{topic_id}/statements", {"text": "Het park moet autovrij zijn."},
                         token=official)
    assert statement.status_code == 201 and statement.json()["status"] == "published", statement.text
    j.ids["statement"] = statement_id = statement.json()["id"]
    proposal = api.post(f"/api/v1/topics/{topic_id}/statements", {"text": "Er moet een speeltuin komen."},
                        token=alice)
    assert proposal.status_code == 201 and proposal.json()["status"] == "pending"
    j.ids["citizen_statement"] = citizen_statement = proposal.json()["id"]
    assert citizen_statement not in [s["id"] for s in api.get(f"/api/v1/topics/{topic_id}", token=bob).json()["statements"]]
    assert api.post(f"/api/v1/statements/{citizen_statement}/moderation", {"decision": "approve"},
                    token=bob).status_code in (403, 404)
    approved = api.post(f"/api/v1/statements/{citizen_statement}/moderation", {"decision": "approve"},
                        token=official)
    assert approved.status_code == 200 and approved.json()["status"] == "published", approved.text
    assert api.post(f"/api/v1/statements/{citizen_statement}/moderation", {"decision": "approve"},
                    token=official).status_code == 409
    unwanted = api.post(f"/api/v1/topics/{topic_id}/statements", {"text": "Alles moet gratis."}, token=bob).json()
    assert api.post(f"/api/v1/statements/{unwanted['id']}/moderation", {"decision": "reject"},
                    token=official).status_code == 422
    rejected = api.post(f"/api/v1/statements/{unwanted['id']}/moderation",
                        {"decision": "reject", "reason": "Gaat niet over het park."}, token=official)
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert unwanted["id"] not in [s["id"] for s in api.get(f"/api/v1/topics/{topic_id}").json()["statements"]]
    mine = api.get(f"/api/v1/topics/{topic_id}", token=bob).json()["statements"]
    assert {s["id"]: s["status"] for s in mine}[unwanted["id"]] == "rejected"  # the author still sees why

    # answers: one per citizen per statement, changeable, idempotent
    def answer(token, choice, sid=statement_id):
        result = api.put(f"/api/v1/statements/{sid}/response", {"choice": choice}, token=token)
        assert result.status_code == 200, result.text
        return result.json()

    first = answer(alice, "agree")
    assert first == {"statement_id": statement_id, "choice": "agree", "recorded": True}
    answer(bob, "disagree")
    answer(alice, "disagree")
    answer(alice, "disagree")  # again: changes nothing
    answer(carol, "pass", citizen_statement)

    def counted():  # answers are queued durably and counted within moments
        page = api.get(f"/api/v1/topics/{topic_id}", token=alice).json()
        tallies = {s["id"]: s["tally"] for s in page["statements"]}
        return page if (tallies[statement_id] == {"agree": 0, "disagree": 2, "pass": 0}
                        and tallies[citizen_statement] == {"agree": 0, "disagree": 0, "pass": 1}) else None
    page = eventually(counted)
    by_id = {s["id"]: s for s in page["statements"]}
    assert by_id[statement_id]["tally"] == {"agree": 0, "disagree": 2, "pass": 0}
    assert by_id[statement_id]["my_response"] == "disagree"
    assert by_id[citizen_statement]["my_response"] is None
    assert by_id[citizen_statement]["tally"] == {"agree": 0, "disagree": 0, "pass": 1}
    assert page["missing"] == []
    anonymous = api.get(f"/api/v1/topics/{topic_id}").json()
    assert anonymous["following"] is False and all(s["my_response"] is None for s in anonymous["statements"])
    j.answers["page"] = page

    # reactions, a reply, and an official answer to alice
    reaction = api.post(f"/api/v1/topics/{topic_id}/reactions", {"body": "Komen er ook bankjes?"}, token=alice)
    assert reaction.status_code == 201 and reaction.json()["official_answer"] is False, reaction.text
    j.ids["reaction"] = reaction_id = reaction.json()["id"]
    waiting = api.get(f"/api/v1/orgs/{j.org}/queue", token=official).json()["awaiting_answer"]
    assert [(r["id"], r["topic_title"]) for r in waiting] == [(reaction_id, "Een nieuw park aan de Vliet")]
    reply = api.post(f"/api/v1/topics/{topic_id}/reactions", {"body": "Goed idee!", "parent_id": reaction_id},
                     token=bob)
    assert reply.status_code == 201
    official_answer = api.post(f"/api/v1/topics/{topic_id}/reactions",
                               {"body": "Ja, langs het water komen tien bankjes.", "parent_id": reaction_id},
                               token=official)
    assert official_answer.status_code == 201 and official_answer.json()["official_answer"] is True
    j.ids["official_answer"] = official_answer.json()["id"]
    # an official hides bob's reply (with a reason the public sees) and restores it
    hidden = api.post(f"/api/v1/reactions/{reply.json()['id']}/moderation", {"decision": "hide",
                      "reason": "Persoonlijke gegevens"}, token=official)
    assert hidden.status_code == 200 and hidden.json()["hidden"]["reason"] == "Persoonlijke gegevens", hidden.text
    public = api.get(f"/api/v1/topics/{topic_id}/reactions").json()["items"][0]["replies"][0]
    assert public["body"] == "" and public["hidden"]["reason"] == "Persoonlijke gegevens"
    assert api.get(f"/api/v1/topics/{topic_id}/reactions", token=bob).json()["items"][0]["replies"][0]["body"] == "Goed idee!"
    assert api.post(f"/api/v1/reactions/{reply.json()['id']}/moderation", {"decision": "hide", "reason": "x"},
                    token=official).status_code == 409
    assert api.post(f"/api/v1/reactions/{reply.json()['id']}/moderation", {"decision": "restore"},
                    token=official).status_code == 200
    threads = api.get(f"/api/v1/topics/{topic_id}/reactions").json()
    assert [t["id"] for t in threads["items"]] == [reaction_id]
    assert [r["official_answer"] for r in threads["items"][0]["replies"]] == [False, True]
    assert threads["items"][0]["reply_count"] == 2

    # moderation with reasons, briefly (tests/test_moderation.py tells the whole story): under
    # pre-moderation carol's reaction waits for approval; reported and the report dismissed; hidden,
    # carol objects and a second official reinstates it
    second_email = f"tweede-{run}@example.nl"
    out = cli("create-user", "--org", j.org, "--email", second_email, "--password", PASSWORD, "--role", "official")
    assert out.returncode == 0, out.stderr
    second = api.post("/api/v1/auth/login", {"email": second_email, "password": PASSWORD}).json()["token"]
    assert api.patch(f"/api/v1/topics/{topic_id}", {"premoderation": True}, token=official).status_code == 200
    held = api.post(f"/api/v1/topics/{topic_id}/reactions", {"body": "Bankjes zijn zonde van het geld.",
                                                             "parent_id": reaction_id}, token=carol).json()
    item = f"/api/v1/moderation/reaction/{held['id']}"
    assert held["held"] is True and api.post(item + "/approve", token=official).json()["held"] is False
    assert api.patch(f"/api/v1/topics/{topic_id}", {"premoderation": False}, token=official).status_code == 200
    assert api.post("/api/v1/reports", {"kind": "reaction", "id": held["id"], "reason": "off_topic"},
                    token=alice).status_code == 201
    assert api.post(item + "/dismiss", {"reason": "Past bij het onderwerp."}, token=official).status_code == 200
    assert api.post(item + "/hide", {"reason": "Op de persoon."}, token=official).status_code == 200
    assert api.post(item + "/objection", {"text": "Het ging over de bankjes."}, token=carol).status_code == 200
    decided = api.post(item + "/objection/decision", {"decision": "reinstate", "reason": "Terecht bezwaar."},
                       token=second)
    assert decided.status_code == 200 and decided.json()["hidden"] is None, decided.text

    # an agenda proposal reaches its threshold (2) exactly once
    submitted = api.post("/api/v1/agenda-proposals", {"org": j.org, "title": "Meer bomen in de Dorpsstraat",
                                                      "motivation": "Het is er 's zomers veel te heet."}, token=alice)
    assert submitted.status_code == 201, submitted.text
    j.ids["proposal"] = proposal_id = submitted.json()["id"]
    first = api.post(f"/api/v1/agenda-proposals/{proposal_id}/support", token=bob)
    assert first.status_code == 200 and first.json()["supports"] == 1 and not first.json()["threshold_reached"]
    second = api.post(f"/api/v1/agenda-proposals/{proposal_id}/support", token=carol)
    assert second.json()["supports"] == 2 and second.json()["threshold_reached"] is True
    repeat = api.post(f"/api/v1/agenda-proposals/{proposal_id}/support", token=bob)
    assert repeat.status_code == 200 and repeat.json()["supports"] == 2
    queue = eventually(lambda: (lambda q: q if q["proposals_to_answer"] else None)(
        api.get(f"/api/v1/orgs/{j.org}/queue", token=official).json()))
    assert [p["id"] for p in queue["proposals_to_answer"]] == [proposal_id]
    assert queue["awaiting_answer"] == [] and queue["pending_statements"] == []  # answered and moderated
    assert api.get(f"/api/v1/orgs/{j.org}/queue", token=alice).status_code == 403
    answered = api.post(f"/api/v1/agenda-proposals/{proposal_id}/answer",
                        {"answer": "De raad bespreekt dit in de vergadering van maart."}, token=official)
    assert answered.status_code == 200 and answered.json()["status"] == "answered", answered.text
    assert api.post(f"/api/v1/agenda-proposals/{proposal_id}/answer", {"answer": "Nog een keer antwoorden."},
                    token=official).status_code == 409

    # notifications arrive through events
    def alice_has_all():
        kinds = sorted(n["type"] for n in inbox(api, alice))
        return kinds if kinds == sorted(["topic.phase_changed", "statement.published", "statement.published",
                                         "reaction.official_answer", "agenda_proposal.threshold_reached",
                                         "agenda_proposal.answered"]) else None
    eventually(alice_has_all, timeout=30)
    eventually(lambda: sorted(n["type"] for n in inbox(api, bob)) == sorted(
        ["topic.phase_changed", "statement.published", "statement.published", "content.hidden"]), timeout=30)
    j.answers["alice_inbox"] = inbox(api, alice)
    j.answers["bob_inbox"] = inbox(api, bob)
    assert api.post(f"/api/v1/me/notifications/{j.answers['bob_inbox'][-1]['id']}/read", token=bob).status_code == 204
    assert api.get(f"/api/v1/agenda-proposals/{proposal_id}").json()["answer"]["text"].startswith("De raad")
    j.answers["official_inbox"] = inbox(api, official)

    # co-decide: alice verifies her address with a mailed code; a secret poll for residents opens
    # at once and closes by itself moments later
    codes = Path(tempfile.mkdtemp()) / "codes.csv"
    out = cli("issue-codes", "--org", j.org, "--count", "2", "--out", str(codes), "--valid-days", "30")
    assert out.returncode == 0, out.stderr
    code = next(csv.DictReader(codes.open(encoding="utf-8")))["code"]
    verified = api.post("/api/v1/me/residency", {"org": j.org, "code": code}, token=alice)
    assert verified.status_code == 200, verified.text
    now = datetime.now(timezone.utc)
    poll = api.post(f"/api/v1/topics/{topic_id}/polls", {
        "question": "Waar komen de bankjes?", "kind": "single", "options": [{"label": "Langs het water"},
                                                                           {"label": "Bij de speeltuin"}],
        "opens_at": now.isoformat(), "closes_at": (now + timedelta(seconds=6)).isoformat(), "binding": True,
        "secret": True, "electorate": "residents"}, token=official)
    assert poll.status_code == 201, poll.text
    j.ids["poll"] = poll_id = poll.json()["id"]
    later = api.post(f"/api/v1/topics/{topic_id}/polls", {
        "question": "Toch liever een fontein?", "kind": "single", "options": [{"label": "Ja"}, {"label": "Nee"}],
        "opens_at": (now + timedelta(days=1)).isoformat(), "closes_at": (now + timedelta(days=2)).isoformat(),
        "binding": False, "secret": False, "electorate": "accounts"}, token=official)
    assert api.delete(f"/api/v1/polls/{later.json()['id']}", token=official).status_code == 204
    first = poll.json()["options"][0]["id"]
    cast = api.put(f"/api/v1/polls/{poll_id}/ballot", {"choices": [first]}, token=alice)
    assert cast.status_code == 200 and set(cast.json()) == {"poll_id", "receipt"}, cast.text
    j.answers["receipt"] = cast.json()["receipt"]
    assert api.put(f"/api/v1/polls/{poll_id}/ballot", {"choices": [first]}, token=bob).status_code == 403
    result = eventually(lambda: (lambda r: r if r.get("final") else None)(
        api.get(f"/api/v1/polls/{poll_id}/results").json()), timeout=30)
    assert result["counts"] == {first: 1, poll.json()["options"][1]["id"]: 0} and result["winner"] == first

    co_decide(api, j)
    election_match(api, j)
    erase_an_account(api, j, run)
    return j


def erase_an_account(api, j, run):
    """Someone who only registered erases the account (tests/test_data_rights.py tests it all)."""
    _, token = register_and_login(api, "Eva Weg", f"eva-{run}@example.nl")
    erased = api.delete("/api/v1/me", token=token)
    assert erased.status_code == 202, erased.text
    j.answers["erasure"] = erased.json()


def co_decide(api, j):
    """A second topic is decided: alice proposes a solution, bob and carol support it (carol
    withdraws), the official takes it into the vote and publishes the decision, and everyone who
    took part hears what was done with their input."""
    official, alice, bob, carol = (j.tokens[n] for n in ("official", "alice", "bob", "carol"))
    topic = api.post("/api/v1/topics", {"org": j.org, "title": "Een speelplek bij de school",
                                        "summary": "Wat voor speelplek willen we?"}, token=official).json()
    j.ids["decided_topic"] = topic_id = topic["id"]
    assert api.post(f"/api/v1/topics/{topic_id}/phase", {"phase": "consult"}, token=official).status_code == 200
    assert api.post(f"/api/v1/topics/{topic_id}/follow", token=carol).status_code == 204
    statement = api.post(f"/api/v1/topics/{topic_id}/statements", {"text": "Er moet een klimrek komen."},
                         token=official).json()
    assert api.put(f"/api/v1/statements/{statement['id']}/response", {"choice": "agree"}, token=carol).status_code == 200
    assert api.post(f"/api/v1/topics/{topic_id}/reactions", {"body": "Graag met schaduw."}, token=bob).status_code == 201
    early = api.post(f"/api/v1/topics/{topic_id}/solutions", {"title": "Een klimbos", "body": "Met touwen en netten."},
                     token=alice)
    assert early.status_code == 409 and "consult" in early.json()["detail"], early.text
    assert api.post(f"/api/v1/topics/{topic_id}/phase", {"phase": "advise"}, token=official).status_code == 200

    solution = api.post(f"/api/v1/topics/{topic_id}/solutions", {"title": "Een klimbos", "body": "Met touwen en netten."},
                        token=alice)
    assert solution.status_code == 201, solution.text
    j.ids["solution"] = solution_id = solution.json()["id"]
    assert solution.json()["supports"] == 0 and solution.json()["taken_into_vote"] is False
    assert api.post(f"/api/v1/solutions/{solution_id}/support", token=bob).json() == {
        "solution_id": solution_id, "supported": True, "supports": 1}
    assert api.post(f"/api/v1/solutions/{solution_id}/support", token=bob).json()["supports"] == 1  # idempotent
    assert api.post(f"/api/v1/solutions/{solution_id}/support", token=carol).json()["supports"] == 2
    withdrawn = api.delete(f"/api/v1/solutions/{solution_id}/support", token=carol)
    assert withdrawn.status_code == 200 and withdrawn.json() == {"solution_id": solution_id, "supported": False,
                                                                 "supports": 1}
    assert api.delete(f"/api/v1/solutions/{solution_id}/support", token=carol).json()["supports"] == 1
    listed = api.get(f"/api/v1/topics/{topic_id}/solutions", token=bob).json()
    assert [(s["id"], s["supports"], s["supported"]) for s in listed["items"]] == [(solution_id, 1, True)]
    assert listed["next"] is None
    assert api.get(f"/api/v1/topics/{topic_id}/solutions", token=carol).json()["items"][0]["supported"] is False

    assert api.post(f"/api/v1/solutions/{solution_id}/taken", {"taken": True}, token=alice).status_code == 403
    for taken in (True, False, True):
        marked = api.post(f"/api/v1/solutions/{solution_id}/taken", {"taken": taken}, token=official)
        assert marked.status_code == 200 and marked.json()["taken_into_vote"] is taken, marked.text
    page = api.get(f"/api/v1/topics/{topic_id}", token=bob).json()
    assert page["solution_count"] == 1 and page["decision"] is None
    assert [(s["id"], s["supports"], s["supported"], s["taken_into_vote"]) for s in page["solutions"]] == [
        (solution_id, 1, True, True)]

    # the decision: input that is not this topic's is refused and changes nothing
    done = {"statement": "Er komt een klimrek.", "solution": "Het klimbos wordt gebouwd.",
            "agenda_proposal": "De bomen komen in de begroting."}
    good = [{"kind": "statement", "id": statement["id"], "what_was_done": done["statement"]},
            {"kind": "solution", "id": solution_id, "what_was_done": done["solution"]},
            {"kind": "agenda_proposal", "id": j.ids["proposal"], "what_was_done": done["agenda_proposal"]}]
    decision = {"summary": "Er komt een klimbos met klimrek.", "body": "De raad heeft besloten.", "input": good}
    wrong = {**decision, "input": [*good, {"kind": "statement", "id": j.ids["statement"], "what_was_done": "Iets."}]}
    refused = api.post(f"/api/v1/topics/{topic_id}/decision", wrong, token=official)
    assert refused.status_code == 422 and "3" in refused.json()["errors"]["input"], refused.text
    assert api.get(f"/api/v1/topics/{topic_id}").json()["phase"] == "advise"
    assert api.post(f"/api/v1/topics/{topic_id}/decision", decision, token=alice).status_code == 403
    eventually(lambda: api.get(f"/api/v1/topics/{topic_id}", token=carol).json()["statements"][0]["my_response"])
    decided = api.post(f"/api/v1/topics/{topic_id}/decision", decision, token=official)
    assert decided.status_code == 200 and decided.json()["phase"] == "decided", decided.text
    assert api.post(f"/api/v1/topics/{topic_id}/decision", decision, token=official).status_code == 409
    page = api.get(f"/api/v1/topics/{topic_id}").json()
    assert page["decision"]["summary"] == decision["summary"]
    assert [(i["kind"], i["title"], i["what_was_done"]) for i in page["decision"]["input"]] == [
        ("statement", "Er moet een klimrek komen.", done["statement"]),
        ("solution", "Een klimbos", done["solution"]),
        ("agenda_proposal", "Meer bomen in de Dorpsstraat", done["agenda_proposal"])]
    assert page["statements"][0]["what_was_done"] == done["statement"]
    assert page["solutions"][0]["what_was_done"] == done["solution"]
    assert page["phase_history"][-1]["note"] == decision["summary"]

    def decided_for(token):
        return [n for n in inbox(api, token) if n["type"] == "topic.decided" and n["topic_id"] == topic_id]
    for name in ("alice", "bob", "carol"):  # solution proposer, reactor and supporter, answerer and follower
        j.answers[f"decided_{name}"] = eventually(lambda: decided_for(j.tokens[name]), timeout=30)
    j.answers["decided_official"] = decided_for(official)


MATCH_PARTIES = {  # name -> positions on the three statements of the journey's election match
    "Dorpsbelang": ("agree", "agree", "agree"),
    "Groen Proefdorp": ("disagree", "neutral", "agree"),
    "Actief Proefdorp": ("disagree", "disagree", "disagree"),
}


def election_match(api, j):
    """An official creates an election match, enters three parties and publishes it."""
    official = j.tokens["official"]
    match = {"org": j.org, "title": "Stemhulp gemeenteraad 2026", "intro": "Wie past bij u?",
             "statements": ["Er komt een tweede brug.", "Het zwembad blijft open.", "Meer geld voor groen."]}
    assert api.post("/api/v1/election-matches", match, token=j.tokens["alice"]).status_code == 403
    created = api.post("/api/v1/election-matches", match, token=official)
    assert created.status_code == 201 and created.json()["status"] == "draft", created.text
    match_id = j.ids["election_match"] = created.json()["id"]
    statement_ids = j.ids["match_statements"] = [s["id"] for s in created.json()["statements"]]
    assert api.get(f"/api/v1/election-matches/{match_id}").status_code == 404  # a draft is the officials'
    for name, positions in MATCH_PARTIES.items():
        party = {"name": name, "positions": [{"statement_id": sid, "position": position,
                                              "explanation": f"{name} vindt dit {position}."}
                                             for sid, position in zip(statement_ids, positions)]}
        added = api.post(f"/api/v1/election-matches/{match_id}/parties", party, token=official)
        assert added.status_code == 201, added.text
    published = api.post(f"/api/v1/election-matches/{match_id}/publish", token=official)
    assert published.status_code == 200 and published.json()["status"] == "published", published.text
    assert [p["name"] for p in published.json()["parties"]] == sorted(MATCH_PARTIES)


def register_failing_webhook(api, cli, j, run):
    """An administrator registers a webhook to a loopback port where nothing listens: the topic the
    journey creates and edits fail to arrive, and the webhook is disabled (test_webhooks.py reads it)."""
    email = f"beheerder-{run}@example.nl"
    out = cli("create-user", "--org", j.org, "--email", email, "--password", PASSWORD, "--role", "admin")
    assert out.returncode == 0, out.stderr
    j.tokens["admin"] = admin = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).json()["token"]
    created = api.post(f"/api/v1/orgs/{j.org}/webhooks", {
        "url": f"http://127.0.0.1:{free_port()}/nobody-listens", "types": ["topic.created.v1", "topic.updated.v1"],
        "description": "Zaaksysteem (test)"}, token=admin)
    assert created.status_code == 201, created.text
    j.ids["failing_webhook"] = created.json()["id"]
