"""Co-decide end to end against the real processes: polls of every kind with hand-counted results,
rules frozen once open, voting only while open, secret ballots (roll and box apart, receipts),
verified residents, closing on time by itself and followers told of it."""
import csv
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from pymongo import MongoClient

from conftest import clear_of_window_end, eventually, platform_events
from meedenken_gateway.residency import REDEEM_LIMIT
from journey import PASSWORD, inbox, register_and_login

CITIZENS = 12
OPEN_SECONDS = 12  # long enough to cast every ballot below on a busy 2-core machine


def at(seconds):
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).isoformat(timespec="seconds")


def options(*labels, costs=None):
    return [{"label": label, **({"cost": costs[label]} if costs else {})} for label in labels]


class Co:
    """An organisation with an official, citizens and a published topic."""

    def __init__(self, api, cli):
        run = uuid.uuid4().hex[:6]
        self.api, self.cli, self.org = api, cli, f"gemeente-{run}"
        assert cli("create-org", self.org, "Gemeente Meebeslis").returncode == 0
        email = f"ambtenaar-{run}@example.nl"
        out = cli("create-user", "--org", self.org, "--email", email, "--password", PASSWORD, "--role", "official")
        assert out.returncode == 0, out.stderr
        self.official = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).json()["token"]
        self.citizens, self.accounts = [], []
        for n in range(CITIZENS):
            account, token = register_and_login(api, f"Inwoner {n}", f"inwoner{n}-{run}@example.nl")
            self.accounts.append(account)
            self.citizens.append(token)
        topic = api.post("/api/v1/topics", {"org": self.org, "title": "Het nieuwe dorpsplein",
                                            "summary": "Beslis mee over het plein."}, token=self.official).json()
        self.topic = topic["id"]
        assert api.post(f"/api/v1/topics/{self.topic}/phase", {"phase": "co_decide"},
                        token=self.official).status_code == 200

    def poll(self, kind, labels, opens=0, closes=OPEN_SECONDS, expect=201, **rules):
        body = {"question": f"Welke keuze ({kind})?", "kind": kind, "options": labels, "opens_at": at(opens),
                "closes_at": at(closes), "binding": False, "secret": False, "electorate": "accounts", **rules}
        answer = self.api.post(f"/api/v1/topics/{self.topic}/polls", body, token=self.official)
        assert answer.status_code == expect, answer.text
        return answer.json()

    def vote(self, poll, citizen, expect=200, **ballot):
        answer = self.api.put(f"/api/v1/polls/{poll['id']}/ballot", ballot, token=self.citizens[citizen])
        assert answer.status_code == expect, answer.text
        return answer.json()


def ids(poll):
    return [option["id"] for option in poll["options"]]


def closed(api, poll):
    """The poll once the clock has closed it and its result is final (no request closes it)."""
    eventually(lambda: api.get(f"/api/v1/polls/{poll['id']}/results").json().get("final"), timeout=OPEN_SECONDS + 30)
    poll = api.get(f"/api/v1/polls/{poll['id']}").json()
    assert poll["status"] == "closed"
    return poll


def results(api, poll):
    answer = api.get(f"/api/v1/polls/{poll['id']}/results")
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def co(api, cli):
    return Co(api, cli)


@pytest.fixture(scope="module")
def run(co, api):
    """Every kind of poll, opened at once and closing by itself a few seconds later; ballots cast
    while they are open. Returns the polls (and what was learnt while they were open)."""
    assert api.post(f"/api/v1/topics/{co.topic}/follow", token=co.citizens[11]).status_code == 204
    polls = {
        "single": co.poll("single", options("Bomen", "Bankjes", "Fontein"), quorum=10),
        "multiple": co.poll("multiple", options("Bomen", "Bankjes", "Fontein"), max_choices=2, quorum=5),
        "ranked": co.poll("ranked", options("Noord", "Oost", "Zuid", "West")),
        "budget": co.poll("budget", options("Speeltuin", "Kiosk", "Bankjes", "Bloembakken",
                                            costs={"Speeltuin": 60, "Kiosk": 50, "Bankjes": 30, "Bloembakken": 10}),
                          budget=100),
        "secret": co.poll("single", options("Ja", "Nee", "Blanco"), secret=True),
    }
    seen = {}
    a, b, c = ids(polls["single"])
    for citizen, choice in enumerate([a] * 5 + [b] * 3 + [c, c]):
        co.vote(polls["single"], citizen, choices=[choice])
    co.vote(polls["single"], 9, choices=[b])  # changed: C 1, B 4
    seen["single_mine"] = api.get(f"/api/v1/polls/{polls['single']['id']}", token=co.citizens[9]).json()
    seen["single_so_far"] = results(api, polls["single"])

    a, b, c = ids(polls["multiple"])
    for citizen, choices in enumerate([[a, b], [b], [b, c], [a, c]]):
        co.vote(polls["multiple"], citizen, choices=choices)
    seen["too_many"] = co.api.put(f"/api/v1/polls/{polls['multiple']['id']}/ballot", {"choices": [a, b, c]},
                                  token=co.citizens[5])

    a, b, c, d = ids(polls["ranked"])
    for citizen, ranking in enumerate([[a, b]] * 4 + [[b, c]] * 3 + [[c, b]] * 2 + [[d, c]]):
        co.vote(polls["ranked"], citizen, ranking=ranking)

    a, b, c, d = ids(polls["budget"])
    for citizen, allocation in enumerate([[a, c, d], [a, c], [a], [a], [a], [b, c], [b, d], [b], [b]]):
        co.vote(polls["budget"], citizen, allocation=allocation)
    seen["over_budget"] = co.api.put(f"/api/v1/polls/{polls['budget']['id']}/ballot", {"allocation": [a, b]},
                                     token=co.citizens[10])
    seen["wrong_field"] = co.api.put(f"/api/v1/polls/{polls['budget']['id']}/ballot", {"choices": [a]},
                                     token=co.citizens[10])

    yes, no, blank = ids(polls["secret"])
    seen["receipts"] = [co.vote(polls["secret"], citizen, choices=[choice])["receipt"]
                        for citizen, choice in enumerate([yes] * 6 + [no] * 3 + [blank])]
    seen["second_secret"] = co.api.put(f"/api/v1/polls/{polls['secret']['id']}/ballot", {"choices": [no]},
                                       token=co.citizens[0])
    seen["secret_mine"] = api.get(f"/api/v1/polls/{polls['secret']['id']}", token=co.citizens[0]).json()
    seen["secret_so_far"] = api.get(f"/api/v1/polls/{polls['secret']['id']}/results")
    seen["receipt_open"] = api.get(f"/api/v1/polls/{polls['secret']['id']}/receipts/{seen['receipts'][0]}")
    seen["open_patch"] = api.patch(f"/api/v1/polls/{polls['single']['id']}", {"question": "Toch iets anders?"},
                                   token=co.official)
    seen["open_cancel"] = api.delete(f"/api/v1/polls/{polls['single']['id']}", token=co.official)
    seen["topic_page"] = api.get(f"/api/v1/topics/{co.topic}", token=co.citizens[9]).json()
    for name in polls:
        polls[name] = closed(api, polls[name])
    return polls, seen


def test_single_choice_poll_counts_the_last_ballot_of_each_citizen(co, run, api):
    polls, seen = run
    a, b, c = ids(polls["single"])
    assert seen["single_mine"]["participation"] == {"voted": True, "ballot": {"choices": [b]}}
    assert seen["single_so_far"]["final"] is False and seen["single_so_far"]["counts"] == {a: 5, b: 4, c: 1}
    result = results(api, polls["single"])
    assert result["final"] is True
    assert (result["turnout"], result["quorum_met"], result["counts"], result["winner"], result["funded"]) == \
        (10, True, {a: 5, b: 4, c: 1}, a, [])
    late = api.put(f"/api/v1/polls/{polls['single']['id']}/ballot", {"choices": [b]}, token=co.citizens[11])
    assert late.status_code == 409 and "closed" in late.json()["detail"]


def test_multiple_choice_poll_and_a_quorum_not_met(run, api):
    polls, seen = run
    a, b, c = ids(polls["multiple"])
    assert seen["too_many"].status_code == 422 and "choices" in seen["too_many"].json()["errors"]
    result = results(api, polls["multiple"])
    assert (result["turnout"], result["quorum"], result["quorum_met"]) == (4, 5, False)
    assert result["counts"] == {a: 2, b: 3, c: 2} and result["winner"] == b


def test_ranked_poll_needs_three_rounds(run, api):
    polls, _ = run
    a, b, c, d = ids(polls["ranked"])
    result = results(api, polls["ranked"])
    assert [r["counts"] for r in result["rounds"]] == [{a: 4, b: 3, c: 2, d: 1}, {a: 4, b: 3, c: 3}, {a: 4, b: 5}]
    assert [r["eliminated"] for r in result["rounds"]] == [d, c, None]
    assert result["winner"] == b and result["counts"] == {a: 4, b: 3, c: 2, d: 1}


def test_budget_poll_skips_an_option_that_does_not_fit(run, api):
    polls, seen = run
    a, b, c, d = ids(polls["budget"])
    assert seen["over_budget"].status_code == 422 and "allocation" in seen["over_budget"].json()["errors"]
    assert seen["wrong_field"].status_code == 422
    result = results(api, polls["budget"])
    assert result["counts"] == {a: 5, b: 4, c: 3, d: 2}
    assert result["funded"] == [a, c, d]  # 60 spent; the Kiosk (50, second most support) no longer fits


def test_rules_are_frozen_once_open(run):
    _, seen = run
    assert seen["open_patch"].status_code == 409 and "open" in seen["open_patch"].json()["detail"]
    assert seen["open_patch"].headers["Content-Type"] == "application/problem+json"
    assert seen["open_cancel"].status_code == 409


def test_a_scheduled_poll_can_change_or_be_cancelled_and_takes_no_ballots(co, api, event_tap):
    later = co.poll("single", options("Ja", "Nee"), opens=3600, closes=7200)
    assert later["status"] == "scheduled"
    early = api.put(f"/api/v1/polls/{later['id']}/ballot", {"choices": [ids(later)[0]]}, token=co.citizens[0])
    assert early.status_code == 409 and "not open yet" in early.json()["detail"]
    assert api.get(f"/api/v1/polls/{later['id']}/results").status_code == 409
    changed = api.patch(f"/api/v1/polls/{later['id']}", {"question": "Wilt u een fontein?",
                                                         "options": options("Ja", "Nee", "Weet niet")},
                        token=co.official)
    assert changed.status_code == 200 and len(changed.json()["options"]) == 3, changed.text
    assert api.patch(f"/api/v1/polls/{later['id']}", {"closes_at": at(60)},
                     token=co.official).status_code == 422  # closes before it opens
    assert api.patch(f"/api/v1/polls/{later['id']}", {"question": "Van mij?"},
                     token=co.citizens[0]).status_code == 403
    assert api.delete(f"/api/v1/polls/{later['id']}", token=co.official).status_code == 204
    assert api.get(f"/api/v1/polls/{later['id']}").json()["status"] == "cancelled"
    assert api.delete(f"/api/v1/polls/{later['id']}", token=co.official).status_code == 409
    eventually(lambda: [e for e in platform_events(event_tap) if e["routing_key"] == "poll.cancelled.v1"
                        and e["body"]["subject"] == later["id"]])
    assert later["id"] not in [p["id"] for p in api.get(f"/api/v1/topics/{co.topic}/polls").json()["items"]]


def test_invalid_polls_are_refused(co, api):
    co.poll("multiple", options("A", "B"), expect=422)  # no max_choices
    co.poll("budget", options("A", "B", costs={"A": 10, "B": 200}), budget=100, expect=422)
    co.poll("single", options("A", "B"), opens=-3600, expect=422)
    answer = api.post(f"/api/v1/topics/{co.topic}/polls", {
        "question": "Zonder tijdzone?", "kind": "single", "options": options("A", "B"),
        "opens_at": "2030-01-01T10:00:00", "closes_at": "2030-01-02T10:00:00", "binding": False,
        "secret": False, "electorate": "accounts"}, token=co.official)
    assert answer.status_code == 422 and "opens_at" in answer.json()["errors"]
    assert api.post(f"/api/v1/topics/{co.topic}/polls", {"question": "Mag ik?", "kind": "single",
                    "options": options("A", "B"), "opens_at": at(0), "closes_at": at(60), "binding": False,
                    "secret": False, "electorate": "accounts"}, token=co.citizens[0]).status_code == 403


def test_polls_are_on_the_topic_page(co, run):
    _, seen = run
    page = seen["topic_page"]
    assert page["missing"] == []
    mine = {p["question"]: p for p in page["polls"]}
    assert mine["Welke keuze (single)?"]["participation"]["voted"] is True
    assert mine["Welke keuze (budget)?"]["participation"] == {"voted": False, "ballot": None}
    secret = next(p for p in page["polls"] if p["secret"])
    assert secret["participation"] == {"voted": True, "ballot": None}


def test_secret_ballot(co, run, api, platform, event_tap):
    polls, seen = run
    poll = polls["secret"]
    yes, no, blank = ids(poll)
    assert seen["second_secret"].status_code == 409
    assert seen["secret_mine"]["participation"] == {"voted": True, "ballot": None}
    assert seen["secret_so_far"].status_code == 409
    assert seen["receipt_open"].json() == {"poll_id": poll["id"], "receipt": seen["receipts"][0], "in_box": True,
                                           "ballot": None}
    result = results(api, poll)
    assert result["counts"] == {yes: 6, no: 3, blank: 1} and result["winner"] == yes and result["turnout"] == 10
    after = api.get(f"/api/v1/polls/{poll['id']}/receipts/{seen['receipts'][9]}").json()
    assert after["ballot"] == {"choices": [blank]}
    assert api.get(f"/api/v1/polls/{poll['id']}/receipts/{'A' * 26}").status_code == 404

    votes_db = MongoClient(platform.mongo_uri)[f"{platform.db_prefix}votes"]
    box = list(votes_db.poll_box.find({"poll_id": poll["id"]}))
    roll = list(votes_db.poll_voters.find({"poll_id": poll["id"]}))
    assert len(box) == len(roll) == 10
    account_ids = {account["id"] for account in co.accounts}
    assert {voter["account_id"] for voter in roll} == {account["id"] for account in co.accounts[:10]}
    for ballot in box:
        assert set(ballot) == {"_id", "poll_id", "options"}  # no account, no time, no counter
        assert not account_ids & {str(value) for value in ballot.values()}
        assert len(ballot["_id"]) == 64 and ballot["_id"] not in seen["receipts"]
    assert votes_db.poll_ballots.count_documents({"poll_id": poll["id"]}) == 0

    cast = [e["body"] for e in platform_events(event_tap)
            if e["routing_key"] == "ballot.cast.v1" and e["body"]["subject"] == poll["id"]]
    assert sorted(e["data"]["turnout"] for e in cast) == list(range(1, 11))
    for event in cast:
        assert set(event["data"]) == {"poll_id", "topic_id", "org", "turnout"}
        assert not account_ids & set(map(str, event["data"].values()))

    for log in platform.processes.log_dir.glob("*.log"):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            assert not any(receipt in line for receipt in seen["receipts"]), (log.name, line)
            assert poll["id"] not in line or not any(account in line for account in account_ids), (log.name, line)


def test_polls_close_on_time_once_and_followers_hear_of_it(co, run, platform, event_tap, api):
    polls, _ = run
    for poll in polls.values():
        opened = [e for e in platform_events(event_tap)
                  if e["routing_key"] == "poll.opened.v1" and e["body"]["subject"] == poll["id"]]
        assert len(opened) == 1

    def closed_events():  # each poll closes at its own tick: wait for all of them
        found = [e for e in platform_events(event_tap)
                 if e["routing_key"] == "poll.closed.v1" and e["body"]["subject"] in {p["id"] for p in polls.values()}]
        return found if len(found) >= len(polls) else None
    closes = eventually(closed_events)
    assert sorted(e["body"]["subject"] for e in closes) == sorted(p["id"] for p in polls.values())
    single = next(e["body"]["data"] for e in closes if e["body"]["subject"] == polls["single"]["id"])
    assert single["result"]["winner"] == ids(polls["single"])[0] and single["result"]["turnout"] == 10
    follower = co.citizens[11]

    def told():
        kinds = [(n["type"], n["subject_id"]) for n in inbox(api, follower)]
        return kinds if all(("poll.closed", p["id"]) in kinds for p in polls.values()) else None
    kinds = eventually(told, timeout=30)
    assert ("poll.opened", polls["single"]["id"]) in kinds
    titles = [n["title"] for n in inbox(api, follower) if n["type"] == "poll.closed"]
    assert all(title.startswith("Uitslag van de stemming bij ‘Het nieuwe dorpsplein’") for title in titles)


def test_residents_poll_and_residency_codes(co, api, cli, platform, tmp_path):
    poll = co.poll("single", options("Ja", "Nee"), electorate="residents")
    unverified = api.put(f"/api/v1/polls/{poll['id']}/ballot", {"choices": [ids(poll)[0]]}, token=co.citizens[10])
    assert unverified.status_code == 403, unverified.text

    out = tmp_path / "codes.csv"
    issued = cli("issue-codes", "--org", co.org, "--count", "3", "--out", str(out), "--valid-days", "30")
    assert issued.returncode == 0, issued.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    codes = [row["code"] for row in rows]
    assert len(set(codes)) == 3 and all(row["org"] == co.org for row in rows)
    gateway_db = MongoClient(platform.mongo_uri)[f"{platform.db_prefix}gateway"]
    stored = list(gateway_db.residency_codes.find({"org": co.org}))
    assert len(stored) == 3 and not {c.replace("-", "") for c in codes} & {str(v) for d in stored for v in d.values()}

    def redeem(citizen, code, org=co.org):
        return api.post("/api/v1/me/residency", {"org": org, "code": code}, token=co.citizens[citizen])

    def residencies(citizen):
        return api.get("/api/v1/me", token=co.citizens[citizen]).json()["residencies"]

    assert redeem(10, "ABCD-EFGH-JKMN").status_code == 422  # unknown
    verified = redeem(10, codes[0].lower().replace("-", " "))
    assert verified.status_code == 200 and verified.json()["org"] == co.org, verified.text
    assert [r["org"] for r in residencies(10)] == [co.org]
    assert co.vote(poll, 10, choices=[ids(poll)[0]])

    clear_of_window_end(REDEEM_LIMIT.window_seconds)  # account 11's attempts from here on are counted
    used = redeem(11, codes[0])
    assert used.status_code == 422 and "used" in used.json()["detail"]
    gateway_db.residency_codes.update_many({"org": co.org, "used_by": None},
                                           {"$set": {"expires_at": datetime.now(timezone.utc) - timedelta(days=1)}})
    expired = redeem(11, codes[1])
    assert expired.status_code == 422 and "expired" in expired.json()["detail"]
    assert redeem(11, codes[2], org="elders").status_code == 422  # a code of another organisation
    assert residencies(11) == []
    assert gateway_db.residency_codes.count_documents({"org": co.org, "used_by": None}) == 2  # nothing changed

    limited = [redeem(11, f"AAAA-BBBB-{n:04d}").status_code for n in range(3)]
    assert limited[:2] == [422, 422] and limited[2] == 429  # 5 attempts per quarter of an hour
    too_many = redeem(11, codes[1])
    assert too_many.status_code == 429 and int(too_many.headers["Retry-After"]) > 0


def test_two_votes_instances_open_and_close_each_poll_once(co, platform, event_tap, api):
    log = platform.processes.log_dir / "votes-2.log"
    platform.processes.start("votes-2", platform.service_command("votes"),
                             env={**platform.env("votes"), "POLL_CLOCK_SECONDS": "0.1", "METRICS_PORT": "0"})
    try:
        eventually(lambda: log.exists() and "Connected to" in log.read_text(encoding="utf-8"), timeout=30)
        made = [co.poll("single", options("Ja", "Nee"), opens=1, closes=3) for _ in range(5)]
        for poll in made:
            closed(api, poll)
        for kind in ("poll.opened.v1", "poll.closed.v1"):
            told = eventually(lambda kind=kind: (lambda found: found if len(found) >= len(made) else None)(
                [e["body"]["subject"] for e in platform_events(event_tap) if e["routing_key"] == kind
                 and e["body"]["subject"] in {p["id"] for p in made}]))
            assert sorted(told) == sorted(p["id"] for p in made), kind
    finally:
        platform.processes.stop("votes-2")
