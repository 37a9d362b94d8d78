"""Citizens' data rights against the real processes (docs/privacy.md): the export holds what every
service keeps about me; erasing my account ends my tokens and login at once, every service erases
and confirms, and afterwards no database of the platform (outboxes included) holds my e-mail address
or name; my public reactions show "verwijderde deelnemer" (or are gone when I chose so), and poll
results and tallies are what they were."""
import io
import json
import re
import uuid
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
import requests
from pymongo import MongoClient

from conftest import eventually, platform_events
from journey import PASSWORD, inbox, register_and_login

SERVICES = ("gateway", "topics", "votes", "notifications")
ERASED = "verwijderde deelnemer"


def at(seconds):
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).isoformat(timespec="seconds")


class Town:
    """An organisation with an official, a topic, and citizens who took part in every way."""

    def __init__(self, api, cli):
        self.run = run = uuid.uuid4().hex[:6]
        self.api, self.org = api, f"gemeente-{run}"
        assert cli("create-org", self.org, "Gemeente Privacy", "--support-threshold", "5").returncode == 0
        email = f"ambtenaar-{run}@example.nl"
        assert cli("create-user", "--org", self.org, "--email", email, "--password", PASSWORD,
                   "--role", "official").returncode == 0
        self.official = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).json()["token"]
        self.people = {}
        for key in ("erin", "frank", "gert"):
            name, email = f"Privacy {key.title()} {run}", f"{key}-{run}@example.nl"
            account, token = register_and_login(api, name, email)
            self.people[key] = {"name": name, "email": email, "id": account["id"], "token": token}
        topic = api.post("/api/v1/topics", {"org": self.org, "title": "Een bankje op het plein",
                                            "summary": "Waar moet het staan?"}, token=self.official).json()
        self.topic = topic["id"]
        self.phase("advise")

    def phase(self, phase):
        assert self.api.post(f"/api/v1/topics/{self.topic}/phase", {"phase": phase},
                             token=self.official).status_code == 200

    def token(self, who):
        return self.people[who]["token"]

    def post(self, path, body=None, who=None, token=None, expect=(200, 201, 204)):
        answer = self.api.post(path, body, token=token or self.token(who))
        assert answer.status_code in expect, answer.text
        return answer.json() if answer.content else None


@pytest.fixture(scope="module")
def town(api, cli):
    """erin and frank each follow, write a statement (approved), answer it, react (gert replies,
    the official answers: a notification), propose and support solutions, support an agenda
    proposal and vote in an open and a secret poll."""
    t = Town(api, cli)
    topic = t.topic
    statements = {}
    for who in ("erin", "frank"):
        assert api.post(f"/api/v1/topics/{topic}/follow", token=t.token(who)).status_code == 204
        statement = t.post(f"/api/v1/topics/{topic}/statements", {"text": f"Stelling van {who}: meer groen."}, who)
        t.post(f"/api/v1/statements/{statement['id']}/moderation", {"decision": "approve"}, token=t.official)
        statements[who] = statement["id"]
    for who in ("erin", "frank", "gert"):
        for sid in statements.values():
            assert api.put(f"/api/v1/statements/{sid}/response", {"choice": "agree"},
                           token=t.token(who)).status_code == 200
    t.reactions = {who: t.post(f"/api/v1/topics/{topic}/reactions", {"body": f"Reactie van {who}"}, who)["id"]
                   for who in ("erin", "frank")}
    t.reply = t.post(f"/api/v1/topics/{topic}/reactions", {"body": "Mee eens, erin!",
                                                           "parent_id": t.reactions["erin"]}, "gert")["id"]
    t.post(f"/api/v1/topics/{topic}/reactions", {"body": "Dank voor uw reactie.", "parent_id": t.reactions["erin"]},
           token=t.official)
    t.solutions = {who: t.post(f"/api/v1/topics/{topic}/solutions", {"title": f"Oplossing {who}",
                                                                     "body": "Een bankje."}, who)["id"]
                   for who in ("erin", "frank")}
    for who in ("erin", "frank", "gert"):
        t.post(f"/api/v1/solutions/{t.solutions['erin']}/support", who=who)
    proposal = t.post("/api/v1/agenda-proposals", {"org": t.org, "title": "Een bankje bij de kerk",
                                                   "motivation": "Dan kan iedereen even zitten."}, "gert")
    t.proposal = proposal["id"]
    for who in ("erin", "frank"):
        t.post(f"/api/v1/agenda-proposals/{t.proposal}/support", who=who)
    t.phase("co_decide")
    t.polls = {}
    for secret in (False, True):
        poll = t.post(f"/api/v1/topics/{topic}/polls", {
            "question": "Welke kleur?", "kind": "single", "options": [{"label": "Groen"}, {"label": "Blauw"}],
            "opens_at": at(0), "closes_at": at(3600), "binding": False, "secret": secret,
            "electorate": "accounts"}, token=t.official)
        t.polls["secret" if secret else "open"] = poll
        for who in ("erin", "frank", "gert"):
            answer = api.put(f"/api/v1/polls/{poll['id']}/ballot", {"choices": [poll["options"][0]["id"]]},
                             token=t.token(who))
            assert answer.status_code == 200, answer.text
    t.statements = statements
    eventually(lambda: inbox(api, t.token("erin")))  # the official's answer to erin's reaction
    eventually(lambda: all(s["tally"]["agree"] == 3 for s in api.get(f"/api/v1/topics/{topic}",
                                                                      token=t.official).json()["statements"]))
    return t


def export_of(api, token):
    answer = api.get("/api/v1/me/export", token=token)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "application/zip"
    assert "attachment" in answer.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_the_export_holds_what_every_service_keeps_about_me(api, town):
    erin = town.people["erin"]

    def complete():
        files = export_of(api, erin["token"])
        parts = {name[:-5]: json.loads(text)["parts"] for name, text in files.items() if name.endswith(".json")}
        return (files, parts) if parts["votes"]["statement_answers"] and parts["notifications"]["notifications"] else None
    files, parts = eventually(complete)
    assert set(files) == {f"{service}.json" for service in SERVICES} | {"samenvatting.html"}
    assert parts["gateway"]["account"]["email"] == erin["email"]
    assert parts["gateway"]["two_factor"] == {"enabled": False}
    assert "password_hash" not in files["gateway.json"] and "totp" not in files["gateway.json"]
    assert [s["_id"] for s in parts["topics"]["statements"]] == [town.statements["erin"]]
    assert [r["_id"] for r in parts["topics"]["reactions"]] == [town.reactions["erin"]]
    assert [s["_id"] for s in parts["topics"]["solutions"]] == [town.solutions["erin"]]
    assert [s["solution_id"] for s in parts["topics"]["solution_supports"]] == [town.solutions["erin"]]
    assert {a["statement_id"] for a in parts["votes"]["statement_answers"]} == set(town.statements.values())
    assert [s["proposal_id"] for s in parts["votes"]["agenda_proposal_supports"]] == [town.proposal]
    assert [(b["poll_id"], b["options"]) for b in parts["votes"]["poll_ballots"]] == [
        (town.polls["open"]["id"], [town.polls["open"]["options"][0]["id"]])]
    # a secret ballot: only that I voted (the box holds no link to me)
    assert parts["votes"]["secret_polls_voted_in"] == [{"poll_id": town.polls["secret"]["id"]}]
    assert [f["topic_id"] for f in parts["notifications"]["follows"]] == [town.topic]
    assert parts["notifications"]["notifications"]
    summary = files["samenvatting.html"]
    assert erin["name"] in summary and "Uw antwoorden op stellingen" in summary


def test_the_export_needs_a_login(api):
    assert api.get("/api/v1/me/export").status_code == 401


def scan(platform, needles):
    """(database, collection, _id) of every document of every service database holding a needle."""
    client = MongoClient(platform.mongo_uri)
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    try:
        found = []
        for name in client.list_database_names():
            if name.startswith(platform.db_prefix):
                for collection in client[name].list_collection_names():
                    for doc in client[name][collection].find().batch_size(500):
                        if pattern.search(json.dumps(doc, default=str, ensure_ascii=False)):
                            found.append((name, collection, doc["_id"]))
        return found
    finally:
        client.close()


def thread_of(api, town, reaction_id, token=None):
    threads = api.get(f"/api/v1/topics/{town.topic}/reactions", token=token).json()["items"]
    return next((t for t in threads if t["id"] == reaction_id), None)


@pytest.fixture(scope="module")
def before_erasure(api, town):
    polls = {kind: api.get(f"/api/v1/polls/{poll['id']}/results", token=town.official)
             for kind, poll in town.polls.items()}
    topic = api.get(f"/api/v1/topics/{town.topic}", token=town.official).json()
    return {"open_results": polls["open"].json(), "statements": topic["statements"],
            "counts": {key: topic[key] for key in ("statement_count", "reaction_count", "solution_count")},
            "proposal_supports": api.get(f"/api/v1/agenda-proposals/{town.proposal}").json()["supports"]}


@pytest.fixture(scope="module")
def erased(api, town, platform, event_tap, before_erasure):
    """erin erases with her contributions kept anonymised; frank with them removed."""
    outcome = {}
    for who, option in (("erin", ""), ("frank", "?contributions=remove")):
        person = town.people[who]
        # on new connections, so that every gateway process caches the account (for 30 s)
        assert {me_fresh(api, person["token"]) for _ in range(8)} == {200}
        answer = api.delete(f"/api/v1/me{option}", token=person["token"])
        assert answer.status_code == 202, answer.text
        outcome[who] = answer.json()
    return outcome


def me_fresh(api, token):
    """GET /api/v1/me on a connection of its own (whichever gateway process takes it)."""
    return requests.get(f"{api.base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"},
                        timeout=30).status_code


def test_erasure_is_accepted_and_ends_tokens_and_login_at_once(api, town, erased):
    assert erased["erin"]["status"] == "erasure_requested" and erased["erin"]["contributions"] == "anonymise"
    assert erased["frank"]["contributions"] == "remove"
    assert set(erased["erin"]["services"]) == {"topics", "votes", "notifications"}
    assert datetime.fromisoformat(erased["erin"]["requested_at"].replace("Z", "+00:00")) <= datetime.now(timezone.utc)
    assert erased["erin"]["requested_at"].endswith("Z")
    for who in ("erin", "frank"):
        person = town.people[who]
        # every gateway process forgets its cached copy as the erasure is published, long before
        # the cache's 30 s are over
        eventually(lambda: {me_fresh(api, person["token"]) for _ in range(8)} == {401}, timeout=5)
        login = api.post("/api/v1/auth/login", {"email": person["email"], "password": PASSWORD})
        assert login.status_code == 401


def test_every_service_confirms_and_the_erasure_completes(town, erased, event_tap):
    for who in ("erin", "frank"):
        account_id = town.people[who]["id"]

        def events(kind):
            return [e for e in platform_events(event_tap) if e["routing_key"] == kind
                    and e["body"]["data"]["account_id"] == account_id]
        completed = eventually(lambda: events("account.erasure_completed.v1"), timeout=60)
        assert len(completed) == 1
        assert completed[0]["body"]["data"]["services"] == ["notifications", "topics", "votes"]
        requested = events("account.erasure_requested.v1")
        assert len(requested) == 1 and requested[0]["exchange"] == "gateway.events"
        assert {e["exchange"] for e in events("account.erasure_confirmed.v1")} == {
            "topics.events", "votes.events", "notifications.events"}


def test_afterwards_no_database_holds_the_e_mail_address_or_name(town, erased, platform, event_tap):
    needles = [town.people[who][field] for who in ("erin", "frank") for field in ("email", "name")]
    for who in ("erin", "frank"):
        eventually(lambda: [e for e in platform_events(event_tap) if e["routing_key"] == "account.erasure_completed.v1"
                            and e["body"]["data"]["account_id"] == town.people[who]["id"]], timeout=60)
    assert scan(platform, needles) == []
    # the check can fail: gert, who was not erased, is found
    assert scan(platform, [town.people["gert"]["email"]])


def test_kept_contributions_show_the_erased_author(api, town, erased, event_tap):
    eventually(lambda: (thread_of(api, town, town.reactions["erin"]) or {}).get("author_name") == ERASED)
    thread = thread_of(api, town, town.reactions["erin"])
    assert thread["body"] == "Reactie van erin" and thread["author_id"] is None
    assert [r["id"] for r in thread["replies"]][0] == town.reply  # gert's reply keeps its thread
    solutions = api.get(f"/api/v1/topics/{town.topic}/solutions").json()["items"]
    erins = next(s for s in solutions if s["id"] == town.solutions["erin"])
    assert erins["author_name"] == ERASED and erins["supports"] == 3


def test_removed_contributions_are_gone(api, town, erased, before_erasure):
    eventually(lambda: thread_of(api, town, town.reactions["frank"]) is None)
    topic = api.get(f"/api/v1/topics/{town.topic}", token=town.official).json()
    # frank's one statement, reaction and solution no longer count
    assert {key: topic[key] for key in before_erasure["counts"]} == {
        key: count - 1 for key, count in before_erasure["counts"].items()}
    solutions = api.get(f"/api/v1/topics/{town.topic}/solutions").json()["items"]
    assert town.solutions["frank"] not in [s["id"] for s in solutions]
    statements = api.get(f"/api/v1/topics/{town.topic}", token=town.official).json()["statements"]
    assert town.statements["frank"] not in [s["id"] for s in statements]
    assert town.statements["erin"] in [s["id"] for s in statements]


def test_results_and_tallies_are_unchanged(api, town, erased, before_erasure, event_tap):
    for who in ("erin", "frank"):
        eventually(lambda: [e for e in platform_events(event_tap) if e["routing_key"] == "account.erasure_completed.v1"
                            and e["body"]["data"]["account_id"] == town.people[who]["id"]], timeout=60)
    assert api.get(f"/api/v1/polls/{town.polls['open']['id']}/results",
                   token=town.official).json() == before_erasure["open_results"]
    poll = api.get(f"/api/v1/polls/{town.polls['secret']['id']}").json()
    assert poll["turnout"] == 3
    statements = {s["id"]: s for s in api.get(f"/api/v1/topics/{town.topic}", token=town.official).json()["statements"]}
    erins = next(s for s in before_erasure["statements"] if s["id"] == town.statements["erin"])
    assert statements[town.statements["erin"]]["tally"] == erins["tally"]
    assert api.get(f"/api/v1/agenda-proposals/{town.proposal}").json()["supports"] == before_erasure["proposal_supports"]


def test_the_profile_pages_download_my_data_and_erase_my_account_after_confirmation(platform, api):
    from test_web import Browser
    email = f"web-wis-{uuid.uuid4().hex[:6]}@example.nl"
    register_and_login(api, "Wieke Wis", email)
    browser = Browser(platform.url).login(email)
    profile = browser.get("/profiel").text
    assert 'href="/profiel/gegevens"' in profile and 'href="/profiel/verwijderen"' in profile
    download = browser.get("/profiel/gegevens")
    assert download.status_code == 200 and download.headers["Content-Type"] == "application/zip"
    assert email in zipfile.ZipFile(io.BytesIO(download.content)).read("gateway.json").decode()
    form = browser.get("/profiel/verwijderen")
    assert form.status_code == 200 and 'value="remove"' in form.text
    unconfirmed = browser.post("/profiel/verwijderen", {"bijdragen": "remove"}, csrf_from="/profiel")
    assert unconfirmed.status_code == 422 and "echt wilt verwijderen" in unconfirmed.text
    assert api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).status_code == 200
    done = browser.post("/profiel/verwijderen", {"bijdragen": "remove", "bevestigen": "ja"}, csrf_from="/profiel")
    assert done.status_code == 303 and done.headers["Location"] == "/"
    assert browser.get("/profiel", allow_redirects=False).status_code == 303  # logged out
    assert api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).status_code == 401


def test_inactive_accounts_without_role_or_residency_are_erased_by_the_retention_command(platform, api, cli, event_tap):
    client = MongoClient(platform.mongo_uri)
    accounts = client[f"{platform.db_prefix}gateway"].accounts
    try:
        old, recent = (register_and_login(api, f"Slaper {n}", f"slaper{n}-{uuid.uuid4().hex[:6]}@example.nl")[0]
                       for n in (1, 2))
        long_ago = datetime.now(timezone.utc) - timedelta(days=400)
        accounts.update_one({"_id": old["id"]}, {"$set": {"created_at": long_ago, "last_login_at": long_ago}})
        dry = cli("erase-inactive", "--dry-run")
        assert dry.returncode == 0 and "would be erased" in dry.stdout
        assert accounts.find_one({"_id": old["id"]})["email"] == old["email"]
        out = cli("erase-inactive", "--days", "365")
        assert out.returncode == 0, out.stderr
        eventually(lambda: [e for e in platform_events(event_tap) if e["routing_key"] == "account.erasure_completed.v1"
                            and e["body"]["data"]["account_id"] == old["id"]], timeout=60)
        assert accounts.find_one({"_id": old["id"]}) is None
        assert accounts.find_one({"_id": recent["id"]})["email"] == recent["email"]
    finally:
        client.close()


def test_with_a_service_down_the_export_fails_clearly_and_the_erasure_waits_for_it(platform, api, event_tap):
    _, token = register_and_login(api, "Stella Storing", f"storing-{uuid.uuid4().hex[:6]}@example.nl")
    account_id = api.get("/api/v1/me", token=token).json()["id"]
    platform.processes.stop("votes")
    try:
        export = api.get("/api/v1/me/export", token=token)
        assert export.status_code == 503, export.text
        assert export.headers["Content-Type"].startswith("application/problem+json") and "votes" in export.json()["detail"]
        assert api.delete("/api/v1/me", token=token).status_code == 202
        confirmed = eventually(lambda: {e["body"]["data"]["service"] for e in platform_events(event_tap)
                                        if e["routing_key"] == "account.erasure_confirmed.v1"
                                        and e["body"]["data"]["account_id"] == account_id} == {"topics", "notifications"})
        assert confirmed and not [e for e in platform_events(event_tap) if e["routing_key"] == "account.erasure_completed.v1"
                                  and e["body"]["data"]["account_id"] == account_id]
    finally:
        platform.start_service("votes")
        platform.wait_ready(60)
    eventually(lambda: [e for e in platform_events(event_tap) if e["routing_key"] == "account.erasure_completed.v1"
                        and e["body"]["data"]["account_id"] == account_id], timeout=60)
