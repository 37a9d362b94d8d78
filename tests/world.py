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
    assert cli("create-user", "--org", slug, "--email", email, "--password", PASSWORD, "--role", "official").returncode == 0
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
    _ok(api.post(f"/api/v1/topics/{tid}/phase", {"phase": "advise"}, token=official))
    org.ids["solution_id"] = _ok(api.post(f"/api/v1/topics/{tid}/solutions",
                                          {"title": "Een fontein", "body": "Water op het plein."},
                                          token=citizen), 201)["id"]
    proposal = _ok(api.post("/api/v1/agenda-proposals", {"org": slug, "title": "Een bibliotheek",
                                                         "motivation": "Er is er geen in de wijk."},
                            token=citizen), 201)
    org.ids["proposal_id"] = proposal["id"]
    _ok(api.post(f"/api/v1/agenda-proposals/{proposal['id']}/support", token=citizen))  # threshold 1: answerable
    org.ids["slug"] = slug
    return org


def build_world(api, cli):
    citizen = register_and_login(api, "Wereldburger", f"wereld-{uuid.uuid4().hex[:6]}@example.nl")[1]
    return World(citizen, {name: _org(api, cli, name, citizen) for name in ("noord", "zuid")})
