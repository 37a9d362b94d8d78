"""`meedenken import --org SLUG FILE.yaml` (docs/import-format.md): the demo files load and read back
through the API, loading again changes nothing, a broken file is refused with its line and writes
nothing; ambassadors: an invitation's link works once and what the ambassador writes is marked."""
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from pymongo import MongoClient

from conftest import ROOT
from journey import PASSWORD, register_and_login
from test_web import Browser

DEMO = ROOT / "demo"
ZONNEDAL, VLIET = "gemeente-zonnedal", "waterschap-de-vliet"
DEMO_PASSWORD = "meedenken-demo"


@pytest.fixture(scope="module")
def cli(platform):
    """The `meedenken` CLI with time for a whole demo file (hundreds of RPCs) on a busy machine."""
    def run(*args):
        env = {**os.environ, "AMQP_URI": platform.amqp_uri, "MONGO_URI": platform.mongo_uri,
               "MONGO_DB": f"{platform.db_prefix}gateway"}
        return subprocess.run([str(Path(sys.executable).parent / "meedenken"), *args], env=env,
                              capture_output=True, text=True, timeout=900)
    return run


@pytest.fixture(scope="module")
def mongo(platform):
    client = MongoClient(platform.mongo_uri, tz_aware=True)
    yield client
    client.close()


@pytest.fixture(scope="module")
def gateway_db(platform, mongo):
    return mongo[f"{platform.db_prefix}gateway"]


# written by HTTP requests of other tests while a load runs, never by the importer
REQUEST_COUNTERS = {"rate_limits", "login_failures"}
# what timers write whatever the importer does (recomputed opinion groups publish; digests run)
BACKGROUND = {"outbox", "processed_events", "digest_runs"}


def snapshot(platform, mongo):
    """How many documents each collection of the platform's databases holds (what a load writes)."""
    counts = {}
    for name in mongo.list_database_names():
        if name.startswith(platform.db_prefix):
            db = mongo[name]
            for collection in set(db.list_collection_names()) - REQUEST_COUNTERS - BACKGROUND:
                counts[f"{name}.{collection}"] = db[collection].count_documents({})
    return counts


def login(api, email, password=DEMO_PASSWORD):
    answer = api.post("/api/v1/auth/login", {"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


@pytest.fixture(scope="module")
def demo(cli):
    """Both demo files, loaded the way `make run` does."""
    outputs = {}
    for slug in (ZONNEDAL, VLIET):
        started = time.monotonic()
        done = cli("import", "--org", slug, str(DEMO / f"{slug}.yaml"))
        assert done.returncode == 0, done.stderr
        print(f"{slug} loaded in {time.monotonic() - started:.0f} s")
        outputs[slug] = done.stdout
    return outputs


def all_topics(api, org, token):
    return api.get("/api/v1/topics", params={"org": org, "drafts": "true", "limit": 100}, token=token).json()["items"]


def test_the_demo_files_round_trip(api, demo):
    assert "7 topics" in demo[ZONNEDAL], demo[ZONNEDAL]
    eva = login(api, "eva.jansen@demo.meedenken.nl")
    topics = {t["title"]: t for t in all_topics(api, ZONNEDAL, eva)}
    assert len(topics) == 7
    public = api.get("/api/v1/topics", params={"org": ZONNEDAL, "limit": 100}).json()["items"]
    assert len(public) == 6  # the dog policy is still a draft
    assert topics["Hondenbeleid: losloopgebieden en opruimplicht herzien"]["phase"] == "draft"
    vliet = {t["title"]: t for t in all_topics(api, VLIET, login(api, "ingrid.visser@demo.meedenken.nl"))}
    assert len(vliet) == 3 and vliet["Dijkversterking Vlietdijk: traject Zonnedal–Hoeksveer"]["phase"] == "inform"

    afval = api.get(f"/api/v1/topics/{topics['Nieuwe afvalinzameling: vaker gft, minder vaak restafval?']['id']}").json()
    texts = [s["text"] for s in afval["statements"]]
    assert "Gft moet in de zomermaanden elke week worden opgehaald." in texts
    ambassador_statement = next(s for s in afval["statements"] if s["text"].startswith("Zet de gft-containers"))
    assert ambassador_statement["status"] == "published" and ambassador_statement["ambassador"] is True
    assert ambassador_statement["author_name"] == "Els van Dijk"

    markt = api.get(f"/api/v1/topics/{topics['Herinrichting van het Marktplein']['id']}").json()
    assert markt["phase"] == "decided" and markt["decision"]["summary"].startswith("De gemeenteraad heeft")
    assert {item["title"] for item in markt["decision"]["input"]} == {s["text"] for s in markt["statements"]}
    park = api.get(f"/api/v1/topics/{topics['Een nieuw park op het oude sportterrein Oosterveld']['id']}").json()
    solutions = {s["title"]: s for s in park["solutions"]}
    assert solutions["Een natuurspeeltuin met een beek"]["supports"] == 3
    assert solutions["Een natuurspeeltuin met een beek"]["ambassador"] is True
    assert solutions["Een ommetje met bankjes en verlichting"]["ambassador"] is False

    reactions = api.get(f"/api/v1/topics/{afval['id']}/reactions", params={"limit": 100}).json()["items"]
    assert len(reactions) == 5
    marks = {(r["author_name"], r["ambassador"]) for thread in reactions for r in [thread, *thread["replies"]]}
    assert ("Els van Dijk", True) in marks and ("Mohamed E.", False) in marks
    assert any(reply["official_answer"] for thread in reactions for reply in thread["replies"])

    proposals = {p["title"]: p for p in api.get("/api/v1/agenda-proposals", params={"org": ZONNEDAL}).json()["items"]}
    assert len(proposals) == 4
    toilets = proposals["Openbare toiletten in het centrum en bij de Zonnevijver"]
    assert toilets["supports"] == 6 and toilets["status"] == "threshold_reached" and toilets["ambassador"] is True
    fish = next(p for p in api.get("/api/v1/agenda-proposals", params={"org": VLIET}).json()["items"]
                if "vistrap" in p["title"].lower())
    assert fish["supports"] == 3 and fish["support_threshold"] == 4


def test_the_topic_page_shows_the_ambassador_badge(api, demo):
    topic = next(t for t in api.get("/api/v1/topics", params={"org": ZONNEDAL, "limit": 100}).json()["items"]
                 if t["title"].startswith("Nieuwe afvalinzameling"))
    page = api.get(f"/onderwerpen/{topic['id']}")
    assert page.status_code == 200
    assert re.search(r"Els van Dijk</strong> <span class=\"[^\"]*meedenken-ambassador[^\"]*\"[^>]*>Ambassadeur</span>",
                     page.text)


def test_loading_again_changes_nothing(platform, mongo, cli, demo):
    before = snapshot(platform, mongo)
    for slug in (ZONNEDAL, VLIET):
        again = cli("import", "--org", slug, str(DEMO / f"{slug}.yaml"))
        assert again.returncode == 0, again.stderr
        assert "loaded: nothing new" in again.stdout, again.stdout
    assert snapshot(platform, mongo) == before


def _write(tmp_path, text):
    path = tmp_path / "start.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _fresh_file(slug, topics, people_extra=""):
    return f"""version: 1
organisation:
  name: Gemeente {slug}
  support_threshold: 3
people:
  - email: ambtenaar@{slug}.example.nl
    name: Ambtenaar
    role: official
    password: {PASSWORD}
  - email: inwoner@{slug}.example.nl
    name: Inwoner
    password: {PASSWORD}
{people_extra}topics:
{topics}"""


GOOD_TOPIC = """  - title: Een plein
    author: ambtenaar@{slug}.example.nl
    summary: Hoe richten we het in?
    phases:
      - phase: consult
    statements:
      - key: bomen
        text: Meer bomen op het plein.
        responses:
          inwoner@{slug}.example.nl: agree
    decision:
      summary: Er komen bomen.
      input:
        - statement: {ref}
          what_was_done: Overgenomen.
"""

BROKEN = {
    "bad YAML syntax": ("  - title: Een plein\n\tauthor: ambtenaar@{slug}.example.nl\n", 15, "not valid YAML"),
    "unknown key": (GOOD_TOPIC.replace("    summary: Hoe", "    colour: rood\n    summary: Hoe"), 16, "colour: Unknown field"),
    "too long title": (GOOD_TOPIC.replace("Een plein", "x" * 161), 14, "topics.title: Length must be between 1 and 160."),
    "reference to a missing statement": (GOOD_TOPIC.replace("{ref}", "struiken"), 27,
                                         "no statement with key 'struiken' of this topic"),
    "person not among people": (GOOD_TOPIC.replace("inwoner@{slug}", "onbekend@{slug}"), 23,
                                "onbekend@"),
    "an alias (YAML bomb)": ("  - &t {{title: a, author: b, summary: c}}\n  - *t\n", 15, "aliases"),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_a_broken_file_changes_nothing_and_names_its_line(platform, mongo, cli, tmp_path, kind):
    topics, line, message = BROKEN[kind]
    slug = f"kapot-{uuid.uuid4().hex[:6]}"
    path = _write(tmp_path, _fresh_file(slug, topics.replace("{ref}", "bomen").format(slug=slug)))
    before = snapshot(platform, mongo)
    done = cli("import", "--org", slug, str(path))
    assert done.returncode != 0
    assert f"start.yaml:{line}:" in done.stderr and message in done.stderr, done.stderr
    assert "nothing was loaded" in done.stderr
    assert snapshot(platform, mongo) == before


def test_a_valid_fresh_file_loads_with_its_decision(api, cli, tmp_path):
    slug = f"heel-{uuid.uuid4().hex[:6]}"
    path = _write(tmp_path, _fresh_file(slug, GOOD_TOPIC.format(slug=slug, ref="bomen")))
    done = cli("import", "--org", slug, str(path))
    assert done.returncode == 0, done.stderr
    topic = api.get("/api/v1/topics", params={"org": slug}).json()["items"][0]
    page = api.get(f"/api/v1/topics/{topic['id']}").json()
    assert page["phase"] == "decided" and page["decision"]["input"][0]["title"] == "Meer bomen op het plein."
    assert page["statements"][0]["tally"]["agree"] == 1


def mailed_token(gateway_db, to):
    mails = list(gateway_db.mail_outbox.find({"to": to}).sort("created_at", -1).limit(1))
    assert mails, f"no mail to {to}"
    link = re.search(r"https?://\S+", mails[0]["body"]).group(0)
    assert urlparse(link).path == "/ambassadeur-worden"
    return parse_qs(urlparse(link).query)["token"][0]


@pytest.fixture(scope="module")
def org_with_topic(api, cli):
    slug = f"ambassade-{uuid.uuid4().hex[:6]}"
    assert cli("create-org", slug, "Gemeente Ambassade").returncode == 0
    email = f"ambtenaar@{slug}.example.nl"
    assert cli("create-user", "--org", slug, "--email", email, "--password", PASSWORD,
               "--role", "official").returncode == 0
    official = login(api, email, PASSWORD)
    topic = api.post("/api/v1/topics", {"org": slug, "title": "Het park", "summary": "Wat wilt u?"}, token=official)
    assert api.post(f"/api/v1/topics/{topic.json()['id']}/phase", {"phase": "consult"}, token=official).ok
    return slug, official, topic.json()["id"]


def test_an_invited_ambassador_accepts_once_and_is_marked(api, gateway_db, org_with_topic):
    slug, official, topic_id = org_with_topic
    email = f"ambassadeur-{uuid.uuid4().hex[:6]}@example.nl"
    invited = api.post(f"/api/v1/orgs/{slug}/ambassadors", {"email": email, "name": "Amira Bakker"}, token=official)
    assert invited.status_code == 201, invited.text
    assert invited.json()["status"] == "pending"
    token = mailed_token(gateway_db, email)
    # the account exists but cannot be used before its owner chooses a password
    assert api.post("/api/v1/ambassadors/accept", {"token": token}).status_code == 422
    accepted = api.post("/api/v1/ambassadors/accept", {"token": token, "password": "een lang wachtwoord"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"org": slug, "display_name": "Amira Bakker"}
    assert api.post("/api/v1/ambassadors/accept", {"token": token, "password": "nog een lang wachtwoord"}).status_code == 400
    ambassador = login(api, email, "een lang wachtwoord")
    assert api.get("/api/v1/me", token=ambassador).json()["roles"] == {slug: "ambassador"}

    reaction = api.post(f"/api/v1/topics/{topic_id}/reactions", {"body": "Ik help graag mee."}, token=ambassador)
    assert reaction.status_code == 201 and reaction.json()["ambassador"] is True
    citizen = register_and_login(api, "Gewone Inwoner", f"inwoner-{uuid.uuid4().hex[:6]}@example.nl")[1]
    plain = api.post(f"/api/v1/topics/{topic_id}/reactions", {"body": "Ik ook."}, token=citizen)
    assert plain.json()["ambassador"] is False
    proposal = api.post("/api/v1/agenda-proposals", {"org": slug, "title": "Een buurttuin",
                                                     "motivation": "Samen tuinieren verbindt."}, token=ambassador)
    assert proposal.json()["ambassador"] is True
    listed = api.get("/api/v1/agenda-proposals", params={"org": slug}).json()["items"]
    assert [p["ambassador"] for p in listed if p["title"] == "Een buurttuin"] == [True]
    invitations = api.get(f"/api/v1/orgs/{slug}/ambassadors", token=official).json()["items"]
    assert [(i["email"], i["status"]) for i in invitations if i["email"] == email] == [(email, "accepted")]
    # an ambassador is invited once; an official cannot be made one
    assert api.post(f"/api/v1/orgs/{slug}/ambassadors", {"email": email, "name": "Amira"}, token=official).status_code == 409


def test_inviting_again_replaces_the_link_and_an_existing_account_keeps_its_password(
        api, gateway_db, org_with_topic):
    slug, official, _ = org_with_topic
    email, token = f"bestaand-{uuid.uuid4().hex[:6]}@example.nl", None
    register_and_login(api, "Bestaande Inwoner", email)
    for _ in range(2):
        assert api.post(f"/api/v1/orgs/{slug}/ambassadors", {"email": email, "name": "Xander"}, token=official).ok
        token, previous = mailed_token(gateway_db, email), token
    assert api.post("/api/v1/ambassadors/accept", {"token": previous}).status_code == 400
    assert api.post("/api/v1/ambassadors/accept", {"token": token}).json()["display_name"] == "Bestaande Inwoner"
    assert api.get("/api/v1/me", token=login(api, email, PASSWORD)).json()["roles"] == {slug: "ambassador"}


def test_the_workspace_page_invites_and_the_link_page_accepts(platform, api, gateway_db, org_with_topic):
    slug, _, _ = org_with_topic
    browser = Browser(platform.url).login(f"ambtenaar@{slug}.example.nl")
    assert 'href="/beheer/%s/ambassadeurs"' % slug in browser.get(f"/beheer/{slug}").text
    refused = browser.post(f"/beheer/{slug}/ambassadeurs", {"email": "geen-adres", "naam": "Wim"},
                           csrf_from=f"/beheer/{slug}/ambassadeurs")
    assert refused.status_code == 422 and "Vul een geldig e-mailadres in." in refused.text
    email = f"web-ambassadeur-{uuid.uuid4().hex[:6]}@example.nl"
    sent = browser.post(f"/beheer/{slug}/ambassadeurs", {"email": email, "naam": "Wim de Wit"},
                        csrf_from=f"/beheer/{slug}/ambassadeurs")
    assert sent.status_code == 303, sent.text
    listed = browser.get(f"/beheer/{slug}/ambassadeurs").text
    assert "Wim de Wit" in listed and "De uitnodiging is verstuurd." in listed
    token = mailed_token(gateway_db, email)
    invited = Browser(platform.url)
    form = invited.get(f"/ambassadeur-worden?token={token}")
    assert form.status_code == 200 and "Gemeente Ambassade" in form.text and 'name="wachtwoord"' in form.text
    done = invited.post("/ambassadeur-worden", {"token": token, "wachtwoord": "een lang wachtwoord"},
                        csrf_from="/inloggen")
    assert done.status_code == 303 and done.headers["Location"] == "/inloggen", done.text
    again = invited.post("/ambassadeur-worden", {"token": token, "wachtwoord": "een lang wachtwoord"},
                         csrf_from="/inloggen")
    assert again.status_code == 422 and "ongeldig, verlopen of al gebruikt" in again.text
    Browser(platform.url).login(email, "een lang wachtwoord")
    # a citizen does not get the workspace page
    citizen = Browser(platform.url).login(email, "een lang wachtwoord")
    assert citizen.get(f"/beheer/{slug}/ambassadeurs").status_code == 403


def test_an_import_file_invites_ambassadors_without_a_password_once(platform, mongo, cli, gateway_db, tmp_path):
    slug = f"uitnodiging-{uuid.uuid4().hex[:6]}"
    email = f"nieuw@{slug}.example.nl"
    path = _write(tmp_path, _fresh_file(slug, "  []\n", people_extra=f"""  - email: {email}
    name: Nina Nieuw
    role: ambassador
"""))
    assert cli("import", "--org", slug, str(path)).returncode == 0
    assert gateway_db.mail_outbox.count_documents({"to": email}) == 1
    mailed_token(gateway_db, email)
    before = snapshot(platform, mongo)
    again = cli("import", "--org", slug, str(path))
    assert again.returncode == 0 and "nothing new" in again.stdout, again.stdout + again.stderr
    assert snapshot(platform, mongo) == before
