"""Two organisations, each with an official and content in every kind of resource, and a citizen:
what the fuzz run and the authorisation matrix act on (real ids, so requests reach the services)."""
import uuid
from dataclasses import dataclass, field

from journey import PASSWORD, register_and_login


@dataclass
class Org:
    slug: str
    official: str  # bearer token
    ids: dict = field(default_factory=dict)  # path parameter name -> an id of this organisation's


@dataclass
class World:
    citizen: str
    orgs: dict


def _ok(answer, status=200):
    assert answer.status_code == status, (answer.status_code, answer.text)
    return answer.json() if answer.content else None


def _org(api, cli, name, citizen):
    run = uuid.uuid4().hex[:6]
    slug = f"{name}-{run}"
    assert cli("create-org", slug, f"Gemeente {name.title()}", "--support-threshold", "1").returncode == 0
    email = f"ambtenaar-{slug}@example.nl"
    # an administrator: also allowed what only administrators may (webhooks), so every official
    # route has an account of the organisation that passes its permission check
    assert cli("create-user", "--org", slug, "--email", email, "--password", PASSWORD, "--role", "admin").returncode == 0
    official = _ok(api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}))["token"]
    org = Org(slug, official)
    topic = _ok(api.post("/api/v1/topics", {"org": slug, "title": "Een plein", "summary": "Hoe?"}, token=official), 201)
    tid = org.ids["topic_id"] = topic["id"]
    for phase in ("inform", "consult"):
        _ok(api.post(f"/api/v1/topics/{tid}/phase", {"phase": phase}, token=official))
    org.ids["statement_id"] = _ok(api.post(f"/api/v1/topics/{tid}/statements", {"text": "Meer bomen."},
                                           token=official), 201)["id"]
    org.ids["reaction_id"] = _ok(api.post(f"/api/v1/topics/{tid}/reactions", {"body": "Graag bankjes."},
                                          token=citizen), 201)["id"]
    # a reaction to moderate, reported once (the moderation routes act on it)
    org.ids["kind"] = "reaction"
    org.ids["item_id"] = _ok(api.post(f"/api/v1/topics/{tid}/reactions", {"body": "Koop nu!"}, token=citizen),
                             201)["id"]
    _ok(api.post("/api/v1/reports", {"kind": "reaction", "id": org.ids["item_id"], "reason": "spam"},
                 token=official), 201)
    _ok(api.post(f"/api/v1/topics/{tid}/phase", {"phase": "advise"}, token=official))
    org.ids["solution_id"] = _ok(api.post(f"/api/v1/topics/{tid}/solutions",
                                          {"title": "Een fontein", "body": "Water op het plein."},
                                          token=citizen), 201)["id"]
    proposal = _ok(api.post("/api/v1/agenda-proposals", {"org": slug, "title": "Een bibliotheek",
                                                         "motivation": "Er is er geen in de wijk."},
                            token=citizen), 201)
    org.ids["proposal_id"] = proposal["id"]
    _ok(api.post(f"/api/v1/agenda-proposals/{proposal['id']}/support", token=citizen))  # threshold 1: answerable
    org.ids["poll_id"] = _ok(api.post(f"/api/v1/topics/{tid}/polls", {
        "question": "Waar komt de fontein?", "kind": "single", "options": [{"label": "Noord"}, {"label": "Zuid"}],
        "opens_at": "2031-01-01T10:00:00+01:00", "closes_at": "2031-01-08T10:00:00+01:00", "binding": False,
        "secret": False, "electorate": "accounts"}, token=official), 201)["id"]
    org.ids["code"] = "A" * 26  # a receipt code nobody holds
    match = _ok(api.post("/api/v1/election-matches", {
        "org": slug, "title": "Stemhulp", "statements": ["Meer groen.", "Minder auto's."]}, token=official), 201)
    for party in ("Partij A", "Partij B"):
        _ok(api.post(f"/api/v1/election-matches/{match['id']}/parties", {"name": party, "positions": [
            {"statement_id": s["id"], "position": "agree", "explanation": "Daarom."} for s in match["statements"]]},
            token=official), 201)
    # published: others see it exist (and get 403, not 404, acting on it)
    _ok(api.post(f"/api/v1/election-matches/{match['id']}/publish", token=official))
    org.ids["match_id"] = match["id"]
    org.ids["webhook_id"] = _ok(api.post(f"/api/v1/orgs/{slug}/webhooks", {
        "url": "http://127.0.0.1:9/haak", "types": ["topic.published.v1"]}, token=official), 201)["id"]
    org.ids["slug"] = slug
    return org


def build_world(api, cli):
    citizen = register_and_login(api, "Wereldburger", f"wereld-{uuid.uuid4().hex[:6]}@example.nl")[1]
    return World(citizen, {name: _org(api, cli, name, citizen) for name in ("noord", "zuid")})
