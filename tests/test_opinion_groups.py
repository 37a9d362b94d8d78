"""Opinion groups end to end: a few dozen citizens answer over the API in two camps that share one
consensus statement; the votes service recomputes in the background and the API shows both camps
and the consensus, never who is in which group."""
import html
import uuid

import pytest
import requests

from conftest import eventually
from journey import PASSWORD, register_and_login

CAMP_SIZE = 15


@pytest.fixture(scope="module")
def camps(api, cli):
    run = uuid.uuid4().hex[:6]
    org = f"meningen-{run}"
    assert cli("create-org", org, "Gemeente Meningen").returncode == 0
    email = f"ambtenaar-{run}@example.nl"
    made = cli("create-user", "--org", org, "--email", email, "--password", PASSWORD, "--role", "official")
    assert made.returncode == 0
    official = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).json()["token"]
    topic_id = api.post("/api/v1/topics", {"org": org, "title": "Het centrum", "summary": "Wat wilt u?"},
                        token=official).json()["id"]
    for phase in ("inform", "consult"):
        assert api.post(f"/api/v1/topics/{topic_id}/phase", {"phase": phase}, token=official).status_code == 200
    texts = {"cars_a": "Auto's horen in het centrum.", "parking_a": "Er moet een parkeergarage komen.",
             "bikes_b": "Het centrum moet autovrij.", "trees_b": "Meer bomen, minder parkeerplaatsen.",
             "clean": "De straten moeten schoner."}
    ids = {key: api.post(f"/api/v1/topics/{topic_id}/statements", {"text": text}, token=official).json()["id"]
           for key, text in texts.items()}
    accounts = []
    for camp in ("a", "b"):
        for n in range(CAMP_SIZE):
            account, token = register_and_login(api, f"Inwoner {camp}{n}", f"inwoner-{camp}{n}-{run}@example.nl")
            accounts.append(account["id"])
            for key, statement_id in ids.items():
                if key == "clean":
                    choice = "agree" if n % 5 else "pass"
                else:
                    choice = "agree" if key.endswith("_" + camp) else "disagree"
                answer = api.put(f"/api/v1/statements/{statement_id}/response", {"choice": choice}, token=token)
                assert answer.status_code == 200, answer.text
    return {"topic_id": topic_id, "ids": ids, "texts": texts, "accounts": accounts}


def computed(api, topic_id):
    """The stored result once it counts every answer: one computed while the last citizen was still
    answering counts all participants but not all their answers (the service recomputes at most
    every OPINION_INTERVAL_SECONDS; polled, never timed)."""
    def ready():
        answer = api.get(f"/api/v1/topics/{topic_id}/opinion-groups")
        assert answer.status_code == 200, answer.text
        result = answer.json()
        everyone = result["participants"] == 2 * CAMP_SIZE and result["answers"] == 2 * CAMP_SIZE * 5
        return result if everyone else None
    return eventually(ready, timeout=90, interval=0.5)


def test_both_camps_and_the_consensus_statement_are_found(api, camps):
    result = computed(api, camps["topic_id"])
    ids, texts = camps["ids"], camps["texts"]
    assert result["reason"] is None and result["computed_at"]
    assert sorted(g["size"] for g in result["groups"]) == [CAMP_SIZE, CAMP_SIZE]
    sides = set()
    for group in result["groups"]:
        agreed = {r["statement_id"] for r in group["representative"] if r["group_agree_share"] == 1.0
                  and r["agree_share"] == 0.0}
        assert agreed in ({ids["cars_a"], ids["parking_a"]}, {ids["bikes_b"], ids["trees_b"]})
        sides.add(frozenset(agreed))
        assert {r["text"] for r in group["representative"]} <= set(texts.values())
    assert len(sides) == 2
    assert [(c["statement_id"], c["text"], c["agree_share"]) for c in result["consensus"]] == [
        (ids["clean"], texts["clean"], 0.8)]


def test_the_topic_page_summarises_the_groups_in_a_table(platform, api, camps):
    computed(api, camps["topic_id"])
    page = requests.get(f"{platform.url}/onderwerpen/{camps['topic_id']}", timeout=30)
    text = html.unescape(page.text)
    assert page.status_code == 200 and "Groepen met een vergelijkbare mening" in text
    assert f"Groep 1: {CAMP_SIZE} deelnemers" in text and f"Groep 2: {CAMP_SIZE} deelnemers" in text
    assert "<caption" in text and "Eens in de groep" in text
    assert f"‘{camps['texts']['clean']}’: 80% van alle deelnemers is het eens." in text


def test_no_member_list_is_exposed(api, camps):
    result = computed(api, camps["topic_id"])
    body = api.get(f"/api/v1/topics/{camps['topic_id']}/opinion-groups").text
    assert not any(account_id in body for account_id in camps["accounts"])
    assert all(set(g) == {"id", "size", "representative"} for g in result["groups"])


def test_too_few_participants_give_no_groups_and_say_why(api, journey):
    def few():
        result = api.get(f"/api/v1/topics/{journey.ids['topic']}/opinion-groups").json()
        return result if result["reason"] == "too_few_participants" else None
    result = eventually(few, timeout=60, interval=0.5)
    assert result["groups"] == [] and result["consensus"] == []


def test_an_unknown_topic_is_not_found(api):
    assert api.get(f"/api/v1/topics/{'0' * 24}/opinion-groups").status_code == 404
